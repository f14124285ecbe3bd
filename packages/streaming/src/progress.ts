/**
 * Progress reports with Spark's field names (`StreamingQueryProgress.json`), so dashboards and
 * scripts written for Spark read them unchanged. Timestamps are ISO-8601 strings, durations ms.
 */

/** Spark's `SourceProgress`. */
export interface SourceProgress {
  readonly description: string;
  readonly startOffset: unknown;
  readonly endOffset: unknown;
  readonly latestOffset: unknown;
  readonly numInputRows: number;
  readonly inputRowsPerSecond: number;
  readonly processedRowsPerSecond: number;
  readonly metrics: Readonly<Record<string, string>>;
}

/** Spark's `SinkProgress`. */
export interface SinkProgress {
  readonly description: string;
  readonly numOutputRows: number;
  readonly metrics: Readonly<Record<string, string>>;
}

/** Spark's `StateOperatorProgress`. */
export interface StateOperatorProgress {
  readonly operatorName: string;
  readonly numRowsTotal: number;
  readonly numRowsUpdated: number;
  readonly allUpdatesTimeMs: number;
  readonly numRowsRemoved: number;
  readonly allRemovalsTimeMs: number;
  readonly commitTimeMs: number;
  readonly memoryUsedBytes: number;
  readonly numRowsDroppedByWatermark: number;
  readonly numShufflePartitions: number;
  readonly numStateStoreInstances: number;
  readonly customMetrics: Readonly<Record<string, number>>;
}

/** The phases of a trigger, timed by Spark's names. */
export interface DurationMs {
  latestOffset?: number;
  walCommit?: number;
  getBatch?: number;
  queryPlanning?: number;
  addBatch?: number;
  commitOffsets?: number;
  triggerExecution?: number;
}

/** Spark's `StreamingQueryProgress`: one per trigger. */
export interface StreamingQueryProgress {
  readonly id: string;
  readonly runId: string;
  readonly name: string | null;
  readonly timestamp: string;
  readonly batchId: number;
  readonly batchDuration: number;
  readonly numInputRows: number;
  readonly inputRowsPerSecond: number;
  readonly processedRowsPerSecond: number;
  readonly durationMs: Readonly<DurationMs>;
  /** `min`/`max`/`avg` of the batch's event times and the batch's `watermark`, ISO-8601. */
  readonly eventTime: Readonly<Record<string, string>>;
  readonly stateOperators: readonly StateOperatorProgress[];
  readonly sources: readonly SourceProgress[];
  readonly sink: SinkProgress;
  /** weir extension: columns added by a schema change applied at this batch's boundary. */
  readonly addedColumns?: readonly string[];
  /** weir extension: input rows dropped as later than the watermark (also per state operator). */
  readonly numRowsDroppedByWatermark?: number;
}

/** Spark's `StreamingQueryStatus`. */
export interface StreamingQueryStatus {
  readonly message: string;
  readonly isDataAvailable: boolean;
  readonly isTriggerActive: boolean;
}

/** Formats epoch ms as Spark does in progress JSON (`2016-12-05T20:54:20.827Z`). */
export function formatTimestamp(ms: number): string {
  return new Date(ms).toISOString();
}
