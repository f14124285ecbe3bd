import { CoreErrors, WeirError, type Engine } from '@weir/core';
import { StateStoreErrors } from './errors.js';
import { needsFixup, sortKeys } from './key-order.js';
import { SortedKeyChunks } from './sorted-key-chunks.js';
import { decodeStateFileParts, withEncodedStateFile } from './state-file.js';
import { baseName, parseStateFileName, stateFilePath, storeDirectory, type StateFileKind } from './state-paths.js';
import {
  LoadedState,
  StateStore,
  classifyChanges,
  deepFreeze,
  sampleValueBytes,
  type StateStoreHost,
  type StateStoreMetrics,
  type StoreChanges,
} from './state-store.js';

/** The parts of the Engine a state store uses: bytes through `storage`, encoding through `codec`, time through `clock`. */
export type StateStoreEngine = Pick<Engine, 'storage' | 'codec' | 'clock'>;

export interface StateStoreProviderOptions {
  /** The query's checkpoint location; files go under `<checkpointLocation>/state/<operatorId>/<partition>/`. */
  readonly checkpointLocation: string;
  /** The stateful operator's id within the query plan. */
  readonly operatorId: number;
  /** The state partition (`weir.sql.shuffle.partitions` buckets of the key hash). */
  readonly partition: number;
  /**
   * Write `<version>.snapshot` when a commit reaches a multiple of this (Spark's
   * `spark.sql.streaming.stateStore.minDeltasForSnapshot`). Defaults to `10`. Partitions are
   * staggered: partition `p` snapshots the versions `v` with `(v + p) % minDeltasForSnapshot === 0`,
   * so the partitions of one batch do not all pay for a snapshot at once.
   */
  readonly minDeltasForSnapshot?: number;
  /**
   * Versions `doMaintenance()` keeps loadable (Spark's `spark.sql.streaming.minBatchesToRetain`).
   * Defaults to `100`.
   */
  readonly minBatchesToRetain?: number;
  /**
   * Deep-freeze every value put (and every value loaded from files), so an operator that
   * mutates a state value in place fails loudly instead of silently diverging the hot version
   * from the files. Costs a walk per value: for tests and debugging. Defaults to `false`.
   */
  readonly freezeValues?: boolean;
}

export const DEFAULT_STATE_STORE_PROVIDER_OPTIONS: Required<Omit<StateStoreProviderOptions, 'checkpointLocation' | 'operatorId' | 'partition'>> =
  Object.freeze({ minDeltasForSnapshot: 10, minBatchesToRetain: 100, freezeValues: false });

interface ResolvedOptions extends Required<StateStoreProviderOptions> {}

/** One file of a store directory, as the listing saw it. */
export interface StateFileInfo {
  readonly version: number;
  readonly kind: StateFileKind;
  readonly path: string;
  readonly size: number;
}

/**
 * The versioned key-value store of one (checkpoint, operator, partition): Spark's
 * `HDFSBackedStateStoreProvider` over weir's Engine.
 *
 * ```
 * state/<operatorId>/<partition>/
 *   1.delta  2.delta … 10.delta  10.snapshot  11.delta …
 * ```
 * - `load(v)` returns a {@link StateStore} at version `v`: from the version held hot in memory
 *   when it is `v` (the common case: the previous batch committed `v`), otherwise rebuilt from
 *   the newest readable snapshot ≤ v plus the deltas after it. Version 0 is the empty store.
 * - `commit()` writes `<v+1>.delta` with `put(ifAbsent)`. A re-run of a batch after a crash or
 *   a task retry commits the same version again: identical bytes are accepted as already
 *   committed; different bytes (only possible when the operator is nondeterministic) replace
 *   the file, as Spark does, after first deleting a snapshot of that version so no reader can
 *   combine the two runs. The state then matches the run whose output the sink keeps when the
 *   sink had not committed; with the Delta sink's txn check the first run's output is kept
 *   otherwise, which deterministic operators make identical.
 * - Every `minDeltasForSnapshot` versions the commit also writes `<v+1>.snapshot` (at versions
 *   where `(v+1 + partition) % minDeltasForSnapshot === 0`: partitions take turns), after the
 *   delta (which alone makes the version durable; a failed snapshot write still fails the commit,
 *   and the re-run writes it).
 * - `doMaintenance()` deletes files no retained version needs.
 *
 * Not safe for concurrent `load`+`commit` of the same version from two threads; the executor's
 * task affinity keeps one partition on one worker.
 */
