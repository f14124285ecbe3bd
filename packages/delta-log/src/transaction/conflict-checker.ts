/**
 * Delta's optimistic-concurrency conflict rules (Spark's `ConflictChecker`), applied to each
 * commit that won a version this transaction tried to take. No conflict → rebase onto it.
 */
import type { WeirError } from '@weir/core';
import { DeltaErrors } from '../errors.js';
import type { Action } from '../actions/actions.js';
import { fileActionKey } from '../actions/actions.js';
import type { ConflictCode } from './commit-result.js';

/** What the committing transaction read and wrote, as far as conflicts are concerned. */
export interface TransactionFootprint {
  readonly tablePath: string;
  /** The transaction read the table's data (not a blind append): concurrent adds/removes conflict. */
  readonly readsData: boolean;
  /** Keys (path + DV id) of files this transaction removes. */
  readonly removedFiles: ReadonlySet<string>;
  /** AppIds this transaction sets `txn` for. */
  readonly appIds: ReadonlySet<string>;
  /** True when creating the table (read version -1). */
  readonly isCreate: boolean;
}

export interface Conflict {
  readonly code: ConflictCode;
  readonly error: WeirError;
}

/** The first conflict between this transaction and the winning commit `winningVersion`, or null. */
export function checkConflict(tx: TransactionFootprint, winningVersion: number, winner: readonly Action[]): Conflict | null {
  const path = tx.tablePath;
  if (tx.isCreate) {
    return { code: 'DELTA_TABLE_ALREADY_EXISTS', error: DeltaErrors.DELTA_TABLE_ALREADY_EXISTS({ path, version: winningVersion }) };
  }
  for (const a of winner) {
    if ('protocol' in a) return { code: 'DELTA_PROTOCOL_CHANGED', error: DeltaErrors.DELTA_PROTOCOL_CHANGED({ path, winningVersion }) };
  }
  for (const a of winner) {
    if ('metaData' in a) return { code: 'DELTA_METADATA_CHANGED', error: DeltaErrors.DELTA_METADATA_CHANGED({ path, winningVersion }) };
  }
  for (const a of winner) {
    if ('txn' in a && tx.appIds.has(a.txn.appId)) {
      return { code: 'DELTA_CONCURRENT_TRANSACTION', error: DeltaErrors.DELTA_CONCURRENT_TRANSACTION({ path, winningVersion, appId: a.txn.appId }) };
    }
  }
  for (const a of winner) {
    if ('add' in a && a.add.dataChange && tx.readsData) {
      return { code: 'DELTA_CONCURRENT_APPEND', error: DeltaErrors.DELTA_CONCURRENT_APPEND({ path, winningVersion }) };
    }
  }
  for (const a of winner) {
    if ('remove' in a) {
      const k = fileActionKey(a.remove);
      if (tx.removedFiles.has(k)) {
        return { code: 'DELTA_CONCURRENT_DELETE_DELETE', error: DeltaErrors.DELTA_CONCURRENT_DELETE_DELETE({ path, winningVersion, file: a.remove.path }) };
      }
      if (tx.readsData && a.remove.dataChange) {
        return { code: 'DELTA_CONCURRENT_DELETE_READ', error: DeltaErrors.DELTA_CONCURRENT_DELETE_READ({ path, winningVersion, file: a.remove.path }) };
      }
    }
  }
  return null;
}
