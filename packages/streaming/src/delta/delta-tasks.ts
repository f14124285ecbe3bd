/**
 * Worker-side entry points of the Delta sink/source and the parquet sink. A worker imports this
 * module by file URL (see `task-module.ts`) and calls `taskHandlers[name]` (sink writers, per
 * the core `WriterFactory` contract) or `partitionReaders[name]` (the Delta source's files).
 */
import type { Engine, PartitionReader, RowBatch, TaskContext, WriterTaskInput } from '@weir/core';
import type { DeltaWriterOptions } from './delta-sink.js';
import type { DeltaFilePartition } from './delta-source.js';
import { readDataFile, writeFiles, type DeltaAddAction } from './delta-table-access.js';
import { writeParquetTaskFiles, type ParquetWriterOptions } from './parquet-file-writer.js';
import type { SinkFileStatus } from './file-sink-log.js';

// Task contexts carry an engine without `tasks` (no nested tasks); the writers never use it.
const asEngine = (ctx: TaskContext): Engine => ctx.engine as Engine;

/** Writes one task's rows as Delta data files; returns their `add` actions (not yet visible). */
async function writeDeltaFiles(input: WriterTaskInput, ctx: TaskContext): Promise<DeltaAddAction[]> {
  const options = input.options as DeltaWriterOptions;
  if (input.batch.rows.length === 0) return [];
  return writeFiles(asEngine(ctx), options.path, input.batch, options.partitionColumns);
}

/** Writes one task's rows as Parquet files for the file sink; returns their log entries. */
async function writeParquetFiles(input: WriterTaskInput, ctx: TaskContext): Promise<SinkFileStatus[]> {
  return writeParquetTaskFiles(ctx.engine, input.options as ParquetWriterOptions, input.batchId, input.taskId, input.batch);
}

export const taskHandlers = Object.freeze({
  writeDeltaFiles: writeDeltaFiles as (input: unknown, ctx: TaskContext) => Promise<unknown>,
  writeParquetFiles: writeParquetFiles as (input: unknown, ctx: TaskContext) => Promise<unknown>,
});

/** Reads one Delta data file of a streaming batch, partition columns filled in. */
const deltaFile: PartitionReader = async (data, ctx): Promise<RowBatch> => {
  const p = data as DeltaFilePartition;
  return readDataFile(asEngine(ctx), p.tablePath, p.add, p.schema, p.partitionColumns);
};

export const partitionReaders = Object.freeze({ deltaFile });
