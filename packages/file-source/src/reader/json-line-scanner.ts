import { ColumnChunkBuilder, vectorKindOf, type ColumnVectorKind, type Row } from '@weir/core';
import type { ConformPlan } from './conform-plan.js';
import { isoUtcMicrosBytes } from './timestamp-parse.js';

/**
 * The NDJSON hot path without `JSON.parse`: a scanner over a line's UTF-8 bytes that expects the
 * schema's fields in schema order (`{"a":…,"b":…}`, optional spaces/tabs around the structural
 * characters) and converts each value straight into its destination: one scanning core
 * ({@link ColumnLineScanner}) writes the values into a column chunk builder's arrays (numbers
 * into typed arrays: no boxing, no row object), and the row form ({@link LineScanner}) is that
 * core over a one-row scratch builder, read back into one row object.
 *
 * It MUST give exactly the row `JSON.parse` + the conformer give, or decline: it declines every
 * line it does not fully understand (another key order, a missing or extra key, an escape or
 * control character in a string, a value whose JSON type is not the column's plain type, a
 * number it cannot convert exactly, trailing text), and the reader then takes the general path
 * for that line, with its error messages, rescue and parse modes. It accepts only valid JSON:
 * strict number grammar, no raw control characters in strings.
 */
export type LineScanner = (bytes: Uint8Array, start: number, limit: number) => Row | null;

/**
 * The scanning core: scans the line at `bytes[start]` into row `out.numRows` of `out` (a builder
 * over the plan's schema; data column `plan.names[f]` at its schema position), WITHOUT ending the
 * row, and returns the index of the line's `\n` (or `limit`). The caller completes the row (the
 * non-data columns, then `endRow`). Returns -1 when it declines the line; then the row's data
 * columns are reset to a fresh builder's content (0 and not null; null), so the row path may
 * append that row with `appendRow`.
 *
 * The reader gives the scanner the rest of the buffer, not one line: no token can span a `\n`
 * (strings stop at control characters, numbers and literals at any other byte), so finding the
 * line's end separately (`indexOf` per line) would only read its bytes twice.
 */
export type ColumnLineScanner = (bytes: Uint8Array, start: number, limit: number, out: ColumnChunkBuilder) => number;

/** Where the line the row-form scanner last accepted ends: the index of its `\n` (or `limit`). */
export let scannedLineEnd = 0;

const enum Kind {
  String,
  Double,
  Long,
  Integer,
  Boolean,
  Timestamp,
}

const KINDS: Readonly<Record<string, Kind>> = {
  string: Kind.String,
  double: Kind.Double,
  float: Kind.Double,
  long: Kind.Long,
  integer: Kind.Integer,
  boolean: Kind.Boolean,
  timestamp: Kind.Timestamp,
  timestamp_ntz: Kind.Timestamp,
};

/** Exact powers of ten: `m / 10^k` is correctly rounded when `m < 2^53` and `k <= 22` (Clinger's fast path). */
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * Set by `scanNumber`: an out parameter in a typed array, so a number is never boxed (a double
 * stored in a module-level `let` would allocate a heap number per value).
 */
const numberOut = new Float64Array(1);

/**
 * Scans a JSON number at `b[p]` (strict grammar); returns the index after it or -1. Up to 15
 * significant digits and no exponent: the digits as an exact integer over an exact power of ten,
 * one correctly rounded division, as `JSON.parse` rounds. Otherwise `Number` of the text, which
 * reads JSON's number grammar with the same rounding.
 */
function scanNumber(b: Uint8Array, p: number, end: number): number {
  let i = p;
  const neg = b[i] === 45;
  if (neg) i++;
  if (i >= end) return -1;
  let c = b[i] as number;
  let m = 0;
  let digits = 0;
  if (c === 48) {
    i++;
    if (i < end && (b[i] as number) >= 48 && (b[i] as number) <= 57) return -1; // no leading zeros
  } else if (c >= 49 && c <= 57) {
    while (i < end && (c = b[i] as number) >= 48 && c <= 57) {
      m = m * 10 + (c - 48);
      digits++;
      i++;
    }
  } else return -1;
  let frac = 0;
  if (i < end && b[i] === 46) {
    i++;
    const from = i;
    while (i < end && (c = b[i] as number) >= 48 && c <= 57) {
      m = m * 10 + (c - 48);
      digits++;
      frac++;
      i++;
    }
    if (i === from) return -1;
  }
  let exact = digits <= 15;
  if (i < end && (b[i] === 101 || b[i] === 69)) {
    i++;
    if (i < end && (b[i] === 43 || b[i] === 45)) i++;
    const from = i;
    while (i < end && (c = b[i] as number) >= 48 && c <= 57) i++;
    if (i === from) return -1;
    exact = false;
  }
  if (exact) {
    const v = m / (POW10[frac] as number);
    numberOut[0] = neg ? -v : v;
  } else {
    numberOut[0] = Number(String.fromCharCode.apply(null, b.subarray(p, i) as unknown as number[]));
  }
  return i;
}

