import type { WeirError } from '@weir/core';

/** The conflict codes a commit can end with (Delta Spark's names). */
export type ConflictCode =
  | 'DELTA_CONCURRENT_APPEND'
  | 'DELTA_CONCURRENT_DELETE_READ'
  | 'DELTA_CONCURRENT_DELETE_DELETE'
  | 'DELTA_METADATA_CHANGED'
  | 'DELTA_PROTOCOL_CHANGED'
  | 'DELTA_CONCURRENT_TRANSACTION'
  | 'DELTA_TABLE_ALREADY_EXISTS';

/**
 * The outcome of a commit — a value, not an exception (a conflict is an expected outcome).
 * - `committed`: the actions are version `version`; `attempts` counts rebases + 1.
 * - `conflict`: a concurrent commit (`winningVersion`) conflicts by Delta's rules; `error` carries
 *   the code, throw it if you want Spark's behaviour.
 */
export type CommitResult =
  | { readonly kind: 'committed'; readonly version: number; readonly attempts: number }
  | { readonly kind: 'conflict'; readonly code: ConflictCode; readonly winningVersion: number; readonly error: WeirError };
