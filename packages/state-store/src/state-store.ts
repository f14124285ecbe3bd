import { CoreErrors, type StateStoreView } from '@weir/core';
import { comparatorFor, needsFixup, sortKeys } from './key-order.js';
import type { SortedKeyChunks } from './sorted-key-chunks.js';
import { StateStoreErrors } from './errors.js';

/** What one committed (or in-flight) version reports; Spark's `StateStoreMetrics` names. */
export interface StateStoreMetrics {
  /** Keys in the store at this version (after this version's changes). */
  readonly numRowsTotal: number;
  /** Distinct keys `put` in this version. */
  readonly numRowsUpdated: number;
  /** Distinct keys that existed and were `remove`d in this version. */
  readonly numRowsRemoved: number;
  /** Estimated heap bytes held for this store (keys, encoded values, map overhead). */
  readonly memoryUsedBytes: number;
  /** Time spent in `commit()` (engine clock, ms); 0 before commit. */
  readonly commitTimeMs: number;
}

/**
 * Estimated heap bytes per entry besides the key's characters and the value: the Map entry
 * (key, value and chain words, its share of the hash buckets, and the slack of a table that
 * evictions leave holes in), the key string's header and the entry's slot in the ordered key
 * chunks. Calibrated with `bench/batch-cycle.bench.ts` (heap after GC per key of a hot store).
 */
export const ENTRY_OVERHEAD_BYTES = 96;

/** How many values a commit (or a load) estimates to extrapolate the store's value bytes. */
const VALUE_SAMPLES = 32;

/**
 * The state of one version that a provider keeps hot.
 *
 * While a `StateStore` is open on it, `map` holds that store's uncommitted changes too: they are
 * made in place, with an undo log in `pending`, so that `get` is one lookup and a commit has
 * nothing left to apply to the map. `order` and the counters always describe the committed version.
 * @internal
 */
export class LoadedState {
  version: number;
  readonly map: Map<string, unknown>;
  /** The committed keys in key order (maintained by commits, shared by clones). */
  order: SortedKeyChunks;
  /** Sum of the committed keys' lengths (UTF-16 units), for the memory estimate. */
  keyChars: number;
  /** Estimated bytes of one value, averaged over samples (see {@link estimateValueBytes}). */
  valueBytes: number;
  /** True while an open StateStore works on this instance. */
  leased = false;
  /** The open store's undo log (restores the committed version in a map), or null. */
  pending: UndoLog | null = null;

  constructor(version: number, map: Map<string, unknown>, order: SortedKeyChunks, keyChars?: number, valueBytes?: number) {
    this.version = version;
    this.map = map;
    this.order = order;
    if (keyChars === undefined) {
      keyChars = 0;
      for (const k of map.keys()) keyChars += k.length;
    }
    this.keyChars = keyChars;
    this.valueBytes = valueBytes ?? sampleValueBytes(map.values(), map.size);
  }

  /** A copy of the committed version (without the open store's changes). */
  clone(): LoadedState {
    const map = new Map(this.map);
    if (this.pending !== null) this.pending.undo(map);
    return new LoadedState(this.version, map, this.order.clone(), this.keyChars, this.valueBytes);
  }

  /** Estimated heap bytes of `size` entries of this state (keys, values, map and order overhead). */
  memoryBytes(size: number, keyChars: number = this.keyChars): number {
    return Math.round(size * (ENTRY_OVERHEAD_BYTES + this.valueBytes) + keyChars);
  }
}

/** What an open store's changes can be undone with, on the hot map or on a copy of it. @internal */
export interface UndoLog {
  undo(map: Map<string, unknown>): void;
}

/**
 * The average {@link estimateValueBytes} of up to VALUE_SAMPLES values spread over `values`
 * (`count` of them): the memory metric extrapolates from a sample instead of walking every value
 * of every commit.
 */
