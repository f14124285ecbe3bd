/**
 * The one place @weir/streaming touches @weir/planner's runtime (the QueryPlan contract): the
 * rest of this package goes through these names, so a change of the planner's surface is
 * absorbed here.
 */
import {
  DataFrame,
  planQuery as plannerPlanQuery,
  openMapStage as plannerOpenMapStage,
  openColumnarMapStage as plannerOpenColumnarMapStage,
  type ColumnarMapStageRun,
  type MapStageRun,
  runStatefulPartition as plannerRunStatefulPartition,
  runStatefulPartitionColumnar as plannerRunStatefulPartitionColumnar,
  type ColumnarStatefulPartitionResult,
  type MapStageResult,
  type QueryPlan,
  type SourceRef as PlannerSourceRef,
} from '@weir/planner';
import type { OutputMode, Row, StateStoreView, StructType } from '@weir/core';

export type { QueryPlan, MapStageResult, MapStageRun, ColumnarMapStageRun, ColumnarStatefulPartitionResult };

/** What streaming needs to know of a source inside a logical plan. */
export interface SourceRef {
  readonly index: number;
  readonly format: string;
  readonly schema?: StructType | null;
}

export interface EventTimeStats {
  readonly min: number;
  readonly max: number;
  readonly sum: number;
  readonly count: number;
}

export interface StatefulResult {
  rows: Row[];
  numRowsUpdated: number;
  numRowsRemoved: number;
  /** State rows held after the batch when the store's key count means something else (window-blocked aggregations: one key per window). */
  numStateRows?: number;
}

/** The planner's DataFrame. */
export type PlannerDataFrame = DataFrame;

export function frameFromSource(ref: SourceRef): DataFrame {
  return DataFrame.fromSource({ index: ref.index, format: ref.format, ...(ref.schema ? { schema: ref.schema } : {}) } as PlannerSourceRef);
}

/** The prototype `writeStream` is attached to. */
export function dataFramePrototype(): object {
  return DataFrame.prototype;
}

export function planQuery(plan: unknown, ctx: { sourceSchemas: readonly StructType[]; outputMode: OutputMode; shufflePartitions: number }): QueryPlan {
  return plannerPlanQuery(plan as DataFrame['plan'], ctx);
}

/** A map stage fed its partition in chunks: `push` each chunk, then `finish` (see @weir/planner). */
export function openMapStage(
  plan: QueryPlan,
  sourceIndex: number,
  ctx: { batchTimestampMs: number; watermarkMs: number; collectLateRows: boolean },
): MapStageRun {
  return plannerOpenMapStage(plan, sourceIndex, ctx);
}

/**
 * The columnar form of {@link openMapStage}, or null when the planner does not offer one for this
 * plan (stateful plans, joins, expressions its generator does not cover): the caller then runs rows.
 */
export function openColumnarMapStage(
  plan: QueryPlan,
  sourceIndex: number,
  ctx: { batchTimestampMs: number; watermarkMs: number; collectLateRows: boolean },
): ColumnarMapStageRun | null {
  return plannerOpenColumnarMapStage(plan, sourceIndex, ctx);
}

export function runStatefulPartition(
  plan: QueryPlan,
  partials: Iterable<readonly [string, unknown]>,
  store: StateStoreView,
  ctx: { batchTimestampMs: number; watermarkMs: number; outputMode: OutputMode },
): StatefulResult {
  return plannerRunStatefulPartition(plan, partials, store, ctx);
}

/**
 * {@link runStatefulPartition} with its output as column chunks, or null (before touching the
 * store) when the planner has no columnar form for this plan: the caller then runs rows.
 */
export function runStatefulPartitionColumnar(
  plan: QueryPlan,
  partials: Iterable<readonly [string, unknown]>,
  store: StateStoreView,
  ctx: { batchTimestampMs: number; watermarkMs: number; outputMode: OutputMode },
): ColumnarStatefulPartitionResult | null {
  return plannerRunStatefulPartitionColumnar(plan, partials, store, ctx);
}

/**
 * The source refs a logical plan reads, ascending by index. The plan is plain data; a source
 * node is any object with a numeric `index` and a string `format` (`{kind:'Source',…}`).
 */
export function collectSourceRefs(plan: unknown): SourceRef[] {
  const found = new Map<number, SourceRef>();
  const seen = new Set<unknown>();
  const walk = (u: unknown): void => {
    if (u === null || typeof u !== 'object' || seen.has(u)) return;
    seen.add(u);
    if (Array.isArray(u)) {
      for (const x of u) walk(x);
      return;
    }
    const o = u as Record<string, unknown>;
    if (typeof o['index'] === 'number' && typeof o['format'] === 'string') {
      if (!found.has(o['index'])) found.set(o['index'], o as unknown as SourceRef);
      return;
    }
    for (const v of Object.values(o)) walk(v);
  };
  walk(plan);
  return [...found.values()].sort((a, b) => a.index - b.index);
}

/**
 * A copy of a logical plan whose source nodes carry per-query indices (`indexOf(globalIndex)`,
 * i.e. the source's ordinal in the query) instead of the session-wide registration numbers.
 * Why: `planQuery` takes the source schemas as an array indexed by `SourceRef.index`, and map
 * tasks name their source by that index; with process-wide numbers that array grows with every
 * `load()` ever made in the process. Only the plan spine (`child`/`left`/`right`/`children`) is
 * copied; expressions and other payloads are shared, the input is not modified.
 */
export function remapSourceIndices(plan: unknown, indexOf: (globalIndex: number) => number): unknown {
  const rewrite = (node: unknown): unknown => {
    if (node === null || typeof node !== 'object') return node;
    const o = node as Record<string, unknown>;
    if (o['kind'] === 'Source' && typeof o['index'] === 'number') return Object.freeze({ ...o, index: indexOf(o['index']) });
    let copy: Record<string, unknown> | null = null;
    for (const key of ['child', 'left', 'right'] as const) {
      if (!(key in o)) continue;
      const next = rewrite(o[key]);
      if (next !== o[key]) (copy ??= { ...o })[key] = next;
    }
    if (Array.isArray(o['children'])) {
      const kids = (o['children'] as unknown[]).map(rewrite);
      if (kids.some((k, i) => k !== (o['children'] as unknown[])[i])) (copy ??= { ...o })['children'] = Object.freeze(kids);
    }
    return copy === null ? node : Object.freeze(copy);
  };
  return rewrite(plan);
}
