import { availableParallelism } from 'node:os';
import { CoreErrors } from '@weir/core';

/**
 * Session configuration keys (Spark's names with `spark.` → `weir.`). Values are strings, as in
 * Spark's `SQLConf`; readers parse them.
 */
export const ConfKeys = Object.freeze({
  SHUFFLE_PARTITIONS: 'weir.sql.shuffle.partitions',
  EXECUTOR_THREADS: 'weir.executor.threads',
  TASK_MAX_FAILURES: 'weir.task.maxFailures',
  MIN_BATCHES_TO_RETAIN: 'weir.sql.streaming.minBatchesToRetain',
  MULTIPLE_WATERMARK_POLICY: 'weir.sql.streaming.multipleWatermarkPolicy',
  NO_DATA_MICRO_BATCHES_ENABLED: 'weir.sql.streaming.noDataMicroBatches.enabled',
  POLLING_DELAY: 'weir.sql.streaming.pollingDelay',
  NO_DATA_PROGRESS_EVENT_INTERVAL: 'weir.sql.streaming.noDataProgressEventInterval',
  NUM_RECENT_PROGRESS_UPDATES: 'weir.sql.streaming.numRecentProgressUpdates',
  LATE_DATA_PATH: 'weir.lateData.path',
  /**
   * Stateless queries writing to a sink with a columnar writer run column chunks end to end
   * (reader → compiled stage → Parquet) instead of row objects; windowed aggregations fold the
   * reader's chunks and emit closed windows to such a writer as chunks. `false` forces rows.
   */
  COLUMNAR_EXECUTION_ENABLED: 'weir.sql.columnarExecution.enabled',
} as const);

/** Defaults (Spark's). `weir.executor.threads` defaults to the machine's available cores. */
export function defaultConf(): Record<string, string> {
  return {
    [ConfKeys.SHUFFLE_PARTITIONS]: '8',
    [ConfKeys.EXECUTOR_THREADS]: String(availableParallelism()),
    [ConfKeys.TASK_MAX_FAILURES]: '4',
    [ConfKeys.MIN_BATCHES_TO_RETAIN]: '100',
    [ConfKeys.MULTIPLE_WATERMARK_POLICY]: 'min',
    [ConfKeys.NO_DATA_MICRO_BATCHES_ENABLED]: 'true',
    [ConfKeys.POLLING_DELAY]: '10',
    [ConfKeys.NO_DATA_PROGRESS_EVENT_INTERVAL]: '10000',
    [ConfKeys.NUM_RECENT_PROGRESS_UPDATES]: '100',
    [ConfKeys.COLUMNAR_EXECUTION_ENABLED]: 'true',
  };
}

/**
 * Confs frozen into the offset log at the first batch (Spark's `OffsetSeqMetadata.relevantSQLConfs`):
 * on restart the logged values win over the session's, because changing them would re-partition
 * state or change results mid-stream.
 */
export const FROZEN_CONF_KEYS: readonly string[] = Object.freeze([ConfKeys.SHUFFLE_PARTITIONS, ConfKeys.MULTIPLE_WATERMARK_POLICY]);

/** Reads a positive/non-negative integer conf, throwing `INVALID_OPTION` on garbage. */
export function intConf(conf: Readonly<Record<string, string>>, key: string, min: number): number {
  const raw = conf[key];
  const n = raw === undefined ? NaN : Number(raw);
  if (!Number.isInteger(n) || n < min) {
    throw CoreErrors.INVALID_OPTION({ option: key, owner: 'session conf', reason: `"${raw}" must be an integer >= ${min}`, validOptions: Object.values(ConfKeys).join(', ') });
  }
  return n;
}
