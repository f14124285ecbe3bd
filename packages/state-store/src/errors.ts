import { defineErrors } from '@weir/core';

/**
 * Errors raised by `@weir/state-store`. Codes follow Spark's state-store error classes where
 * Spark has one (`CANNOT_LOAD_STATE_STORE.CANNOT_READ_DELTA_FILE_NOT_EXISTS`,
 * `CANNOT_READ_STREAMING_STATE_FILE`, ...), flattened to one UPPER_SNAKE code each.
 */
export const StateStoreErrors = defineErrors('@weir/state-store', {
  /** A file exists but is torn, truncated, or fails its checksum: never misread it. */
  STATE_STORE_CORRUPT: {
    domain: 'external',
    retryable: false,
    message: 'State store file <path> is corrupt: <reason>. Restore it from a backup or start the query with a new checkpoint',
  },
  /** Spark: CANNOT_LOAD_STATE_STORE.CANNOT_READ_DELTA_FILE_NOT_EXISTS. */
  CANNOT_READ_DELTA_FILE_NOT_EXISTS: {
    domain: 'user',
    retryable: false,
    message:
      'Cannot load state version <version> of <storeDir>: <path> does not exist (the checkpoint was cleaned up beyond it, or it was never committed)',
  },
  /** Spark: INVALID_LOG_VERSION / UNSUPPORTED_STATE_STORE_VERSION for state files. */
  STATE_STORE_UNSUPPORTED_FORMAT_VERSION: {
    domain: 'user',
    retryable: false,
    message: 'State store file <path> was written with format v<formatVersion>, but this weir reads at most v<maxSupportedVersion>. Upgrade weir',
  },
  /** A store was used after commit()/abort(), or committed twice. */
  STATE_STORE_ALREADY_CLOSED: {
    domain: 'internal',
    retryable: false,
    message: 'State store version <version> of <storeDir> was already <state>; load a new store for the next batch',
  },
});
