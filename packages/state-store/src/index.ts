/**
 * @packageDocumentation
 * `@weir/state-store` owns the versioned key-value state of weir's stateful operators
 * (aggregations, deduplication, stream-stream joins): Spark's `HDFSBackedStateStoreProvider`
 * rebuilt over weir's Engine. It does no I/O of its own: bytes go through `engine.storage`,
 * encoding through `engine.codec`, time through `engine.clock`.
 *
 * One {@link StateStoreProvider} serves one (checkpoint, operator, partition) and lives in the
 * worker thread that owns the partition, keeping the newest version hot in memory. Per batch:
 * `load(batchId)` → a {@link StateStore} (the core `StateStoreView` the operators use) →
 * `commit()` writes `<batchId + 1>.delta` (checksummed, versioned; every `minDeltasForSnapshot`
 * versions also a snapshot) or `abort()`. Any retained version can be rebuilt from files;
 * `doMaintenance()` deletes what no retained version needs. {@link readStateRows} reads a
 * version back as rows (the `weir checkpoint state` command).
 *
 * ```ts
 * import { createStateStoreProvider } from '@weir/state-store';
 * const provider = createStateStoreProvider(engine, { checkpointLocation: '/chk/q1', operatorId: 0, partition: 3 });
 * const store = await provider.load(0);
 * store.put('station-1', { sum: 21.5, count: 2 });
 * await store.commit(); // → 1, wrote /chk/q1/state/0/3/1.delta
 * ```
 */
export { StateStoreProvider, createStateStoreProvider, DEFAULT_STATE_STORE_PROVIDER_OPTIONS } from './state-store-provider.js';
export type { StateStoreProviderOptions, StateStoreEngine, StateFileInfo } from './state-store-provider.js';
export { StateStore } from './state-store.js';
export type { StateStoreMetrics } from './state-store.js';
export { readStateRows, listStatePartitions } from './state-reader.js';
export type { StateRow, ReadStateRowsOptions } from './state-reader.js';
export { encodeStateFile, decodeStateFile, STATE_FILE_FORMAT_VERSION } from './state-file.js';
export type { StateFileContent, DeltaFileContent, SnapshotFileContent, PrefixEncodingCodec } from './state-file.js';
export { storeDirectory, stateFilePath, parseStateFileName } from './state-paths.js';
export { crc32 } from './crc32.js';
export { compareKeys } from './key-order.js';
export { StateStoreErrors } from './errors.js';
