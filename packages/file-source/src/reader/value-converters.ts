import { decimalParams, isDecimalType, type DataType, type StructType } from '@weir/core';
import { parseDateDays, parseTimestampMicros } from './timestamp-parse.js';

/** Returned by a converter when a value does not fit the column type (it is then rescued or malformed). */
export const MISMATCH: unique symbol = Symbol('mismatch');
export type Converter = (v: unknown) => unknown;

const INT_RANGE: Readonly<Record<string, readonly [number, number]>> = {
  long: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  integer: [-2147483648, 2147483647],
  short: [-32768, 32767],
  byte: [-128, 127],
};

function integral(type: string): Converter {
  const [lo, hi] = INT_RANGE[type] as readonly [number, number];
  return (v) => (typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi ? v : MISMATCH);
}

function decimalFromNumberOrString(type: `decimal(${number},${number})`): Converter {
  const { precision, scale } = decimalParams(type);
  return (v) => {
    const text = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : typeof v === 'string' ? v.trim() : '';
    const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text);
    if (!m || (m[2] === '' && (m[3] ?? '') === '')) return MISMATCH;
    const intPart = (m[2] as string).replace(/^0+(?=\d)/, '') || '0';
    const frac = (m[3] ?? '').padEnd(scale, '0');
    if (frac.length > scale && /[1-9]/.test(frac.slice(scale))) return MISMATCH; // would lose digits
    if (intPart.replace(/^0+/, '').length > precision - scale) return MISMATCH;
    const sign = m[1] === '-' && /[1-9]/.test(intPart + frac.slice(0, scale)) ? '-' : '';
    return scale === 0 ? `${sign}${intPart}` : `${sign}${intPart}.${frac.slice(0, scale)}`;
  };
}

/**
 * A converter from a parsed-JSON value to weir's in-memory form of `type`, with Spark's JSON
 * reader rules: strings accept anything (non-strings keep their JSON text), numbers must fit,
 * timestamps are ISO strings (or epoch seconds), nested types convert element-wise.
 */
export function jsonConverter(type: DataType): Converter {
  if (typeof type === 'string') {
    switch (type) {
      case 'string':
        return (v) => (typeof v === 'string' ? v : JSON.stringify(v));
      case 'long':
      case 'integer':
      case 'short':
      case 'byte':
        return integral(type);
      case 'double':
      case 'float':
        return (v) => {
          if (typeof v === 'number') return v;
          if (v === 'NaN') return NaN;
          if (v === 'Infinity' || v === '+Infinity' || v === '+INF' || v === 'INF') return Infinity;
          if (v === '-Infinity' || v === '-INF') return -Infinity;
          return MISMATCH;
        };
      case 'boolean':
        return (v) => (typeof v === 'boolean' ? v : MISMATCH);
      case 'timestamp':
      case 'timestamp_ntz':
        return (v) => {
          if (typeof v === 'string') return parseTimestampMicros(v) ?? MISMATCH;
          if (typeof v === 'number' && Number.isInteger(v)) return v * 1_000_000;
          return MISMATCH;
        };
      case 'date':
        return (v) => (typeof v === 'string' ? (parseDateDays(v) ?? MISMATCH) : MISMATCH);
      case 'binary':
        return (v) => (typeof v === 'string' ? new TextEncoder().encode(v) : MISMATCH);
      default:
        if (isDecimalType(type)) return decimalFromNumberOrString(type);
        return () => MISMATCH;
    }
  }
  switch (type.type) {
    case 'struct': {
      const names = type.fields.map((f) => f.name);
      const convs = type.fields.map((f) => jsonConverter(f.type));
      return (v) => {
        if (typeof v !== 'object' || v === null || Array.isArray(v)) return MISMATCH;
        const o = v as Record<string, unknown>;
        const out: Record<string, unknown> = {};
        for (let i = 0; i < names.length; i++) {
          const name = names[i] as string;
          const x = o[name];
          if (x === undefined || x === null) {
            out[name] = null;
            continue;
          }
          const c = (convs[i] as Converter)(x);
          if (c === MISMATCH) return MISMATCH;
          out[name] = c;
        }
        return out;
      };
    }
    case 'array': {
      const conv = jsonConverter(type.elementType);
      return (v) => {
        if (!Array.isArray(v)) return MISMATCH;
        const out = new Array<unknown>(v.length);
        for (let i = 0; i < v.length; i++) {
          const x: unknown = v[i];
          if (x === null || x === undefined) {
            out[i] = null;
            continue;
          }
          const c = conv(x);
          if (c === MISMATCH) return MISMATCH;
          out[i] = c;
        }
        return out;
      };
    }
    case 'map': {
      const conv = jsonConverter(type.valueType);
      return (v) => {
        if (typeof v !== 'object' || v === null || Array.isArray(v)) return MISMATCH;
        const out = new Map<string, unknown>();
        for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
          const c = x === null ? null : conv(x);
          if (c === MISMATCH) return MISMATCH;
          out.set(k, c);
        }
        return out;
      };
    }
  }
}

