/** Encoding of grouping, deduplication and join keys as strings (state-store keys, hash-table keys). */
const NON_FINITE: Readonly<Record<string, number>> = { '\u0000NaN': NaN, '\u0000Infinity': Infinity, '\u0000-Infinity': -Infinity };

/**
 * A grouping key as a state-store key: the JSON of the key values (windows as `[start, end]`).
 * JSON has no NaN/±Infinity (all print as `null`), so they are written as NUL-prefixed strings
 * to keep them distinct groups (Spark groups NaN with NaN, apart from null); -0 becomes 0, as
 * Spark normalises it.
 */
export function encodeKey(keys: readonly unknown[]): string {
  for (let i = 0; i < keys.length; i++) {
    const v = keys[i];
    if (typeof v === 'number' && !Number.isFinite(v)) {
      return JSON.stringify(keys.map((x) => (typeof x === 'number' && !Number.isFinite(x) ? `\u0000${String(x)}` : x)));
    }
  }
  return JSON.stringify(keys);
}

/** The key values of an encoded key (NaN and ±Infinity restored). */
export function decodeKey(key: string): unknown[] {
  const keys = JSON.parse(key) as unknown[];
  if (key.includes('\\u0000')) {
    for (let i = 0; i < keys.length; i++) {
      const v = keys[i];
      if (typeof v === 'string' && v in NON_FINITE) keys[i] = NON_FINITE[v];
    }
  }
  return keys;
}
