import type { Row } from '@weir/core';
import { compareByteOrder } from '../byte-order.js';
import type { ColumnWriter } from './column-writer.js';
import type { LeafSpec } from './write-schema.js';

/**
 * Shreds `rows[from..to)` of one top-level primitive column into its ColumnWriter and returns
 * the row after the last one taken: `to`, or earlier when the page must be written first (PLAIN
 * bytes reached the page size) or the dictionary fell back. The caller guarantees room for
 * `to - from` levels (flat columns have one level per row).
 */
export type FlatLoop = (rows: readonly Row[], from: number, to: number, w: ColumnWriter) => number;

/** A column's loops: `dict` while its ColumnWriter dictionary-encodes, `plain` otherwise. */
export interface FlatLoops {
  readonly dict: FlatLoop;
  readonly plain: FlatLoop;
}

const cache = new Map<string, FlatLoop>();

/**
 * The generated loops for a top-level primitive column, or null for the types that take the
 * generic path (binary and decimals: rare, and their checks allocate anyway).
 *
 * Why generated: the column name is a constant property access (`row["station_id"]`), so V8 uses
 * a monomorphic inline cache instead of a keyed lookup, and the page state lives in locals for the
 * whole loop. The source depends only on the type, nullability, name and mode, so loops are shared
 * by every writer of the same column shape. Names reach the source only through JSON.stringify.
 */
export function flatLoops(name: string, spec: LeafSpec, nullable: boolean): FlatLoops | null {
  const plain = template(spec, false);
  const dict = template(spec, true);
  if (plain === null || dict === null) return null;
  return { dict: compile(name, nullable, dict), plain: compile(name, nullable, plain) };
}

interface Template {
  readonly key: string;
  readonly prologue: string;
  readonly body: string;
  readonly epilogue: string;
}

// Dictionary mode for numbers: the PLAIN value is stored as well (a fallback needs no
// re-encoding), then its index by bit pattern; a dictionary to give up (`w.overflow`) ends the loop.
const DICT_PROLOGUE = 'const idx = w.idx; let fell = false;';
const DICT_CHECK = 'if (w.overflow) { r++; fell = true; break; }';
const DICT_EPILOGUE = 'if (fell) w.fallBack();';

function template(spec: LeafSpec, dict: boolean): Template | null {
  const d = (code: string): string => (dict ? code : '');
  const mode = dict ? '-dict' : '';
  switch (spec.kind) {
    case 'double':
      return {
        key: `double${mode}`,
        prologue: `const vals = w.f64; let min = w.min, max = w.max, nan = w.nan; ${d(DICT_PROLOGUE)}`,
        body: `if (typeof v !== 'number') w.fail(v);
          vals[p] = v;
          ${d('bits.setFloat64(0, v, true); idx[p] = w.numIndex(bits.getInt32(0, true), bits.getInt32(4, true), p);')}
          p++;
          if (v < min) min = v;
          if (v > max) max = v;
          if (v !== v) nan = true;
          ${d(DICT_CHECK)}`,
        epilogue: `w.min = min; w.max = max; w.nan = nan;`,
      };
    case 'float':
      return {
        key: `float${mode}`,
        prologue: `const vals = w.f32; let min = w.min, max = w.max, nan = w.nan; ${d(DICT_PROLOGUE)}`,
        body: `if (typeof v !== 'number') w.fail(v);
          const x = Math.fround(v);
          vals[p] = x;
          ${d('bits.setFloat32(0, x, true); idx[p] = w.numIndex(bits.getInt32(0, true), 0, p);')}
          p++;
          if (x < min) min = x;
          if (x > max) max = x;
          if (x !== x) nan = true;
          ${d(DICT_CHECK)}`,
        epilogue: 'w.min = min; w.max = max; w.nan = nan;',
      };
    case 'int32': {
      const range = spec.dataType === 'byte' ? ' || v < -128 || v > 127' : spec.dataType === 'short' ? ' || v < -32768 || v > 32767' : '';
      return {
        key: `int32${range}${mode}`,
        prologue: `const vals = w.i32; let min = w.min, max = w.max; ${d(DICT_PROLOGUE)}`,
        body: `if (typeof v !== 'number' || (v | 0) !== v${range}) w.fail(v);
          vals[p] = v;
          ${d('idx[p] = w.numIndex(v | 0, 0, p);')}
          p++;
          if (v < min) min = v;
          if (v > max) max = v;
          ${d(DICT_CHECK)}`,
        epilogue: 'w.min = min; w.max = max;',
      };
    }
    case 'int64':
      // Numbers split into 32-bit halves without BigInt (the hot path for µs timestamps);
      // bigints and bad values go through the generic check and store.
      return {
        key: `int64${mode}`,
        prologue: `const vals = w.i32; let min = w.min, max = w.max; ${d(DICT_PROLOGUE)}`,
        body: `if (typeof v === 'number' && Number.isSafeInteger(v)) {
            const hi = Math.floor(v / 4294967296);
            const lo = (v - hi * 4294967296) | 0;
            vals[2 * p] = lo;
            vals[2 * p + 1] = hi;
            ${d('idx[p] = w.numIndex(lo, hi, p);')}
            p++;
            if (v < min) min = v;
            if (v > max) max = v;
          } else {
            w.count = p; w.min = min; w.max = max;
            w.store(w.spec.convert(v));
            p = w.count; min = w.min; max = w.max;
            ${d('if (!w.dictActive) { r++; break; }')}
          }
          ${d(DICT_CHECK)}`,
        epilogue: 'w.min = min; w.max = max;',
      };
    case 'boolean':
      return {
        key: 'boolean',
        prologue: 'const vals = w.u8; let t = w.sawTrue, f = w.sawFalse;',
        body: `if (typeof v !== 'boolean') w.fail(v);
          if (v) { vals[p++] = 1; t = true; } else { vals[p++] = 0; f = true; }`,
        epilogue: 'w.sawTrue = t; w.sawFalse = f;',
      };
    case 'string':
      return dict ? STRING_DICT : STRING_PLAIN;
    default:
      return null;
  }
}

