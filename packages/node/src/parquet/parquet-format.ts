/** Parquet's Thrift enum values (parquet-format `parquet.thrift`), in one place. */
export const PhysicalType = { BOOLEAN: 0, INT32: 1, INT64: 2, INT96: 3, FLOAT: 4, DOUBLE: 5, BYTE_ARRAY: 6, FIXED_LEN_BYTE_ARRAY: 7 } as const;
export type PhysicalTypeName = keyof typeof PhysicalType;
export const PHYSICAL_TYPE_NAMES: readonly PhysicalTypeName[] = ['BOOLEAN', 'INT32', 'INT64', 'INT96', 'FLOAT', 'DOUBLE', 'BYTE_ARRAY', 'FIXED_LEN_BYTE_ARRAY'];

export const ConvertedType = {
  UTF8: 0, MAP: 1, MAP_KEY_VALUE: 2, LIST: 3, ENUM: 4, DECIMAL: 5, DATE: 6, TIME_MILLIS: 7, TIME_MICROS: 8,
  TIMESTAMP_MILLIS: 9, TIMESTAMP_MICROS: 10, UINT_8: 11, UINT_16: 12, UINT_32: 13, UINT_64: 14,
  INT_8: 15, INT_16: 16, INT_32: 17, INT_64: 18, JSON: 19, BSON: 20, INTERVAL: 21,
} as const;

export const Repetition = { REQUIRED: 0, OPTIONAL: 1, REPEATED: 2 } as const;
export const Encoding = { PLAIN: 0, PLAIN_DICTIONARY: 2, RLE: 3, BIT_PACKED: 4, DELTA_BINARY_PACKED: 5, DELTA_LENGTH_BYTE_ARRAY: 6, DELTA_BYTE_ARRAY: 7, RLE_DICTIONARY: 8, BYTE_STREAM_SPLIT: 9 } as const;
export const Codec = { UNCOMPRESSED: 0, SNAPPY: 1, GZIP: 2, LZO: 3, BROTLI: 4, LZ4: 5, ZSTD: 6, LZ4_RAW: 7 } as const;
export const PageType = { DATA_PAGE: 0, INDEX_PAGE: 1, DICTIONARY_PAGE: 2, DATA_PAGE_V2: 3 } as const;
/** Field ids of the `LogicalType` union. */
export const LogicalTypeId = { STRING: 1, MAP: 2, LIST: 3, ENUM: 4, DECIMAL: 5, DATE: 6, TIME: 7, TIMESTAMP: 8, INTEGER: 10, UNKNOWN: 11, JSON: 12, BSON: 13, UUID: 14 } as const;

export const MAGIC = new Uint8Array([0x50, 0x41, 0x52, 0x31]); // "PAR1"

/** The key Spark stores its schema JSON under in the footer's key-value metadata. */
export const SPARK_SCHEMA_KEY = 'org.apache.spark.sql.parquet.row.metadata';

/** Bytes a FIXED_LEN_BYTE_ARRAY needs to hold a decimal of this precision (Spark's `minBytesForPrecision`). */
export function minBytesForPrecision(precision: number): number {
  let bytes = 1;
  while (Math.pow(2, 8 * bytes - 1) < Math.pow(10, precision)) bytes++;
  return bytes;
}

/** Bits needed for values 0..max (0 for max 0). */
export function bitWidth(max: number): number {
  let w = 0;
  while (max >= 2 ** w) w++;
  return w;
}
