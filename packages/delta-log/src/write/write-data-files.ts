/**
 * Writing data files in one call: rows → Parquet files in Hive-style partition directories,
 * returned as `add` actions (with stats) ready to commit. Pure over the Engine, so it runs inside a
 * worker; nothing is visible in the table until a transaction commits the returned actions.
 */
import type { Engine, RowBatch } from '@weir/core';
import type { AddAction } from '../actions/actions.js';
import { openDataFileWriterImpl, type WriteDataFilesOptions } from './data-file-writer.js';

export type { WriteDataFilesOptions } from './data-file-writer.js';

/**
 * Writes `batch` as Parquet data files under `tablePath` and returns their `add` actions
 * (`dataChange: true`, stats for the data columns): {@link openDataFileWriter}, one `write`,
 * `finish` — the same files a chunked write of the same rows gives. File names follow Spark:
 * `<col>=<value>/…/part-00000-<uuid>.c000.snappy.parquet`; partition values are escaped as Spark
 * escapes path names, null as `__HIVE_DEFAULT_PARTITION__`; `add.path` is the URI-encoded relative path.
 * @throws DELTA_PARTITION_COLUMN_NOT_FOUND for a partition column missing from the batch schema.
 */
export async function writeDataFiles(engine: Engine, tablePath: string, batch: RowBatch, options: WriteDataFilesOptions = {}): Promise<AddAction[]> {
  // The batch is the caller's and outlives the call: the writer need not copy its rows.
  const writer = openDataFileWriterImpl(engine, tablePath, batch.schema, options, true);
  try {
    await writer.write(batch.rows);
    return await writer.finish();
  } catch (e) {
    await writer.abort();
    throw e;
  }
}
