import { defineErrors } from '@weir/core';

/**
 * Errors raised by `@weir/node` itself. Storage errors use core's codes (`FILE_NOT_FOUND`,
 * `FILE_ALREADY_EXISTS`, `STORAGE_IO_ERROR`) because every Storage implementation shares them.
 */
export const NodeErrors = defineErrors('@weir/node', {
  PARQUET_CORRUPT: {
    domain: 'external',
    retryable: false,
    message: 'Cannot read Parquet data (<size> bytes): <reason>. The file is corrupt or not Parquet',
  },
  // Spark: PARQUET_TYPE_NOT_SUPPORTED ("Parquet type not yet supported").
  PARQUET_TYPE_NOT_SUPPORTED: {
    domain: 'user',
    retryable: false,
    message: 'Parquet type not yet supported: <parquetType> (column <column>)',
  },
  PARQUET_CODEC_NOT_SUPPORTED: {
    domain: 'user',
    retryable: false,
    message: 'Parquet compression codec <codec> is not supported (column <column>); weir reads UNCOMPRESSED, SNAPPY, GZIP and BROTLI',
  },
  PARQUET_ENCODING_NOT_SUPPORTED: {
    domain: 'user',
    retryable: false,
    message: 'Parquet encoding <encoding> is not supported here (<reason>)',
  },
  PARQUET_VALUE_INVALID: {
    domain: 'user',
    retryable: false,
    message: 'Cannot write value <value> to Parquet column <column> of type <dataType>: <reason>',
  },
  TASK_HANDLER_NOT_FOUND: {
    domain: 'user',
    retryable: false,
    message: 'Module <module> exports no task handler <handler> (expected `export const <exportName> = { <handler>: async (input, ctx) => … }`)',
  },
});
