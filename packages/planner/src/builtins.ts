import { decimalParams, isDecimalType, type DataType } from '@weir/core';
import {
  US_PER_DAY,
  US_PER_SECOND,
  formatDate,
  formatTimestamp,
  formatWithPattern,
  parseDate,
  parseTimestamp,
  parseWithPattern,
} from './datetime.js';

/**
 * Runtime functions shared by generated code (as `h`) and the reference interpreter, so both
 * agree on the semantics of casts and functions by construction; what the property tests compare
 * is the compiled plumbing (null propagation, logic, arithmetic, operators, escaping).
 *
 * Every function here is total: it never throws on any input value (invalid → null), which lets
 * generated code evaluate CASE branches eagerly.
 */

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
const LONG_MIN = -9223372036854775808;
const LONG_MAX = 9223372036854775807;

/** Java's `Double.toString`, which Spark uses for cast(double as string). */
export function doubleToString(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const a = Math.abs(x);
  if (a >= 1e-3 && a < 1e7) {
    const s = toPlainString(x);
    return s.includes('.') ? s : s + '.0';
  }
  const [mant, exp] = x.toExponential().split('e') as [string, string];
  return `${mant.includes('.') ? mant : mant + '.0'}E${exp.startsWith('+') ? exp.slice(1) : exp}`;
}

/** A finite number as a plain decimal string (no exponent), with the shortest round-trip digits. */
export function toPlainString(x: number): string {
  const s = String(x);
  if (!s.includes('e')) return s;
  const [mant, expText] = s.split('e') as [string, string];
  const exp = Number(expText);
  const neg = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '');
  const pointAt = (mant.replace('-', '').indexOf('.') < 0 ? mant.replace('-', '').length : mant.replace('-', '').indexOf('.')) + exp;
  let out: string;
  if (pointAt <= 0) out = '0.' + '0'.repeat(-pointAt) + digits;
  else if (pointAt >= digits.length) out = digits + '0'.repeat(pointAt - digits.length);
  else out = digits.slice(0, pointAt) + '.' + digits.slice(pointAt);
  return (neg ? '-' : '') + out;
}

/** Rounds a plain decimal string HALF_UP to `scale` digits after the point (negative scale rounds left of it). */
export function roundDecimalString(text: string, scale: number): string {
  let neg = text.startsWith('-');
  const body = neg || text.startsWith('+') ? text.slice(1) : text;
  const dot = body.indexOf('.');
  let intPart = dot < 0 ? body : body.slice(0, dot);
  let frac = dot < 0 ? '' : body.slice(dot + 1);
  if (intPart === '') intPart = '0';
  // Work on one digit string with an implied point after `intPart.length` digits.
  const digits = (intPart + frac).split('').map(Number);
  const keep = intPart.length + scale; // digits kept
  if (keep < 0) return scale > 0 ? '0.' + '0'.repeat(scale) : '0';
  if (keep < digits.length) {
    const roundUp = (digits[keep] as number) >= 5;
    digits.length = keep;
    if (roundUp) {
      let i = keep - 1;
      while (i >= 0) {
        if (digits[i] === 9) {
          digits[i] = 0;
          i--;
        } else {
          digits[i] = (digits[i] as number) + 1;
          break;
        }
      }
      if (i < 0) {
        digits.unshift(1);
        intPart = '0' + intPart;
      }
    }
  } else {
    while (digits.length < keep) digits.push(0);
  }
  const intLen = intPart.length;
  let whole = digits.slice(0, intLen).join('');
  frac = digits.slice(intLen).join('');
  if (scale < 0) whole = whole + '0'.repeat(-scale);
  whole = whole.replace(/^0+(?=\d)/, '');
  if (whole === '') whole = '0';
  const out = frac === '' ? whole : `${whole}.${frac}`;
  if (/^[0.]*$/.test(out)) neg = false;
  return (neg ? '-' : '') + out;
}

