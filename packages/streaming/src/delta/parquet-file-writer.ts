/**
 * The parquet file sink's worker-side writer: one Parquet file per Hive partition directory per
 * task, written chunk by chunk (`engine.parquet.openWriter`) so a task never holds its rows.
 */
import { field, joinPath, type Engine, type ParquetFileWriter, type Row, type RowBatch, type StructField, type StructType } from '@weir/core';
import { openHivePartitionRouter, type HivePartition } from '@weir/delta-log';
import type { SinkFileStatus } from './file-sink-log.js';

/** What the parquet sink's worker-side writer is configured with (plain data). */
export interface ParquetWriterOptions {
  readonly path: string;
  readonly partitionColumns: readonly string[];
  readonly queryId: string;
}

/**
 * One task's output files being written. `write` MUST NOT retain the rows after its promise
 * settles and calls MUST NOT overlap; any split of the same rows gives the same files and log
 * entries (modification times aside). Nothing is visible until the batch's log entry is written.
 */
export interface ParquetTaskWriter {
  write(rows: readonly Row[]): Promise<void>;
  /** Ends and stores every file; returns their log entries (directories in first-seen order). */
  commit(): Promise<SinkFileStatus[]>;
  /**
   * Best effort after a failure: drops open files and deletes the files a failed `commit` had
   * already stored (a committed writer's files belong to the batch's log entry: left alone).
   */
  abort(): Promise<void>;
}

/** One partition directory's file (the router's group). */
interface Group {
  readonly partition: HivePartition;
  readonly writer: ParquetFileWriter | null;
  /** Fallback when the ParquetHandler has no `openWriter`: projected copies of the rows. */
  readonly buffered: Row[];
  numRows: number;
}

/**
 * Opens the writer of one task's files under the sink root. Names are a function of
 * `(batchId, taskId, queryId)`, so a retried task overwrites its own files rather than leaving
 * duplicates.
 */
export function openParquetTaskWriter(
  engine: Pick<Engine, 'storage' | 'parquet'>,
  options: ParquetWriterOptions,
  batchId: number,
  taskId: number,
  schema: StructType,
): ParquetTaskWriter {
  const partCols = options.partitionColumns;
  // Directory text as Delta writes it (one serialisation for every sink); a partition column
  // missing from the schema is routed as a string (all null).
  const partFields: StructField[] = partCols.map((c) => schema.fields.find((f) => f.name === c) ?? field(c, 'string'));
  // One schema object for every file: the ParquetHandler caches its compiled shredder per schema.
  const dataSchema: StructType = partCols.length === 0 ? schema : { type: 'struct', fields: schema.fields.filter((f) => !partCols.includes(f.name)) };
  const dataNames = dataSchema.fields.map((f) => f.name);
  const name = `part-${String(taskId).padStart(5, '0')}-${options.queryId}-${batchId}.c000.snappy.parquet`;
  const router = openHivePartitionRouter<Group>(partFields, (partition) => ({
    partition,
    writer: engine.parquet.openWriter ? engine.parquet.openWriter(dataSchema, { compression: 'snappy' }) : null,
    buffered: [],
    numRows: 0,
  }));
  /** Files `commit` has stored (or begun to store): what `abort` deletes. */
  const stored: string[] = [];
  let committed = false;

  const append = async (g: Group, rows: readonly Row[]): Promise<void> => {
    // The handler reads only the schema's fields, so partition columns may stay in the rows.
    if (g.writer !== null) await g.writer.append(rows);
    else
      for (const r of rows) {
        const data: Row = {};
        for (const n of dataNames) data[n] = r[n] ?? null;
        g.buffered.push(data);
      }
    g.numRows += rows.length;
  };

  return {
    async write(rows: readonly Row[]): Promise<void> {
      await router.route(rows, append);
    },

    async commit(): Promise<SinkFileStatus[]> {
      const out: SinkFileStatus[] = [];
      for (const g of router.groups()) {
        const bytes = g.writer !== null ? await g.writer.finish() : await engine.parquet.write({ schema: dataSchema, rows: g.buffered }, { compression: 'snappy' });
        const { dir, values } = g.partition;
        const rel = dir === '' ? name : `${dir}/${name}`;
        const full = joinPath(options.path, rel);
        stored.push(full);
        await engine.storage.put(full, bytes);
        const info = await engine.storage.head(full);
        out.push({
          path: rel,
          size: bytes.byteLength,
          isDir: false,
          modificationTime: info?.modificationTime ?? 0,
          blockReplication: 1,
          blockSize: bytes.byteLength,
          action: 'add',
          partitionValues: values,
          numRecords: g.numRows,
        });
      }
      router.clear();
      committed = true;
      return out;
    },

    async abort(): Promise<void> {
      router.clear();
      if (committed) return;
      for (const path of stored.splice(0)) {
        try {
          await engine.storage.delete(path);
        } catch {
          // Best effort: an undeleted file is an orphan no sink log entry references.
        }
      }
    },
  };
}

/** Writes one task's rows as Parquet files under the sink root: {@link openParquetTaskWriter}, one write, commit. */
export async function writeParquetTaskFiles(
  engine: Pick<Engine, 'storage' | 'parquet'>,
  options: ParquetWriterOptions,
  batchId: number,
  taskId: number,
  batch: RowBatch,
): Promise<SinkFileStatus[]> {
  if (batch.rows.length === 0) return [];
  const writer = openParquetTaskWriter(engine, options, batchId, taskId, batch.schema);
  try {
    await writer.write(batch.rows);
    return await writer.commit();
  } catch (e) {
    // Best effort: a failing abort must not hide why the write failed.
    await writer.abort().catch(() => undefined);
    throw e;
  }
}