export class StateStoreProvider implements StateStoreHost {
  readonly #engine: StateStoreEngine;
  readonly #options: ResolvedOptions;
  readonly storeDirectory: string;
  #hot: LoadedState | null = null;

  constructor(engine: StateStoreEngine, options: StateStoreProviderOptions) {
    for (const name of ['operatorId', 'partition'] as const) {
      if (!Number.isSafeInteger(options[name]) || options[name] < 0) {
        throw CoreErrors.INVALID_ARGUMENT({ option: `options.${name}`, reason: 'must be a non-negative integer' });
      }
    }
    const merged = Object.freeze({ ...DEFAULT_STATE_STORE_PROVIDER_OPTIONS, ...dropUndefined(options) }) as ResolvedOptions;
    for (const name of ['minDeltasForSnapshot', 'minBatchesToRetain'] as const) {
      if (!Number.isSafeInteger(merged[name]) || merged[name] < 1) {
        throw CoreErrors.INVALID_ARGUMENT({ option: `options.${name}`, reason: 'must be a positive integer' });
      }
    }
    this.#engine = engine;
    this.#options = merged;
    this.storeDirectory = storeDirectory(merged.checkpointLocation, merged.operatorId, merged.partition);
  }

  /** @internal StateStoreHost */
  get freezeValues(): boolean {
    return this.#options.freezeValues;
  }

  get options(): Readonly<Required<StateStoreProviderOptions>> {
    return this.#options;
  }

  /** The version held in memory, or null. */
  get hotVersion(): number | null {
    return this.#hot?.version ?? null;
  }

  /**
   * A store at `version`, to read and update during one batch.
   * @throws CANNOT_READ_DELTA_FILE_NOT_EXISTS when a file the version needs is missing;
   *   STATE_STORE_CORRUPT when one is torn, truncated or fails its checksum.
   */
  async load(version: number): Promise<StateStore> {
    if (!Number.isSafeInteger(version) || version < 0) {
      throw CoreErrors.INVALID_ARGUMENT({ option: 'version', reason: 'must be a non-negative integer' });
    }
    const hot = this.#hot;
    let base: LoadedState;
    if (hot !== null && hot.version === version) {
      // Another store is still open on the hot copy (e.g. a retried task): give this one its own.
      base = hot.leased ? hot.clone() : hot;
    } else {
      base = await this.#loadFromFiles(version);
      this.#hot = base;
    }
    base.leased = true;
    return new StateStore(this, base);
  }

  /** The newest version with a delta or snapshot file (0 when the store has none). */
  async latestVersion(): Promise<number> {
    let latest = 0;
    for (const f of await this.listFiles()) latest = Math.max(latest, f.version);
    return latest;
  }

  /** The state files of this store, ordered by version then kind (delta before snapshot). */
  async listFiles(): Promise<StateFileInfo[]> {
    const out: StateFileInfo[] = [];
    for await (const f of this.#engine.storage.list(this.storeDirectory)) {
      const parsed = parseStateFileName(baseName(f.path));
      if (parsed !== null) out.push({ ...parsed, path: f.path, size: f.size });
    }
    return out.sort((a, b) => a.version - b.version || (a.kind === b.kind ? 0 : a.kind === 'delta' ? -1 : 1));
  }

