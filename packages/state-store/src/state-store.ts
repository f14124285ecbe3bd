import { CoreErrors, type StateStoreView } from '@weir/core';
import { compareKeys, sortKeys } from './key-order.js';
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

/** Per-entry overhead estimate of a Map entry (hash slot, key string header). */
export const ENTRY_OVERHEAD_BYTES = 64;

export const REMOVED: unique symbol = Symbol('removed');

/**
 * The state of one version that a provider keeps hot: key → value, decoded once.
 * @internal
 */
export class LoadedState {
  version: number;
  readonly map: Map<string, unknown>;
  /** Key-ordered keys, built on the first `entries()` and maintained by commits after that. */
  sortedKeys: string[] | null;
  bytes: number;
  /** True while an open StateStore works on this instance (commits mutate it in place). */
  leased = false;

  constructor(version: number, map: Map<string, unknown>, sortedKeys: string[] | null = null) {
    this.version = version;
    this.map = map;
    this.sortedKeys = sortedKeys;
    let bytes = 0;
    for (const [k, v] of map) bytes += entryBytes(k, v);
    this.bytes = bytes;
  }

  clone(): LoadedState {
    return new LoadedState(this.version, new Map(this.map), this.sortedKeys === null ? null : this.sortedKeys.slice());
  }

  keysInOrder(): string[] {
    if (this.sortedKeys === null) this.sortedKeys = sortKeys([...this.map.keys()]);
    return this.sortedKeys;
  }
}

/** Estimated heap bytes of one entry (V8 layout, roughly): key + value + map overhead. */
export function entryBytes(key: string, value: unknown): number {
  return 16 + key.length * 2 + estimateValueBytes(value, 0) + ENTRY_OVERHEAD_BYTES;
}

function estimateValueBytes(v: unknown, depth: number): number {
  switch (typeof v) {
    case 'number':
      return Number.isInteger(v) && Math.abs(v) < 2 ** 30 ? 0 : 16; // small ints are tagged, doubles boxed
    case 'string':
      return 16 + v.length * 2;
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
    for (const x of v) n += 8 + estimateValueBytes(x, depth + 1);
  } else if (v instanceof Map) {
    for (const [k, x] of v) n += 32 + estimateValueBytes(k, depth + 1) + estimateValueBytes(x, depth + 1);
  } else {
    for (const k in v) n += 8 + estimateValueBytes((v as Record<string, unknown>)[k], depth + 1);
  }
  return n;
}

/** The hooks a StateStore needs from its provider (kept narrow so the store is testable alone). @internal */
export interface StateStoreHost {
  readonly storeDirectory: string;
  readonly freezeValues: boolean;
  commitVersion(store: StateStore, base: LoadedState, changes: ReadonlyMap<string, unknown>): Promise<StateStoreMetrics>;
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
  readonly #changes = new Map<string, unknown>();
  #size: number;
  #state: 'open' | 'committed' | 'aborted' = 'open';
  #metrics: StateStoreMetrics | null = null;

  /** @internal Use `StateStoreProvider.load`. */
  constructor(host: StateStoreHost, base: LoadedState) {
    this.#host = host;
    this.#base = base;
    this.version = base.version;
    this.#size = base.map.size;
  }

  get size(): number {
    return this.#size;
  }

  /** True once `commit()` has succeeded. */
  get hasCommitted(): boolean {
    return this.#state === 'committed';
  }

  get(key: string): unknown {
    const changed = this.#changes.get(key);
    if (changed !== undefined) return changed === REMOVED ? undefined : changed;
    return this.#base.map.get(key);
  }

  put(key: string, value: unknown): void {
    this.#assertOpen();
    if (typeof key !== 'string') throw CoreErrors.INVALID_ARGUMENT({ option: 'key', reason: 'must be a string' });
    if (value === undefined) throw CoreErrors.INVALID_ARGUMENT({ option: 'value', reason: 'must not be undefined (use remove)' });
    if (!this.#present(key)) this.#size++;
    this.#changes.set(key, this.#host.freezeValues ? deepFreeze(value) : value);
  }

  remove(key: string): void {
    this.#assertOpen();
    if (this.#present(key)) this.#size--;
    if (this.#base.map.has(key)) this.#changes.set(key, REMOVED);
    else this.#changes.delete(key);
  }

  /** Every entry after this version's changes, in key (UTF-8 byte) order. */
  *entries(): IterableIterator<readonly [string, unknown]> {
    const baseKeys = this.#base.keysInOrder();
    const changed = sortKeys([...this.#changes.keys()]);
    let i = 0;
    let j = 0;
    while (i < baseKeys.length || j < changed.length) {
      const b = baseKeys[i];
      const c = changed[j];
      const cmp = b === undefined ? 1 : c === undefined ? -1 : compareKeys(b, c);
      if (cmp < 0) {
        i++;
        yield [b as string, this.#base.map.get(b as string)];
      } else {
        j++;
        if (cmp === 0) i++;
        const v = this.#changes.get(c as string);
        if (v !== REMOVED) yield [c as string, v];
      }
    }
  }

  /**
   * Writes `<version + 1>.delta` (and every `minDeltasForSnapshot` versions a snapshot) and
   * returns the new version. After it the provider holds the new version hot, so loading
   * `version + 1` next batch reads no files.
   */
  async commit(): Promise<number> {
    this.#assertOpen();
    try {
      this.#metrics = await this.#host.commitVersion(this, this.#base, this.#changes);
      this.#state = 'committed';
      return this.version + 1;
    } catch (err) {
      this.#state = 'aborted';
      this.#host.release(this.#base);
      throw err;
    }
  }

  /** Discards this version's changes; the loaded version stays as it was. Idempotent, and a no-op after commit. */
  abort(): void {
    if (this.#state !== 'open') return;
    this.#state = 'aborted';
    this.#changes.clear();
    this.#host.release(this.#base);
  }

  /** Metrics of the committed version, or of the changes so far while open. */
  metrics(): StateStoreMetrics {
    if (this.#metrics !== null) return this.#metrics;
    let updated = 0;
    let removed = 0;
    let pending = 0;
    for (const [k, v] of this.#changes) {
      if (v === REMOVED) removed++;
      else {
        updated++;
        pending += entryBytes(k, v);
      }
    }
    return {
      numRowsTotal: this.#size,
      numRowsUpdated: updated,
      numRowsRemoved: removed,
      memoryUsedBytes: this.#base.bytes + pending,
      commitTimeMs: 0,
    };
  }

  #present(key: string): boolean {
    const changed = this.#changes.get(key);
    if (changed !== undefined) return changed !== REMOVED;
    return this.#base.map.has(key);
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
