import type { DataType } from '@weir/core';

/** Hive's default partition name for a null value (what Spark writes). */
export const HIVE_DEFAULT_PARTITION = '__HIVE_DEFAULT_PARTITION__';

// Spark's ExternalCatalogUtils.charToEscape: these characters are %XX-escaped in directory names.
const CHARS_TO_ESCAPE = new Set(['"', '#', '%', "'", '*', '/', ':', '=', '?', '\\', '\u007F', '{', '[', ']', '^']);

/** Spark's `escapePathName`. */
export function escapePartitionValue(value: string): string {
  let out = '';
  for (const ch of value) {
    const code = ch.codePointAt(0) as number;
    if (CHARS_TO_ESCAPE.has(ch) || (code >= 0x01 && code <= 0x1f)) out += '%' + code.toString(16).toUpperCase().padStart(2, '0');
    else out += ch;
  }
  return out;
}

function pad(n: number, w: number): string {
  return String(n).padStart(w, '0');
}

/** The string form Spark writes for a partition value of type `type` (null → `null`). */
export function partitionValueString(value: unknown, type: DataType): string | null {
  if (value === null || value === undefined) return null;
  if (type === 'date' && typeof value === 'number') {
    const d = new Date(value * 86_400_000);
    return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}`;
  }
  if ((type === 'timestamp' || type === 'timestamp_ntz') && typeof value === 'number') {
    const ms = Math.floor(value / 1000);
    const micros = value - ms * 1000;
    const d = new Date(ms);
    const base = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)} ${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}`;
    const frac = d.getUTCMilliseconds() * 1000 + micros;
    return frac === 0 ? base : `${base}.${pad(frac, 6).replace(/0+$/, '')}`;
  }
  return String(value);
}
