import { ColumnChunkBuilder, createGeneratedCodeCache, vectorKindOf, type ColumnVectorKind, type Row } from '@weir/core';
import type { ConformPlan } from './conform-plan.js';
import { isoUtcMicrosBytesInto } from './timestamp-parse.js';

/**
 * The NDJSON hot path without `JSON.parse`: a scanner over a line's UTF-8 bytes that expects the
 * schema's fields in schema order (`{"a":…,"b":…}`, optional spaces/tabs around the structural
 * characters) and converts each value straight into its destination. One scanning core,
 * generated per schema (`scannerSource`), serves both forms: {@link ColumnLineScanner} writes the
 * values into a column chunk builder's arrays (numbers into typed arrays: no boxing, no row
 * object), {@link LineScanner} into a values array that `plan.buildRow` turns into one row.
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
  // 2^13, not more: `new Array(n)` past ~16k elements (V8's kInitialMaxFastElementArray) makes a
  // dictionary-mode array, 2 ms to fill and a hash lookup on every probe.
  static readonly #SLOTS = 1 << 13;
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

const encoder = new TextEncoder();

function skipBlanks(b: Uint8Array, p: number, end: number): number {
  while (p < end && (b[p] === 32 || b[p] === 9)) p++;
  return p;
}

const columnScanners = new WeakMap<ConformPlan, Map<string, ColumnLineScanner | null>>();
const rowScanners = new WeakMap<ConformPlan, LineScanner | null>();

/**
 * The scanning core for `plan`'s schema, or null when a data column has a type it does not
 * convert (decimals, dates, binary, nested types: those lines take the general path). One per
 * plan and `used` (per `plan.schema` field; absent: all): a data column marked false is still
 * scanned and validated exactly as a stored one (so the same lines are accepted and declined),
 * but not converted or stored: no string lookup, no array write.
 */
