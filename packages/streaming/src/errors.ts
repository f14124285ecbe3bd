import { defineErrors } from '@weir/core';

/**
 * Error codes raised by @weir/streaming. Spark's spelling where Spark has one
 * (`STREAMING_CHECKPOINT_MISSING_METADATA_FILE`, `CONCURRENT_STREAM_LOG_UPDATE`,
 * `INVALID_LOG_VERSION`, `STREAM_FAILED`).
 */
export const StreamingErrors = defineErrors('@weir/streaming', {
  STREAMING_CHECKPOINT_MISSING_METADATA_FILE: {
    domain: 'user',
    retryable: false,
    message:
      'Checkpoint location <checkpoint> has offset or commit logs but no metadata file; it was not written by a query that can be resumed. Use a new checkpoint location or restore <checkpoint>/metadata',
  },
  CONCURRENT_STREAM_LOG_UPDATE: {
    domain: 'user',
    retryable: false,
    message: 'Another query wrote <log> entry for batch <batchId> in checkpoint <checkpoint>; only one query may use a checkpoint at a time',
  },
  INVALID_LOG_VERSION: {
    domain: 'user',
    retryable: false,
    message:
      'The log file <path> was written with version v<version>, but this weir supports at most v<maxSupportedVersion>. Upgrade weir or use a new checkpoint',
  },
  MALFORMED_LOG_FILE: { domain: 'user', retryable: false, message: 'Log file <path> is malformed: <reason>' },
  OFFSET_LOG_GAP: { domain: 'internal', retryable: false, message: 'Batch <batchId> missing from offset log in <checkpoint>' },
  STREAMING_SOURCE_COUNT_MISMATCH: {
    domain: 'user',
    retryable: false,
    message: 'The offset log of <checkpoint> records <logged> sources but the query has <actual>; a query cannot change its sources across restarts',
  },
  STREAMING_QUERY_ALREADY_ACTIVE: {
    domain: 'user',
    retryable: false,
    message: 'A query with name or checkpoint <what> is already active in this session',
  },
  STREAM_FAILED: { domain: 'external', retryable: false, message: 'Query <query> (id <id>, runId <runId>) terminated with exception: <reason>' },
  MISSING_CHECKPOINT_LOCATION: {
    domain: 'user',
    retryable: false,
    message: 'checkpointLocation must be specified for the <sink> sink (option("checkpointLocation", path))',
  },
  INVALID_TRIGGER: { domain: 'user', retryable: false, message: 'Invalid trigger <trigger>: <reason>' },
  OUTPUT_MODE_UNSUPPORTED_BY_SINK: {
    domain: 'user',
    retryable: false,
    message: 'Sink <sink> does not support output mode <outputMode>; it supports <supported>',
  },
  MEMORY_TABLE_NOT_FOUND: { domain: 'user', retryable: false, message: 'No memory sink table named <name> in this session' },
  STREAMING_QUERY_TIMEOUT: { domain: 'user', retryable: false, message: '<what> did not finish within <timeoutMs> ms' },
});
