import { defineErrors } from '@weir/core';

/**
 * The planner's error catalogue. Codes follow Spark's error classes where Spark has one
 * (`UNRESOLVED_COLUMN` is Spark's `UNRESOLVED_COLUMN.WITH_SUGGESTION`, `DATATYPE_MISMATCH` its
 * `DATATYPE_MISMATCH.*` family); all are analysis-time user errors, raised by `planQuery`.
 */
export const PlannerErrors = defineErrors('@weir/planner', {
  UNRESOLVED_COLUMN: {
    domain: 'user',
    retryable: false,
    message: 'A column or function parameter with name <name> cannot be resolved. Did you mean one of the following? [<suggestions>]',
  },
  AMBIGUOUS_REFERENCE: {
    domain: 'user',
    retryable: false,
    message: 'Reference <name> is ambiguous, could be: [<candidates>]',
  },
  DATATYPE_MISMATCH: {
    domain: 'user',
    retryable: false,
    message: 'Cannot resolve <expression> due to data type mismatch: <reason>',
  },
  INVALID_EXPRESSION: {
    domain: 'user',
    retryable: false,
    message: 'Invalid expression <expression>: <reason>',
  },
  STREAMING_OUTPUT_MODE_UNSUPPORTED: {
    domain: 'user',
    retryable: false,
    message: '<outputMode> output mode not supported <reason>',
  },
  UNSUPPORTED_STREAMING_OPERATION: {
    domain: 'user',
    retryable: false,
    message: '<operation> is not supported on streaming DataFrames/Datasets<reason>',
  },
  INVALID_WATERMARK: {
    domain: 'user',
    retryable: false,
    message: 'Invalid watermark on column <column>: <reason>',
  },
  PARSE_SYNTAX_ERROR: {
    domain: 'user',
    retryable: false,
    message: 'Syntax error at position <position>: <error> in "<text>"',
  },
  STATE_STORE_KEY_SCHEMA_NOT_COMPATIBLE: {
    domain: 'user',
    retryable: false,
    message: 'Provided key schema does not match existing state key schema: <reason>. Restart the query from a new checkpoint location',
  },
  STATE_STORE_VALUE_SCHEMA_NOT_COMPATIBLE: {
    domain: 'user',
    retryable: false,
    message: 'Provided value schema does not match existing state value schema: <reason>. Restart the query from a new checkpoint location',
  },
  PLANNER_INTERNAL_ERROR: {
    domain: 'internal',
    retryable: false,
    message: '<reason>. This is a bug in @weir/planner, please report it',
  },
});