/** Spark `round(x, scale)` (HALF_UP on the decimal value; NaN and infinities unchanged). */
export function roundHalfUp(x: number, scale: number): number {
  if (!Number.isFinite(x)) return x;
  if (scale >= 0 && scale <= 15 && Math.abs(x) < 1e15) {
    // Fast path: away from a .5 tie, rounding the scaled binary value gives the same result as
    // HALF_UP on the decimal value, and n / 10^scale is the correctly rounded double of "n e-scale".
    const p = 10 ** scale;
    const y = Math.abs(x) * p;
    const frac = y - Math.floor(y);
    if (Math.abs(frac - 0.5) > 1e-6 && y < 1e9) {
      const n = Math.floor(y) + (frac > 0.5 ? 1 : 0);
      const r = n / p;
      return x < 0 && r !== 0 ? -r : r;
    }
  }
  return Number(roundDecimalString(toPlainString(x), scale));
}

// Spark's legacy UTF8String.toInt: digits, an optional fraction that is truncated ("." alone reads as 0).
const INTEGRAL_TEXT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d*)$/;
const DOUBLE_TEXT = /^[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)[dDfF]?$/;

function stringToIntegral(s: string, min: number, max: number): number | null {
  const t = s.trim();
  if (!INTEGRAL_TEXT.test(t)) return null;
  const dot = t.indexOf('.');
  const n = Number(dot < 0 ? t : t.slice(0, dot) || '0');
  const v = Object.is(n, -0) || Number.isNaN(n) ? 0 : n;
  return v < min || v > max ? null : v;
}

export function stringToDouble(s: string): number | null {
  const t = s.trim();
  if (DOUBLE_TEXT.test(t)) return Number(t.replace(/[dDfF]$/, ''));
  switch (t.toLowerCase()) {
    case 'nan':
      return NaN;
    case 'infinity':
    case '+infinity':
    case 'inf':
    case '+inf':
      return Infinity;
    case '-infinity':
    case '-inf':
      return -Infinity;
    default:
      return null;
  }
}

const TRUE_TEXT = new Set(['t', 'true', 'y', 'yes', '1']);
const FALSE_TEXT = new Set(['f', 'false', 'n', 'no', '0']);

/** Wraps to a signed integer of `bits` bits (Java's narrowing conversion; Spark non-ANSI overflow). */
export function wrapInt(v: number, bits: 8 | 16 | 32): number {
  if (bits === 32) return v | 0;
  const shift = 32 - bits;
  return ((v | 0) << shift) >> shift;
}

/** Java's `(int)`/`(long)` from double: truncation toward zero, NaN → 0, saturating. */
function doubleToIntegral(v: number, min: number, max: number): number {
  if (Number.isNaN(v)) return 0;
  const t = Math.trunc(v);
  const r = t < min ? min : t > max ? max : t;
  return r === 0 ? 0 : r;
}

function toDecimal(v: number | string, t: DataType): string | null {
  const { precision, scale } = decimalParams(t as `decimal(${number},${number})`);
  let text: string;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return null;
    text = toPlainString(v);
  } else {
    const d = stringToDouble(v);
    if (d === null || !Number.isFinite(d)) return null;
    const trimmed = v.trim().replace(/[dDfF]$/, '');
    text = /[eE]/.test(trimmed) ? toPlainString(d) : trimmed;
  }
  const r = roundDecimalString(text, scale);
  const intDigits = r.replace('-', '').split('.')[0] as string;
  if (intDigits.replace(/^0+/, '').length > precision - scale) return null;
  return scale > 0 && !r.includes('.') ? `${r}.${'0'.repeat(scale)}` : r;
}

type CastFn = (v: never) => unknown;

