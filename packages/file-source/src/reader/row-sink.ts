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
 *
 * `ColumnSink` is the same sink collecting a column chunk: it overrides only where a finished
 * row goes (`accept`) and how many are pending, so the two share every parse-mode decision.
 */
export class RowSink {
  rows: Row[] = [];
  readonly bad: BadRecord[] = [];
  protected readonly plan: ConformPlan;
  #file: PartitionFile | null = null;
  #partitionValues: unknown[] = [];
  readonly #nulls: readonly null[];

  constructor(plan: ConformPlan) {
    this.plan = plan;
    this.#nulls = plan.names.map(() => null);
  }

  get full(): boolean {
    return this.rows.length >= CHUNK_RECORDS;
  }

  /** Rows collected since the last `take`. */
  get pending(): number {
    return this.rows.length;
  }

  /** The rows collected since the last call; the sink starts a new chunk. */
  take(): Row[] {
    const rows = this.rows;
    this.rows = [];
    return rows;
  }

  /** Where a finished row goes. */
  protected accept(row: Row): void {
    this.rows.push(row);
  }

  /**
   * The file's partition column values (`plan.partition` order), converted once per file: they
   * are constant within it. An unconvertible value is null.
   */
  protected partitionValues(file: PartitionFile): readonly unknown[] {
    if (file !== this.#file) {
      this.#partitionValues = this.plan.partition.map(([name, conv]) => {
        const raw = file.partitionValues[name];
        const v = raw === null || raw === undefined ? null : conv(raw);
        return v === MISMATCH ? null : v;
      });
      this.#file = file;
    }
    return this.#partitionValues;
  }

  /** Finishes a good row: partition values, rescued blob, corrupt column. */
  emit(row: Row, file: PartitionFile, rescued: Record<string, unknown> | null): void {
    this.#complete(row, file, rescued);
    this.accept(row);
  }

  #complete(row: Row, file: PartitionFile, rescued: Record<string, unknown> | null): void {
    const plan = this.plan;
    const partition = plan.partition;
    if (partition.length > 0) {
      const values = this.partitionValues(file);
      for (let k = 0; k < partition.length; k++) row[(partition[k] as readonly [string, unknown])[0]] = values[k];
    }
    if (plan.corrupt !== null) row[plan.corrupt] = null;
    if (plan.rescued !== null) {
      // Rows from the JSON conformer already hold null here; store only when something was rescued.
      if (rescued !== null) row[plan.rescued] = JSON.stringify({ ...rescued, _file_path: file.path });
      else if (row[plan.rescued] !== null) row[plan.rescued] = null;
    }
  }

  /**
   * A malformed record: recorded under badRecordsPath (then dropped), fatal in FAILFAST, dropped
   * in DROPMALFORMED, or kept in PERMISSIVE with whatever parsed (`partial`) and the corrupt column.
   */
  malformed(file: PartitionFile, record: string, reason: string, partial: Row | null): void {
    const plan = this.plan;
    if (plan.parse.badRecordsPath !== null) {
      this.bad.push({ path: file.path, record, reason });
      return;
    }
    if (plan.parse.mode === 'FAILFAST') {
      throw FileSourceErrors.MALFORMED_RECORD_IN_PARSING({ path: file.path, reason, record: record.slice(0, 200) });
    }
    if (plan.parse.mode === 'DROPMALFORMED') return;
    // buildRow, not `row[name] = null` per name: a column named `__proto__` must become an own
    // field, not set the row's prototype.
    const row: Row = partial ?? plan.buildRow(this.#nulls);
    this.#complete(row, file, null);
    // Set before `accept`: a column sink copies the row when it accepts it.
    if (plan.corrupt !== null) row[plan.corrupt] = record;
    this.accept(row);
  }
}
