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

/** The "original" of a key that did not exist in the loaded version (see `StateStore`). */
export const ABSENT: unique symbol = Symbol('absent');

/**
 * The state of one version that a provider keeps hot.
 *
 * While a `StateStore` is open on it, `map` holds that store's uncommitted changes too: they are
 * made in place, with the previous value of each touched key kept in `pending` (the store's undo
 * log), so that `get` is one lookup and a commit has nothing left to apply to the map. `order`
 * and the counters always describe the committed version.
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
  /** The open store's undo log: key → value in the committed version, or ABSENT. */
  pending: Map<string, unknown> | null = null;

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
    if (this.pending !== null) undo(map, this.pending);
    return new LoadedState(this.version, map, this.order.clone(), this.keyChars, this.valueBytes);
  }

  /** Estimated heap bytes of `size` entries of this state (keys, values, map and order overhead). */
  memoryBytes(size: number, keyChars: number = this.keyChars): number {
    return Math.round(size * (ENTRY_OVERHEAD_BYTES + this.valueBytes) + keyChars);
  }
}

/** Restores `map` to the values recorded in `originals` (ABSENT → deleted). */
export function undo(map: Map<string, unknown>, originals: ReadonlyMap<string, unknown>): void {
  for (const [k, v] of originals) {
    if (v === ABSENT) map.delete(k);
    else map.set(k, v);
  }
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
  if (v instanceof Uint8Array) return 64 + v.byteLength;
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

/** What a store hands its provider to commit: its changes, already applied to `base.map`. @internal */
export interface StoreChanges {
  /** Keys absent from the loaded version that were touched, sorted in key order. */
  readonly added: readonly string[];
  /** True when some key of `added` needs the code-point fix-up. */
  readonly addedFixup: boolean;
  /** Keys of the loaded version that were touched (put or removed), in first-touch order. */
  readonly touchedBase: string[];
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
  /** Undo log: each key touched in this version → its value in the loaded version, or ABSENT. */
  readonly #touched = new Map<string, unknown>();
  /** Touched keys ABSENT from the loaded version, first-touch order; the first #addedSorted are sorted. */
  #added: string[] = [];
  #addedSorted = 0;
  #addedFixup = false;
  /** Touched keys of the loaded version, first-touch order. */
  readonly #touchedBase: string[] = [];
  readonly #freeze: boolean;
  #state: 'open' | 'committed' | 'aborted' = 'open';
  #metrics: StateStoreMetrics | null = null;

  /** @internal Use `StateStoreProvider.load`. */
  constructor(host: StateStoreHost, base: LoadedState) {
    this.#host = host;
    this.#base = base;
    this.#map = base.map;
    this.#freeze = host.freezeValues;
    this.version = base.version;
    base.pending = this.#touched;
  }

  get size(): number {
    return this.#map.size;
  }

  /** True once `commit()` has succeeded. */
  get hasCommitted(): boolean {
    return this.#state === 'committed';
  }

  get(key: string): unknown {
    return this.#map.get(key);
  }

  put(key: string, value: unknown): void {
    if (this.#state !== 'open') this.#assertOpen();
    if (typeof key !== 'string') throw CoreErrors.INVALID_ARGUMENT({ option: 'key', reason: 'must be a string' });
    if (value === undefined) throw CoreErrors.INVALID_ARGUMENT({ option: 'value', reason: 'must not be undefined (use remove)' });
    if (!this.#touched.has(key)) this.#touch(key, this.#map.get(key));
    this.#map.set(key, this.#freeze ? deepFreeze(value) : value);
  }

  remove(key: string): void {
    if (this.#state !== 'open') this.#assertOpen();
    const old = this.#map.get(key);
    if (old === undefined) return;
    if (!this.#touched.has(key)) this.#touch(key, old);
    this.#map.delete(key);
  }

  #touch(key: string, old: unknown): void {
    if (old === undefined) {
      this.#touched.set(key, ABSENT);
      this.#added.push(key);
    } else {
      this.#touched.set(key, old);
      this.#touchedBase.push(key);
    }
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
    let j = 0;
    let next = addedCount > 0 ? (added[0] as string) : null;
    for (let c = 0; c < chunks.length; c++) {
      const chunk = chunks[c] as readonly string[];
      for (let i = 0; i < chunk.length; i++) {
        const k = chunk[i] as string;
        while (next !== null && cmp(next, k) < 0) {
          const v = map.get(next);
          if (v !== undefined) yield [next, v];
          next = ++j < addedCount ? (added[j] as string) : null;
        }
        const v = map.get(k);
        if (v !== undefined) yield [k, v];
      }
    }
    while (next !== null) {
      const v = map.get(next);
      if (v !== undefined) yield [next, v];
      next = ++j < addedCount ? (added[j] as string) : null;
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
      const added = this.#sortedAdded();
      this.#metrics = await this.#host.commitVersion(this, this.#base, {
        added,
        addedFixup: this.#addedFixup,
        touchedBase: this.#touchedBase,
      });
      this.#state = 'committed';
      return this.version + 1;
    } catch (err) {
      this.#state = 'aborted';
      // Not yet durable (the provider clears `pending` once the delta is written): roll back.
      if (this.#base.pending === this.#touched) this.#rollback();
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
    undo(this.#map, this.#touched);
    this.#touched.clear();
    if (this.#base.pending === this.#touched) this.#base.pending = null;
  }

  /** Metrics of the committed version, or of the changes so far while open. */
  metrics(): StateStoreMetrics {
    if (this.#metrics !== null) return this.#metrics;
    let updated = 0;
    let removed = 0;
    let keyChars = this.#base.keyChars;
    for (const [k, original] of this.#touched) {
      const present = this.#map.has(k);
      if (present) updated++;
      else if (original !== ABSENT) removed++;
      if (present && original === ABSENT) keyChars += k.length;
      else if (!present && original !== ABSENT) keyChars -= k.length;
    }
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