/** The cast function from one type to another, or null when no conversion is needed (identity), or undefined when unsupported. */
export function castFunction(from: DataType, to: DataType): CastFn | null | undefined {
  if (JSON.stringify(from) === JSON.stringify(to) || from === 'void') return null;
  const fromKey = isDecimalType(from) ? 'decimal' : typeof from === 'string' ? from : from.type;
  if (isDecimalType(to)) {
    if (fromKey === 'string') return ((v: string) => toDecimal(v, to)) as CastFn;
    if (fromKey === 'decimal') return ((v: string) => toDecimal(v, to)) as CastFn;
    if (['byte', 'short', 'integer', 'long', 'float', 'double'].includes(fromKey)) return ((v: number) => toDecimal(v, to)) as CastFn;
    if (fromKey === 'boolean') return ((v: boolean) => toDecimal(v ? 1 : 0, to)) as CastFn;
    return undefined;
  }
  if (typeof to !== 'string') return undefined;
  const numericFrom = ['byte', 'short', 'integer', 'long', 'float', 'double', 'decimal'].includes(fromKey);
  const num = (v: unknown): number => (typeof v === 'string' ? Number(v) : (v as number));
  switch (to) {
    case 'string':
      switch (fromKey) {
        case 'double':
        case 'float':
          return doubleToString as CastFn;
        case 'byte':
        case 'short':
        case 'integer':
        case 'long':
        case 'decimal':
          return ((v: number | string) => String(v)) as CastFn;
        case 'boolean':
          return ((v: boolean) => (v ? 'true' : 'false')) as CastFn;
        case 'date':
          return formatDate as CastFn;
        case 'timestamp':
        case 'timestamp_ntz':
          return formatTimestamp as CastFn;
        case 'binary':
          return ((v: Uint8Array) => new TextDecoder().decode(v)) as CastFn;
        default:
          return ((v: unknown) => JSON.stringify(v)) as CastFn;
      }
    case 'byte':
    case 'short':
    case 'integer':
    case 'long': {
      const [min, max, bits] =
        to === 'byte' ? [-128, 127, 8] : to === 'short' ? [-32768, 32767, 16] : to === 'integer' ? [INT_MIN, INT_MAX, 32] : [LONG_MIN, LONG_MAX, 0];
      if (fromKey === 'string') return ((v: string) => stringToIntegral(v, min, max)) as CastFn;
      if (fromKey === 'boolean') return ((v: boolean) => (v ? 1 : 0)) as CastFn;
      if (fromKey === 'double' || fromKey === 'float') {
        // Java narrowing: double → int/long saturates; to byte/short it goes through int, then wraps.
        if (bits === 8 || bits === 16) return ((v: number) => wrapInt(doubleToIntegral(v, INT_MIN, INT_MAX), bits)) as CastFn;
        return ((v: number) => doubleToIntegral(v, min, max)) as CastFn;
      }
      if (fromKey === 'decimal') return ((v: string) => { const n = Math.trunc(Number(v)); return n < min || n > max ? null : n === 0 ? 0 : n; }) as CastFn;
      if (fromKey === 'timestamp' || fromKey === 'timestamp_ntz') {
        return ((v: number) => { const s = Math.floor(v / US_PER_SECOND); return bits === 0 ? s : wrapInt(s, bits as 8 | 16 | 32); }) as CastFn;
      }
      if (fromKey === 'byte' || fromKey === 'short' || fromKey === 'integer' || fromKey === 'long') {
        return bits === 0 ? null : ((v: number) => wrapInt(v, bits as 8 | 16 | 32)) as CastFn;
      }
      if (fromKey === 'date') return undefined;
      return undefined;
    }
    case 'double':
    case 'float': {
      const f = to === 'float' ? Math.fround : (x: number) => x;
      if (fromKey === 'string') return ((v: string) => { const d = stringToDouble(v); return d === null ? null : f(d); }) as CastFn;
      if (fromKey === 'boolean') return ((v: boolean) => (v ? 1 : 0)) as CastFn;
      if (fromKey === 'timestamp' || fromKey === 'timestamp_ntz') return ((v: number) => f(v / US_PER_SECOND)) as CastFn;
      if (numericFrom) return to === 'float' || fromKey === 'decimal' ? ((v: number | string) => f(num(v))) as CastFn : null;
      return undefined;
    }
    case 'boolean':
      if (fromKey === 'string') {
        return ((v: string) => { const t = v.trim().toLowerCase(); return TRUE_TEXT.has(t) ? true : FALSE_TEXT.has(t) ? false : null; }) as CastFn;
      }
      if (numericFrom) return ((v: number | string) => num(v) !== 0) as CastFn;
      if (fromKey === 'timestamp') return ((v: number) => v !== 0) as CastFn;
      return undefined;
    case 'timestamp':
    case 'timestamp_ntz':
      if (fromKey === 'string') return parseTimestamp as CastFn;
      if (fromKey === 'date') return ((v: number) => v * US_PER_DAY) as CastFn;
      if (fromKey === 'timestamp' || fromKey === 'timestamp_ntz') return null;
      if (fromKey === 'double' || fromKey === 'float' || fromKey === 'decimal') {
        return ((v: number | string) => { const d = num(v); return Number.isFinite(d) ? Math.floor(d * US_PER_SECOND) : null; }) as CastFn;
      }
      if (numericFrom) return ((v: number) => v * US_PER_SECOND) as CastFn;
      if (fromKey === 'boolean') return ((v: boolean) => (v ? 1 : 0)) as CastFn;
      return undefined;
    case 'date':
      if (fromKey === 'string') return parseDate as CastFn;
      if (fromKey === 'timestamp' || fromKey === 'timestamp_ntz') return ((v: number) => Math.floor(v / US_PER_DAY)) as CastFn;
      return undefined;
    case 'binary':
      if (fromKey === 'string') return ((v: string) => new TextEncoder().encode(v)) as CastFn;
      return undefined;
    default:
      return undefined;
  }
}