  /**
   * Deletes the files no version in the newest `minBatchesToRetain` needs: everything older
   * than the newest snapshot at or below the oldest retained version (Spark's
   * `cleanup` in `doMaintenance`). Returns the paths deleted.
   */
  async doMaintenance(minBatchesToRetain: number = this.#options.minBatchesToRetain): Promise<string[]> {
    if (!Number.isSafeInteger(minBatchesToRetain) || minBatchesToRetain < 1) {
      throw CoreErrors.INVALID_ARGUMENT({ option: 'minBatchesToRetain', reason: 'must be a positive integer' });
    }
    const files = await this.listFiles();
    if (files.length === 0) return [];
    const latest = files[files.length - 1]!.version;
    const earliestRetained = latest - minBatchesToRetain + 1;
    if (earliestRetained <= 0) return [];
    let base = -1;
    for (const f of files) if (f.kind === 'snapshot' && f.version <= earliestRetained) base = Math.max(base, f.version);
    if (base < 0) return [];
    const doomed = files.filter((f) => f.version < base || (f.version === base && f.kind === 'delta'));
    for (const f of doomed) await this.#engine.storage.delete(f.path);
    return doomed.map((f) => f.path);
  }

  /** Drops the hot version (the files stay). */
  close(): void {
    this.#hot = null;
  }

  /** @internal StateStoreHost */
  release(base: LoadedState): void {
    base.leased = false;
  }

