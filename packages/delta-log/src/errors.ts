import { defineErrors } from '@weir/core';

/**
 * Every error @weir/delta-log throws. Codes use Delta Spark's spelling where Spark has one
 * (`DELTA_CONCURRENT_APPEND`, `DELTA_METADATA_CHANGED`, …) so users can search for them.
 * Commit conflicts are also carried as values (inside a `CommitResult`), never thrown by `commit`.
 */
export const DeltaErrors = defineErrors('@weir/delta-log', {
  DELTA_TABLE_NOT_FOUND: {
    domain: 'user',
    retryable: false,
    message: 'No Delta table at <path>: <reason>. Create it first or check the path',
  },
  DELTA_TABLE_ALREADY_EXISTS: {
    domain: 'user',
    retryable: false,
    message: 'A Delta table already exists at <path> (version <version>)',
  },
  DELTA_UNSUPPORTED_FEATURE: {
    domain: 'user',
    retryable: false,
    message: 'Table <path> requires the Delta table feature "<feature>" for <operation>, which weir does not implement',
  },
  DELTA_INVALID_PROTOCOL_VERSION: {
    domain: 'user',
    retryable: false,
    message: 'Table <path> requires reader version <readerVersion> / writer version <writerVersion>; weir supports reader ≤ 3, writer ≤ 7',
  },
  DELTA_LOG_FILE_CORRUPT: {
    domain: 'external',
    retryable: false,
    message: 'Delta log file <file> is corrupt at line <line>: <reason>',
  },
  DELTA_VERSIONS_NOT_CONTIGUOUS: {
    domain: 'external',
    retryable: false,
    message: 'Delta log of <path> is missing version <missing> (versions must be contiguous; found <found>)',
  },
  DELTA_MISSING_PART_FILES: {
    domain: 'external',
    retryable: false,
    message: 'Cannot reconstruct version <version> of <path>: <reason>',
  },
  DELTA_STATE_RECOVER_ERROR: {
    domain: 'external',
    retryable: false,
    message: 'The <what> of table <path> at version <version> could not be recovered from its log',
  },
  DELTA_FILE_PATH_ESCAPES_TABLE: {
    domain: 'external',
    retryable: false,
    message: 'File path <filePath> in the log of <path> resolves outside the table root; refusing to read it',
  },
  DELTA_DELETION_VECTOR_INVALID: {
    domain: 'external',
    retryable: false,
    message: 'Deletion vector <dv> of table <path> cannot be read: <reason>',
  },
  DELTA_VERSION_NOT_FOUND: {
    domain: 'user',
    retryable: false,
    message: 'Cannot time travel <path> to version <version>: available versions are <earliest> to <latest>',
  },
  DELTA_TIMESTAMP_EARLIER_THAN_COMMIT_RETENTION: {
    domain: 'user',
    retryable: false,
    message: 'Timestamp <timestamp> is before the earliest available commit of <path> (<earliest>)',
  },
  // Spark's name is DELTA_TIMESTAMP_GREATER_THAN_COMMIT; @weir/streaming's catalogue holds that code already.
  DELTA_TIMESTAMP_AFTER_LATEST_COMMIT: {
    domain: 'user',
    retryable: false,
    message: 'Timestamp <timestamp> is after the latest commit of <path> (<latest>)',
  },
  DELTA_SCHEMA_MISMATCH: {
    domain: 'user',
    retryable: false,
    message: 'Data schema does not match table <path>: <reason>. Use mergeSchema to add columns or overwriteSchema to replace the schema',
  },
  DELTA_NOT_NULL_CONSTRAINT_VIOLATED: {
    domain: 'user',
    retryable: false,
    message: 'NOT NULL constraint violated for column <column> of table <path>',
  },
  DELTA_PARTITION_COLUMN_NOT_FOUND: {
    domain: 'user',
    retryable: false,
    message: 'Partition column <column> is not in the schema of <path>',
  },
  DELTA_CANNOT_MODIFY_APPEND_ONLY: {
    domain: 'user',
    retryable: false,
    message: 'Table <path> is append-only (delta.appendOnly=true); removing data is not allowed',
  },
  DELTA_CONCURRENT_APPEND: {
    domain: 'user',
    retryable: true,
    message: 'Files were added to <path> by a concurrent update (version <winningVersion>) that this transaction should have read. Retry the operation',
  },
  DELTA_CONCURRENT_DELETE_READ: {
    domain: 'user',
    retryable: true,
    message: 'A concurrent update (version <winningVersion>) removed file <file> of <path> that this transaction read. Retry the operation',
  },
  DELTA_CONCURRENT_DELETE_DELETE: {
    domain: 'user',
    retryable: true,
    message: 'A concurrent update (version <winningVersion>) removed file <file> of <path> that this transaction also removes. Retry the operation',
  },
  DELTA_METADATA_CHANGED: {
    domain: 'user',
    retryable: true,
    message: 'The metadata of <path> was changed by a concurrent update (version <winningVersion>). Retry the operation',
  },
  DELTA_PROTOCOL_CHANGED: {
    domain: 'user',
    retryable: true,
    message: 'The protocol of <path> was changed by a concurrent update (version <winningVersion>). Retry the operation',
  },
  DELTA_CONCURRENT_TRANSACTION: {
    domain: 'user',
    retryable: false,
    message: 'A concurrent update (version <winningVersion>) of <path> committed a txn for appId <appId>, which this transaction also sets',
  },
  DELTA_MAX_COMMIT_RETRIES_EXCEEDED: {
    domain: 'external',
    retryable: true,
    message: 'Gave up committing to <path> after <attempts> attempts (last tried version <version>)',
  },
  DELTA_VACUUM_RETENTION_TOO_SHORT: {
    domain: 'user',
    retryable: false,
    message: 'Vacuum retention <retentionHours> h is shorter than <minimumHours> h; pass force to do it anyway (concurrent readers may fail)',
  },
  DELTA_INVALID_ARGUMENT: {
    domain: 'user',
    retryable: false,
    message: '<argument> <reason>',
  },
  DELTA_INTERNAL_ERROR: {
    domain: 'internal',
    retryable: false,
    message: '<reason>; this is a bug in @weir/delta-log, please report',
  },
});