const STRING_DICT: Template = {
  key: 'string-dict',
  prologue: `const dict = w.dict; ${DICT_PROLOGUE}`,
  body: `if (typeof v !== 'string') w.fail(v);
    const k = dict.get(v);
    if (k !== undefined) idx[p++] = k;
    else {
      idx[p++] = w.addEntry(v);
      ${DICT_CHECK}
    }`,
  epilogue: '',
};

// Short ASCII strings are copied char by char (cheaper than a call into the UTF-8 encoder);
// anything else goes through Buffer#write. The page ends once its bytes reach dataPageBytes.
const STRING_PLAIN: Template = {
  key: 'string-plain',
  prologue: 'let buf = w.bytes, blen = w.bytesLen, min = w.min, max = w.max; const pageBytes = w.dataPageBytes;',
  body: `if (typeof v !== 'string') w.fail(v);
    const len = v.length;
    if (blen + 4 + 3 * len > buf.length) { w.bytesLen = blen; w.ensureBytes(4 + 3 * len); buf = w.bytes; }
    const at = blen + 4;
    let written = 0;
    let ascii = false;
    if (len <= 32) {
      for (; written < len; written++) {
        const c = v.charCodeAt(written);
        if (c > 127) break;
        buf[at + written] = c;
      }
      ascii = written === len;
      if (!ascii) written = buf.write(v, at);
    } else written = buf.write(v, at);
    buf[blen] = written & 255;
    buf[blen + 1] = (written >>> 8) & 255;
    buf[blen + 2] = (written >>> 16) & 255;
    buf[blen + 3] = written >>> 24;
    blen = at + written;
    p++;
    if (ascii) {
      // UTF-16 order differs from byte order only where a surrogate meets a unit ≥ U+E000 at
      // the first difference: never against an ASCII string, so the native comparison is exact.
      if (min === null || v < min) min = v;
      if (max === null || v > max) max = v;
    } else {
      if (min === null || (v !== min && cmp(v, min) < 0)) min = v;
      if (max === null || (v !== max && cmp(v, max) > 0)) max = v;
    }
    if (blen >= pageBytes) { r++; break; }`,
  epilogue: 'w.bytesLen = blen; w.min = min; w.max = max;',
};

