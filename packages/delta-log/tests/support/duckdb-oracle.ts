/**
 * DuckDB as an outside oracle: reads Parquet files and returns rows in a canonical JSON form
 * comparable with weir's in-memory rows (timestamps µs, dates as days, decimals as strings,
 * binary as upper-case hex, maps as objects).
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { isDecimalType, type DataType, type Row, type StructType } from '@weir/core';

let conn: Promise<DuckDBConnection> | undefined;
export function duck(): Promise<DuckDBConnection> {
  conn ??= (async () => {
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    await c.run("SET TimeZone='UTC'");
    return c;
  })();
  return conn;
}

export function quoteIdent(n: string): string {
  return '"' + n.replace(/"/g, '""') + '"';
}
export function quoteLiteral(s: string): string {
  return "'" + s.replace(/'/g, "''") + "'";
}

let lambdaDepth = 0;
/** A DuckDB expression turning `c` (of Spark type `type`) into weir's canonical form, recursively. */
function expr(c: string, type: DataType): string {
  if (type === 'timestamp' || type === 'timestamp_ntz') return `epoch_us(${c})`;
  if (type === 'date') return `datediff('day', DATE '1970-01-01', ${c})`;
  if (isDecimalType(type)) return `CAST(${c} AS VARCHAR)`;
  if (type === 'binary') return `hex(${c})`;
  if (type === 'float') return `CAST(${c} AS DOUBLE)`;
  if (typeof type === 'object') {
    const x = `x${lambdaDepth++}`;
    if (type.type === 'array') return `list_transform(${c}, ${x} -> ${expr(x, type.elementType)})`;
    if (type.type === 'map') {
      // maps as [{k, v}] lists: JSON object keys would stringify non-string keys differently
      return `list_transform(map_entries(${c}), ${x} -> struct_pack(k := ${expr(`${x}.key`, type.keyType)}, v := ${expr(`${x}.value`, type.valueType)}))`;
    }
    if (type.type === 'struct') {
      return `CASE WHEN ${c} IS NULL THEN NULL ELSE struct_pack(${type.fields.map((f) => `${quoteIdent(f.name)} := ${expr(`${c}.${quoteIdent(f.name)}`, f.type)}`).join(', ')}) END`;
    }
  }
  return c;
}

/** Canonical JSON strings (sorted) of DuckDB's reading of `source` (a `read_parquet(...)` or other table expression). */
export async function duckRows(source: string, schema: StructType): Promise<string[]> {
  const c = await duck();
  const fields = schema.fields.map((f) => `${quoteIdent(f.name)} := ${expr(quoteIdent(f.name), f.type)}`).join(', ');
  const reader = await c.runAndReadAll(`SELECT CAST(to_json(struct_pack(${fields})) AS VARCHAR) AS j FROM ${source}`);
  return reader
    .getRows()
    .map((r) => canonical(JSON.parse(String(r[0]))))
    .sort();
}

function normalize(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (v instanceof Uint8Array) return Buffer.from(v).toString('hex').toUpperCase();
  if (v instanceof Map) return [...v.entries()].map(([k, x]) => ({ k: normalize(k), v: normalize(x) }));
  if (Array.isArray(v)) return v.map(normalize);
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'object') return Object.fromEntries(Object.entries(v as Row).map(([k, x]) => [k, normalize(x)]));
  return v;
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Row)[k])]));
  return v;
}

export function canonical(row: unknown): string {
  return JSON.stringify(sortKeys(normalize(row)));
}

/** weir rows in the same canonical form, sorted. */
export function weirRows(rows: readonly Row[]): string[] {
  return rows.map((r) => canonical(r)).sort();
}
