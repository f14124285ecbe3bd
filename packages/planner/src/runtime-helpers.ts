import type { DataType } from '@weir/core';
import {
  castFunction,
  compareDouble,
  formatWithPattern,
  parseWithPattern,
  regexpExtract,
  roundHalfUp,
  substring,
  trimSpaces,
  wrapInt,
} from './builtins.js';
import { US_PER_DAY } from './datetime.js';
import { encodeKey } from './key-encoding.js';

/** Floor modulo (the result has the sign of the divisor), for window alignment before the epoch. */
function floorMod(a: number, b: number): number {
  return ((a % b) + b) % b;
}

/** The tumbling window `[start, end)` containing `t` (µs), aligned to `startUs` (Spark: also correct for negative times). */
export function tumble(t: number, windowUs: number, startUs: number): { start: number; end: number } {
  const start = t - floorMod(t - startUs, windowUs);
  return { start, end: start + windowUs };
}

/**
 * Every window `[start, end)` of length `windowUs` sliding by `slideUs` that contains `t`,
 * earliest first (Spark generates `ceil(window / slide)` candidates and keeps those containing t).
 */
export function windowsOf(t: number, windowUs: number, slideUs: number, startUs: number): [number, number][] {
  const lastStart = t - floorMod(t - startUs, slideUs);
  const out: [number, number][] = [];
  const n = Math.ceil(windowUs / slideUs);
  for (let i = n - 1; i >= 0; i--) {
    const s = lastStart - i * slideUs;
    if (s <= t && t < s + windowUs) out.push([s, s + windowUs]);
  }
  return out;
}

/** Scalar functions by name (arguments are never null here: callers handle null propagation). */
export const FUNCTIONS: Readonly<Record<string, (...args: never[]) => unknown>> = Object.freeze({
  round: (x: number, scale: number) => (Number.isInteger(x) && scale >= 0 ? x : roundHalfUp(x, scale)),
  abs: (x: number) => Math.abs(x),
  floor: (x: number) => Math.floor(x),
  ceil: (x: number) => Math.ceil(x),
  sqrt: (x: number) => (x < 0 ? NaN : Math.sqrt(x)),
  upper: (s: string) => s.toUpperCase(),
  lower: (s: string) => s.toLowerCase(),
  trim: trimSpaces,
  length: (s: string) => Array.from(s).length,
  concat: (...parts: string[]) => parts.join(''),
  substring,
  regexp_extract: regexpExtract,
  to_timestamp: (s: string, fmt: string) => parseWithPattern(s, fmt),
  to_date: (s: string, fmt: string) => {
    const us = parseWithPattern(s, fmt);
    return us === null ? null : Math.floor(us / US_PER_DAY);
  },
  date_format: (us: number, fmt: string) => formatWithPattern(us, fmt),
  window_time: (w: { end: number }) => w.end - 1,
});

const castCache = new Map<string, unknown>();

/** The helper object generated code receives as `h`. */
export const GENERATED_CODE_HELPERS = Object.freeze({
  own(row: object, name: string): unknown {
    return Object.prototype.hasOwnProperty.call(row, name) ? ((row as Record<string, unknown>)[name] ?? null) : null;
  },
  castFn(fromJson: string, toJson: string): unknown {
    const key = fromJson + '\u0000' + toJson;
    let f = castCache.get(key);
    if (f === undefined) {
      f = castFunction(JSON.parse(fromJson) as DataType, JSON.parse(toJson) as DataType) ?? ((v: unknown) => v);
      castCache.set(key, f);
    }
    return f;
  },
  fns: FUNCTIONS,
  wrap: wrapInt,
  cmpD: compareDouble,
  cmpDec: (a: string, b: string) => compareDouble(Number(a), Number(b)),
  eqJ: (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b),
  tumble,
  key: encodeKey,
  ONE_NULL: Object.freeze([null]),
  NONE: Object.freeze([]),
});
