/**
 * Incremental Delta file statistics: the same `add.stats` as {@link computeFileStats}, built chunk
 * by chunk while a file is written, so a writer never has to keep a file's rows to describe it.
 *
 * Why it is compiled: `computeFileStats` walks the rows once per column and asks per VALUE what
 * the column's type is (`isDecimalType` runs a regex). Here every type decision is made once per
 * schema: one generated function reads each indexed leaf of a row with constant property names
 * (monomorphic inline caches, one pass over the rows) and keeps min/max/null counts in local
 * variables; values are formatted (dates, timestamps, string truncation) only when the file ends.
 */
import {
  createGeneratedCodeCache,
  isDecimalType,
  isStructType,
  vectorValue,
  type ColumnChunk,
  type ColumnVector,
  type DataType,
  type Row,
  type StructType,
} from '@weir/core';
import { formatDate, formatTimestampStats } from '../internal/temporal.js';
import { compareUtf8, hasUnitsFromD800, truncateStringStat } from '../internal/utf8-order.js';
import { DEFAULT_NUM_INDEXED_COLS, type FileStats } from './file-stats.js';

const STRING_PREFIX = 32;

/** How a leaf's min/max are tracked: as numbers (decimals too), as strings, or not at all. */
type LeafKind = 'number' | 'decimal' | 'string' | 'none';

interface StatsLeaf {
  readonly path: readonly string[];
  readonly kind: LeafKind;
  /** Turns the tracked min/max into its JSON stats form. */
  readonly format: (v: unknown, kind: 'min' | 'max') => unknown;
}

/** Accumulates one file's statistics. */
export interface FileStatsBuilder {
  /** Rows added so far. */
  readonly numRecords: number;
  /** Adds `rows[from..to)` (defaults: all of `rows`). MUST NOT retain the rows. */
  add(rows: readonly Row[], from?: number, to?: number): void;
  /**
   * Adds rows `from..to` of a column chunk (defaults: all of it): the same statistics as
   * `add(columnChunkToRows(chunk), from, to)`, read from the vectors without row objects.
   * Columns are found by name (a leaf whose column the chunk lacks counts nulls, as an absent
   * row field does). MUST NOT retain the chunk.
   */
  addColumns(chunk: ColumnChunk, from?: number, to?: number): void;
  /** The statistics of every row added so far (same shape and key order as `computeFileStats`). */
  result(): FileStats;
}

/**
 * Generated update: `(rows, from, to, num, cnt, str, cmp, wide)`. Per leaf `i`: `cnt[i]` is its null
 * count; number/decimal leaves keep min/max in `num[2i]`/`num[2i+1]` (±Infinity while empty), string
 * leaves in `str[2i]`/`str[2i+1]` (undefined while empty), ordered in UTF-8 byte order as Delta
 * compares (JS `<` is UTF-16 order and differs for astral characters): natively while the bound has
 * no unit ≥ U+D800 (`wide`, {@link hasUnitsFromD800}: then `<` is exact), else by `cmp` ({@link compareUtf8}).
 */
type UpdateFn = (
  rows: readonly Row[],
  from: number,
  to: number,
  num: Float64Array,
  cnt: Float64Array,
  str: unknown[],
  cmp: (a: string, b: string) => number,
  wide: (s: string) => boolean,
) => void;

const identity = (v: unknown): unknown => v;
const formatDateStat = (v: unknown): unknown => formatDate(v as number);
const formatTimestampStat = (v: unknown): unknown => formatTimestampStats(v as number);
const formatTimestampNtzStat = (v: unknown): unknown => formatTimestampStats(v as number).replace(/Z$/, '');
function formatStringStat(v: unknown, kind: 'min' | 'max'): unknown {
  return truncateStringStat(v as string, kind, STRING_PREFIX);
}

function leafOf(path: readonly string[], t: DataType): StatsLeaf {
  // Decimals compare as doubles: rounding to the nearest double is monotone, so the double of the
  // exact minimum is the minimum of the doubles, and stats store `Number(decimal)` anyway.
  if (isDecimalType(t)) return { path, kind: 'decimal', format: identity };
  switch (t) {
    case 'long':
    case 'integer':
    case 'short':
    case 'byte':
    case 'double':
    case 'float':
      return { path, kind: 'number', format: identity };
    case 'date':
      return { path, kind: 'number', format: formatDateStat };
    case 'timestamp':
      return { path, kind: 'number', format: formatTimestampStat };
    case 'timestamp_ntz':
      return { path, kind: 'number', format: formatTimestampNtzStat };
    case 'string':
      return { path, kind: 'string', format: formatStringStat };
    default:
      // booleans, binary, arrays, maps: Delta collects only the null count.
      return { path, kind: 'none', format: identity };
  }
}

