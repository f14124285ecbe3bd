/**
 * Per-file statistics for `add.stats`, as Delta Spark collects them: `numRecords`, and for the first
 * `delta.dataSkippingNumIndexedCols` (32) leaf columns `minValues`, `maxValues` (numbers, decimals,
 * dates, timestamps, strings — not booleans or binary) and `nullCount`. Strings compare in UTF-8
 * byte order, as Delta/Spark compare them (not JS's UTF-16 order), and are truncated to 32 code
 * points (min: the prefix; max: the prefix + U+FFFF, so it still bounds every value).
 * Timestamps are written as Spark formats them in JSON (`yyyy-MM-dd'T'HH:mm:ss.SSS'Z'`, UTC,
 * truncated to milliseconds), dates as `yyyy-MM-dd`.
 */
import { isDecimalType, isStructType, type DataType, type Row, type StructType } from '@weir/core';
import { compareDecimal } from '../internal/decimal.js';
import { formatDate, formatTimestampStats } from '../internal/temporal.js';
import { compareUtf8, truncateStringStat } from '../internal/utf8-order.js';

export const DEFAULT_NUM_INDEXED_COLS = 32;
const STRING_PREFIX = 32;

export interface FileStats {
  readonly numRecords: number;
  readonly minValues: Row;
  readonly maxValues: Row;
  readonly nullCount: Row;
}

function hasMinMax(t: DataType): boolean {
  return (
    isDecimalType(t) ||
    t === 'long' || t === 'integer' || t === 'short' || t === 'byte' || t === 'double' || t === 'float' ||
    t === 'date' || t === 'timestamp' || t === 'timestamp_ntz' || t === 'string'
  );
}

function compare(a: unknown, b: unknown, t: DataType): number {
  if (isDecimalType(t)) return compareDecimal(String(a), String(b));
  if (t === 'string') return compareUtf8(a as string, b as string);
  return (a as number) - (b as number);
}

function statValue(v: unknown, t: DataType, kind: 'min' | 'max'): unknown {
  if (t === 'date') return formatDate(v as number);
  if (t === 'timestamp') return formatTimestampStats(v as number);
  if (t === 'timestamp_ntz') return formatTimestampStats(v as number).replace(/Z$/, '');
  if (isDecimalType(t)) return Number(v);
  if (t === 'string') return truncateStringStat(v as string, kind, STRING_PREFIX);
  return v;
}

interface Leaf {
  readonly path: readonly string[];
  readonly type: DataType;
}

function leaves(schema: StructType, prefix: readonly string[] = [], out: Leaf[] = []): Leaf[] {
  for (const f of schema.fields) {
    if (isStructType(f.type)) leaves(f.type, [...prefix, f.name], out);
    else out.push({ path: [...prefix, f.name], type: f.type });
  }
  return out;
}

function setPath(target: Row, path: readonly string[], v: unknown): void {
  let o = target;
  for (let i = 0; i < path.length - 1; i++) {
    const k = path[i] as string;
    o = (o[k] ??= {}) as Row;
  }
  o[path[path.length - 1] as string] = v;
}

function getPath(row: Row, path: readonly string[]): unknown {
  let v: unknown = row;
  for (const k of path) {
    if (v === null || v === undefined || typeof v !== 'object') return null;
    v = (v as Row)[k];
  }
  return v ?? null;
}

/** Statistics of `rows` over `schema` (the data columns of the file, partition columns excluded). */
export function computeFileStats(schema: StructType, rows: readonly Row[], numIndexedCols = DEFAULT_NUM_INDEXED_COLS): FileStats {
  const minValues: Row = {};
  const maxValues: Row = {};
  const nullCount: Row = {};
  const indexed = numIndexedCols < 0 ? leaves(schema) : leaves(schema).slice(0, numIndexedCols);
  for (const leaf of indexed) {
    let nulls = 0;
    let min: unknown;
    let max: unknown;
    const mm = hasMinMax(leaf.type);
    for (const r of rows) {
      const v = leaf.path.length === 1 ? r[leaf.path[0] as string] ?? null : getPath(r, leaf.path);
      if (v === null) {
        nulls++;
        continue;
      }
      if (!mm || (typeof v === 'number' && Number.isNaN(v))) continue;
      // Only strings bound a string column (anything else is outside the row contract).
      if (leaf.type === 'string' && typeof v !== 'string') continue;
      if (min === undefined || compare(v, min, leaf.type) < 0) min = v;
      if (max === undefined || compare(v, max, leaf.type) > 0) max = v;
    }
    setPath(nullCount, leaf.path, nulls);
    // ±Infinity bounds are left out (JSON cannot carry them; an absent bound only disables skipping).
    if ((typeof min === 'number' && !Number.isFinite(min)) || (typeof max === 'number' && !Number.isFinite(max))) continue;
    if (min !== undefined) setPath(minValues, leaf.path, statValue(min, leaf.type, 'min'));
    if (max !== undefined) setPath(maxValues, leaf.path, statValue(max, leaf.type, 'max'));
  }
  return { numRecords: rows.length, minValues, maxValues, nullCount };
}
