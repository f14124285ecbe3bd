// Helpers for reading Parquet with DuckDB as an outside oracle, in weir's value forms.
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { isArrayType, isDecimalType, isMapType, isStructType, type DataType, type Row, type StructType } from '@weir/core';

let connection: Promise<DuckDBConnection> | undefined;

export function duck(): Promise<DuckDBConnection> {
  connection ??= (async () => {
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    await c.run("SET TimeZone = 'UTC'");
    return c;
  })();
  return connection;
}

const isNestedType = (type: string): boolean => type.endsWith('[]') || /^(STRUCT|MAP|UNION)\(/.test(type);
const q = (name: string): string => '"' + name.replace(/"/g, '""') + '"';
const lit = (s: string): string => "'" + s.replace(/'/g, "''") + "'";

/** DuckDB's column names and types for a Parquet file (`DESCRIBE`). */
export async function duckTypes(file: string): Promise<Record<string, string>> {
  const c = await duck();
  const r = await c.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${lit(file)}, hive_partitioning = false)`);
  return Object.fromEntries(r.getRowObjectsJson().map((x) => [String(x['column_name']), String(x['column_type'])]));
}

/**
 * Rows as DuckDB reads them, each column turned into weir's form by SQL: timestamps → epoch µs,
 * dates → day numbers, decimals → their text, blobs → hex, nested values → DuckDB's `to_json`.
 */
export async function duckRows(file: string): Promise<Row[]> {
  const c = await duck();
  const types = await duckTypes(file);
  const select = Object.entries(types).map(([name, type]) => {
    const col = q(name);
    let expr: string;
    if (isNestedType(type)) expr = `CAST(to_json(${col}) AS VARCHAR)`;
    else if (type.startsWith('TIMESTAMP')) expr = `CAST(epoch_us(${col}) AS DOUBLE)`;
    else if (type === 'DATE') expr = `CAST(datediff('day', DATE '1970-01-01', ${col}) AS DOUBLE)`;
    else if (type.startsWith('DECIMAL')) expr = `CAST(${col} AS VARCHAR)`;
    else if (type === 'BLOB') expr = `hex(${col})`;
    else if (['BIGINT', 'INTEGER', 'SMALLINT', 'TINYINT', 'FLOAT', 'DOUBLE'].includes(type)) expr = `CAST(${col} AS DOUBLE)`;
    else expr = col;
    return `${expr} AS ${col}`;
  });
  const r = await c.runAndReadAll(`SELECT ${select.join(', ')} FROM read_parquet(${lit(file)}, hive_partitioning = false)`);
  return r.getRowObjectsJson().map((row) => {
    const out: Row = {};
    for (const [name, type] of Object.entries(types)) {
      const v = row[name];
      if (v === null || v === undefined) out[name] = null;
      else if (isNestedType(type)) out[name] = JSON.parse(String(v), dropZone);
      else if (typeof v === 'string' && ['NaN', 'Infinity', '-Infinity'].includes(v)) out[name] = Number(v);
      else out[name] = v;
    }
    return out;
  });
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex').toUpperCase();

/** DuckDB's text form of a BLOB: printable ASCII as is, other bytes as `\xHH`. */
function duckBlobText(b: Uint8Array): string {
  let out = '';
  for (const x of b) out += x >= 32 && x <= 126 && x !== 92 && x !== 39 && x !== 34 ? String.fromCharCode(x) : '\\x' + x.toString(16).toUpperCase().padStart(2, '0');
  return out;
}

// DuckDB reads legacy (INT96, converted-only) nested timestamps without a zone: compare the
// instant only, so `… 08:00:00+00` and `… 08:00:00` are the same text.
function dropZone(_key: string, v: unknown): unknown {
  return typeof v === 'string' && /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?\+00$/.test(v) ? v.slice(0, -3) : v;
}

/** DuckDB's text form of a timestamp given in epoch µs: `2023-01-02 03:04:05.123456`. */
function duckTimestampText(us: number): string {
  const ms = Math.floor(us / 1000);
  const micros = us - ms * 1000;
  const iso = new Date(ms).toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ
  let frac = (iso.slice(20, 23) + String(micros).padStart(3, '0')).replace(/0+$/, '');
  frac = frac === '' ? '' : '.' + frac;
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${frac}`;
}

/** A weir value in the form `duckRows` produces for the same column. */
export function comparable(t: DataType, v: unknown, nested = false): unknown {
  if (v === null || v === undefined) return null;
  if (isStructType(t)) return Object.fromEntries(t.fields.map((f) => [f.name, comparable(f.type, (v as Row)[f.name], true)]));
  if (isArrayType(t)) return (v as unknown[]).map((x) => comparable(t.elementType, x, true));
  if (isMapType(t)) {
    // DuckDB's to_json renders a MAP as an object keyed by the key's text.
    const keyText = (k: unknown): string =>
      (t.keyType === 'double' || t.keyType === 'float') && Number.isInteger(k) ? `${k as number}.0` : String(comparable(t.keyType, k, true));
    return Object.fromEntries([...(v as Map<unknown, unknown>)].map(([k, x]) => [keyText(k), comparable(t.valueType, x, true)]));
  }
  if (t === 'binary') return nested ? duckBlobText(v as Uint8Array) : hex(v as Uint8Array);
  if (nested && isDecimalType(t)) return Number(v); // to_json prints decimals as numbers
  // Inside to_json, DuckDB prints dates and timestamps as text.
  if (nested && t === 'date') return new Date((v as number) * 86_400_000).toISOString().slice(0, 10);
  if (nested && (t === 'timestamp' || t === 'timestamp_ntz')) return duckTimestampText(v as number);
  return v;
}

export function comparableRows(schema: StructType, rows: readonly Row[]): Row[] {
  return rows.map((r) => Object.fromEntries(schema.fields.map((f) => [f.name, comparable(f.type, r[f.name])])));
}

/** Sorts rows by their JSON text, for comparing sets of rows read in different orders. */
export function sortRows(rows: readonly Row[]): Row[] {
  const key = (r: Row): string => JSON.stringify(r, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v));
  return [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