/**
 * A cache of one column's strings by their bytes: a file repeats a station id or a condition
 * thousands of times, and a hit returns the string already made (no decode, no allocation). Two
 * candidate slots per hash (a direct-mapped table thrashed on colliding ids cycling through a
 * file); a miss decodes and takes an empty candidate or the older one. Long strings are not cached.
 */
class StringCache {
  static readonly #SLOTS = 1 << 14;
  readonly #bytes: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(StringCache.#SLOTS).fill(undefined);
  readonly #strings: string[] = new Array<string>(StringCache.#SLOTS).fill('');

  get(b: Uint8Array, from: number, to: number, hash: number): string {
    const len = to - from;
    if (len > 64) return decoder.decode(b.subarray(from, to));
    // Finalise the multiplicative hash: its low bits alone collide on ids like ST-0001…ST-1000.
    const mixed = Math.imul(hash ^ (hash >>> 16), 0x45d9f3b);
    const first = (mixed ^ (mixed >>> 16)) & (StringCache.#SLOTS - 2);
    for (let slot = first; slot <= first + 1; slot++) {
      const cached = this.#bytes[slot];
      if (cached === undefined || cached.length !== len) continue;
      let same = true;
      for (let k = 0; k < len; k++) {
        if (cached[k] !== b[from + k]) {
          same = false;
          break;
        }
      }
      if (same) return this.#strings[slot] as string;
    }
    const s = decoder.decode(b.subarray(from, to));
    if (this.#bytes[first] !== undefined) {
      this.#bytes[first + 1] = this.#bytes[first];
      this.#strings[first + 1] = this.#strings[first] as string;
    }
    this.#bytes[first] = b.slice(from, to);
    this.#strings[first] = s;
    return s;
  }
}

function isLiteral(b: Uint8Array, p: number, end: number, word: readonly number[]): boolean {
  if (p + word.length > end) return false;
  for (let k = 0; k < word.length; k++) if (b[p + k] !== word[k]) return false;
  return true;
}

const NULL = [110, 117, 108, 108];
const TRUE = [116, 114, 117, 101];
const FALSE = [102, 97, 108, 115, 101];
const encoder = new TextEncoder();

function skipBlanks(b: Uint8Array, p: number, end: number): number {
  while (p < end && (b[p] === 32 || b[p] === 9)) p++;
  return p;
}

const columnScanners = new WeakMap<ConformPlan, ColumnLineScanner | null>();
const rowScanners = new WeakMap<ConformPlan, LineScanner | null>();

/**
 * The scanning core for `plan`'s schema, or null when a data column has a type it does not
 * convert (decimals, dates, binary, nested types: those lines take the general path). One per plan.
 */
export function columnLineScanner(plan: ConformPlan): ColumnLineScanner | null {
  let s = columnScanners.get(plan);
  if (s === undefined) {
    s = compileColumnScanner(plan);
    columnScanners.set(plan, s);
  }
  return s;
}

/**
 * The row form of {@link columnLineScanner}: the row the line means (built by `plan.buildRow`),
 * or null when the scanner declines it; `scannedLineEnd` tells where the line ended. One per plan.
 */
export function lineScanner(plan: ConformPlan): LineScanner | null {
  let s = rowScanners.get(plan);
  if (s === undefined) {
    s = compileRowScanner(plan);
    rowScanners.set(plan, s);
  }
  return s;
}

/** Per data column `f`: its index in `plan.schema` and its vector kind. */
function dataColumns(plan: ConformPlan): { cols: Int32Array; vkinds: ColumnVectorKind[] } {
  const position = new Map(plan.schema.fields.map((f, i) => [f.name, i]));
  return { cols: Int32Array.from(plan.names, (n) => position.get(n) as number), vkinds: plan.types.map((f) => vectorKindOf(f.type)) };
}

/** Resets the data columns of row `i` to a fresh builder's content (0, not null; null values). */
function clearRow(out: ColumnChunkBuilder, i: number, cols: Int32Array, vkinds: readonly ColumnVectorKind[]): void {
  for (let f = 0; f < cols.length; f++) {
    const c = cols[f] as number;
    switch (vkinds[f]) {
      case 'float64':
        (out.float64s[c] as Float64Array)[i] = 0;
        (out.nulls[c] as Uint8Array)[i] = 0;
        break;
      case 'boolean':
        (out.booleans[c] as Uint8Array)[i] = 0;
        (out.nulls[c] as Uint8Array)[i] = 0;
        break;
      default:
        (out.values[c] as unknown[])[i] = null;
    }
  }
}

function compileRowScanner(plan: ConformPlan): LineScanner | null {
  const scan = columnLineScanner(plan);
  if (scan === null) return null;
  const { cols, vkinds } = dataColumns(plan);
  // One row of scratch, reused line after line: scanning is synchronous, so readers that
  // interleave (generators of several partitions) never see each other's values.
  const scratch = new ColumnChunkBuilder(plan.schema, 1);
  const values: unknown[] = new Array<unknown>(cols.length).fill(null);
  const buildRow = plan.buildRow;
  return function scanRow(b, start, limit) {
    const end = scan(b, start, limit, scratch);
    if (end < 0) return null;
    for (let f = 0; f < cols.length; f++) {
      const c = cols[f] as number;
      switch (vkinds[f]) {
        case 'float64':
          values[f] = (scratch.nulls[c] as Uint8Array)[0] === 1 ? null : (scratch.float64s[c] as Float64Array)[0];
          break;
        case 'boolean':
          values[f] = (scratch.nulls[c] as Uint8Array)[0] === 1 ? null : (scratch.booleans[c] as Uint8Array)[0] === 1;
          break;
        default:
          values[f] = (scratch.values[c] as unknown[])[0];
      }
    }
    clearRow(scratch, 0, cols, vkinds);
    scannedLineEnd = end;
    return buildRow(values);
  };
}

function compileColumnScanner(plan: ConformPlan): ColumnLineScanner | null {
  const kinds: Kind[] = [];
  for (const f of plan.types) {
    const k = typeof f.type === 'string' ? KINDS[f.type] : undefined;
    if (k === undefined) return null;
    kinds.push(k);
  }
  const { cols, vkinds } = dataColumns(plan);
  // Each key as the bytes of its JSON text with the quotes; a key spelled with escapes in the file
  // does not match, and that line takes the general path.
  const keys = plan.names.map((n) => encoder.encode(JSON.stringify(n)));
  const caches = kinds.map((k) => (k === Kind.String ? new StringCache() : null));
  const n = kinds.length;

  function scanLine(b: Uint8Array, start: number, end: number, out: ColumnChunkBuilder): number {
    const i = out.numRows;
    const float64s = out.float64s;
    let p = skipBlanks(b, start, end);
    if (b[p] !== 123) return -1;
    p++;
    for (let f = 0; f < n; f++) {
      p = skipBlanks(b, p, end);
      if (f > 0) {
        if (b[p] !== 44) return -1;
        p = skipBlanks(b, p + 1, end);
      }
      const key = keys[f] as Uint8Array;
      const kl = key.length;
      if (p + kl > end) return -1;
      for (let k = 0; k < kl; k++) if (b[p + k] !== key[k]) return -1;
      p = skipBlanks(b, p + kl, end);
      if (b[p] !== 58) return -1;
      p = skipBlanks(b, p + 1, end);
      const c = b[p];
      const col = cols[f] as number;
      if (c === 110) {
        if (!isLiteral(b, p, end, NULL)) return -1;
        out.setNull(col);
        p += 4;
        continue;
      }
      switch (kinds[f]) {
        case Kind.String:
        case Kind.Timestamp: {
          if (c !== 34) return -1;
          const from = p + 1;
          let q = from;
          let h = 0;
          for (;;) {
            if (q >= end) return -1;
            const x = b[q] as number;
            if (x === 34) break;
            if (x === 92 || x < 32) return -1;
            h = (Math.imul(h, 31) + x) | 0;
            q++;
          }
          if (kinds[f] === Kind.String) (out.values[col] as unknown[])[i] = (caches[f] as StringCache).get(b, from, q, h);
          else {
            const t = isoUtcMicrosBytes(b, from, q - from);
            if (t === undefined) return -1;
            (float64s[col] as Float64Array)[i] = t;
          }
          p = q + 1;
          break;
        }
        case Kind.Boolean:
          if (isLiteral(b, p, end, TRUE)) {
            (out.booleans[col] as Uint8Array)[i] = 1;
            p += 4;
          } else if (isLiteral(b, p, end, FALSE)) {
            (out.booleans[col] as Uint8Array)[i] = 0;
            p += 5;
          } else return -1;
          break;
        default: {
          if (c !== 45 && (c === undefined || c < 48 || c > 57)) return -1;
          p = scanNumber(b, p, end);
          if (p < 0) return -1;
          const v = numberOut[0] as number;
          // The conformer's tests per type: integral columns take only integral numbers here.
          if (kinds[f] === Kind.Long ? !Number.isSafeInteger(v) : kinds[f] === Kind.Integer ? (v | 0) !== v : false) return -1;
          (float64s[col] as Float64Array)[i] = v;
        }
      }
    }
    p = skipBlanks(b, p, end);
    if (b[p] !== 125) return -1;
    p = skipBlanks(b, p + 1, end);
    if (p < end && b[p] === 13) p++;
    if (p < end && b[p] !== 10) return -1;
    return p;
  }

  return function scanColumns(b, start, limit, out) {
    const end = scanLine(b, start, limit, out);
    // A declined line may have written some columns: undo them, so the row path starts clean.
    if (end < 0) clearRow(out, out.numRows, cols, vkinds);
    return end;
  };
}
