import type { RowBatch } from '../batch/row-batch.js';
import type { Engine } from '../engine/engine.js';
import type { OptionSpec } from '../options/option-spec.js';
import type { StructType } from '../schema/data-type.js';

/** Spark's output modes. */
export type OutputMode = 'append' | 'update' | 'complete';

export interface SinkContext {
  readonly engine: Engine;
  /** The `start(path)` argument, if any. */
  readonly path?: string;
  /** The query's stable id (from the checkpoint `metadata`): Delta's txn appId. */
  readonly queryId: string;
  readonly outputMode: OutputMode;
  readonly partitionBy: readonly string[];
  readonly conf: Readonly<Record<string, string>>;
  readonly log: (message: string) => void;
}

/** What `addBatch` is told beside the rows. */
export interface BatchInfo {
  readonly schema: StructType;
  readonly outputMode: OutputMode;
}

/**
 * A streaming sink. `addBatch(batchId, …)` MUST be idempotent per `batchId`: after a crash the
 * engine re-runs the last uncommitted batch with the same id and the same rows, and the sink
 * MUST NOT write it twice (the Delta sink checks its `txn` version).
 */
export interface Sink {
  addBatch(batchId: number, batch: RowBatch, info: BatchInfo): Promise<void>;
  close(): Promise<void>;
}

export interface SinkPlugin {
  /** The `format(...)` name: `delta`, `console`, `memory`, `parquet`. */
  readonly name: string;
  readonly options: readonly OptionSpec[];
  /** Output modes the sink accepts; others are refused at `start()`. */
  readonly outputModes: readonly OutputMode[];
  createSink(options: Readonly<Record<string, string>>, ctx: SinkContext): Sink | Promise<Sink>;
}
