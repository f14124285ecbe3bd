import {
  ColumnChunkBuilder,
  createGeneratedCodeCache,
  dataTypeEquals,
  struct,
  vectorKindOf,
  vectorValue,
  type ColumnChunk,
  type ColumnVector,
  type ColumnVectorKind,
  type StructField,
  type StructType,
} from '@weir/core';
import { generateColumnarStage, parseRowStage, type LoopLayout, type OutputSlot, type ParsedLoop, type ParsedStage, type ReadSlot } from './columnar-codegen.js';
import { PlannerErrors } from './errors.js';
import { GENERATED_CODE_HELPERS } from './runtime-helpers.js';
import type { QueryPlan } from './plan-query.js';
import { AggregateSink, collectAggregatePartials, lateCheck, type MapStageContext, type MapStageResult } from './runtime.js';
import { aggregateKernel } from './aggregate-kernel.js';

/**
 * The columnar form of a map stage: column chunk in, column chunk out, no row object per record.
 * Defined as EQUAL to the row stage: for every chunk, `columnChunkToRows(push(chunk))` is
 * `openMapStage(plan, sourceIndex, ctx).push(columnChunkToRows(chunk))` restricted to the plan's
 * output fields (same rows, same order; none for an aggregation), and `finish()` is the row
 * stage's `finish()` (event-time statistics, drop count and, for an aggregation, the partials).
 * Any chunking of a partition gives the same result.
 */
export interface ColumnarMapStageRun {
  /**
   * Runs the stage over the next chunk: its output rows as a chunk of `plan.outputSchema` (an
   * aggregation folds the chunk into its partials and returns an empty chunk). The
   * result may share vectors with the input chunk (columns passed through unchanged), or be the
   * input chunk itself when every row passes and the schemas are equal; the caller MUST treat it
   * as immutable, like any chunk. MUST NOT be called after `finish()`.
   */
  push(chunk: ColumnChunk): ColumnChunk;
  /** Ends the stage: event-time statistics over every chunk, the watermark drop count (0 when stateless) and an aggregation's partials. */
  finish(): MapStageResult;
  /**
   * The input columns `push` reads, by name: its results depend on no other column, so a reader
   * may leave the rest all-null (core `ColumnReadOptions`). An aggregation over 3 of 8 columns
   * then converts only those 3.
   */
  readonly columns: readonly string[];
}

/** The columnar stage function: `(vectors, numRows, rt, builder, sel) → output rows`. */
type ColumnarStageFunction = (vs: readonly ColumnVector[], n: number, rt: StageRuntime, b: ColumnChunkBuilder, sel: Int32Array | null, sink: AggregateSink | null) => number;

/** What a columnar stage function reads and updates besides its vectors. */
export interface StageRuntime {
  nowUs: number;
  evMin: number;
  evMax: number;
  evSum: number;
  evCount: number;
}

const compiled = createGeneratedCodeCache<ColumnarStageFunction>(512);
const parsedStages = createGeneratedCodeCache<ParsedStage | null>(512);

function compile(code: string): ColumnarStageFunction {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- generated code; user text enters only via JSON.stringify (copied from the row stage)
  return compiled(code, (src) => (new Function('h', src) as (h: typeof GENERATED_CODE_HELPERS) => ColumnarStageFunction)(GENERATED_CODE_HELPERS));
}

/** Where output field `f` comes from in one chunk layout. */
type OutputSource =
  | { readonly kind: 'computed'; readonly builderIndex: number }
  /** The input vector unchanged (whole when every row passed, else gathered by the selection). */
  | { readonly kind: 'direct'; readonly index: number }
  /** An input vector of another kind (a chunk whose schema disagrees with the plan): converted value by value. */
  | { readonly kind: 'convert'; readonly index: number }
  /** No such input column: all null. */
  | { readonly kind: 'null' };

/** The stage compiled for one chunk layout (column positions, vector kinds, null presence). */
interface Variant {
  readonly fn: ColumnarStageFunction;
  readonly sources: readonly OutputSource[];
  readonly builderSchema: StructType;
  readonly select: boolean;
  readonly allDirect: boolean;
  builder: ColumnChunkBuilder | null;
}

