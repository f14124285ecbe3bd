import type { StreamingQueryProgress, StreamingQueryStatus } from './progress.js';
import type { WeirError } from '@weir/core';

/**
 * A running streaming query (Spark's `StreamingQuery`): a handle on a {@link MicroBatchExecution}.
 *
 * ```ts
 * const query = await df.writeStream.format('memory').queryName('out').start();
 * await query.processAllAvailable();
 * console.log(query.lastProgress?.numInputRows);
 * await query.stop();
 * ```
 */
export interface StreamingQuery {
  /** Stable across restarts from the same checkpoint (the checkpoint's `metadata` id). */
  readonly id: string;
  /** Unique per start. */
  readonly runId: string;
  readonly name: string | null;
  readonly isActive: boolean;
  readonly status: StreamingQueryStatus;
  readonly lastProgress: StreamingQueryProgress | null;
  /** The most recent progress updates (up to `weir.sql.streaming.numRecentProgressUpdates`). */
  readonly recentProgress: readonly StreamingQueryProgress[];
  /** The error that terminated the query (`STREAM_FAILED` with the cause), or null. */
  readonly exception: WeirError | null;
  /**
   * Resolves when the query terminates: `true`, or `false` when `timeoutMs` (engine clock) passes
   * first. Rejects with {@link StreamingQuery.exception} when the query failed.
   */
  awaitTermination(timeoutMs?: number): Promise<boolean>;
  /**
   * Resolves once every trigger started after this call found no new data (all data available in
   * the sources is processed and committed), or the query ended. Rejects if it failed.
   */
  processAllAvailable(): Promise<void>;
  /** Stops the query after the current trigger; resolves when it has terminated. */
  stop(): Promise<void>;
  /** The physical plan (the planner's `explain`). */
  explain(): string;
}
