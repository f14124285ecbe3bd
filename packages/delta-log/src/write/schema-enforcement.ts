/**
 * Schema enforcement on write (Delta's "schema validation"): every data column must exist in
 * the table with the same type; missing nullable columns are written as null; `mergeSchema`
 * appends new columns (nullable) to the table schema.
 */
import { StructType, dataTypeEquals, field, simpleString, type Row, type StructField } from '@weir/core';
import { DeltaErrors } from '../errors.js';

export interface EnforcedSchema {
  /** The table schema after the write (unchanged unless columns were merged). */
  readonly schema: StructType;
  /** True when `mergeSchema` added columns. */
  readonly changed: boolean;
}

function stripMetadataTypes(f: StructField): string {
  return JSON.stringify(f.type);
}

/**
 * Checks `data` against `table`.
 * @throws DELTA_SCHEMA_MISMATCH for an unknown column (without mergeSchema), a type change or a
 *   missing non-nullable column.
 */
export function enforceSchema(path: string, table: StructType, data: StructType, mergeSchema: boolean): EnforcedSchema {
  const extra: StructField[] = [];
  for (const d of data.fields) {
    const t = StructType.findField(table, d.name);
    if (t === undefined) {
      if (!mergeSchema) throw DeltaErrors.DELTA_SCHEMA_MISMATCH({ path, reason: `column ${d.name} is not in the table` });
      extra.push(field(d.name, d.type, true, d.metadata));
      continue;
    }
    if (!dataTypeEquals(t.type, d.type) && stripMetadataTypes(t) !== stripMetadataTypes(d)) {
      throw DeltaErrors.DELTA_SCHEMA_MISMATCH({ path, reason: `column ${d.name} has type ${simpleString(d.type)}, the table has ${simpleString(t.type)}` });
    }
  }
  for (const t of table.fields) {
    if (!t.nullable && StructType.findField(data, t.name) === undefined) {
      throw DeltaErrors.DELTA_SCHEMA_MISMATCH({ path, reason: `non-nullable column ${t.name} is missing from the data` });
    }
  }
  if (extra.length === 0) return { schema: table, changed: false };
  return { schema: StructType.add(table, ...extra), changed: true };
}

/** Rows projected onto `schema` (table column names and order), absent columns as null. */
export function conformRows(path: string, schema: StructType, data: StructType, rows: readonly Row[]): readonly Row[] {
  const mapping = schema.fields.map((f) => ({ f, src: StructType.findField(data, f.name)?.name }));
  if (mapping.every(({ f, src }) => src === f.name)) {
    // Same column names: rows are used as they are (an absent key reads as null); only NOT NULL needs a pass.
    const required = schema.fields.filter((f) => !f.nullable).map((f) => f.name);
    for (const r of rows) for (const n of required) if ((r[n] ?? null) === null) throw DeltaErrors.DELTA_NOT_NULL_CONSTRAINT_VIOLATED({ path, column: n });
    return rows;
  }
  const out: Row[] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i] as Row;
    const o: Row = {};
    for (const { f, src } of mapping) {
      const v = src === undefined ? null : r[src] ?? null;
      if (v === null && !f.nullable) throw DeltaErrors.DELTA_NOT_NULL_CONSTRAINT_VIOLATED({ path, column: f.name });
      o[f.name] = v;
    }
    out[i] = o;
  }
  return out;
}