/** Column positions by name; a name given twice resolves to the last field, as `columnChunkToRows` does. */
const positionsBySchema = new WeakMap<StructType, Map<string, number>>();
function positions(schema: StructType): Map<string, number> {
  let m = positionsBySchema.get(schema);
  if (m === undefined) {
    m = new Map();
    schema.fields.forEach((f, i) => (m as Map<string, number>).set(f.name, i));
    positionsBySchema.set(schema, m);
  }
  return m;
}

function readSlot(chunk: ColumnChunk, pos: Map<string, number>, name: string): ReadSlot {
  const index = pos.get(name) ?? -1;
  if (index < 0) return { index, kind: 'values', nullable: true };
  const v = chunk.vectors[index] as ColumnVector;
  return { index, kind: v.kind, nullable: v.kind !== 'values' && v.nulls !== null };
}

/** What a compiled variant depends on in `chunk`: the position, vector kind and null presence of each column the stage reads. */
function layoutKey(chunk: ColumnChunk, pos: Map<string, number>, needed: readonly string[]): string {
  let key = '';
  for (const name of needed) {
    const s = readSlot(chunk, pos, name);
    key += `${s.index}${s.kind[0] as string}${s.nullable ? 1 : 0},`;
  }
  return key;
}

/** Copies rows `sel[0..count)` of `v` into a fresh vector of the same kind (one monomorphic loop per array type). */
function gather(v: ColumnVector, sel: Int32Array, count: number): ColumnVector {
  switch (v.kind) {
    case 'float64':
      return { kind: 'float64', values: gatherFloat64(v.values, sel, count), nulls: v.nulls === null ? null : gatherNulls(v.nulls, sel, count) };
    case 'boolean':
      return { kind: 'boolean', values: gatherBytes(v.values, sel, count), nulls: v.nulls === null ? null : gatherNulls(v.nulls, sel, count) };
    default:
      return { kind: 'values', values: gatherValues(v.values, sel, count) };
  }
}

function gatherFloat64(src: Float64Array, sel: Int32Array, count: number): Float64Array {
  const out = new Float64Array(count);
  for (let j = 0; j < count; j++) out[j] = src[sel[j] as number] as number;
  return out;
}

function gatherBytes(src: Uint8Array, sel: Int32Array, count: number): Uint8Array {
  const out = new Uint8Array(count);
  for (let j = 0; j < count; j++) out[j] = src[sel[j] as number] as number;
  return out;
}

/** The null flags of the selected rows, or null when none of them is null (the chunk contract). */
function gatherNulls(src: Uint8Array, sel: Int32Array, count: number): Uint8Array | null {
  let any = 0;
  for (let j = 0; j < count; j++) any |= src[sel[j] as number] as number;
  return any === 0 ? null : gatherBytes(src, sel, count);
}

function gatherValues(src: readonly unknown[], sel: Int32Array, count: number): unknown[] {
  const out = new Array<unknown>(count);
  for (let j = 0; j < count; j++) out[j] = src[sel[j] as number] ?? null;
  return out;
}

/** Rows `sel` (or `0..count` when null) of `v` (or nulls when `v` is null) as a vector for `field`, value by value. */
function convert(field: StructField, v: ColumnVector | null, sel: Int32Array | null, count: number): ColumnVector {
  const b = new ColumnChunkBuilder(struct([field]), count);
  for (let j = 0; j < count; j++) {
    b.set(0, v === null ? null : vectorValue(v, sel === null ? j : (sel[j] as number)));
    b.endRow();
  }
  return b.finish().vectors[0] as ColumnVector;
}

/** Whether a chunk of `schema` is already a chunk of the output schema (same names and types, in order); cached per schema object. */
const sameAsOutput = new WeakMap<StructType, WeakMap<StructType, boolean>>();
function sameSchema(schema: StructType, output: StructType): boolean {
  if (schema === output) return true;
  let byOutput = sameAsOutput.get(schema);
  if (byOutput === undefined) sameAsOutput.set(schema, (byOutput = new WeakMap()));
  let same = byOutput.get(output);
  if (same === undefined) {
    const a = schema.fields;
    const b = output.fields;
    same = a.length === b.length && a.every((f, i) => f.name === (b[i] as StructField).name && dataTypeEquals(f.type, (b[i] as StructField).type));
    byOutput.set(output, same);
  }
  return same;
}

