import { arrayOf, field, struct, type DataType, type StructField, type StructType } from '@weir/core';
import { parseDateDays, parseTimestampMicros } from '../reader/timestamp-parse.js';

/** An inferred type; `null` is Spark's NullType (only nulls seen so far). */
export type InferredType = DataType | null;

const NUMERIC_ORDER: readonly string[] = ['integer', 'long', 'double'];

/** Spark's JSON inference for one value: numbers → long/double, objects → struct (fields sorted), ISO strings → timestamp/date. */
export function inferJsonValue(v: unknown): InferredType {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case 'boolean':
      return 'boolean';
    case 'number':
      return Number.isInteger(v) && Number.isSafeInteger(v) ? 'long' : 'double';
    case 'string':
      return inferStringType(v, false);
    case 'object': {
      if (Array.isArray(v)) {
        let el: InferredType = null;
        for (const x of v) el = mergeTypes(el, inferJsonValue(x));
        return arrayOf(el ?? 'string');
      }
      const keys = Object.keys(v).sort();
      return struct(keys.map((k) => field(k, finalType(inferJsonValue((v as Record<string, unknown>)[k])))));
    }
    default:
      return 'string';
  }
}

const INTEGER = /^[+-]?\d+$/;
const DOUBLE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Infers the type of a text value: CSV fields, or (timestamps/dates only) JSON strings. */
export function inferStringType(s: string, numbers: boolean): DataType {
  const t = s.trim();
  if (numbers) {
    if (INTEGER.test(t)) {
      const n = Number(t);
      return n >= -2147483648 && n <= 2147483647 ? 'integer' : Number.isSafeInteger(n) ? 'long' : 'double';
    }
    if (DOUBLE.test(t)) return 'double';
    const lower = t.toLowerCase();
    if (lower === 'true' || lower === 'false') return 'boolean';
  }
  if (t.length === 10 && parseDateDays(t) !== undefined) return 'date';
  if (t.length > 10 && parseTimestampMicros(t) !== undefined) return 'timestamp';
  return 'string';
}

/** Spark's type coercion for schema inference: numeric widening, struct merge by name, else string. */
export function mergeTypes(a: InferredType, b: InferredType): InferredType {
  if (a === null) return b;
  if (b === null) return a;
  if (typeof a === 'string' && typeof b === 'string') {
    if (a === b) return a;
    const ia = NUMERIC_ORDER.indexOf(a);
    const ib = NUMERIC_ORDER.indexOf(b);
    if (ia >= 0 && ib >= 0) return NUMERIC_ORDER[Math.max(ia, ib)] as DataType;
    if ((a === 'date' && b === 'timestamp') || (a === 'timestamp' && b === 'date')) return 'timestamp';
    return 'string';
  }
  if (typeof a === 'object' && typeof b === 'object') {
    if (a.type === 'struct' && b.type === 'struct') return mergeStructs(a, b, true);
    if (a.type === 'array' && b.type === 'array') return arrayOf(mergeTypes(a.elementType, b.elementType) ?? 'string');
  }
  return 'string';
}

/** Merges two structs by field name; `sort` keeps names sorted (JSON inference), else first-seen order. */
export function mergeStructs(a: StructType, b: StructType, sort: boolean): StructType {
  const out = new Map<string, StructField>();
  for (const f of a.fields) out.set(f.name, f);
  for (const f of b.fields) {
    const prev = out.get(f.name);
    out.set(f.name, prev ? field(f.name, finalType(mergeTypes(prev.type, f.type))) : f);
  }
  const fields = [...out.values()];
  if (sort) fields.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  return struct(fields);
}

/** NullType columns become strings at the end of inference (Spark). */
export function finalType(t: InferredType): DataType {
  return t ?? 'string';
}

/** Wider of two Parquet types for `mergeSchema` (int → long → double, float → double), else null (incompatible). */
export function widenParquet(a: DataType, b: DataType): DataType | null {
  if (JSON.stringify(a) === JSON.stringify(b)) return a;
  const order = ['byte', 'short', 'integer', 'long'];
  if (typeof a === 'string' && typeof b === 'string') {
    const ia = order.indexOf(a);
    const ib = order.indexOf(b);
    if (ia >= 0 && ib >= 0) return order[Math.max(ia, ib)] as DataType;
    const fractional = (t: string) => t === 'float' || t === 'double';
    if ((fractional(a) || ia >= 0) && (fractional(b) || ib >= 0)) return 'double';
  }
  if (typeof a === 'object' && typeof b === 'object' && a.type === 'struct' && b.type === 'struct') {
    const out = new Map<string, StructField>();
    for (const f of a.fields) out.set(f.name, f);
    for (const f of b.fields) {
      const prev = out.get(f.name);
      if (!prev) out.set(f.name, f);
      else {
        const w = widenParquet(prev.type, f.type);
        if (w === null) return null;
        out.set(f.name, field(f.name, w, prev.nullable || f.nullable));
      }
    }
    return struct([...out.values()]);
  }
  return null;
}
