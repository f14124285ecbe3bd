import type { ColumnChunk } from '../batch/column-chunk.js';
import type { Row, RowBatch } from '../batch/row-batch.js';
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
  /**
   * Optional: write in the workers (Spark's `BatchWrite.createBatchWriterFactory`). When it
   * returns a factory, the engine calls the factory's task handler inside each task with that
   * task's output rows, collects the returned commit messages (plain data, e.g. Delta `add`
   * actions) and calls `commitBatch` instead of `addBatch`. `null` means "use `addBatch`".
   */
  createWriterFactory?(batchId: number, info: BatchInfo): WriterFactory | null;
  /**
   * Spark's `BatchWrite.commit(messages)`: makes the workers' output visible. MUST be
   * idempotent per `batchId` (a replayed batch is skipped, its files left as orphans).
   */
  commitBatch?(batchId: number, messages: readonly unknown[], info: BatchInfo): Promise<void>;
  close(): Promise<void>;
}

/**
 * Plain data naming a worker-side writer: the worker imports `module` and calls
 * `taskHandlers[handler]({ options, batchId, taskId, batch }, ctx)`, which MUST return a
 * plain-data commit message and MUST NOT make its output visible by itself.
 */
export interface WriterFactory {
  readonly module: string;
  readonly handler: string;
  readonly options: unknown;
}

/**
 * Spark's `DataWriter`: the streaming form of a `WriterFactory` handler. A writer module MAY
 * export `dataWriters[handler]: (input: DataWriterInput, ctx) => Promise<DataWriter>` beside
 * `taskHandlers[handler]`; the engine then feeds a task's output rows in chunks instead of as one
 * batch. The commit message MUST be what `taskHandlers[handler]` would return for the same rows
 * concatenated (file names and sizes aside).
 */
export interface DataWriter {
  /** MUST NOT retain `rows` or the row objects after it returns. */
  write(rows: readonly Row[]): Promise<void>;
  /**
   * Optional: the same as `write(columnChunkToRows(chunk))` (same files, rows and commit
   * message), without row objects. MUST NOT retain the chunk's arrays after it returns. Callers
   * fall back to `write` when absent.
   */
  writeColumns?(chunk: ColumnChunk): Promise<void>;
  /** Finishes the task's output and returns the commit message; nothing is visible yet. */
  commit(): Promise<unknown>;
  /** Best-effort cleanup after a failure (files already written become orphans). */
  abort(): Promise<void>;
}

/** What `dataWriters[handler]` receives (see `DataWriter`). */
export interface DataWriterInput {
  readonly options: unknown;
  readonly batchId: number;
  readonly taskId: number;
  readonly schema: StructType;
}

/** What a worker-side writer handler receives (see `WriterFactory`). */
export interface WriterTaskInput {
  readonly options: unknown;
  readonly batchId: number;
  /** Unique within the batch: used in file names so retries overwrite, never duplicate. */
  readonly taskId: number;
  readonly batch: RowBatch;
}

export interface SinkPlugin {
  /** The `format(...)` name: `delta`, `console`, `memory`, `parquet`. */
  readonly name: string;
  readonly options: readonly OptionSpec[];
  /** Output modes the sink accepts; others are refused at `start()`. */
  readonly outputModes: readonly OutputMode[];
  createSink(options: Readonly<Record<string, string>>, ctx: SinkContext): Sink | Promise<Sink>;
}
