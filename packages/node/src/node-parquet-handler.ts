import type { ParquetFileMetadata, ParquetFileWriter, ParquetHandler, ParquetReadOptions, ParquetWriteOptions, RowBatch, StructType } from '@weir/core';
import { CoreErrors } from '@weir/core';
import { ParquetStreamWriter, writeParquet, type ParquetWriterConfig } from './parquet/parquet-writer.js';

/**
 * The reader, loaded on first use: it imports @dsnp/parquetjs, whose entry point loads its whole
 * dependency tree (an object-store SDK among it), 230–450 ms per thread on this machine. Every
 * worker, the CLI and every test process paid that at start, though most never read Parquet.
 */
let reader: Promise<typeof import('./parquet/parquet-reader.js')> | null = null;
function parquetReader(): Promise<typeof import('./parquet/parquet-reader.js')> {
  reader ??= import('./parquet/parquet-reader.js');
  return reader;
}

export interface NodeParquetHandlerOptions {
  /** Default compression for `write`. Defaults to `snappy` (Spark's `spark.sql.parquet.compression.codec`). */
  readonly compression?: 'snappy' | 'gzip' | 'uncompressed';
  /** Default rows per row group for `write`. Defaults to `1048576`. */
  readonly rowGroupSize?: number;
  /**
   * Level entries (= rows for flat columns) per data page. Defaults to `20000` (parquet-mr's
   * `parquet.page.row.count.limit`): a column buffers one page of values before encoding it.
   */
  readonly pageSize?: number;
  /**
   * A data page of PLAIN variable-width values (strings, binaries) ends once its values reach
   * this many bytes (parquet-mr's `parquet.page.size`). Defaults to `1048576`.
   */
  readonly dataPageBytes?: number;
  /**
   * A column chunk's string dictionary falls back to PLAIN for the rest of the chunk once its
   * entries exceed this many bytes (parquet-mr's `parquet.dictionary.page.size`). Defaults to `1048576`.
   */
  readonly dictionaryPageSize?: number;
  /** Dictionary-encode string columns (parquet-mr's `parquet.enable.dictionary`). Defaults to `true`. */
  readonly enableDictionary?: boolean;
}

const DEFAULT_OPTIONS: Required<NodeParquetHandlerOptions> = Object.freeze({
  compression: 'snappy',
  rowGroupSize: 1_048_576,
  pageSize: 20_000,
  dataPageBytes: 1_048_576,
  dictionaryPageSize: 1_048_576,
  enableDictionary: true,
});

/**
 * {@link ParquetHandler} for Node.js. Writing is weir's own streaming encoder (Parquet format v1
 * data pages, PLAIN values, RLE levels, dictionary-encoded strings with parquet-mr's fallback to
 * PLAIN, Thrift compact footer with both converted and logical type annotations; `write` is
 * `openWriter` + one `append` + `finish`), because @dsnp/parquetjs cannot write
 * logical TIMESTAMP annotations, negative timestamps/dates or exact decimals. Reading uses
 * @dsnp/parquetjs to decode pages (PLAIN, dictionary, RLE/bit-packed; data page v1 and v2;
 * snappy/gzip/brotli) with its type conversions bypassed, and converts values itself.
 *
 * Spark's physical types on write: long→INT64, integer→INT32, short→INT32(INT_16),
 * byte→INT32(INT_8), double, float, string→BYTE_ARRAY(UTF8/STRING), binary→BYTE_ARRAY,
 * date→INT32(DATE), timestamp→INT64 TIMESTAMP(MICROS, isAdjustedToUTC=true),
 * timestamp_ntz→INT64 TIMESTAMP(MICROS, isAdjustedToUTC=false), decimal(p≤9)→INT32,
 * decimal(p≤18)→INT64, larger→FIXED_LEN_BYTE_ARRAY (all DECIMAL), struct→group,
 * array→3-level LIST, map→MAP/key_value; nullable→OPTIONAL else REQUIRED. Spark's schema JSON
 * goes in the footer under `org.apache.spark.sql.parquet.row.metadata`, as Spark writes it.
 *
 * On read: INT96 and TIMESTAMP(MILLIS|NANOS) become µs; dates stay day numbers; decimals become
 * exact strings; INT64 becomes a number (exact to 2^53). Unreadable bytes → `PARQUET_CORRUPT`,
 * unsupported codecs (ZSTD, LZ4) → `PARQUET_CODEC_NOT_SUPPORTED`, unmappable types →
 * `PARQUET_TYPE_NOT_SUPPORTED`, values that do not fit the schema on write → `PARQUET_VALUE_INVALID`.
 *
 * ```ts
 * const parquet = new NodeParquetHandler();
 * const bytes = await parquet.write(rowBatch(StructType.fromDDL('id BIGINT, ts TIMESTAMP'), [{ id: 1, ts: 1_700_000_000_000_000 }]));
 * const { rows } = await parquet.read(bytes, { columns: ['ts'] }); // [{ ts: 1700000000000000 }]
 * ```
 */