const INTEGER_TEXT = /^[+-]?\d+$/;

/** `0x…`, `0o…`, `0b…`: integer spellings `Number` accepts and a CSV double column does not. */
function isRadixPrefixed(s: string): boolean {
  if (s.charCodeAt(0) !== 48 || s.length < 2) return false;
  const c = s.charCodeAt(1) | 0x20; // lower case
  return c === 120 || c === 111 || c === 98; // x, o, b
}

/** A converter from a CSV field (a string; null already handled) to `type`, Spark's CSV rules. */
export function csvConverter(type: DataType): Converter {
  if (typeof type !== 'string') {
    // Complex types have no CSV form in Spark; read them as JSON text.
    const inner = jsonConverter(type);
    return (v) => {
      try {
        return inner(JSON.parse(v as string));
      } catch {
        return MISMATCH;
      }
    };
  }
  switch (type) {
    case 'string':
      return (v) => v;
    case 'long':
    case 'integer':
    case 'short':
    case 'byte': {
      const fit = integral(type);
      return (v) => {
        const s = (v as string).trim();
        return INTEGER_TEXT.test(s) ? fit(Number(s)) : MISMATCH;
      };
    }
    case 'double':
    case 'float':
      return (v) => {
        const s = (v as string).trim();
        if (s !== '') {
          // `Number` reads every DOUBLE_TEXT spelling (and Infinity, which Spark reads too) and,
          // beyond those, only `0x`/`0o`/`0b` integers: excluding them spares a regex per value.
          const x = Number(s);
          if (x === x) return isRadixPrefixed(s) ? MISMATCH : x;
        }
        if (s === 'NaN') return NaN;
        if (s === 'Infinity' || s === 'Inf' || s === '+Infinity') return Infinity;
        if (s === '-Infinity' || s === '-Inf') return -Infinity;
        return MISMATCH;
      };
    case 'boolean':
      return (v) => {
        const s = (v as string).trim().toLowerCase();
        return s === 'true' ? true : s === 'false' ? false : MISMATCH;
      };
    case 'timestamp':
    case 'timestamp_ntz':
      return (v) => parseTimestampMicros((v as string).trim()) ?? MISMATCH;
    case 'date':
      return (v) => parseDateDays((v as string).trim()) ?? MISMATCH;
    case 'binary':
      return (v) => new TextEncoder().encode(v as string);
    default:
      if (isDecimalType(type)) return decimalFromNumberOrString(type);
      return () => MISMATCH;
  }
}

const WIDENS: Readonly<Record<string, readonly string[]>> = {
  long: ['integer', 'short', 'byte'],
  integer: ['short', 'byte'],
  short: ['byte'],
  double: ['float', 'integer', 'short', 'byte', 'long'],
  float: ['short', 'byte'],
  timestamp: ['timestamp_ntz'],
};

/**
 * A converter from a Parquet value of type `from` (already in weir's form) to column type `to`:
 * identity when equal, Spark's safe widenings (int→long, float/int→double), else `null` when
 * the types cannot be reconciled (the caller rescues the value).
 */
export function parquetConverter(from: DataType, to: DataType): Converter | null {
  if (JSON.stringify(from) === JSON.stringify(to)) return (v) => v;
  if (typeof from === 'string' && typeof to === 'string' && (WIDENS[to] ?? []).includes(from)) return (v) => v;
  if (to === 'string') return (v) => (typeof v === 'string' ? v : JSON.stringify(v));
  if (typeof from === 'object' && typeof to === 'object' && from.type === 'struct' && to.type === 'struct') {
    return structWiden(from, to);
  }
  return null;
}

function structWiden(from: StructType, to: StructType): Converter | null {
  const convs: Array<[string, Converter | null]> = to.fields.map((f) => {
    const src = from.fields.find((x) => x.name === f.name);
    return [f.name, src ? parquetConverter(src.type, f.type) : () => null];
  });
  if (convs.some(([, c]) => c === null)) return null;
  return (v) => {
    if (v === null || typeof v !== 'object') return MISMATCH;
    const o = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [name, c] of convs) out[name] = o[name] == null ? null : (c as Converter)(o[name]);
    return out;
  };
}