function statsLeaves(schema: StructType, prefix: readonly string[], out: StatsLeaf[]): StatsLeaf[] {
  for (const f of schema.fields) {
    if (isStructType(f.type)) statsLeaves(f.type, [...prefix, f.name], out);
    else out.push(leafOf([...prefix, f.name], f.type));
  }
  return out;
}

/** Source of the update function: names reach the code only through JSON.stringify. */
function updateSource(leaves: readonly StatsLeaf[]): string {
  const load: string[] = [];
  const body: string[] = [];
  const store: string[] = [];
  leaves.forEach((leaf, i) => {
    load.push(`let n${i} = cnt[${i}];`);
    store.push(`cnt[${i}] = n${i};`);
    if (leaf.kind === 'number' || leaf.kind === 'decimal') {
      load.push(`let lo${i} = num[${2 * i}], hi${i} = num[${2 * i + 1}];`);
      store.push(`num[${2 * i}] = lo${i}; num[${2 * i + 1}] = hi${i};`);
    } else if (leaf.kind === 'string') {
      load.push(`let lo${i} = str[${2 * i}], hi${i} = str[${2 * i + 1}];`);
      load.push(`let lw${i} = lo${i} !== undefined && wide(lo${i}), hw${i} = hi${i} !== undefined && wide(hi${i});`);
      store.push(`str[${2 * i}] = lo${i}; str[${2 * i + 1}] = hi${i};`);
    }
    // Nested leaves follow computeFileStats' getPath: a null or non-object parent reads as null.
    let read = `v = r[${JSON.stringify(leaf.path[0])}];`;
    for (const k of leaf.path.slice(1)) read += ` v = v !== null && typeof v === 'object' ? v[${JSON.stringify(k)}] : null;`;
    body.push(read);
    switch (leaf.kind) {
      case 'number':
        // NaN fails both comparisons, so it is skipped as Delta skips it.
        body.push(`if (v === null || v === undefined) n${i}++; else { if (v < lo${i}) lo${i} = v; if (v > hi${i}) hi${i} = v; }`);
        break;
      case 'decimal':
        body.push(`if (v === null || v === undefined) n${i}++; else { d = +v; if (d < lo${i}) lo${i} = d; if (d > hi${i}) hi${i} = d; }`);
        break;
      case 'string':
        body.push(
          // Non-strings (outside the row contract) count as non-null but bound nothing, as in
          // computeFileStats. A bound changes rarely, so testing it for wide units is cheap.
          `if (v === null || v === undefined) n${i}++; else if (typeof v === 'string') { if (lo${i} === undefined) { lo${i} = hi${i} = v; lw${i} = hw${i} = wide(v); } else { ` +
            `if (lw${i} ? v !== lo${i} && cmp(v, lo${i}) < 0 : v < lo${i}) { lo${i} = v; lw${i} = wide(v); } ` +
            `if (hw${i} ? v !== hi${i} && cmp(v, hi${i}) > 0 : v > hi${i}) { hi${i} = v; hw${i} = wide(v); } } }`,
        );
        break;
      default:
        body.push(`if (v === null || v === undefined) n${i}++;`);
    }
  });
  return `${load.join('\n')}\nfor (let j = from; j < to; j++) { const r = rows[j]; let v, d;\n${body.join('\n')}\n}\n${store.join('\n')}`;
}

// Compiled once per distinct source text (i.e. per schema shape), like the planner's stages.
const compiled = createGeneratedCodeCache<UpdateFn>();

function compile(source: string): UpdateFn {
  return compiled(source, (src) => new Function('rows', 'from', 'to', 'num', 'cnt', 'str', 'cmp', 'wide', src) as UpdateFn);
}

/**
 * Folds `from..to` of one vector into leaf `i`'s tracked stats, with exactly the comparisons of
 * the generated row update (`updateSource`). A float64 vector feeding a number leaf (the hot case:
 * every numeric, date and timestamp column) is read unboxed from its typed array; every other
 * combination reads the row value (`vectorValue`) and walks a nested leaf's path as
 * `computeFileStats`' getPath does.
 */
