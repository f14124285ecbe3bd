import type { StructType } from '../schema/data-type.js';

/**
 * One row: a plain object keyed by column name. Values by type: `string`; `long`/`integer`/
 * `short`/`byte`/`double`/`float` → number; `boolean`; `binary` → Uint8Array; `date` → days since
 * the epoch (number); `timestamp`/`timestamp_ntz` → microseconds since the epoch (number, exact
 * to 2^53 µs); `decimal(p,s)` → its exact decimal string (`"12.30"`); struct → Row; array → array;
 * map → `Map`. Null is `null` (an absent key also reads as null).
 */
export type Row = Record<string, unknown>;

/**
 * Sets `row[name] = value` as an own field. Plain assignment would do the same for every name but
 * `__proto__`, where it sets the prototype instead (and the column vanishes): that one name goes
 * through `defineProperty`.
 */
export function setRowField(row: Row, name: string, value: unknown): void {
  if (name === '__proto__') Object.defineProperty(row, name, { value, enumerable: true, writable: true, configurable: true });
  else row[name] = value;
}

/** A batch of rows with their schema. Kept behind the helpers below so a columnar form can replace it. */
export interface RowBatch {
  readonly schema: StructType;
  readonly rows: readonly Row[];
}

export function rowBatch(schema: StructType, rows: readonly Row[]): RowBatch {
  return { schema, rows };
}

export function batchSize(batch: RowBatch): number {
  return batch.rows.length;
}

/** Concatenates batches that share a schema (the first batch's schema wins). */
export function concatBatches(schema: StructType, batches: readonly RowBatch[]): RowBatch {
  if (batches.length === 1) return batches[0] as RowBatch;
  const rows: Row[] = [];
  for (const b of batches) for (const r of b.rows) rows.push(r);
  return { schema, rows };
}
