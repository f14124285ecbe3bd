import type { Row } from '@weir/core';
import { FileSourceErrors } from '../errors.js';
import type { ConformPlan } from './conform-plan.js';
import type { BadRecord, PartitionFile } from './file-partition-data.js';
import { MISMATCH } from './value-converters.js';

/**
 * Rows per chunk a reader yields: a big file reaches the map stage in slices of at most this
 * many rows, so a task holds one chunk of rows, not its whole partition.
 */
export const CHUNK_RECORDS = 8192;

/**
 * Collects the rows of the current chunk and the partition's bad records, applying the parse
 * mode. Readers are generators that yield whenever `full` turns true; the caller then `take`s
 * the chunk. Bad records accumulate across chunks (they are written once, at the end).
 */
export class RowSink {
  rows: Row[] = [];
  readonly bad: BadRecord[] = [];
  readonly #plan: ConformPlan;

  constructor(plan: ConformPlan) {
    this.#plan = plan;
  }

  get full(): boolean {
    return this.rows.length >= CHUNK_RECORDS;
  }

  /** The rows collected since the last call; the sink starts a new chunk. */
  take(): Row[] {
    const rows = this.rows;
    this.rows = [];
    return rows;
  }

  /** Finishes a good row: partition values, rescued blob, corrupt column. */
  emit(row: Row, file: PartitionFile, rescued: Record<string, unknown> | null): void {
    const plan = this.#plan;
    for (const [name, conv] of plan.partition) {
      const raw = file.partitionValues[name];
      const v = raw === null || raw === undefined ? null : conv(raw);
      row[name] = v === MISMATCH ? null : v;
    }
    if (plan.corrupt !== null) row[plan.corrupt] = null;
    if (plan.rescued !== null) {
      // Rows from the JSON conformer already hold null here; store only when something was rescued.
      if (rescued !== null) row[plan.rescued] = JSON.stringify({ ...rescued, _file_path: file.path });
      else if (row[plan.rescued] !== null) row[plan.rescued] = null;
    }
    this.rows.push(row);
  }

  /**
   * A malformed record: recorded under badRecordsPath (then dropped), fatal in FAILFAST, dropped
   * in DROPMALFORMED, or kept in PERMISSIVE with whatever parsed (`partial`) and the corrupt column.
   */
  malformed(file: PartitionFile, record: string, reason: string, partial: Row | null): void {
    const plan = this.#plan;
    if (plan.parse.badRecordsPath !== null) {
      this.bad.push({ path: file.path, record, reason });
      return;
    }
    if (plan.parse.mode === 'FAILFAST') {
      throw FileSourceErrors.MALFORMED_RECORD_IN_PARSING({ path: file.path, reason, record: record.slice(0, 200) });
    }
    if (plan.parse.mode === 'DROPMALFORMED') return;
    const row: Row = partial ?? {};
    if (partial === null) for (const name of plan.names) row[name] = null;
    this.emit(row, file, null);
    if (plan.corrupt !== null) row[plan.corrupt] = record;
  }
}