export function sampleValueBytes(values: Iterable<unknown>, count: number): number {
  if (count === 0) return 0;
  const every = Math.max(1, Math.floor(count / VALUE_SAMPLES));
  let n = 0;
  let sum = 0;
  let i = 0;
  for (const v of values) {
    if (i++ % every !== 0) continue;
    sum += estimateValueBytes(v, 0);
    if (++n === VALUE_SAMPLES) break;
  }
  return sum / n;
}

/** Estimated heap bytes of a value (V8 layout, roughly). */
export function estimateValueBytes(v: unknown, depth: number): number {
  switch (typeof v) {
    case 'number':
      return Number.isInteger(v) && Math.abs(v) < 2 ** 30 ? 0 : 16; // small ints are tagged, doubles boxed
    case 'string':
      return 16 + v.length;
    case 'boolean':
    case 'undefined':
      return 0;
    case 'bigint':
      return 24;
    default:
      break;
  }
  if (v === null || typeof v !== 'object') return 0;
  if (depth > 8) return 64;
  // Any typed array (e.g. a window block's Float64Array states): its bytes, not a walk over its indexes.
  if (ArrayBuffer.isView(v)) return 64 + v.byteLength;
  let n = 32;
  if (Array.isArray(v)) {
    n += 16;
    for (const x of v) n += 8 + estimateValueBytes(x, depth + 1);
  } else if (v instanceof Map) {
    for (const [k, x] of v) n += 32 + estimateValueBytes(k, depth + 1) + estimateValueBytes(x, depth + 1);
  } else {
    for (const k in v) n += 8 + estimateValueBytes((v as Record<string, unknown>)[k], depth + 1);
  }
  return n;
}

/**
 * What a store hands its provider to commit: the keys it touched, its changes being already in
 * `base.map`. The lists are sorted and may hold a key more than once (adjacent); a key in
 * `added` and in another list is in the loaded version iff `base.order.has(key)` (see
 * {@link classifyChanges}). @internal
 */
export interface StoreChanges {
  /** Keys that were absent when put (new keys, or loaded keys put again after a remove), sorted. */
  readonly added: readonly string[];
  /** Keys that were present when put (loaded keys, or new keys put again), sorted. */
  readonly updated: readonly string[];
  /** Keys that were present when removed, sorted. */
  readonly removed: readonly string[];
  /** True when some key of `added` needs the code-point fix-up (comparisons then use compareKeys). */
  readonly addedFixup: boolean;
}

/** A version's net changes, key-ordered: the delta's puts (parallel keys/values), its removes, and which puts are new keys. */
export interface ClassifiedChanges {
  readonly keys: string[];
  readonly values: unknown[];
  readonly removes: string[];
  readonly newKeys: string[];
  readonly newKeyChars: number;
  readonly removedKeyChars: number;
}

/**
 * One ordered merge of the three touched-key lists against the current map. A key in `removed`
 * but not in `added` was loaded and is gone (no lookup: the eviction case); only in `added` is new to the
 * version; only in `updated` was loaded; in `added` and another list is decided by the loaded
 * version's key order (rare: a key removed and put again, or a new key touched twice). Its
 * current value (or absence) gives the net change.
 */
export function classifyChanges(changes: StoreChanges, map: ReadonlyMap<string, unknown>, order: SortedKeyChunks): ClassifiedChanges {
  const { added, updated, removed } = changes;
  const cmp = comparatorFor(order.fixup || changes.addedFixup);
  const keys: string[] = [];
  const values: unknown[] = [];
  const removes: string[] = [];
  const newKeys: string[] = [];
  let newKeyChars = 0;
  let removedKeyChars = 0;
  let i = 0;
  let u = 0;
  let r = 0;
  for (;;) {
    const a = added[i];
    const b = updated[u];
    const c = removed[r];
    let key: string | undefined = a;
    if (b !== undefined && (key === undefined || cmp(b, key) < 0)) key = b;
    if (c !== undefined && (key === undefined || cmp(c, key) < 0)) key = c;
    if (key === undefined) break;
    const inA = a === key;
    const inU = b === key;
    const inR = c === key;
    if (inA) while (++i < added.length && added[i] === key);
    if (inU) while (++u < updated.length && updated[u] === key);
    if (inR) while (++r < removed.length && removed[r] === key);
    // Never put while absent, so every op found it present, and a remove was the last (after it
    // the key was absent): loaded and gone, no lookup needed.
    if (inR && !inA) {
      removes.push(key);
      removedKeyChars += key.length;
      continue;
    }
    const loaded = inA ? (inU || inR) && order.has(key) : true;
    const v = map.get(key);
    if (v === undefined) {
      if (loaded) {
        removes.push(key);
        removedKeyChars += key.length;
      }
    } else {
      keys.push(key);
      values.push(v);
      if (!loaded) {
        newKeys.push(key);
        newKeyChars += key.length;
      }
    }
  }
  return { keys, values, removes, newKeys, newKeyChars, removedKeyChars };
}