/**
 * Opens the columnar map stage of `sourceIndex` for one input partition, or returns null when
 * there is none for this plan (stream-static joins, session windows, deduplication, stream-stream
 * joins, late rows collected, a stage text the columnar generator does not recognise): the caller
 * then runs {@link openMapStage} over rows. The stage is the row stage's generated function
 * re-targeted to column vectors (see `columnar-codegen.ts`): the same expression code, one
 * compiled function per chunk layout, cached by its text.
 *
 * Aggregations (not session windows) with `collectLateRows` unset: each `push` folds the chunk
 * into the row stage's own aggregate sink (`sink.add(null, key0, …, input0, …)`: no row object;
 * the sink only keeps the row as a late row, which is not collected here) and returns an empty
 * chunk of the output schema; `finish()` is the row stage's: the partials hash-partitioned (window
 * blocks for event-time kernels), event-time statistics and the watermark drop count.
 */
export function openColumnarMapStage(plan: QueryPlan, sourceIndex: number, ctx: MapStageContext): ColumnarMapStageRun | null {
  if (plan.stateful !== null) return openColumnarAggregateStage(plan, sourceIndex, ctx);
  const stage = plan.mapStages.find((s) => s.sourceIndex === sourceIndex);
  const run = openColumnarRowStage(stage?.code ?? null, plan.outputSchema, ctx.batchTimestampMs);
  if (run === null) return null;
  const check = usedAfterFinish();
  return {
    columns: run.columns,
    push(chunk) {
      check(false);
      return run.push(chunk);
    },
    finish() {
      check(true);
      const rt = run.rt;
      return { eventTime: rt.evCount === 0 ? null : { min: rt.evMin, max: rt.evMax, sum: rt.evSum, count: rt.evCount }, numRowsDroppedByWatermark: 0 };
    },
  };
}

/** The guard of a stage's calls: `check(finishing)` throws once `finish()` has been called. */
function usedAfterFinish(): (finishing: boolean) => void {
  let done = false;
  return (finishing) => {
    if (done) throw PlannerErrors.PLANNER_INTERNAL_ERROR({ reason: 'a map stage was used after finish()' });
    if (finishing) done = true;
  };
}

/** A row stage (no aggregate sink) run over column chunks: see {@link openColumnarRowStage}. */
export interface ColumnarRowStage {
  /** Same contract as {@link ColumnarMapStageRun.push}. */
  push(chunk: ColumnChunk): ColumnChunk;
  /** Event-time statistics gathered by the stage's code (a map stage over a watermarked source). */
  readonly rt: StageRuntime;
  /** The input columns `push` reads (see {@link ColumnarMapStageRun.columns}). */
  readonly columns: readonly string[];
}

/**
 * The generated row stage `code` (rows → rows of `output`; null: a stage that reads nothing and
 * emits nothing) re-targeted to column vectors, or null when the columnar generator does not
 * recognise its text. Serves a stateless query's map stage and an aggregation's final stage
 * (intermediate rows → output rows): the same expression code, one compiled function per chunk
 * layout, cached by its text.
 */
