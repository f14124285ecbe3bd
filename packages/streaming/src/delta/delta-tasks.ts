/**
 * Worker-side entry points of the Delta sink/source and the parquet sink. A worker imports this
 * module by file URL (see `task-module.ts`) and calls `dataWriters[name]` (sink writers fed a
 * task's output in chunks, per the core `DataWriter` contract), `taskHandlers[name]` (the same
 * writers given a whole batch, per `WriterFactory`) or `partitionReaders[name]` /
 * `partitionChunkReaders[name]` (the Delta source's files, whole or in chunks).
 */
import type { AddAction } from '@weir/delta-log';
import type { ColumnChunk, DataWriter, DataWriterInput, Engine, PartitionChunkReader, PartitionReader, Row, RowBatch, StructType, TaskContext, WriterTaskInput } from '@weir/core';
import type { DeltaWriterOptions } from './delta-sink.js';
import type { DeltaFilePartition } from './delta-source.js';
import { openFilesWriter, readDataFile, readDataFileChunks } from './delta-table-access.js';
import { openParquetTaskWriter, type ParquetWriterOptions } from './parquet-file-writer.js';

// Task contexts carry an engine without `tasks` (no nested tasks); the writers never use it.
const asEngine = (ctx: TaskContext): Engine => ctx.engine as Engine;

/** What a lazily opened task writer offers (`writeColumns` when the file writer has a columnar form). */
interface TaskFilesWriter<M> {
  write(rows: readonly Row[]): Promise<void>;
  writeColumns?(chunk: ColumnChunk): Promise<void>;
  commit(): Promise<M[]>;
  abort(): Promise<void>;
}

/**
 * A writer opened on the first non-empty chunk: an empty task writes nothing and opens nothing.
 * `columnar` says whether the writer `open` returns has `writeColumns` (known before opening).
 */
function lazyDataWriter<M>(open: () => TaskFilesWriter<M>, columnar: boolean): DataWriter {
  let w: TaskFilesWriter<M> | null = null;
  const writer: DataWriter = {
    async write(rows) {
      if (rows.length === 0) return;
      await (w ??= open()).write(rows);
    },
    commit: async () => (w === null ? [] : w.commit()),
    abort: async () => (w === null ? undefined : w.abort()),
  };
  if (columnar) {
    writer.writeColumns = async (chunk) => {
      if (chunk.numRows === 0) return;
      const opened = (w ??= open());
      await (opened.writeColumns as NonNullable<TaskFilesWriter<M>['writeColumns']>)(chunk);
    };
  }
  return writer;
}

/** Delta data files for one task's rows; the commit message is their `add` actions (not yet visible). */
async function deltaFilesWriter(input: DataWriterInput, ctx: TaskContext): Promise<DataWriter> {
  const options = input.options as DeltaWriterOptions;
  return lazyDataWriter(() => {
    const w = openFilesWriter(asEngine(ctx), options.path, input.schema, options.partitionColumns);
    return { write: (rows) => w.write(rows), writeColumns: (chunk) => w.writeColumns(chunk), commit: () => w.finish(), abort: () => w.abort() };
  }, true);
}

/** The file sink's Parquet files for one task's rows; the commit message is their log entries. */
async function parquetFilesWriter(input: DataWriterInput, ctx: TaskContext): Promise<DataWriter> {
  const options = input.options as ParquetWriterOptions;
  return lazyDataWriter(() => openParquetTaskWriter(ctx.engine, options, input.batchId, input.taskId, input.schema), false);
}

/** A `taskHandlers` entry over a `dataWriters` one: open, write the batch once, commit. */
function wholeBatch(
  open: (input: DataWriterInput, ctx: TaskContext) => Promise<DataWriter>,
): (input: unknown, ctx: TaskContext) => Promise<unknown> {
  return async (input, ctx) => {
    const { options, batchId, taskId, batch } = input as WriterTaskInput;
    const schema: StructType = (batch as RowBatch).schema;
    const writer = await open({ options, batchId, taskId, schema }, ctx);
    try {
      await writer.write(batch.rows);
      return await writer.commit();
    } catch (e) {
      // Best effort: a failing abort must not hide why the write failed.
      await writer.abort().catch(() => undefined);
      throw e;
    }
  };
}

export const dataWriters = Object.freeze({
  writeDeltaFiles: deltaFilesWriter as (input: DataWriterInput, ctx: TaskContext) => Promise<DataWriter>,
  writeParquetFiles: parquetFilesWriter as (input: DataWriterInput, ctx: TaskContext) => Promise<DataWriter>,
});

export const taskHandlers = Object.freeze({
  writeDeltaFiles: wholeBatch(deltaFilesWriter),
  writeParquetFiles: wholeBatch(parquetFilesWriter),
});

/** Reads one Delta data file of a streaming batch, partition columns filled in. */
const deltaFile: PartitionReader = async (data, ctx): Promise<RowBatch> => {
  const p = data as DeltaFilePartition;
  return readDataFile(asEngine(ctx), p.tablePath, p.add, p.schema, p.partitionColumns);
};

export const partitionReaders = Object.freeze({ deltaFile });

/** The same file in chunks (see `readDataFileChunks`): a map task streams it through its stage. */
const deltaFileChunks: PartitionChunkReader = (data, ctx) => {
  const p = data as DeltaFilePartition;
  return readDataFileChunks(asEngine(ctx), p.tablePath, p.add, p.schema, p.partitionColumns);
};

export const partitionChunkReaders = Object.freeze({ deltaFile: deltaFileChunks });