/** The hooks a StateStore needs from its provider (kept narrow so the store is testable alone). @internal */
export interface StateStoreHost {
  readonly storeDirectory: string;
  readonly freezeValues: boolean;
  commitVersion(store: StateStore, base: LoadedState, changes: StoreChanges): Promise<StateStoreMetrics>;
  release(base: LoadedState): void;
}

/**
 * A mutable view of one (operator, partition) store at `version`, Spark's `StateStore`: the
 * operator reads and writes it during one batch, then `commit()` makes version `version + 1`
 * durable, or `abort()` discards the changes. One instance per version; it is finished after
 * either call.
 *
 * Values are owned by the store once `put`, and `get`/`entries` return the stored value itself
 * (no copy, for speed): callers MUST NOT mutate a value they put or got; put a new object
 * instead. (A mutation in place would change the version held hot without a delta recording
 * it.) Set the provider option `freezeValues` in tests to make such mutations throw.
 *
 * Cost model: `get` is one `Map` lookup; `put` of a new key one lookup (none right after a `get`
 * of the same key, the read-modify-write pattern), one `Map.set` and one array push; `put`/`remove` of a present key also records the old value (two pushes). Every such
 * op is recorded, not every key, so an operator SHOULD combine its updates and put each key once
 * per batch (the planner's operators do) rather than once per input row.
 *
 * ```ts
 * const store = await provider.load(batchId);
 * store.put('station-1', { count: 1 });
 * await store.commit(); // writes <batchId + 1>.delta
 * ```
 */
export class StateStore implements StateStoreView {
  readonly version: number;
  readonly #host: StateStoreHost;
  readonly #base: LoadedState;
  readonly #map: Map<string, unknown>;
  /*
   * What this version touched, kept in plain arrays (no per-key Map: a second hash insert per
   * changed key was a large share of a batch's cost):
   * - #added: keys that were absent when put, in op order; the first #addedSorted are sorted.
   * - #present / #presentOld: keys that were present when put or removed, with the value they
   *   had then, in op order (the undo log); #updated / #removed: the same keys split by op, so a
   *   commit knows an evicted key is gone without looking it up.
   * Undo (abort, failed commit, a copy for a second store) replays #present backwards, which
   * leaves each key at its earliest recorded value, then deletes every #added key the loaded
   * version did not have.
   */
  #added: string[] = [];
  #addedSorted = 0;
  #addedFixup = false;
  readonly #present: string[] = [];
  readonly #presentOld: unknown[] = [];
  readonly #updated: string[] = [];
  readonly #removed: string[] = [];
  readonly #undoLog: UndoLog;
  readonly #freeze: boolean;
  /*
   * The last `get`: operators read a key and then put it (read-modify-write), so `put` reuses the
   * value `get` just found instead of a second lookup. Any change through this store resets it.
   */
  #lastKey: string | undefined = undefined;
  #lastValue: unknown = undefined;
  #state: 'open' | 'committed' | 'aborted' = 'open';
  #metrics: StateStoreMetrics | null = null;

  /** @internal Use `StateStoreProvider.load`. */
  constructor(host: StateStoreHost, base: LoadedState) {
    this.#host = host;
    this.#base = base;
    this.#map = base.map;
    this.#freeze = host.freezeValues;
    this.version = base.version;
    this.#undoLog = { undo: (map) => this.#undo(map) };
    base.pending = this.#undoLog;
  }

