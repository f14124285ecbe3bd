import { ColumnChunkBuilder, type ColumnChunk, type Row } from '@weir/core';
import type { ConformPlan } from './conform-plan.js';
import type { PartitionFile } from './file-partition-data.js';
import { CHUNK_RECORDS, RowSink } from './row-sink.js';

/**
 * The columnar twin of {@link RowSink}: the same parse modes, bad records and chunk size, but the
 * chunk is a core `ColumnChunkBuilder` over the batch schema (`plan.schema`: data, partition,
 * corrupt and rescued columns) instead of an array of rows.
 *
 * Two ways in:
 * - the general path (CSV, text, Parquet, multiLine JSON, NDJSON lines the byte scanner
 *   declines) finishes a row object exactly as `RowSink` does and appends it (`appendRow`);
 * - the NDJSON byte scanner writes a line's data columns straight into `builder`'s arrays and
 *   calls {@link endScannedRow}, which fills the rest of the row without a row object.
 *
 * Contract: the chunks, converted to rows, MUST equal the rows a `RowSink` collects from the same
 * calls (a scanned row is the row the row-form scanner builds, then `emit(row, file, null)`).
 */
export class ColumnSink extends RowSink {
  readonly builder: ColumnChunkBuilder;
  /** Per partition column (`plan.partition` order): its index in the batch schema. */
  readonly #partitionColumns: Int32Array;

  /** Per `plan.schema` field: whether the consumer reads it (core `ColumnReadOptions`); undefined: all. */
  readonly used: readonly boolean[] | undefined;

  constructor(plan: ConformPlan, used?: readonly boolean[]) {
    super(plan);
    this.used = used;
    this.builder = new ColumnChunkBuilder(plan.schema, CHUNK_RECORDS, used);
    const position = new Map(plan.schema.fields.map((f, i) => [f.name, i]));
    this.#partitionColumns = Int32Array.from(plan.partition, ([name]) => position.get(name) as number);
  }

  override get full(): boolean {
    return this.builder.numRows >= CHUNK_RECORDS;
  }

  override get pending(): number {
    return this.builder.numRows;
  }

  protected override accept(row: Row): void {
    this.builder.appendRow(row);
  }

  /** The rows collected since the last call as one chunk; the sink starts a new one. */
  takeChunk(): ColumnChunk {
    return this.builder.finish();
  }

  /**
   * Completes the row the byte scanner just wrote (its data columns) as `emit(row, file, null)`
   * would: partition values of `file`, converted once per file; corrupt and rescued columns null,
   * which a builder row already is (the scanner accepts only lines with exactly the schema's
   * keys, so nothing is rescued).
   */
  endScannedRow(file: PartitionFile): void {
    const cols = this.#partitionColumns;
    if (cols.length > 0) {
      const values = this.partitionValues(file);
      for (let k = 0; k < cols.length; k++) this.builder.set(cols[k] as number, values[k]);
    }
    this.builder.endRow();
  }
}
