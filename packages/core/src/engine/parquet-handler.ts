import type { ColumnChunk } from '../batch/column-chunk.js';
import type { Row, RowBatch } from '../batch/row-batch.js';
import type { StructType } from '../schema/data-type.js';

export interface ParquetWriteOptions {
  /** `snappy` (Spark's default), `gzip` or `uncompressed`. Defaults to `snappy`. */
  readonly compression?: 'snappy' | 'gzip' | 'uncompressed';
  /** Rows per row group. Defaults to the implementation's choice. */
  readonly rowGroupSize?: number;
}

export interface ParquetReadOptions {
  /** Read only these top-level columns. Defaults to all. */
  readonly columns?: readonly string[];
}

export interface ParquetFileMetadata {
  readonly schema: StructType;
  readonly numRows: number;
}

/**
 * Parquet encode/decode over bytes (I/O stays with `Storage`, so the same handler serves the
 * fs and the in-memory engines). The only place a Parquet library is imported is the Engine
 * implementation; a faster codec can replace it there.
 *
 * Contracts:
 * - `write` MUST use Spark's physical types: long→INT64, integer→INT32, short→INT32(INT_16),
 *   byte→INT32(INT_8), double→DOUBLE, float→FLOAT, string→BYTE_ARRAY UTF8, boolean→BOOLEAN,
 *   binary→BYTE_ARRAY, date→INT32 DATE, timestamp→INT64 TIMESTAMP(MICROS, UTC-adjusted),
 *   timestamp_ntz→INT64 TIMESTAMP(MICROS, not adjusted), decimal→FIXED_LEN_BYTE_ARRAY/INT32/INT64
 *   DECIMAL; field nullability as OPTIONAL/REQUIRED.
 * - `read` MUST return values in weir's in-memory form (see `Row`): timestamps as µs numbers,
 *   dates as day numbers, decimals as exact strings; INT96 timestamps are converted to µs.
 * - Corrupt input MUST fail with a WeirError (`PARQUET_CORRUPT`), never return partial rows silently.
 */
export interface ParquetHandler {
  write(batch: RowBatch, options?: ParquetWriteOptions): Promise<Uint8Array>;
  /**
   * Optional: opens a file written chunk by chunk (see `ParquetFileWriter`). Appending a batch's
   * rows in any split and finishing MUST give a file with the same rows, types and statistics as
   * `write` of the whole batch. Callers fall back to buffering rows and `write` when absent.
   */
  openWriter?(schema: StructType, options?: ParquetWriteOptions): ParquetFileWriter;
  read(data: Uint8Array, options?: ParquetReadOptions): Promise<RowBatch>;
  readMetadata(data: Uint8Array): Promise<ParquetFileMetadata>;
}

/**
 * One Parquet file being written in chunks (parquet-mr's `ParquetWriter`): appended rows are
 * shredded into column buffers at once, so a task streams its output instead of holding every
 * row object until the end; only encoded columns stay in memory.
 *
 * Contracts:
 * - `append` MUST NOT retain `rows` or the row objects after it returns.
 * - Values are checked as `write` checks them; a bad value fails the `append` with the same error.
 * - After `finish` the writer MUST NOT be used again.
 */
export interface ParquetFileWriter {
  /** Rows appended so far. */
  readonly numRows: number;
  append(rows: readonly Row[]): Promise<void>;
  /**
   * Optional: appends a column chunk whose schema is the writer's schema; MUST give the same file
   * as `append(columnChunkToRows(chunk))` (byte for byte), without row objects. MUST NOT retain
   * the chunk's arrays after it returns.
   */
  appendColumns?(chunk: ColumnChunk): Promise<void>;
  /** Ends the file (footer included) and returns its bytes. */
  finish(): Promise<Uint8Array>;
}