/** Spark's `substring(str, pos, len)` on code points. */
export function substring(s: string, pos: number, len: number): string {
  const cps = Array.from(s);
  const n = cps.length;
  let start = pos > 0 ? pos - 1 : pos < 0 ? n + pos : 0;
  let end = len < 0 ? start : start + len;
  if (pos < 0 && start < 0) {
    end = start + len;
    start = 0;
  }
  if (len < 0) return '';
  start = Math.max(0, start);
  end = Math.min(n, Math.max(start, end));
  return cps.slice(start, end).join('');
}

const regexCache = new Map<string, RegExp | null>();
function compileRegex(pattern: string): RegExp | null {
  let re = regexCache.get(pattern);
  if (re === undefined) {
    try {
      re = new RegExp(pattern, 'u');
    } catch {
      try {
        re = new RegExp(pattern);
      } catch {
        re = null;
      }
    }
    if (regexCache.size > 256) regexCache.clear();
    regexCache.set(pattern, re);
  }
  return re;
}

/** True when `pattern` compiles as a JS regular expression (the analyzer rejects others). */
export function isValidRegex(pattern: string): boolean {
  return compileRegex(pattern) !== null;
}

/** Spark's `regexp_extract`: group `idx` of the first match, `""` when no match or the group did not participate. */
export function regexpExtract(s: string, pattern: string, idx: number): string | null {
  const re = compileRegex(pattern);
  if (re === null) return null;
  const m = re.exec(s);
  if (!m) return '';
  if (idx < 0 || idx >= m.length) return null;
  return m[idx] ?? '';
}

/** Spark's `trim`: removes leading and trailing spaces (U+0020) only. */
export function trimSpaces(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && s.charCodeAt(a) === 32) a++;
  while (b > a && s.charCodeAt(b - 1) === 32) b--;
  return s.slice(a, b);
}

/** Spark's total order on doubles: NaN equals NaN and is greater than any other value; -0 = 0. */
export function compareDouble(a: number, b: number): number {
  if (a < b) return -1;
  if (a > b) return 1;
  if (a === b) return 0;
  const an = a !== a;
  const bn = b !== b;
  return an && bn ? 0 : an ? 1 : -1;
}

/** A total order for values of one Spark type (numbers with NaN rules, strings, booleans, decimals as numbers). */
export function compareValues(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return compareDouble(a, b);
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  const sa = JSON.stringify(a);
  const sb = JSON.stringify(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/** MurmurHash3 (x86, 32-bit) over the UTF-16 code units of a string: the deterministic hash for partitioning and HLL. */
export function murmur3(s: string, seed = 42): number {
  let h = seed >>> 0;
  const n = s.length;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    let k = (s.charCodeAt(i) | (s.charCodeAt(i + 1) << 16)) >>> 0;
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  if (i < n) {
    let k = s.charCodeAt(i);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
  }
  h ^= n * 2;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The state partition of a grouping key: murmur3 of its encoded form, modulo the partition count. */
export function partitionOf(key: string, numPartitions: number): number {
  return numPartitions <= 1 ? 0 : murmur3(key) % numPartitions;
}

export {
  formatDate,
  formatTimestamp,
  formatWithPattern,
  parseDate,
  parseTimestamp,
  parseWithPattern,
  US_PER_DAY,
  US_PER_SECOND,
};