export class NodeParquetHandler implements ParquetHandler {
  readonly #options: Required<NodeParquetHandlerOptions>;

  constructor(options: NodeParquetHandlerOptions = {}) {
    const merged = { ...DEFAULT_OPTIONS };
    if (options.compression !== undefined) merged.compression = options.compression;
    if (options.rowGroupSize !== undefined) merged.rowGroupSize = positive(options.rowGroupSize, 'options.rowGroupSize');
    if (options.pageSize !== undefined) merged.pageSize = positive(options.pageSize, 'options.pageSize');
    if (options.dataPageBytes !== undefined) merged.dataPageBytes = positive(options.dataPageBytes, 'options.dataPageBytes');
    if (options.dictionaryPageSize !== undefined) merged.dictionaryPageSize = positive(options.dictionaryPageSize, 'options.dictionaryPageSize');
    if (options.enableDictionary !== undefined) merged.enableDictionary = options.enableDictionary;
    this.#options = Object.freeze(merged);
  }

  /** One-shot write: exactly `openWriter` → `append(batch.rows)` → `finish` (one code path). */
  async write(batch: RowBatch, options: ParquetWriteOptions = {}): Promise<Uint8Array> {
    return writeParquet(batch, this.#writerConfig(options));
  }

  /**
   * Opens a file written chunk by chunk: rows are shredded into typed column buffers as they are
   * appended and pages are encoded and compressed as soon as they fill, so only encoded bytes stay
   * in memory. Any split of the rows gives the same bytes as `write` of them all.
   */
  openWriter(schema: StructType, options: ParquetWriteOptions = {}): ParquetFileWriter {
    return new ParquetStreamWriter(schema, this.#writerConfig(options));
  }

  #writerConfig(options: ParquetWriteOptions): ParquetWriterConfig {
    const o = this.#options;
    return {
      compression: options.compression ?? o.compression,
      rowGroupSize: options.rowGroupSize === undefined ? o.rowGroupSize : positive(options.rowGroupSize, 'options.rowGroupSize'),
      pageSize: o.pageSize,
      dataPageBytes: o.dataPageBytes,
      dictionaryPageSize: o.dictionaryPageSize,
      enableDictionary: o.enableDictionary,
    };
  }

  read(data: Uint8Array, options: ParquetReadOptions = {}): Promise<RowBatch> {
    return parquetReader().then((r) => r.readParquet(data, options.columns));
  }

  readMetadata(data: Uint8Array): Promise<ParquetFileMetadata> {
    return parquetReader().then((r) => r.readParquetMetadata(data));
  }
}

function positive(n: number, option: string): number {
  if (!Number.isInteger(n) || n < 1) throw CoreErrors.INVALID_ARGUMENT({ option, reason: 'must be a positive integer' });
  return n;
}
