import type { ColumnChunk } from '../batch/column-chunk.js';
import type { RowBatch } from '../batch/row-batch.js';
import type { Engine } from '../engine/engine.js';
import type { TaskContext } from '../engine/task-executor.js';
import type { OptionSpec } from '../options/option-spec.js';
import type { StructType } from '../schema/data-type.js';
import type { Offset, ReadLimit } from './offset.js';

/**
 * One unit of a batch's input, as plain data so a worker can read it: the worker imports
 * `readerModule` and calls its exported `partitionReaders[reader](data, ctx)`. Bulk data never
 * crosses the main thread.
 */
export interface InputPartition {
  readonly readerModule: string;
  readonly reader: string;
  readonly data: unknown;
  /** For scheduling and progress; 0 when unknown. */
  readonly sizeInBytes: number;
}

/** Turns an input partition's data into rows, inside a worker (or in-thread). */
export type PartitionReader = (data: unknown, ctx: TaskContext) => Promise<RowBatch>;

/**
 * Optional streaming form of a reader, exported as `partitionChunkReaders[reader]` beside
 * `partitionReaders[reader]`: yields the partition's rows in chunks (a file, or a few thousand
 * records), so a task never holds its whole partition. The chunks' rows concatenated MUST equal
 * the rows the `PartitionReader` of the same name returns, in the same order; side effects
 * (bad-records files) MUST be the same once the iteration completes.
 */
export type PartitionChunkReader = (data: unknown, ctx: TaskContext) => AsyncIterable<RowBatch>;

/**
 * Optional columnar form of a reader, exported as `partitionColumnReaders[reader]`: yields the
 * partition as column chunks (see `ColumnChunk`). The chunks converted to rows
 * (`columnChunkToRows`) and concatenated MUST equal the rows of the `PartitionReader` of the same
 * name, in the same order, with the same side effects once the iteration completes.
 */
export type PartitionColumnReader = (data: unknown, ctx: TaskContext, options?: ColumnReadOptions) => AsyncIterable<ColumnChunk>;

/**
 * What the consumer of a {@link PartitionColumnReader} tells it. `columns`: the names of the
 * chunk schema's columns it reads (absent: all). A reader MAY then carry an all-null vector in
 * every other column (same schema, same vector kinds), and spend nothing converting them; all
 * else MUST stay as without the option: the rows, their order, the listed columns' values, and
 * every decision that depends on the unlisted ones (a malformed value still declines, rescues or
 * fails its record exactly as before), and the side effects.
 */
export interface ColumnReadOptions {
  readonly columns?: readonly string[];
}

/** What a source instance is given: the engine and its private checkpoint directory. */
export interface SourceContext {
  readonly engine: Engine;
  /** `<checkpoint>/sources/<n>`: the source's own logs (file-source's seen-file index). */
  readonly metadataPath: string;
  /** The user-specified schema, if `.schema(...)` was called. */
  readonly userSchema?: StructType;
  /** The `load(path)` argument, if any. */
  readonly path?: string;
  /** Session configuration (Spark-style keys), read-only. */
  readonly conf: Readonly<Record<string, string>>;
  readonly log: (message: string) => void;
}

/**
 * A streaming source (Spark's `SupportsAdmissionControl` + `MicroBatchStream`).
 *
 * Contracts:
 * - `latestOffset(start, limit)` MUST return the end offset of the next batch admitting no more
 *   than `limit` allows (soft byte limit: at least one unit), or `start` / `null` when nothing
 *   new exists. It MUST NOT have side effects a replay could observe.
 * - `planInputPartitions(start, end)` MUST be deterministic in `(start, end)` even after a
 *   restart, so a batch re-run after a crash reads the same rows.
 * - `commit(end)` tells the source data up to `end` is durably processed; it MAY clean up.
 */
export interface Source {
  schema(): StructType;
  /** The read limit from the source's options (`maxFilesPerTrigger`…), Spark's `getDefaultReadLimit`. */
  getDefaultReadLimit(): ReadLimit;
  latestOffset(start: Offset | null, limit: ReadLimit): Promise<Offset | null>;
  planInputPartitions(start: Offset | null, end: Offset): Promise<readonly InputPartition[]>;
  /** Spark's `SupportsTriggerAvailableNow.prepareForTriggerAvailableNow`: pin the data to process. */
  prepareForTriggerAvailableNow?(): Promise<void>;
  /** Source-specific progress metrics (`numFilesOutstanding`…), Spark's `ReportsSourceMetrics`. */
  metrics?(latestConsumed: Offset | null): Readonly<Record<string, string>>;
  commit(end: Offset): Promise<void>;
  close(): Promise<void>;
}

/** A registered source: describes itself and creates instances. Frozen data plus a factory. */
export interface SourcePlugin {
  /** The `format(...)` name: `cloudFiles`, `weather-sim`, `delta`, `memory`. */
  readonly name: string;
  readonly options: readonly OptionSpec[];
  createSource(options: Readonly<Record<string, string>>, ctx: SourceContext): Source | Promise<Source>;
}
