/**
 * @packageDocumentation
 * `@weir/delta-log` is the Delta Lake transaction protocol (PROTOCOL.md) in TypeScript, pure over
 * the weir `Engine`: every byte goes through `engine.storage` / `engine.parquet`, time through
 * `engine.clock`. It owns:
 *
 * - **Actions** (`protocol`, `metaData`, `add`, `remove`, `txn`, `commitInfo`, `cdc`,
 *   `domainMetadata`, `checkpointMetadata`, `sidecar`) as frozen plain data, spelled as the spec does.
 * - **Log replay** into a {@link Snapshot}: newest usable checkpoint (`_last_checkpoint`, classic,
 *   multi-part, V2) + contiguous commits; add/remove reconciliation by path + DV id; latest txn per appId.
 * - **Reading**: `snapshot.scan()` with partition values decoded by type; time travel by version or
 *   timestamp; `history()`; `changesSince(version)` for streaming readers.
 * - **Writing**: `writeDataFiles` (Parquet + stats, Hive partition folders; runs in workers) and its
 *   streaming form `openDataFileWriter` (chunks in, one open file per partition directory, routed
 *   by `openHivePartitionRouter`, which other partitioned file writers share), an
 *   optimistic {@link Transaction} with Delta's conflict rules returning a {@link CommitResult},
 *   schema enforcement, `mergeSchema`, overwrite, `overwriteSchema`.
 * - **Checkpoints** every `delta.checkpointInterval` commits in Spark's layout; vacuum, optimize, log cleanup.
 *
 * Deletion vectors and column mapping are read; column-mapped tables are read-only for weir.
 * Tables needing features weir lacks (variant, type widening, …) are refused by name
 * with `DELTA_UNSUPPORTED_FEATURE`, never read wrongly.
 *
 * ```ts
 * import { DeltaTable } from '@weir/delta-log';
 * import { createNodeEngine } from '@weir/node';
 * import { StructType } from '@weir/core';
 * const engine = createNodeEngine();
 * const table = DeltaTable.forPath(engine, '/tmp/weather');
 * const schema = StructType.fromDDL('station STRING, t DOUBLE');
 * await table.write({ schema, rows: [{ station: 'a', t: 1.5 }] });
 * const rows = await (await table.snapshot()).collect();
 * ```
 */
export { DeltaErrors } from './errors.js';
export { ACTION_KEYS, actionKey, fileActionKey } from './actions/actions.js';
export type {
  Action,
  ActionKey,
  AddAction,
  CdcAction,
  CheckpointMetadataAction,
  CommitInfoAction,
  DeletionVectorDescriptor,
  DomainMetadataAction,
  FormatSpec,
  MetadataAction,
  ProtocolAction,
  RemoveAction,
  SidecarAction,
  TxnAction,
} from './actions/actions.js';
export { parseCommitFile, serializeCommit } from './log/commit-file.js';
export {
  DELTA_LOG_DIR,
  LAST_CHECKPOINT_FILE,
  parseLogFileName,
  formatVersion,
  commitFilePath,
  checkpointFilePath,
  lastCheckpointPath,
} from './log/log-path.js';
export type { LogFileKind, ParsedLogFile } from './log/log-path.js';
export { getLogSegment, readLastCheckpoint, listCommits } from './log/log-segment.js';
export type { LogSegment, CommitFile, CheckpointFiles, LastCheckpointInfo } from './log/log-segment.js';
export { resolveDataFilePath, encodeDataFilePath } from './log/table-path.js';
export { Snapshot, parseStats } from './snapshot/snapshot.js';
export type { ScanFile, ScanOptions } from './snapshot/snapshot.js';
export { DeltaTable, protocolForSchema } from './table/delta-table.js';
export type { SnapshotOptions, HistoryEntry, TableChange, CreateTableOptions, WriteOptions, WriteResult } from './table/delta-table.js';
export {
  SUPPORTED_READER_FEATURES,
  SUPPORTED_WRITER_FEATURES,
  readerFeaturesOf,
  writerFeaturesOf,
  assertReadSupported,
  assertWriteSupported,
  columnMappingMode,
} from './table/table-features.js';
export { Transaction, ENGINE_INFO } from './transaction/transaction.js';
export type { CommitOptions, PostCommitHook } from './transaction/transaction.js';
export type { CommitResult, ConflictCode } from './transaction/commit-result.js';
export { writeDataFiles } from './write/write-data-files.js';
export { openDataFileWriter } from './write/data-file-writer.js';
export type { WriteDataFilesOptions, DataFileWriter } from './write/data-file-writer.js';
export { computeFileStats } from './write/file-stats.js';
export type { FileStats } from './write/file-stats.js';
export { openHivePartitionRouter } from './write/partition-router.js';
export type { HivePartition, HivePartitionRouter } from './write/partition-router.js';
export { fileStatsBuilderFactory } from './write/stats-builder.js';
export type { FileStatsBuilder } from './write/stats-builder.js';
export {
  decodePartitionValue,
  encodePartitionValue,
  partitionValueEncoder,
  escapePartitionPathName,
  partitionDirectory,
  HIVE_DEFAULT_PARTITION,
} from './write/partition-values.js';
export { enforceSchema } from './write/schema-enforcement.js';
export { writeCheckpoint, checkpointRows, DEFAULT_CHECKPOINT_INTERVAL } from './checkpoint/checkpoint-writer.js';
export { CHECKPOINT_SCHEMA } from './checkpoint/checkpoint-schema.js';
export { vacuum } from './maintenance/vacuum.js';
export type { VacuumOptions, VacuumResult } from './maintenance/vacuum.js';
export { optimize } from './maintenance/optimize.js';
export type { OptimizeOptions, OptimizeResult } from './maintenance/optimize.js';
export { cleanupExpiredLogs } from './maintenance/log-cleanup.js';
export { loadDeletionVector, deletionVectorPath, decodeZ85, parseRoaringBitmapArray } from './deletion-vectors/deletion-vector.js';
