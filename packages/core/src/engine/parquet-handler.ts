import type { RowBatch } from '../batch/row-batch.js';
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
  read(data: Uint8Array, options?: ParquetReadOptions): Promise<RowBatch>;
  readMetadata(data: Uint8Array): Promise<ParquetFileMetadata>;
}
