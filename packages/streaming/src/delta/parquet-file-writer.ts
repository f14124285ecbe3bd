import { joinPath, type Engine, type RowBatch } from '@weir/core';
import type { SinkFileStatus } from './file-sink-log.js';
import { groupByPartition } from './partition-path.js';

/** What the parquet sink's worker-side writer is configured with (plain data). */
export interface ParquetWriterOptions {
  readonly path: string;
  readonly partitionColumns: readonly string[];
  readonly queryId: string;
}

/**
 * Writes one task's rows as Parquet files under the sink root (one per Hive partition). Names are
 * a function of `(batchId, taskId, queryId)`, so a retried task overwrites its own files rather
 * than leaving duplicates; the files stay invisible until the batch's log entry is written.
 */
export async function writeParquetTaskFiles(
  engine: Pick<Engine, 'storage' | 'parquet'>,
  options: ParquetWriterOptions,
  batchId: number,
  taskId: number,
  batch: RowBatch,
): Promise<SinkFileStatus[]> {
  if (batch.rows.length === 0) return [];
  const out: SinkFileStatus[] = [];
  for (const group of groupByPartition(batch, options.partitionColumns)) {
    const name = `part-${String(taskId).padStart(5, '0')}-${options.queryId}-${batchId}.c000.snappy.parquet`;
    const rel = group.dir === '' ? name : `${group.dir}/${name}`;
    const bytes = await engine.parquet.write(group.batch, { compression: 'snappy' });
    const full = joinPath(options.path, rel);
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
      partitionValues: group.partitionValues,
      numRecords: group.batch.rows.length,
    });
  }
  return out;
}