/**
 * The columnar twin of {@link FlatLoop}: shreds values `from..to` of one column vector (core's
 * `ColumnChunk`) into its ColumnWriter. `src` is the vector's `values` (a Float64Array, a 0/1
 * Uint8Array or the row values themselves), `nulls` its null flags (null when it has none).
 * Same checks, same stores, same statistics as the row loop over the rows `columnChunkToRows`
 * would make of the vector, so both give the same bytes.
 */
export type VectorLoop = (src: ArrayLike<unknown>, nulls: Uint8Array | null, from: number, to: number, w: ColumnWriter) => number;

/** A column's vector loops: `dict` while its ColumnWriter dictionary-encodes, `plain` otherwise. */
export interface VectorLoops {
  readonly dict: VectorLoop;
  readonly plain: VectorLoop;
}

/**
 * The generated vector loops for a top-level primitive column fed by a vector of `kind`, or null
 * when the row loops would be null too (binary, decimals: the caller takes the generic path).
 * A float64 vector reads its numbers unboxed from the typed array, a boolean vector its 0/1
 * bytes; a values vector holds exactly the row values, so its loop is the row loop's body.
 */
export function vectorLoops(spec: LeafSpec, nullable: boolean, kind: 'float64' | 'boolean' | 'values'): VectorLoops | null {
  const plain = template(spec, false);
  const dict = template(spec, true);
  if (plain === null || dict === null) return null;
  return { dict: compileVector(kind, nullable, dict), plain: compileVector(kind, nullable, plain) };
}

const vectorCache = new Map<string, VectorLoop>();

function compileVector(kind: 'float64' | 'boolean' | 'values', nullable: boolean, t: Template): VectorLoop {
  const key = `${t.key}|${nullable ? 'null' : 'req'}|${kind}`;
  const cached = vectorCache.get(key);
  if (cached !== undefined) return cached;
  const onNull = nullSource(nullable);
  // The null test and the read mirror core's vectorValue: a flagged slot is null whatever its value.
  const read =
    kind === 'values'
      ? `const v = src[r];
    if (v === null || v === undefined) { ${onNull} }`
      : `if (nulls !== null && nulls[r] === 1) { ${onNull} }
    const v = ${kind === 'boolean' ? 'src[r] === 1' : 'src[r]'};`;
  const source = loopSource('vectorLoop(src, nulls, from, to, w)', read, nullable, t);
  const loop = new Function('cmp', 'bits', source)(compareByteOrder, bits) as VectorLoop;
  vectorCache.set(key, loop);
  return loop;
}

/** What a loop does with a null: a definition level 0 when the column is optional, else fail. */
function nullSource(nullable: boolean): string {
  return nullable ? 'defs[n++] = 0; continue;' : 'w.failNull();';
}

/**
 * The one loop both shredders compile: `read` binds `v` for row `r` (handling nulls), then the
 * template's per-value body; `signature` names the function and its parameters.
 */
function loopSource(signature: string, read: string, nullable: boolean, t: Template): string {
  return `"use strict";
return function ${signature} {
  let n = w.levels, p = w.count;
  const defs = w.defs;
  ${t.prologue}
  let r = from;
  for (; r < to; r++) {
    ${read}
    ${nullable ? 'defs[n] = 1;' : ''}
    n++;
    ${t.body}
  }
  w.levels = n;
  w.count = p;
  ${t.epilogue}
  ${t.key.endsWith('-dict') ? DICT_EPILOGUE : ''}
  return r;
};`;
}

/** Bit patterns of floats for the number dictionary (little endian, as the dictionary page stores them). */
const bits = new DataView(new ArrayBuffer(8));

function compile(name: string, nullable: boolean, t: Template): FlatLoop {
  const key = `${t.key}|${nullable ? 'null' : 'req'}|${name}`;
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  const read = `const v = rows[r][${JSON.stringify(name)}];
    if (v === null || v === undefined) { ${nullSource(nullable)} }`;
  const source = loopSource('flatLoop(rows, from, to, w)', read, nullable, t);
  const loop = new Function('cmp', 'bits', source)(compareByteOrder, bits) as FlatLoop;
  cache.set(key, loop);
  return loop;
}
