import { defineErrors } from '@weir/core';

/**
 * Error codes of the Delta sink/source and the parquet file sink (Delta's spelling where Delta
 * has one: `DELTA_SOURCE_IGNORE_DELETE`, `DELTA_SOURCE_TABLE_IGNORE_CHANGES`,
 * `DELTA_STARTING_VERSION_AND_TIMESTAMP_BOTH_SET`, `DELTA_TIMESTAMP_GREATER_THAN_COMMIT`).
 */
export const DeltaStreamingErrors = defineErrors('@weir/streaming/delta', {
  DELTA_SOURCE_IGNORE_DELETE: {
    domain: 'user',
    retryable: false,
    message:
      'Detected deleted data from streaming source <path> at version <version>. This is currently not supported. If you would like to ignore deletes, set the option ignoreDeletes to true',
  },
  DELTA_SOURCE_TABLE_IGNORE_CHANGES: {
    domain: 'user',
    retryable: false,
    message:
      'Detected a data update in the source table <path> at version <version>. This is currently not supported. If you would like to ignore updates, set the option skipChangeCommits to true',
  },
  DELTA_STARTING_VERSION_AND_TIMESTAMP_BOTH_SET: {
    domain: 'user',
    retryable: false,
    message: 'Please either provide startingVersion or startingTimestamp, not both',
  },
  DELTA_TIMESTAMP_GREATER_THAN_COMMIT: {
    domain: 'user',
    retryable: false,
    message: 'The provided timestamp <timestamp> is after the latest commit of <path> (version <version>, committed at <commitTimestamp>)',
  },
  DELTA_STREAMING_SOURCE_TABLE_NOT_FOUND: {
    domain: 'user',
    retryable: false,
    message: '<path> is not a Delta table (no _delta_log); a Delta streaming source needs an existing table to read its schema',
  },
  DELTA_SINK_COMMIT_FAILED: {
    domain: 'external',
    retryable: true,
    message: 'Batch <batchId> could not be committed to the Delta table <path> after <attempts> attempts: <reason>',
  },
  DELTA_SINK_PATH_REQUIRED: {
    domain: 'user',
    retryable: false,
    message: 'The <sink> sink needs a path: call start(path) or option("path", …)',
  },
  DELTA_TXN_OPTIONS_INCOMPLETE: {
    domain: 'user',
    retryable: false,
    message: 'Options txnAppId and txnVersion must be set together (got txnAppId=<txnAppId>, txnVersion=<txnVersion>)',
  },
  FILE_SINK_LOG_CORRUPT: {
    domain: 'user',
    retryable: false,
    message: 'The file sink log entry <path> is malformed: <reason>',
  },
});
