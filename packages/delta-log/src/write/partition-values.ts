/**
 * Partition values: the string form in `add.partitionValues` (spec: "Partition Value
 * Serialization") and the Hive-style directory names Spark writes (`col=value`, escaped).
 */
import { decimalParams, isDecimalType, utf8Encode, type DataType } from '@weir/core';
import { formatDate, formatTimestampSpark, hasZone, parseDate, parseTimestamp, wallTimeInZoneToUtc } from '../internal/temporal.js';
import { normalizeDecimal } from '../internal/decimal.js';

/** Spark's name for a null partition value in a directory name. */
export const HIVE_DEFAULT_PARTITION = '__HIVE_DEFAULT_PARTITION__';

/**
 * The typed value of a serialised partition value. Spec: null or an empty string is null; numbers
 * and booleans in their string form; dates `YYYY-MM-DD`; timestamps `YYYY-MM-DD HH:MM:SS[.micros]`
 * (wall time in `sessionTimeZone`, default UTC, as Spark reads them) or ISO-8601 with a zone; decimals exact. Returns `undefined` for a value that cannot be parsed.
 */
export function decodePartitionValue(raw: string | null | undefined, type: DataType, sessionTimeZone = 'UTC'): unknown {
  if (raw === null || raw === undefined || raw === '') return null;
  if (isDecimalType(type)) {
    const { scale } = decimalParams(type);
    return normalizeDecimal(raw, scale);
  }
  switch (type) {
    case 'string':
      return raw;
    case 'long':
    case 'integer':
    case 'short':
    case 'byte': {
      const n = Number(raw);
      return Number.isInteger(n) ? n : undefined;
    }
    case 'float':
    case 'double': {
      const n = Number(raw);
      return Number.isNaN(n) && raw !== 'NaN' ? undefined : n;
    }
    case 'boolean': {
      const l = raw.toLowerCase();
      return l === 'true' ? true : l === 'false' ? false : undefined;
    }
    case 'date': {
      const d = parseDate(raw);
      return Number.isNaN(d) ? undefined : d;
    }
    case 'timestamp_ntz': {
      const t = parseTimestamp(raw);
      return Number.isNaN(t) ? undefined : t;
    }
    case 'timestamp': {
      const t = parseTimestamp(raw);
      if (Number.isNaN(t)) return undefined;
      // A zone-less value is wall time in the writer's session time zone (UTC for weir and delta-rs).
      return hasZone(raw) ? t : wallTimeInZoneToUtc(t, sessionTimeZone);
    }
    case 'binary':
      return utf8Encode(raw);
    default:
      return undefined;
  }
}

/** Java's `Double.toString` for the values Spark prints (`1.0`, `0.1`, `1.0E10`, `NaN`, `Infinity`). */
export function javaDoubleString(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(x);
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(x);
    return s.includes('.') ? s : s + '.0';
  }
  const [mant, exp] = x.toExponential().split('e') as [string, string];
  return `${mant.includes('.') ? mant : mant + '.0'}E${Number(exp)}`;
}

/** The serialised (`partitionValues`) form of a typed value; null stays null. */
export function encodePartitionValue(value: unknown, type: DataType): string | null {
  if (value === null || value === undefined) return null;
  if (isDecimalType(type)) return normalizeDecimal(String(value), decimalParams(type).scale) ?? String(value);
  switch (type) {
    case 'float':
    case 'double':
      return javaDoubleString(value as number);
    case 'date':
      return formatDate(value as number);
    case 'timestamp':
    case 'timestamp_ntz':
      return formatTimestampSpark(value as number);
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      return String(value);
  }
}

/**
 * {@link encodePartitionValue} with the type decided once: writers call it per row, so the switch
 * on the type MUST NOT run per value. MUST agree with `encodePartitionValue(v, type)` for every v.
 */
export function partitionValueEncoder(type: DataType): (value: unknown) => string | null {
  if (isDecimalType(type)) {
    const { scale } = decimalParams(type);
    return (v) => (v === null || v === undefined ? null : (normalizeDecimal(String(v), scale) ?? String(v)));
  }
  switch (type) {
    case 'string':
      return (v) => (v === null || v === undefined ? null : typeof v === 'string' ? v : String(v));
    case 'float':
    case 'double':
      return (v) => (v === null || v === undefined ? null : javaDoubleString(v as number));
    case 'date':
      return (v) => (v === null || v === undefined ? null : formatDate(v as number));
    case 'timestamp':
    case 'timestamp_ntz':
      return (v) => (v === null || v === undefined ? null : formatTimestampSpark(v as number));
    case 'boolean':
      return (v) => (v === null || v === undefined ? null : v ? 'true' : 'false');
    case 'long':
    case 'integer':
    case 'short':
    case 'byte':
      return (v) => (v === null || v === undefined ? null : String(v));
    default:
      return (v) => encodePartitionValue(v, type);
  }
}

// Spark's ExternalCatalogUtils.charToEscape: control characters and "#%'*/:=?\{[]^ plus DEL.
const ESCAPE = /[\u0001-\u001f"#%'*/:=?\\\u007f{[\]^]/g;

/** Spark's `escapePathName`: characters that are unsafe in a directory name become `%XX`. */
export function escapePartitionPathName(s: string): string {
  return s.replace(ESCAPE, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0'));
}

/** The Hive directory segment for one partition column: `col=value` or `col=__HIVE_DEFAULT_PARTITION__`. */
export function partitionDirectory(column: string, serialized: string | null): string {
  const v = serialized === null || serialized === '' ? HIVE_DEFAULT_PARTITION : escapePartitionPathName(serialized);
  return `${escapePartitionPathName(column)}=${v}`;
}
