/**
 * @packageDocumentation
 * weir's composition root: WeirSession, MicroBatchExecution, offset/commit logs, triggers, sinks and progress.
 */
export { StreamingErrors } from './errors.js';
export { MetadataLog, validateVersion } from './checkpoint/metadata-log.js';
export type { BatchId } from './checkpoint/metadata-log.js';
export { OffsetSeqLog } from './checkpoint/offset-seq-log.js';
export type { OffsetSeq, OffsetSeqMetadata } from './checkpoint/offset-seq-log.js';
export { CommitLog } from './checkpoint/commit-log.js';
export type { CommitMetadata } from './checkpoint/commit-log.js';
export { readOrCreateStreamMetadata, readStreamMetadata } from './checkpoint/stream-metadata.js';
export type { StreamMetadata } from './checkpoint/stream-metadata.js';
export { deltaSourcePlugins, deltaSinkPlugins } from './delta/index.js';
