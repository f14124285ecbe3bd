import { defineErrors } from './define-errors.js';

/** Errors raised by @weir/core and by Engine implementations mapping foreign errors at their edge. */
export const CoreErrors = defineErrors('@weir/core', {
  INTERNAL_ERROR: {
    domain: 'internal',
    retryable: false,
    message: '<reason>. This is a bug in <package>, please report it',
  },
  INVALID_ARGUMENT: { domain: 'user', retryable: false, message: '<option> <reason>' },
  INVALID_OPTION: {
    domain: 'user',
    retryable: false,
    message: 'Invalid option <option> for <owner>: <reason>. Valid options: <validOptions>',
  },
  INVALID_DDL: { domain: 'user', retryable: false, message: 'Cannot parse DDL at position <position>: <reason> in "<ddl>"' },
  INVALID_SCHEMA_JSON: { domain: 'user', retryable: false, message: 'Invalid schema JSON: <reason>' },
  INVALID_INTERVAL_FORMAT: {
    domain: 'user',
    retryable: false,
    message: 'Cannot parse interval "<input>": <reason>. Use forms like "10 seconds", "5 minutes", "500 ms"',
  },
  INVALID_BYTE_SIZE: {
    domain: 'user',
    retryable: false,
    message: 'Cannot parse byte size "<input>". Use forms like "512m", "10g", "1kb", "100b"',
  },
  FILE_NOT_FOUND: { domain: 'user', retryable: false, message: 'File <path> does not exist' },
  FILE_ALREADY_EXISTS: { domain: 'user', retryable: false, message: 'File <path> already exists' },
  STORAGE_IO_ERROR: {
    domain: 'external',
    retryable: true,
    message: 'Storage <operation> failed on <path>: <reason>',
  },
  DATA_SOURCE_NOT_FOUND: {
    domain: 'user',
    retryable: false,
    message: 'Failed to find the data source: <provider>. Registered: <registered>',
  },
  PLUGIN_ALREADY_REGISTERED: { domain: 'user', retryable: false, message: 'A <kind> plugin named <name> is already registered' },
  TASK_FAILED: { domain: 'internal', retryable: true, message: 'Task <task> failed: <reason>' },
});
