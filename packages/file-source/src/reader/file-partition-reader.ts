import { StructType, joinPath, utf8Encode, type ColumnChunk, type ColumnReadOptions, type Row, type RowBatch, type TaskContext } from '@weir/core';
import { ColumnSink } from './column-sink.js';
import { compilePlan, type ConformPlan } from './conform-plan.js';
import { readCsv } from './csv-reader.js';
import type { FilePartitionData } from './file-partition-data.js';
import { readJsonDocument, readJsonLines } from './json-reader.js';
import { decodeParquet, readParquetRows } from './parquet-reader.js';
import { RowSink } from './row-sink.js';
import { readText } from './text-reader.js';

export type { BadRecord, FilePartitionData, PartitionFile } from './file-partition-data.js';

/**
 * Reads a partition's files into `sink`, yielding whenever the sink holds a chunk to take: when it
 * is full, and at the end of each file that left rows in it. The one driver of both reader forms,
 * so rows and column chunks come from the same parsing and the same parse-mode decisions.
 * Bad records are written after the last yield, i.e. only when the consumer completes the
 * iteration; an iteration abandoned early (or failed) writes none.
 */
async function* readFilesInto(data: FilePartitionData, plan: ConformPlan, sink: RowSink, ctx: TaskContext): AsyncGenerator<void, void, void> {
  const storage = ctx.engine.storage;
  // Text formats decode everything they keep into strings (the scanner's string cache copies its
  // keys), so a file's bytes are dead once its rows are emitted and the next file may reuse them.
  // Parquet values can be views of the file (binary columns), so each Parquet file gets its own.
  const readInto = data.format === 'parquet' ? undefined : storage.readInto?.bind(storage);
  let buffer: Uint8Array = new Uint8Array(0);
  for (const file of data.files) {
    let bytes: Uint8Array;
    if (readInto === undefined) bytes = await storage.read(file.path);
    else {
      // Grown ahead from the listed size with room to spare: files of a batch are alike in size,
      // and growing to each slightly larger file in turn would make a fresh buffer for most of them.
      if (file.size > buffer.byteLength) buffer = new Uint8Array(Math.ceil(file.size * 1.25));
      bytes = await readInto(file.path, buffer);
      if (bytes.byteLength > buffer.byteLength) buffer = bytes;
    }
    let parts: Iterable<void>;
    if (data.format === 'parquet') {
      const batch = await decodeParquet(bytes, file, sink, ctx);
      parts = batch === null ? [] : readParquetRows(batch, file, plan, sink);
    } else if (data.format === 'json') {
      parts = plan.parse.multiLine ? readJsonDocument(bytes, file, plan, sink) : readJsonLines(bytes, file, plan, sink);
    } else if (data.format === 'csv') {
      parts = readCsv(bytes, file, plan, sink);
    } else {
      parts = readText(bytes, file, plan, sink);
    }
    for (const _ of parts) yield;
    if (sink.pending > 0) yield;
  }
  if (sink.bad.length > 0 && data.badRecordsFile !== null) {
    const body = sink.bad.map((b) => JSON.stringify(b)).join('\n') + '\n';
    // Overwrite, not ifAbsent: a retried task rewrites the same records to the same file.
    await ctx.engine.storage.put(data.badRecordsFile, utf8Encode(body));
  }
}

/**
 * The worker-side chunk reader of a file-source input partition (core `PartitionChunkReader`):
 * reads each file through `ctx.engine.storage`, parses it in the partition's format and conforms
 * every record to the batch schema, honouring the parse mode, the rescued data column and
 * `badRecordsPath`. Yields a batch per file, and within a file every `CHUNK_RECORDS` rows, so
 * the task holds one chunk (plus the current file's bytes), never the whole partition.
 *
 * Contracts:
 * - The chunks concatenated ARE `readFilePartition`'s rows (that function is this one, collected).
 * - Bad records MUST be written once, to `badRecordsFile`, after the last chunk, when the
 *   iteration completes; an iteration abandoned early (or failed) writes none.
 * - Batches are never empty; a partition without rows yields nothing.
 */
export async function* readFilePartitionChunks(input: unknown, ctx: TaskContext): AsyncGenerator<RowBatch, void, void> {
  const data = input as FilePartitionData;
  const plan = compilePlan(data);
  const sink = new RowSink(plan);
  for await (const _ of readFilesInto(data, plan, sink, ctx)) yield { schema: plan.schema, rows: sink.take() };
}

/**
 * The columnar reader of a file-source input partition (core `PartitionColumnReader`): the same
 * reading as {@link readFilePartitionChunks}, yielding `ColumnChunk`s of the batch schema
 * (`schemaJson`: data, partition, corrupt and rescued columns) instead of row batches. NDJSON
 * lines the byte scanner accepts go from bytes straight into the chunk's arrays (numbers into
 * typed arrays, no row object); everything else is conformed as rows and appended.
 *
 * Contracts:
 * - `columnChunkToRows` of the chunks, concatenated, MUST equal `readFilePartitionChunks`' rows;
 *   chunks break where its batches break (each file's end, every `CHUNK_RECORDS` rows).
 * - Same side effects: bad records written once, after the last chunk, only when the iteration
 *   completes. Chunks are never empty.
 * - With `options.columns`, the other columns are all-null and the NDJSON scanner only validates
 *   their values (core `ColumnReadOptions`): the same lines are accepted, declined and rescued.
 */
export async function* readFilePartitionColumns(input: unknown, ctx: TaskContext, options?: ColumnReadOptions): AsyncGenerator<ColumnChunk, void, void> {
  const data = input as FilePartitionData;
  const plan = compilePlan(data);
  const read = options?.columns === undefined ? null : new Set(options.columns);
  const sink = new ColumnSink(plan, read === null ? undefined : plan.schema.fields.map((f) => read.has(f.name)));
  for await (const _ of readFilesInto(data, plan, sink, ctx)) yield sink.takeChunk();
}

/**
 * The whole-partition reader (core `PartitionReader`): `readFilePartitionChunks`' chunks,
 * concatenated. One code path, so the two can never disagree.
 */
export async function readFilePartition(input: unknown, ctx: TaskContext): Promise<RowBatch> {
  const data = input as FilePartitionData;
  let schema: RowBatch['schema'] | null = null;
  const rows: Row[] = [];
  for await (const chunk of readFilePartitionChunks(data, ctx)) {
    schema ??= chunk.schema;
    for (const r of chunk.rows) rows.push(r);
  }
  return { schema: schema ?? StructType.fromJSON(data.schemaJson), rows };
}

/** The path a partition writes its bad records to (Databricks layout: `<dir>/<batch>/bad_records/part-<n>.json`). */
export function badRecordsFileFor(badRecordsPath: string, batchKey: string, partitionIndex: number): string {
  return joinPath(badRecordsPath, batchKey, 'bad_records', `part-${String(partitionIndex).padStart(5, '0')}.json`);
}
