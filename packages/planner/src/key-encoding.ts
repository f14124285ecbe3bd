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

/*
 * Ordered aggregation keys. A streaming aggregation with an event-time key (a window, or the
 * watermarked column itself) stores its groups under keys that sort by event time first:
 *
 *   <event time, 16 decimal digits>|<JSON array of the other keys>     e.g. 1767225660000000|["ST-0001"]
 *   -<event time + 2^53, 16 digits>|<JSON array of the other keys>     (negative times: before 1970)
 *   !<JSON array of every key>                                         (null, fractional or unsafe times)
 *
 * For a window the event time is the window END (the start is end − window length). The state
 * store orders keys by bytes, so `-` (0x2D) sorts negative times before the digits, within them
 * the fixed width sorts by value, and the `!` (0x21) fallback keys come first: eviction in append
 * mode walks `entries()` and stops at the first ordered key past the watermark, decoding only
 * the keys it emits. The text stays readable in `weir checkpoint state`.
 */

const TWO_53 = 2 ** 53;
const ZEROS = '0000000000000000';

let lastTime = NaN;
let lastPrefix = '';

/** The ordered-key prefix of event time `t` (µs), including the `|`; null when `t` is not a safe integer. */
export function timePrefix(t: unknown): string | null {
  // Consecutive rows mostly share a window: the last prefix is reused.
  if (t === lastTime) return lastPrefix;
  if (!Number.isSafeInteger(t)) return null;
  const n = t as number;
  const s = String(n >= 0 ? n : n + TWO_53);
  const digits = s.length >= 16 ? s : ZEROS.slice(s.length) + s;
  lastTime = n;
  lastPrefix = n >= 0 ? digits + '|' : '-' + digits + '|';
  return lastPrefix;
}

/** The event time of an ordered key (its prefix). MUST only be called on keys built with {@link timePrefix}. */
export function prefixTime(key: string): number {
  const neg = key.charCodeAt(0) === 45;
  const from = neg ? 1 : 0;
  let n = 0;
  for (let i = from; i < from + 16; i++) n = n * 10 + (key.charCodeAt(i) - 48);
  return neg ? n - TWO_53 : n;
}

/** Where the JSON part of an ordered key starts. */
export function prefixLength(key: string): number {
  return key.charCodeAt(0) === 45 ? 18 : 17;
}

/**
 * The single value of a one-element key array written at `from` in `key` (`decodeKey(...)[0]`),
 * without parsing when it is a string JSON did not escape (no backslash), the common case.
 */
export function decodeSingle(key: string, from: number): unknown {
  const last = key.length - 1;
  if (key.charCodeAt(from) === 91 && key.charCodeAt(from + 1) === 34 && key.charCodeAt(last - 1) === 34 && key.charCodeAt(last) === 93 && last - 1 > from + 1) {
    const s = key.slice(from + 2, last - 1);
    if (s.indexOf('\\') === -1) return s;
  }
  return decodeKey(from === 0 ? key : key.slice(from))[0];
}

/**
 * {@link decodeSingle} over `text[from, end)`: the single value of the one-element key array
 * written there, sliced straight out of `text` when it is a string JSON did not escape.
 */
export function decodeSingleIn(text: string, from: number, end: number): unknown {
  const last = end - 1;
  if (text.charCodeAt(from) === 91 && text.charCodeAt(from + 1) === 34 && text.charCodeAt(last - 1) === 34 && text.charCodeAt(last) === 93 && last - 1 > from + 1) {
    const s = text.slice(from + 2, last - 1);
    if (s.indexOf('\\') === -1) return s;
  }
  return decodeKey(text.slice(from, end))[0];
}

/** True for an ordered key's fallback form (`!` + JSON of every key). */
export function isFallbackKey(key: string): boolean {
  return key.charCodeAt(0) === 33;
}

/** One key value as it appears inside {@link encodeKey}'s JSON array (NaN/±Infinity as NUL-prefixed strings). */
export function keyJSON(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : JSON.stringify(`\u0000${String(v)}`);
  if (v === undefined) return 'null';
  return JSON.stringify(v);
}

/** A number nested in a key value (a window bound), as JSON prints it (non-finite → null). */
export function nestedNumberJSON(v: number): string {
  return Number.isFinite(v) ? String(v) : 'null';
}
