import { defineErrors } from '@weir/core';

/**
 * The error catalogue of `@weir/file-source`. Codes follow Spark / Auto Loader spelling where one
 * exists (`UNKNOWN_FIELD_EXCEPTION`, `MALFORMED_RECORD_IN_PARSING`, `CF_*`).
 */
export const FileSourceErrors = defineErrors('@weir/file-source', {
  UNKNOWN_FIELD_EXCEPTION: {
    domain: 'user',
    retryable: false,
    message:
      'Encountered unknown fields during parsing: <newFields> in <path>. Mode <mode>: <action>',
  },
  MALFORMED_RECORD_IN_PARSING: {
    domain: 'user',
    retryable: false,
    message: 'Malformed records are detected in record parsing (FAILFAST) in <path>: <reason>. Record: <record>',
  },
  CF_SOURCE_DIRECTORY_PATH_REQUIRED: {
    domain: 'user',
    retryable: false,
    message: 'The cloudFiles source needs an input path: call load(path)',
  },
  CF_FILE_FORMAT_REQUIRED: {
    domain: 'user',
    retryable: false,
    message: 'Missing required option cloudFiles.format (one of json, csv, parquet, text)',
  },
  CF_SCHEMA_LOCATION_REQUIRED: {
    domain: 'user',
    retryable: false,
    message: 'Schema inference for <format> needs cloudFiles.schemaLocation (or a user schema via .schema(...))',
  },
  CF_EMPTY_DIR_FOR_SCHEMA_INFERENCE: {
    domain: 'user',
    retryable: false,
    message: 'Cannot infer a schema: the input path <path> has no files. Provide a schema or add files first',
  },
  CF_INVALID_OPTION_COMBINATION: {
    domain: 'user',
    retryable: false,
    message: 'Invalid option combination: <reason>',
  },
  FILE_SOURCE_LOG_CORRUPT: {
    domain: 'internal',
    retryable: false,
    message: 'The file source log entry <path> is unreadable: <reason>',
  },
  FILE_SOURCE_OFFSET_INVALID: {
    domain: 'user',
    retryable: false,
    message: 'Offset <offset> is not a file-source offset known to <metadataPath>: <reason>',
  },
});
