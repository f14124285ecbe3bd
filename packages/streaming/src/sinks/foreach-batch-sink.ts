import type { RowBatch, Sink } from '@weir/core';

/** The user function of `foreachBatch`: called with each batch's rows and its batchId. */
export type ForeachBatchFunction = (batch: RowBatch, batchId: number) => void | Promise<void>;

/**
 * Spark's `ForeachBatchSink`. At-least-once by contract: after a crash the last batch may be
 * passed again with the same `batchId`, so a function that must be exactly-once uses `batchId`
 * to make its writes idempotent (e.g. the Delta writer's `txnAppId`/`txnVersion` options).
 */
export function createForeachBatchSink(fn: ForeachBatchFunction): Sink {
  return {
    async addBatch(batchId: number, batch: RowBatch): Promise<void> {
      await fn(batch, batchId);
    },
    async close(): Promise<void> {},
  };
}