  get size(): number {
    return this.#map.size;
  }

  /** True once `commit()` has succeeded. */
  get hasCommitted(): boolean {
    return this.#state === 'committed';
  }

  get(key: string): unknown {
    const v = this.#map.get(key);
    this.#lastKey = key;
    this.#lastValue = v;
    return v;
  }

  put(key: string, value: unknown): void {
    if (this.#state !== 'open') this.#assertOpen();
    if (typeof key !== 'string') throw CoreErrors.INVALID_ARGUMENT({ option: 'key', reason: 'must be a string' });
    if (value === undefined) throw CoreErrors.INVALID_ARGUMENT({ option: 'value', reason: 'must not be undefined (use remove)' });
    const map = this.#map;
    const old = key === this.#lastKey ? this.#lastValue : map.get(key);
    this.#lastKey = undefined;
    if (old === undefined) this.#added.push(key);
    else {
      this.#present.push(key);
      this.#presentOld.push(old);
      this.#updated.push(key);
    }
    map.set(key, this.#freeze ? deepFreeze(value) : value);
  }

  remove(key: string): void {
    if (this.#state !== 'open') this.#assertOpen();
    const map = this.#map;
    const old = map.get(key);
    this.#lastKey = undefined;
    if (old === undefined) return;
    this.#present.push(key);
    this.#presentOld.push(old);
    this.#removed.push(key);
    map.delete(key);
  }

  #undo(map: Map<string, unknown>): void {
    const present = this.#present;
    const old = this.#presentOld;
    for (let i = present.length - 1; i >= 0; i--) map.set(present[i] as string, old[i]);
    const order = this.#base.order;
    for (const k of this.#added) if (!order.has(k)) map.delete(k);
  }

  /**
   * Every entry after this version's changes, in key (UTF-8 byte) order, produced lazily: the
   * committed keys are walked in their chunks and merged with this version's new keys (sorted
   * once, and then only the ones added since), so breaking out early costs only what was read.
   *
   * During an iteration the operator MAY remove or put keys it has already been given (e.g. evict
   * each closed key as it goes); keys changed ahead of the iteration point are seen as they are
   * when reached, and keys added after the iteration started are not yielded.
   */
  *entries(): IterableIterator<readonly [string, unknown]> {
    const added = this.#sortedAdded();
    const addedCount = added.length;
    const cmp = comparatorFor(this.#base.order.fixup || this.#addedFixup);
    const map = this.#map;
    const chunks = this.#base.order.chunks;
    // `added` may repeat a key (adjacent once sorted) and may hold a key of the loaded version
    // (removed, then put again): both are yielded once, from their first place.
    let j = 0;
    let next = addedCount > 0 ? (added[0] as string) : null;
    for (let c = 0; c < chunks.length; c++) {
      const chunk = chunks[c] as readonly string[];
      for (let i = 0; i < chunk.length; i++) {
        const k = chunk[i] as string;
        let d: number;
        while (next !== null && (d = cmp(next, k)) <= 0) {
          const key = next;
          if (d < 0) {
            const v = map.get(key);
            if (v !== undefined) yield [key, v];
          }
          while (++j < addedCount && added[j] === key);
          next = j < addedCount ? (added[j] as string) : null;
        }
        const v = map.get(k);
        if (v !== undefined) yield [k, v];
      }
    }
    while (next !== null) {
      const key = next;
      const v = map.get(key);
      if (v !== undefined) yield [key, v];
      while (++j < addedCount && added[j] === key);
      next = j < addedCount ? (added[j] as string) : null;
    }
  }

  /**
   * The keys added in this version, sorted. Sorts only the keys added since the last call and
   * merges them in (into a new array, so an iteration holding the old one is undisturbed).
   */
  #sortedAdded(): readonly string[] {
    const added = this.#added;
    const sorted = this.#addedSorted;
    if (sorted === added.length) return added;
    if (sorted === 0) {
      // No iteration has seen this array yet (it held no sorted key): sort it in place.
      this.#addedFixup = needsFixup(added);
      sortKeys(added, this.#addedFixup);
    } else {
      const tail = added.slice(sorted);
      const tailFixup = needsFixup(tail);
      sortKeys(tail, tailFixup);
      this.#addedFixup ||= tailFixup;
      this.#added = mergeSorted(added, sorted, tail, comparatorFor(this.#base.order.fixup || this.#addedFixup));
    }
    this.#addedSorted = this.#added.length;
    return this.#added;
  }

  /**
   * Writes `<version + 1>.delta` (and every `minDeltasForSnapshot` versions a snapshot) and
   * returns the new version. After it the provider holds the new version hot, so loading
   * `version + 1` next batch reads no files.
   */
  async commit(): Promise<number> {
    this.#assertOpen();
    try {
      this.#metrics = await this.#host.commitVersion(this, this.#base, this.#changes());
      this.#state = 'committed';
      return this.version + 1;
    } catch (err) {
      this.#state = 'aborted';
      // Not yet durable (the provider clears `pending` once the delta is written): roll back.
      if (this.#base.pending === this.#undoLog) this.#rollback();
      this.#host.release(this.#base);
      throw err;
    }
  }

  /** Discards this version's changes; the loaded version stays as it was. Idempotent, and a no-op after commit. */
  abort(): void {
    if (this.#state !== 'open') return;
    this.#state = 'aborted';
    this.#rollback();
    this.#host.release(this.#base);
  }

  #rollback(): void {
    this.#lastKey = undefined;
    this.#undo(this.#map);
    if (this.#base.pending === this.#undoLog) this.#base.pending = null;
  }

  /** The touched-key lists, sorted (an eviction pass removes in key order: one TimSort scan). */
  #changes(): StoreChanges {
    const added = this.#sortedAdded();
    const addedFixup = this.#addedFixup;
    const fixup = this.#base.order.fixup || addedFixup;
    return { added, updated: sortKeys(this.#updated, fixup), removed: sortKeys(this.#removed, fixup), addedFixup };
  }

  /** Metrics of the committed version, or of the changes so far while open. */
  metrics(): StateStoreMetrics {
    if (this.#metrics !== null) return this.#metrics;
    const c = classifyChanges(this.#changes(), this.#map, this.#base.order);
    const updated = c.keys.length;
    const removed = c.removes.length;
    const keyChars = this.#base.keyChars + c.newKeyChars - c.removedKeyChars;
    return {
      numRowsTotal: this.#map.size,
      numRowsUpdated: updated,
      numRowsRemoved: removed,
      memoryUsedBytes: this.#base.memoryBytes(this.#map.size, keyChars),
      commitTimeMs: 0,
    };
  }

  #assertOpen(): void {
    if (this.#state !== 'open') {
      throw StateStoreErrors.STATE_STORE_ALREADY_CLOSED({
        version: this.version,
        storeDir: this.#host.storeDirectory,
        state: this.#state,
      });
    }
  }
}

/** `a[0..aCount)` and `b` (each sorted by `cmp`, disjoint) merged into a new array. */
export function mergeSorted(a: readonly string[], aCount: number, b: readonly string[], cmp: (x: string, y: string) => number): string[] {
  const out: string[] = new Array(aCount + b.length);
  let i = 0;
  let j = 0;
  let o = 0;
  while (i < aCount && j < b.length) out[o++] = cmp(a[i] as string, b[j] as string) <= 0 ? (a[i++] as string) : (b[j++] as string);
  while (i < aCount) out[o++] = a[i++] as string;
  while (j < b.length) out[o++] = b[j++] as string;
  return out;
}

/** Freezes a plain value deeply (objects, arrays, Map entries' values), so a later mutation throws. */
export function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value) || ArrayBuffer.isView(value)) return value;
  if (value instanceof Map) {
    for (const v of value.values()) deepFreeze(v);
  } else {
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return Object.freeze(value);
}