export function columnLineScanner(plan: ConformPlan, used?: readonly boolean[]): ColumnLineScanner | null {
  let byMask = columnScanners.get(plan);
  if (byMask === undefined) {
    byMask = new Map();
    columnScanners.set(plan, byMask);
  }
  const key = used === undefined ? '' : used.map((u) => (u ? '1' : '0')).join('');
  let s = byMask.get(key);
  if (s === undefined) {
    s = compileColumnScanner(plan, used);
    byMask.set(key, s);
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

/** What generated scanners call (passed in: generated code names no module binding). */
interface ScannerHelpers {
  readonly skip: typeof skipBlanks;
  readonly num: typeof scanNumber;
  readonly N: Float64Array;
  readonly iso: typeof isoMicros;
  readonly caches: readonly (StringCache | null)[];
}

type ScanValues = (bytes: Uint8Array, start: number, limit: number, values: unknown[]) => number;
type ScanColumns = (bytes: Uint8Array, start: number, limit: number, out: ColumnChunkBuilder) => number;

/**
 * Instantiated scanners by their source, ONE closure per schema (and form) per thread, reused by
 * every plan: the generated function is large and TurboFan takes 40-300 ms of CPU to optimize
 * it; a second closure of the same code would make V8 drop the context-specialised code and
 * compile it all again. The closure's string caches go with it, so a thread's partitions share
 * them (a cache maps bytes to their string: any reader may use it). Bounded, oldest evicted.
 */
const scanners = createGeneratedCodeCache<ScanValues | ScanColumns>(64);

/**
 * The scanning core, generated per schema as straight-line code: each key's bytes compared as
 * constants, strings scanned inline, numbers and timestamps converted by small shared helpers
 * (`scanNumber`, `isoUtcMicrosBytesInto`; inlining them per field made the function so big that
 * TurboFan took up to 0.8 s of CPU to compile it, once per thread), then stored by `target`'s
 * one difference — `'values'` stores field `f` into `values[f]` (the row form), `'columns'` into
 * the builder's arrays at the field's schema column (`float64s[c][i]`, `booleans[c][i]`,
 * `values[c][i]`, `setNull(c)`). One generator, so the two forms cannot drift apart. Only
 * numbers (bytes, indexes) are spliced into the source, never a name.
 */
function scannerSource(kinds: readonly Kind[], keys: readonly Uint8Array[], cols: Int32Array, target: 'values' | 'columns', stored: readonly boolean[]): string {
  const out: string[] = [];
  const line = (s: string) => out.push(s);
  const store = (f: number, vector: 'F' | 'B' | 'V', expr: string) =>
    stored[f] === false ? '' : target === 'values' ? `v[${f}] = ${expr};` : `${vector}[${cols[f] as number}][i] = ${target === 'columns' && vector === 'B' ? `(${expr}) ? 1 : 0` : expr};`;
  const storeNull = (f: number) => (stored[f] === false ? '' : target === 'values' ? `v[${f}] = null;` : `out.setNull(${cols[f] as number});`);
  // Blanks are allowed around every structural character but rare: test for the character first
  // and skip blanks only when it is not there (equivalent to skipping first: a blank is not it).
  const blanks = 'if (b[p] === 32 || b[p] === 9) p = skip(b, p, end);';
  const expect = (x: number) => `if (b[p] !== ${x}) { p = skip(b, p, end); if (b[p] !== ${x}) return -1; } p++;`;
  line('const { skip, num, N, iso, caches } = h;');
  kinds.forEach((k, f) => {
    if (k === Kind.String && stored[f] !== false) line(`const S${f} = caches[${f}];`);
  });
  // A DataView of the buffer being scanned, remade only when the buffer changes (once per file).
  line('let LB = null, D = null;');
  line(target === 'values' ? 'return function scanValues(b, p, end, v) {' : 'return function scanColumns(b, p, end, out) {');
  line('if (b !== LB) { LB = b; D = new DataView(b.buffer, b.byteOffset, b.byteLength); }');
  if (target === 'columns') line('const i = out.numRows; const F = out.float64s, B = out.booleans, V = out.values;');
  line('let c = 0, q = 0, h = 0, t = 0;');
  line(expect(123));
  kinds.forEach((kind, f) => {
    line(`// field ${f}`);
    if (f > 0) line(expect(44));
    const key = keys[f] as Uint8Array;
    // Four key bytes per comparison (an unaligned little-endian load), the rest one by one.
    const parts: string[] = [];
    for (let k = 0; k < key.length; k += 4) {
      if (k + 4 <= key.length) {
        const word = ((key[k] as number) | ((key[k + 1] as number) << 8) | ((key[k + 2] as number) << 16) | ((key[k + 3] as number) << 24)) >>> 0;
        parts.push(`D.getUint32(p + ${k}, true) !== ${word}`);
      } else for (let j = k; j < key.length; j++) parts.push(`b[p + ${j}] !== ${key[j] as number}`);
    }
    const cmp = parts.join(' || ');
    line(`if (b[p] !== 34) p = skip(b, p, end);`);
    line(`if (p + ${key.length} > end || ${cmp}) return -1;`);
    line(`p += ${key.length};`);
    line(expect(58));
    line('c = b[p]; if (c === 32 || c === 9) { p = skip(b, p, end); c = b[p]; }');
    line(`if (c === 110) { if (p + 4 > end || b[p + 1] !== 117 || b[p + 2] !== 108 || b[p + 3] !== 108) return -1; ${storeNull(f)} p += 4; }`);
    switch (kind) {
      case Kind.String:
      case Kind.Timestamp:
        line('else {');
        line('if (c !== 34) return -1;');
        line('q = p + 1; h = 0;');
        line('for (;;) { if (q >= end) return -1; c = b[q]; if (c === 34) break; if (c === 92 || c < 32) return -1;' + (kind === Kind.String && stored[f] !== false ? ' h = (Math.imul(h, 31) + c) | 0;' : '') + ' q++; }');
        if (kind === Kind.String) line(store(f, 'V', `S${f}.get(b, p + 1, q, h)`));
        else line(`if (!iso(b, p + 1, q - p - 1)) return -1; ${store(f, 'F', 'N[0]')}`);
        line('p = q + 1; }');
        break;
      case Kind.Boolean:
        line(`else if (c === 116 && p + 4 <= end && b[p + 1] === 114 && b[p + 2] === 117 && b[p + 3] === 101) { ${store(f, 'B', 'true')} p += 4; }`);
        line(`else if (c === 102 && p + 5 <= end && b[p + 1] === 97 && b[p + 2] === 108 && b[p + 3] === 115 && b[p + 4] === 101) { ${store(f, 'B', 'false')} p += 5; }`);
        line('else return -1;');
        break;
      default:
        line('else {');
        line('if (c !== 45 && !(c >= 48 && c <= 57)) return -1;');
        line('p = num(b, p, end); if (p < 0) return -1; t = N[0];');
        // The conformer's tests per type: integral columns take only integral numbers here.
        if (kind === Kind.Long) line('if (!Number.isSafeInteger(t)) return -1;');
        if (kind === Kind.Integer) line('if ((t | 0) !== t) return -1;');
        line(store(f, 'F', 't'));
        line('}');
    }
  });
  line(expect(125));
  line(blanks);
  line('if (p < end && b[p] === 13) p++;');
  line('if (p < end && b[p] !== 10) return -1;');
  line('return p;');
  line('};');
  return out.join('\n');
}


interface ScannerShape {
  readonly kinds: readonly Kind[];
  readonly keys: readonly Uint8Array[];
}

/** The kinds and key bytes of `plan`'s data columns, or null when one has a type the scanner does not convert. */
function scannerShape(plan: ConformPlan): ScannerShape | null {
  const kinds: Kind[] = [];
  for (const f of plan.types) {
    const k = typeof f.type === 'string' ? KINDS[f.type] : undefined;
    if (k === undefined) return null;
    kinds.push(k);
  }
  // Each key as the bytes of its JSON text with the quotes; a key spelled with escapes in the file
  // does not match, and that line takes the general path.
  return { kinds, keys: plan.names.map((n) => encoder.encode(JSON.stringify(n))) };
}

function instantiate<F extends ScanValues | ScanColumns>(source: string, shape: ScannerShape, warm: (scan: F) => void): F {
  return scanners(source, (src) => {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- generated from numbers only (see scannerSource)
    const factory = new Function('h', src) as (h: ScannerHelpers) => F;
    const scan = factory({ skip: skipBlanks, num: scanNumber, N: numberOut, iso: isoMicros, caches: shape.kinds.map((k) => (k === Kind.String ? new StringCache() : null)) });
    warm(scan);
    return scan;
  }) as F;
}

/**
 * Lines that take every path of a scanner for `plan`'s data columns once: plain, negative and
 * exponent numbers, fractions, both booleans, nulls, blanks, and a declined line. Run before
 * the scanner meets data, so every branch has type feedback when TurboFan optimizes it: a branch
 * first reached later (the first null, the first negative number) would deoptimize the whole
 * generated function and cost a recompile.
 */
function warmUpLines(plan: ConformPlan, kinds: readonly Kind[]): Uint8Array[] {
  // Variants: 0 plain, 1 negative / fraction / false / another string, 2 null, 3 exponent, 4 -0.
  const value = (k: Kind, variant: number): string => {
    if (variant === 2) return 'null';
    switch (k) {
      case Kind.String:
        return variant % 2 === 0 ? '"a"' : '"b"';
      case Kind.Timestamp:
        return variant % 2 === 0 ? '"2020-01-01T00:00:00Z"' : '"2020-01-01T00:00:00.123Z"';
      case Kind.Boolean:
        return variant % 2 === 0 ? 'true' : 'false';
      case Kind.Double:
        return ['1.5', '-2.25', 'null', '1e3', '-0'][variant] as string;
      default:
        return ['1', '-3', 'null', '1e3', '0'][variant] as string;
    }
  };
  const lines: string[] = [];
  for (let variant = 0; variant < 5; variant++) {
    const fields = plan.names.map((n, f) => [JSON.stringify(n), value(kinds[f] as Kind, variant)] as const);
    lines.push(`{${fields.map(([k, v]) => `${k}:${v}`).join(',')}}`);
    if (variant === 1) lines.push(`{ ${fields.map(([k, v]) => `${k} : ${v}`).join(' , ')} } \r`);
  }
  lines.push('{"\\u0041":1}', '{}', '[1]');
  return lines.map((l) => encoder.encode(l));
}

const WARM_UP_ROUNDS = 3;

/** `isoUtcMicrosBytesInto` with the value in `numberOut[0]` (no boxed double per timestamp). */
function isoMicros(b: Uint8Array, at: number, n: number): boolean {
  return isoUtcMicrosBytesInto(b, at, n, numberOut);
}

function compileRowScanner(plan: ConformPlan): LineScanner | null {
  const shape = scannerShape(plan);
  if (shape === null) return null;
  const scan = instantiate<ScanValues>(scannerSource(shape.kinds, shape.keys, new Int32Array(0), 'values', []), shape, (s) => {
    const lines = warmUpLines(plan, shape.kinds);
    const scratch = new Array<unknown>(shape.kinds.length).fill(null);
    for (let r = 0; r < WARM_UP_ROUNDS; r++) for (const l of lines) s(l, 0, l.length, scratch);
  });
  // Every value of an accepted line is written before `buildRow` reads them; a declined line's
  // leftovers are overwritten by the next accepted one.
  const values: unknown[] = new Array<unknown>(shape.kinds.length).fill(null);
  const buildRow = plan.buildRow;
  return function scanRow(b, start, limit) {
    const end = scan(b, start, limit, values);
    if (end < 0) return null;
    scannedLineEnd = end;
    return buildRow(values);
  };
}

function compileColumnScanner(plan: ConformPlan, used: readonly boolean[] | undefined): ColumnLineScanner | null {
  const shape = scannerShape(plan);
  if (shape === null) return null;
  const { cols, vkinds } = dataColumns(plan);
  const stored = Array.from(cols, (c) => used?.[c] !== false);
  const scan = instantiate<ScanColumns>(scannerSource(shape.kinds, shape.keys, cols, 'columns', stored), shape, (s) => {
    const lines = warmUpLines(plan, shape.kinds);
    const scratch = new ColumnChunkBuilder(plan.schema, 1, used);
    for (let r = 0; r < WARM_UP_ROUNDS; r++) for (const l of lines) s(l, 0, l.length, scratch);
  });
  return function scanColumns(b, start, limit, out) {
    const end = scan(b, start, limit, out);
    // A declined line may have written some columns: undo them, so the row path starts clean.
    if (end < 0) clearRow(out, out.numRows, cols, vkinds);
    return end;
  };
}