export function openColumnarRowStage(code: string | null, output: StructType, batchTimestampMs: number): ColumnarRowStage | null {
  const outFields = output.fields;
  const outKinds = outFields.map((f) => vectorKindOf(f.type));
  const names = outFields.map((f) => f.name);
  const parsed = code === null ? { prologue: [], loops: [] } : parsedStages(`${JSON.stringify(names)}\n${code}`, () => parseRowStage(code, names));
  if (parsed === null) return null;
  const loops = parsed.loops;
  const rt: StageRuntime = { nowUs: batchTimestampMs * 1000, evMin: Infinity, evMax: -Infinity, evSum: 0, evCount: 0 };
  // Every column name the stage may read: its loads, and the output names of loops passing the input row through.
  const needed = [...new Set(loops.flatMap((l) => [...l.reads.map((r) => r.name), ...(l.emit.kind === 'input' ? names : [])]))];
  const variants = new Map<string, Variant>();
  let sel = new Int32Array(0);
  let empty: ColumnChunk | null = null;

  const variantFor = (chunk: ColumnChunk, pos: Map<string, number>): Variant => {
    const key = layoutKey(chunk, pos, needed);
    let v = variants.get(key);
    if (v === undefined) {
      v = buildVariant(parsed.prologue, loops, chunk, pos, outFields, outKinds);
      variants.set(key, v);
    }
    return v;
  };

  return {
    rt,
    columns: needed,
    push(chunk) {
      const n = chunk.numRows;
      if (n === 0 || loops.length === 0) return (empty ??= new ColumnChunkBuilder(output, 0).finish());
      const v = variantFor(chunk, positions(chunk.schema));
      const cap = n * loops.length;
      // One builder per layout, reused across pushes (each `finish` hands its arrays over and allocates
      // the next push's); replaced when a chunk does not fit or is far smaller than it (no oversized arrays per push).
      if (v.builder === null || v.builder.capacity < cap || v.builder.capacity > 2 * cap) v.builder = new ColumnChunkBuilder(v.builderSchema, cap);
      if (v.select && sel.length < n) sel = new Int32Array(n);
      const count = v.fn(chunk.vectors, n, rt, v.builder, v.select ? sel : null, null);
      const whole = count === n && loops.length === 1;
      if (whole && v.allDirect && sameSchema(chunk.schema, output) && v.sources.every((s, f) => s.kind === 'direct' && s.index === f)) return chunk;
      const computed = v.builderSchema.fields.length > 0 ? v.builder.finish() : null;
      const vectors = v.sources.map((s, f): ColumnVector => {
        switch (s.kind) {
          case 'computed':
            return (computed as ColumnChunk).vectors[s.builderIndex] as ColumnVector;
          case 'direct': {
            const src = chunk.vectors[s.index] as ColumnVector;
            return whole ? src : gather(src, sel, count);
          }
          case 'convert':
            return convert(outFields[f] as StructField, chunk.vectors[s.index] as ColumnVector, whole ? null : sel, count);
          case 'null':
            return convert(outFields[f] as StructField, null, null, count);
        }
      });
      return { schema: output, numRows: count, vectors };
    },
  };
}

/** The columnar map stage of an aggregation (see {@link openColumnarMapStage}), or null when it has none. */
function openColumnarAggregateStage(plan: QueryPlan, sourceIndex: number, ctx: MapStageContext): ColumnarMapStageRun | null {
  const op = plan.stateful;
  // Late rows must be row objects; session windows, dedup and joins keep their rows: row stage.
  if (op === null || op.kind !== 'aggregate' || op.window?.kind === 'session' || ctx.collectLateRows === true) return null;
  const stage = plan.mapStages.find((s) => s.sourceIndex === sourceIndex);
  const parsed = stage === undefined ? { prologue: [], loops: [] } : parsedStages(`sink\n${stage.code}`, () => parseRowStage(stage.code, [], { sink: true }));
  if (parsed === null || parsed.loops.some((l) => l.emit.kind !== 'sink')) return null;
  const { prologue, loops } = parsed;
  // The row stage's own sink, late check and finish (runtime.ts): one fold, one shuffle.
  const sink = new AggregateSink(aggregateKernel(op), op, ctx.watermarkMs * 1000, lateCheck(plan, ctx), false);
  const rt: StageRuntime = { nowUs: ctx.batchTimestampMs * 1000, evMin: Infinity, evMax: -Infinity, evSum: 0, evCount: 0 };
  const needed = [...new Set(loops.flatMap((l) => l.reads.map((r) => r.name)))];
  const variants = new Map<string, ColumnarStageFunction>();
  const noOutput = new ColumnChunkBuilder(struct([]), 0);
  const empty = new ColumnChunkBuilder(plan.outputSchema, 0).finish();
  const check = usedAfterFinish();
  return {
    columns: needed,
    push(chunk) {
      check(false);
      const n = chunk.numRows;
      if (n === 0 || loops.length === 0) return empty;
      const pos = positions(chunk.schema);
      const key = layoutKey(chunk, pos, needed);
      let fn = variants.get(key);
      if (fn === undefined) {
        const layouts: LoopLayout[] = loops.map((loop) => ({ loop, slots: loop.reads.map((r) => readSlot(chunk, pos, r.name)), writes: [], select: false }));
        fn = compile(generateColumnarStage(prologue, layouts, []));
        variants.set(key, fn);
      }
      fn(chunk.vectors, n, rt, noOutput, null, sink);
      return empty;
    },
    finish() {
      check(true);
      const partials: Array<Array<[string, unknown]>> = Array.from({ length: plan.shufflePartitions }, () => []);
      collectAggregatePartials(sink, partials);
      return { partials, eventTime: rt.evCount === 0 ? null : { min: rt.evMin, max: rt.evMax, sum: rt.evSum, count: rt.evCount }, numRowsDroppedByWatermark: sink.dropped };
    },
  };
}

