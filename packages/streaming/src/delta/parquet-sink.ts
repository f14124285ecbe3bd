import {
  defineOptions,
  joinPath,
  parseOptions,
  type BatchInfo,
  type Engine,
  type Row,
  type RowBatch,
  type Sink,
  type SinkContext,
  type SinkPlugin,
  type StructType,
  type WriterFactory,
} from '@weir/core';
import { DeltaStreamingErrors } from './delta-errors.js';
import { DELTA_TASKS_MODULE } from './task-module.js';
import { FileStreamSinkLog, type SinkFileStatus } from './file-sink-log.js';
import { writeParquetTaskFiles, type ParquetWriterOptions } from './parquet-file-writer.js';
import { HIVE_DEFAULT_PARTITION } from '@weir/delta-log';

/** Options of the `parquet` sink (Spark's file sink). */
export const PARQUET_SINK_OPTIONS = defineOptions([
  { name: 'path', kind: 'string', doc: 'The output directory (or pass it to start(path)).' },
  { name: 'checkpointLocation', kind: 'string', doc: 'Handled by the engine; accepted here so it may be passed as a sink option.' },
  { name: 'compression', kind: 'enum', default: 'snappy', values: ['snappy', 'gzip', 'uncompressed'], doc: 'Parquet compression codec.' },
]);

/**
 * Spark's `FileStreamSink` for Parquet: each batch's files are made visible by one entry in
 * `<path>/_weir_metadata/<batchId>` (Spark's `_spark_metadata`), so a batch re-run after a crash
 * logs nothing twice and readers that follow the log (`readFileSinkOutput`) see every row once.
 */
export class ParquetFileSink implements Sink {
  readonly #engine: Engine;
  readonly #options: ParquetWriterOptions;
  readonly #log: FileStreamSinkLog;

  constructor(engine: Engine, options: ParquetWriterOptions) {
    this.#engine = engine;
    this.#options = Object.freeze({ ...options, partitionColumns: [...options.partitionColumns] });
    this.#log = new FileStreamSinkLog(engine, options.path);
  }

  createWriterFactory(): WriterFactory {
    return { module: DELTA_TASKS_MODULE, handler: 'writeParquetFiles', options: this.#options };
  }

  async addBatch(batchId: number, batch: RowBatch): Promise<void> {
    if (batchId <= (await this.#log.getLatestBatchId())) return; // replay of a logged batch
    const files = await writeParquetTaskFiles(this.#engine, this.#options, batchId, 0, batch);
    await this.#log.add(batchId, files);
  }

  async commitBatch(batchId: number, messages: readonly unknown[], _info: BatchInfo): Promise<void> {
    if (batchId <= (await this.#log.getLatestBatchId())) return;
    await this.#log.add(batchId, messages.flatMap((m) => m as SinkFileStatus[]));
  }

  async close(): Promise<void> {}
}

export const parquetSinkPlugin: SinkPlugin = Object.freeze({
  name: 'parquet',
  options: PARQUET_SINK_OPTIONS,
  outputModes: Object.freeze(['append'] as const),
  createSink(raw: Readonly<Record<string, string>>, ctx: SinkContext): Sink {
    const opts = parseOptions(PARQUET_SINK_OPTIONS, raw, 'parquet sink');
    const path = ctx.path ?? opts.path;
    if (path === undefined) throw DeltaStreamingErrors.DELTA_SINK_PATH_REQUIRED({ sink: 'parquet' });
    return new ParquetFileSink(ctx.engine, { path, partitionColumns: ctx.partitionBy, queryId: ctx.queryId });
  },
});

/**
 * Reads what a parquet file sink made visible: only the files its `_weir_metadata` log lists
 * (never orphans of crashed batches), with partition columns restored as strings (Spark's
 * partition discovery would infer types; `schema` gives them explicitly).
 */
export async function readFileSinkOutput(engine: Engine, path: string): Promise<Row[]> {
  const rows: Row[] = [];
  for (const f of await new FileStreamSinkLog(engine, path).allFiles()) {
    const batch = await engine.parquet.read(await engine.storage.read(joinPath(path, f.path)));
    for (const r of batch.rows) {
      const row: Row = { ...r };
      for (const [k, v] of Object.entries(f.partitionValues)) row[k] = v === HIVE_DEFAULT_PARTITION ? null : v;
      rows.push(row);
    }
  }
  return rows;
}