function foldVector(
  leaf: StatsLeaf,
  i: number,
  vec: ColumnVector | null,
  from: number,
  to: number,
  num: Float64Array,
  cnt: Float64Array,
  str: unknown[],
): void {
  if (vec === null) {
    cnt[i] = (cnt[i] as number) + (to - from);
    return;
  }
  const path = leaf.path;
  let n = cnt[i] as number;
  if (path.length === 1 && vec.kind === 'float64' && leaf.kind === 'number') {
    const vals = vec.values;
    const nulls = vec.nulls;
    let lo = num[2 * i] as number;
    let hi = num[2 * i + 1] as number;
    for (let j = from; j < to; j++) {
      if (nulls !== null && nulls[j] === 1) {
        n++;
        continue;
      }
      const v = vals[j] as number;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    num[2 * i] = lo;
    num[2 * i + 1] = hi;
    cnt[i] = n;
    return;
  }
  if (path.length === 1 && vec.kind === 'values' && leaf.kind === 'string') {
    // Top-level strings (the other hot case): straight over the array, no per-value closure.
    cnt[i] = n + foldStrings(vec.values, from, to, str, i);
    return;
  }
  if (vec.kind === 'values' && leaf.kind === 'number' && path.length > 1) {
    cnt[i] = n + foldNestedNumbers(vec.values, path, from, to, num, i);
    return;
  }
  if (leaf.kind === 'none' && path.length === 1) {
    if (vec.kind === 'values') {
      const vals = vec.values;
      for (let j = from; j < to; j++) {
        const v = vals[j];
        if (v === null || v === undefined) n++;
      }
    } else if (vec.nulls !== null) {
      const nulls = vec.nulls;
      for (let j = from; j < to; j++) n += nulls[j] === 1 ? 1 : 0;
    }
    cnt[i] = n;
    return;
  }
  const get =
    vec.kind === 'values' && path.length === 1
      ? (j: number): unknown => vec.values[j]
      : (j: number): unknown => {
          let v: unknown = vectorValue(vec, j);
          for (let k = 1; k < path.length; k++) v = v !== null && typeof v === 'object' ? (v as Row)[path[k] as string] : null;
          return v;
        };
  switch (leaf.kind) {
    case 'number':
    case 'decimal': {
      // Typed as numbers; a bigint `long` in a values vector compares as the row update compares it.
      let lo = num[2 * i] as number;
      let hi = num[2 * i + 1] as number;
      for (let j = from; j < to; j++) {
        const v = get(j) as number;
        if (v === null || v === undefined) n++;
        else {
          const d = leaf.kind === 'decimal' ? +v : v;
          if (d < lo) lo = d;
          if (d > hi) hi = d;
        }
      }
      num[2 * i] = lo;
      num[2 * i + 1] = hi;
      break;
    }
    case 'string': {
      // Nested or non-`values` leaves: their values gathered once, then the same fold.
      const vals = new Array<unknown>(to - from);
      for (let j = from; j < to; j++) vals[j - from] = get(j);
      n += foldStrings(vals, 0, vals.length, str, i);
      break;
    }
    default:
      for (let j = from; j < to; j++) {
        const v = get(j);
        if (v === null || v === undefined) n++;
      }
  }
  cnt[i] = n;
}

const NO_OBJECT = Symbol('none');

/**
 * Folds the number at `path` (below the top-level column) of `vals[from, to)` into leaf `i`'s
 * bounds `num[2i]`/`num[2i+1]`; returns the nulls seen. Rows of one closed window share ONE
 * window struct object, so a run of the same object is looked up once.
 */
function foldNestedNumbers(vals: readonly unknown[], path: readonly string[], from: number, to: number, num: Float64Array, i: number): number {
  let n = 0;
  let lo = num[2 * i] as number;
  let hi = num[2 * i + 1] as number;
  let last: unknown = NO_OBJECT;
  let isNull = true;
  for (let j = from; j < to; j++) {
    const o = vals[j];
    if (o !== last) {
      last = o;
      let v: unknown = o;
      for (let k = 1; k < path.length; k++) v = v !== null && typeof v === 'object' ? (v as Row)[path[k] as string] : null;
      isNull = v === null || v === undefined;
      if (!isNull) {
        if ((v as number) < lo) lo = v as number;
        if ((v as number) > hi) hi = v as number;
      }
    }
    if (isNull) n++;
  }
  num[2 * i] = lo;
  num[2 * i + 1] = hi;
  return n;
}

/**
 * Folds `vals[from, to)` into string leaf `i`'s bounds `str[2i]`/`str[2i+1]` in UTF-8 byte order;
 * returns the nulls seen (non-string values count as neither). Bounds without units ≥ U+D800
 * compare natively (exact UTF-8 order then, see `hasUnitsFromD800`).
 */
function foldStrings(vals: readonly unknown[], from: number, to: number, str: unknown[], i: number): number {
  let n = 0;
  let lo = str[2 * i] as string | undefined;
  let hi = str[2 * i + 1] as string | undefined;
  let lw = lo !== undefined && hasUnitsFromD800(lo);
  let hw = hi !== undefined && hasUnitsFromD800(hi);
  for (let j = from; j < to; j++) {
    const v = vals[j] as string;
    if (v === null || v === undefined) n++;
    else if (typeof v === 'string') {
      if (lo === undefined || hi === undefined) {
        lo = hi = v;
        lw = hw = hasUnitsFromD800(v);
      } else {
        if (lw ? v !== lo && compareUtf8(v, lo) < 0 : v < lo) {
          lo = v;
          lw = hasUnitsFromD800(v);
        }
        if (hw ? v !== hi && compareUtf8(v, hi) > 0 : v > hi) {
          hi = v;
          hw = hasUnitsFromD800(v);
        }
      }
    }
  }
  str[2 * i] = lo;
  str[2 * i + 1] = hi;
  return n;
}

function setPath(target: Row, path: readonly string[], v: unknown): void {
  let o = target;
  for (let i = 0; i < path.length - 1; i++) {
    const k = path[i] as string;
    o = (o[k] ??= {}) as Row;
  }
  o[path[path.length - 1] as string] = v;
}

/**
 * Makes builders of file statistics for files of `schema` (the data columns, partition columns
 * excluded): type decisions and code generation happen here, once; each call of the returned
 * function starts an empty builder for one file.
 */
export function fileStatsBuilderFactory(schema: StructType, numIndexedCols = DEFAULT_NUM_INDEXED_COLS): () => FileStatsBuilder {
  const all = statsLeaves(schema, [], []);
  const leaves = numIndexedCols < 0 ? all : all.slice(0, numIndexedCols);
  const update = compile(updateSource(leaves));
  const n = leaves.length;
  // Per chunk schema (usually the one schema every chunk shares): leaf → vector index or -1.
  let lastSchema: StructType | null = null;
  let lastColumns: Int32Array = new Int32Array(0);
  const columnsOf = (chunkSchema: StructType): Int32Array => {
    if (chunkSchema === lastSchema) return lastColumns;
    const names = chunkSchema.fields.map((f) => f.name);
    lastColumns = Int32Array.from(leaves, (leaf) => names.indexOf(leaf.path[0] as string));
    lastSchema = chunkSchema;
    return lastColumns;
  };
  return () => {
    const num = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      num[2 * i] = Infinity;
      num[2 * i + 1] = -Infinity;
    }
    const cnt = new Float64Array(n);
    const str: unknown[] = new Array<unknown>(2 * n).fill(undefined);
    let numRecords = 0;
    return {
      get numRecords() {
        return numRecords;
      },
      add(rows: readonly Row[], from = 0, to = rows.length): void {
        if (to <= from) return;
        update(rows, from, to, num, cnt, str, compareUtf8, hasUnitsFromD800);
        numRecords += to - from;
      },
      addColumns(chunk: ColumnChunk, from = 0, to = chunk.numRows): void {
        if (to <= from) return;
        const columns = columnsOf(chunk.schema);
        for (let i = 0; i < n; i++) {
          const c = columns[i] as number;
          foldVector(leaves[i] as StatsLeaf, i, c < 0 ? null : (chunk.vectors[c] as ColumnVector), from, to, num, cnt, str);
        }
        numRecords += to - from;
      },
      result(): FileStats {
        const minValues: Row = {};
        const maxValues: Row = {};
        const nullCount: Row = {};
        leaves.forEach((leaf, i) => {
          setPath(nullCount, leaf.path, cnt[i]);
          let lo: unknown;
          let hi: unknown;
          if (leaf.kind === 'number' || leaf.kind === 'decimal') {
            // Empty (or all NaN) leaves keep lo = +Infinity > hi = -Infinity. A real ±Infinity
            // bound is left out too: JSON cannot carry it, and an absent bound only disables skipping.
            if ((num[2 * i] as number) <= (num[2 * i + 1] as number) && isFiniteBound(num[2 * i]) && isFiniteBound(num[2 * i + 1])) {
              lo = num[2 * i];
              hi = num[2 * i + 1];
            }
          } else if (leaf.kind === 'string') {
            lo = str[2 * i];
            hi = str[2 * i + 1];
          }
          if (lo !== undefined) setPath(minValues, leaf.path, leaf.format(lo, 'min'));
          if (hi !== undefined) setPath(maxValues, leaf.path, leaf.format(hi, 'max'));
        });
        return { numRecords, minValues, maxValues, nullCount };
      },
    };
  };
}

/** False only for ±Infinity (bigint bounds of long columns are finite). */
function isFiniteBound(v: unknown): boolean {
  return typeof v !== 'number' || Number.isFinite(v);
}