/** Compiles the stage for the layout of `chunk`: where each load reads, which output columns are computed per row. */
function buildVariant(
  prologue: readonly string[],
  loops: readonly ParsedLoop[],
  chunk: ColumnChunk,
  pos: Map<string, number>,
  outFields: readonly StructField[],
  outKinds: readonly ColumnVectorKind[],
): Variant {
  const single = loops.length === 1;
  const sources: OutputSource[] = outFields.map(() => ({ kind: 'null' }));
  const computed = new Set<number>();
  const layouts: LoopLayout[] = loops.map((loop) => {
    // An aggregate sink call: reads only, no output row.
    if (loop.emit.kind === 'sink') return { loop, slots: loop.reads.map((r) => readSlot(chunk, pos, r.name)), writes: [], select: false };
    let l = loop;
    if (loop.emit.kind === 'input') {
      if (single) {
        // Filter-only: the surviving rows of the input vectors, gathered after the loop.
        outFields.forEach((f, i) => {
          const s = readSlot(chunk, pos, f.name);
          sources[i] = s.index < 0 ? { kind: 'null' } : s.kind === outKinds[i] ? { kind: 'direct', index: s.index } : { kind: 'convert', index: s.index };
        });
        return { loop, slots: loop.reads.map((r) => readSlot(chunk, pos, r.name)), writes: outFields.map(() => null), select: true };
      }
      // One of several loops (a union of a source with itself): load and write the output fields per row.
      const reads = outFields.map((f, i) => ({ v: `$p${i}`, name: f.name }));
      l = { reads: [...loop.reads, ...reads], body: loop.body, emit: { kind: 'values', values: reads.map((r) => r.v) } };
    }
    const slots = l.reads.map((r) => readSlot(chunk, pos, r.name));
    const values = (l.emit as { values: readonly string[] }).values;
    let select = false;
    const writes = values.map((x, f): string | null => {
      const k = l.reads.findIndex((r) => r.v === x);
      const s = k < 0 ? null : (slots[k] as ReadSlot);
      // An input column emitted unchanged, stored as the output stores it: reuse or gather the vector.
      if (single && s !== null && s.index >= 0 && s.kind === outKinds[f]) {
        sources[f] = { kind: 'direct', index: s.index };
        select = true;
        return null;
      }
      computed.add(f);
      return x;
    });
    return { loop: l, slots, writes, select };
  });
  const computedFields = [...computed].sort((a, b) => a - b);
  const outputs: OutputSlot[] = computedFields.map((field, builderIndex) => {
    sources[field] = { kind: 'computed', builderIndex };
    return { field, builderIndex, kind: outKinds[field] as ColumnVectorKind };
  });
  const builderSchema = struct(computedFields.map((f) => outFields[f] as StructField));
  const fn = compile(generateColumnarStage(prologue, layouts, outputs));
  return { fn, sources, builderSchema, select: layouts.some((l) => l.select), allDirect: sources.every((s) => s.kind === 'direct'), builder: null };
}