  /**
   * @internal StateStoreHost: writes the delta (+ snapshot), then advances `base` in place.
   * The store's changes are already in `base.map`; one ordered pass over the touched keys
   * ({@link classifyChanges}) builds the delta's parallel key/value arrays, its removes and the
   * new keys, then the key order is updated from those (O(changes + chunks), never a re-sort of
   * the store).
   */
  async commitVersion(store: StateStore, base: LoadedState, changes: StoreChanges): Promise<StateStoreMetrics> {
    const { codec, clock } = this.#engine;
    const started = clock.now();
    const newVersion = store.version + 1;
    const map = base.map;
    const { keys, values, removes, newKeys, newKeyChars, removedKeyChars } = classifyChanges(changes, map, base.order);
    const deltaPath = stateFilePath(this.storeDirectory, newVersion, 'delta');
    const snapshotPath = stateFilePath(this.storeDirectory, newVersion, 'snapshot');
    await withEncodedStateFile(codec, { kind: 'delta', version: newVersion, keys, values, removes }, (bytes) => this.#putOnce(deltaPath, bytes, snapshotPath));

    // Durable: advance the committed view (the map already holds the new values).
    base.pending = null;
    base.order.apply(removes, newKeys, changes.addedFixup);
    base.keyChars += newKeyChars - removedKeyChars;
    if (keys.length > 0) {
      // Blend a sample of this version's values into the per-value estimate, weighted by its share.
      const w = Math.min(1, keys.length / Math.max(1, map.size));
      base.valueBytes = base.valueBytes * (1 - w) + sampleValueBytes(values, values.length) * w;
    }
    base.version = newVersion;
    base.leased = false;
    this.#hot = base;

    // Staggered by partition: all partitions commit the same version in the same batch, and a
    // snapshot costs O(store); offsetting them spreads that cost over minDeltasForSnapshot batches
    // instead of stalling every partition of one batch (Spark takes snapshots in its background
    // maintenance, so its batches never wait for them either).
    if ((newVersion + this.#options.partition) % this.#options.minDeltasForSnapshot === 0) {
      const snapKeys = base.order.toArray();
      const snapValues: unknown[] = new Array(snapKeys.length);
      for (let k = 0; k < snapKeys.length; k++) snapValues[k] = map.get(snapKeys[k] as string);
      // NOTE: the delta already made this version durable and the hot copy is advanced. If the
      // snapshot write fails the commit still fails (the error is not hidden); a retry of the batch
      // loads `version` from files, re-commits an identical delta and writes the snapshot again.
      await withEncodedStateFile(codec, { kind: 'snapshot', version: newVersion, keys: snapKeys, values: snapValues, removes: [] }, (bytes) => this.#putOnce(snapshotPath, bytes, null));
    }
    return Object.freeze({
      numRowsTotal: map.size,
      numRowsUpdated: keys.length,
      numRowsRemoved: removes.length,
      memoryUsedBytes: base.memoryBytes(map.size),
      commitTimeMs: Math.max(0, clock.now() - started),
    });
  }

  /**
   * `put(ifAbsent)`; when the file exists (a re-run of the same version), identical bytes are
   * success and different bytes replace it after deleting `staleSnapshot` (see the class doc).
   */
  async #putOnce(path: string, bytes: Uint8Array, staleSnapshot: string | null): Promise<void> {
    const storage = this.#engine.storage;
    try {
      await storage.put(path, bytes, { ifAbsent: true });
      return;
    } catch (err) {
      if (!WeirError.hasCode(err, 'FILE_ALREADY_EXISTS')) throw err;
    }
    const existing = await storage.read(path);
    if (bytesEqual(existing, bytes)) return;
    if (staleSnapshot !== null) await storage.delete(staleSnapshot);
    await storage.put(path, bytes);
  }

  async #loadFromFiles(version: number): Promise<LoadedState> {
    const files = await this.listFiles();
    const deltas = new Map<number, string>();
    const snapshots: Array<{ version: number; path: string }> = [];
    for (const f of files) {
      if (f.version > version) continue;
      if (f.kind === 'delta') deltas.set(f.version, f.path);
      else snapshots.push({ version: f.version, path: f.path });
    }
    snapshots.sort((a, b) => b.version - a.version);
    const candidates: Array<{ version: number; path: string | null }> = [...snapshots, { version: 0, path: null }];
    let lastCorrupt: unknown = null;
    for (const candidate of candidates) {
      // Every delta after the base must exist; a lower base needs them too, so a gap is final.
      for (let v = candidate.version + 1; v <= version; v++) {
        if (!deltas.has(v)) {
          if (lastCorrupt !== null) throw lastCorrupt;
          throw StateStoreErrors.CANNOT_READ_DELTA_FILE_NOT_EXISTS({
            version,
            storeDir: this.storeDirectory,
            path: stateFilePath(this.storeDirectory, v, 'delta'),
          });
        }
      }
      let map: Map<string, unknown>;
      let order: SortedKeyChunks;
      if (candidate.path === null) {
        map = new Map();
        order = SortedKeyChunks.empty();
      } else {
        try {
          const snap = decodeStateFileParts(this.#engine.codec, candidate.path, await this.#engine.storage.read(candidate.path), {
            kind: 'snapshot',
            version: candidate.version,
          });
          map = new Map();
          for (let k = 0; k < snap.keys.length; k++) map.set(snap.keys[k] as string, snap.values[k]);
          // Snapshots are written in key order; sorting again is one TimSort pass, and it keeps a
          // file from any other writer from breaking the order invariant.
          const sorted = snap.keys.slice();
          const fixup = needsFixup(sorted);
          sortKeys(sorted, fixup);
          order = SortedKeyChunks.fromSorted(sorted, fixup);
        } catch (err) {
          // A damaged snapshot is only an optimisation lost if an older base plus deltas can rebuild the version.
          if (!WeirError.hasCode(err, 'STATE_STORE_CORRUPT')) throw err;
          lastCorrupt = err;
          continue;
        }
      }
      const paths: string[] = [];
      for (let v = candidate.version + 1; v <= version; v++) paths.push(deltas.get(v) as string);
      const contents = await Promise.all(paths.map((p) => this.#engine.storage.read(p)));
      for (let i = 0; i < paths.length; i++) {
        const v = candidate.version + 1 + i;
        const d = decodeStateFileParts(this.#engine.codec, paths[i] as string, contents[i] as Uint8Array, { kind: 'delta', version: v });
        const newKeys: string[] = [];
        const removed: string[] = [];
        for (let k = 0; k < d.keys.length; k++) {
          const key = d.keys[k] as string;
          if (!map.has(key)) newKeys.push(key);
          map.set(key, d.values[k]);
        }
        for (const key of d.removes) if (map.delete(key)) removed.push(key);
        const fixup = needsFixup(newKeys);
        sortKeys(newKeys, fixup);
        sortKeys(removed, order.fixup);
        order.apply(removed, newKeys, fixup);
      }
      if (this.#options.freezeValues) for (const v of map.values()) deepFreeze(v);
      return new LoadedState(version, map, order);
    }
    throw lastCorrupt;
  }
}

/** Creates the provider for one (checkpoint, operator, partition). */
export function createStateStoreProvider(engine: StateStoreEngine, options: StateStoreProviderOptions): StateStoreProvider {
  return new StateStoreProvider(engine, options);
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function dropUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
