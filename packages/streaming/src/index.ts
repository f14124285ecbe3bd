/**
 * @packageDocumentation
 * `@weir/streaming` is weir's composition root: the user-facing session API and the engine that
 * runs streaming queries as exactly-once micro-batches (Spark Structured Streaming's design and
 * names).
 *
 * - {@link WeirSession} / {@link createSession}: configuration (Spark keys with `weir.`), the
 *   Engine (default: `@weir/node` + `@weir/executor`'s worker pool), the plugin registry,
 *   `readStream` → a planner DataFrame, memory-sink tables, `streams` (listeners, active queries).
 * - `df.writeStream` ({@link DataStreamWriter}) → `start()` → a {@link StreamingQuery} run by
 *   {@link MicroBatchExecution}: offsets WAL → tasks → sink → commit log, restartable from the
 *   checkpoint (`metadata`, `offsets/`, `commits/`, `sources/`, `state/`).
 * - Checkpoint logs: {@link MetadataLog}, {@link OffsetSeqLog}, {@link CommitLog}.
 * - Triggers (default, processingTime, once, availableNow), progress with Spark's JSON field
 *   names, listeners.
 * - Built-in plugins: sources `rate` and `memory` (core's MemoryStream), sinks `memory`, `console`,
 *   `foreachBatch`; plus `cloudFiles`, `weather-sim` and the Delta ones from sibling packages.
 *
 * Work runs as tasks (`taskHandlers` below) on the engine's TaskExecutor: map tasks per input
 * partition, then one task per state partition with `affinity` so state stays hot in one worker.
 *
 * ```ts
 * import { createSession } from '@weir/streaming';
 * const session = createSession({ conf: { 'weir.executor.threads': 0 } });
 * const df = session.readStream.format('rate').option('rowsPerSecond', 5).load();
 * const query = await df.writeStream.format('memory').queryName('numbers').start();
 * await query.processAllAvailable();
 * console.log(session.table('numbers').rows.length);
 * await query.stop();
 * ```
 */
import { mapTask, statefulTask, warmUp } from './execution/task-handlers.js';
import { readRatePartition } from './sources/rate-source.js';

export { StreamingErrors } from './errors.js';
export { MetadataLog, validateVersion } from './checkpoint/metadata-log.js';
export type { BatchId } from './checkpoint/metadata-log.js';
export { OffsetSeqLog } from './checkpoint/offset-seq-log.js';
export type { OffsetSeq, OffsetSeqMetadata } from './checkpoint/offset-seq-log.js';
export { CommitLog } from './checkpoint/commit-log.js';
export type { CommitMetadata } from './checkpoint/commit-log.js';
export { readOrCreateStreamMetadata, readStreamMetadata } from './checkpoint/stream-metadata.js';
export type { StreamMetadata } from './checkpoint/stream-metadata.js';

export { WeirSession, WeirSessionBuilder, StreamingQueryManager, createSession, defaultRegistry } from './session/weir-session.js';
export type { WeirSessionOptions } from './session/weir-session.js';
export { ConfKeys, defaultConf, FROZEN_CONF_KEYS } from './session/conf.js';
export { DataStreamReader } from './session/data-stream-reader.js';
export { DataFrameReader } from './session/data-frame-reader.js';
export { DataStreamWriter, writeStream } from './session/data-stream-writer.js';
export type { PlannerDataFrame } from './execution/planner-bridge.js';

export { MicroBatchExecution } from './execution/micro-batch-execution.js';
export type { LateDataHandler, LateDataInfo } from './execution/micro-batch-execution.js';
export { normalizeTrigger, nextBatchTime } from './execution/trigger.js';
export type { Trigger, TriggerSpec } from './execution/trigger.js';
export { WatermarkTracker } from './execution/watermark-tracker.js';
export type { MultipleWatermarkPolicy } from './execution/watermark-tracker.js';
export type { StreamingQuery } from './streaming-query.js';
export type {
  StreamingQueryProgress,
  StreamingQueryStatus,
  SourceProgress,
  SinkProgress,
  StateOperatorProgress,
  DurationMs,
} from './progress.js';
export type {
  StreamingQueryListener,
  QueryStartedEvent,
  QueryProgressEvent,
  QueryIdleEvent,
  QueryTerminatedEvent,
} from './query-listener.js';

export { rateSourcePlugin, valueAtSecond, RATE_SOURCE_SCHEMA } from './sources/rate-source.js';
export { createMemorySinkPlugin } from './sinks/memory-sink.js';
export { createConsoleSinkPlugin, showString } from './sinks/console-sink.js';
export { createForeachBatchSink } from './sinks/foreach-batch-sink.js';
export type { ForeachBatchFunction } from './sinks/foreach-batch-sink.js';

export * from './delta/index.js';

/** Worker-side task handlers (see `Task`): the map stage and the stateful stage of a micro-batch, and the pool warm-up. */
export const taskHandlers = Object.freeze({ mapTask, statefulTask, warmUp });
/** Worker-side readers for this package's input partitions (the `rate` source). */
export const partitionReaders = Object.freeze({ rate: readRatePartition });
