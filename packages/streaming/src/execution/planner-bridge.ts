/**
 * The one place @weir/streaming touches @weir/planner's runtime (the QueryPlan contract in the
 * common brief). Everything else in this package goes through these functions, so a change of
 * the planner's surface is absorbed here.
 */
import * as plannerModule from '@weir/planner';
import { StructType, type OutputMode, type Row, type StateStoreView } from '@weir/core';

/** What streaming needs to know of a source inside a logical plan. */
export interface SourceRef {
  readonly index: number;
  readonly format: string;
  readonly schema?: StructType;
}

/** The planner's `QueryPlan` (frozen plain data; crosses threads). */
export interface QueryPlan {
  readonly outputSchema: unknown;
  readonly stateful: unknown | null;
  readonly watermark: { readonly column: string; readonly delayMs: number } | null;
  readonly shufflePartitions: number;
  readonly explain: string;
}

export interface EventTimeStats {
  readonly min: number;
  readonly max: number;
  readonly sum: number;
  readonly count: number;
}

export interface MapStageResult {
  rows?: Row[];
  partials?: Array<Array<[string, unknown]>>;
  eventTime: EventTimeStats | null;
  numRowsDroppedByWatermark: number;
  lateRows?: Row[];
}

export interface StatefulResult {
  rows: Row[];
  numRowsUpdated: number;
  numRowsRemoved: number;
}

/** The planner's DataFrame as streaming uses it: a logical plan plus `explain()`. */
export interface PlannerDataFrame {
  readonly plan: unknown;
  explain(): string;
}

interface PlannerApi {
  DataFrame: { fromSource(ref: SourceRef): PlannerDataFrame; prototype: object };
  planQuery(plan: unknown, ctx: { sourceSchemas: readonly StructType[]; outputMode: OutputMode; shufflePartitions: number }): QueryPlan;
  runMapStage(plan: QueryPlan, sourceIndex: number, rows: readonly Row[], ctx: { batchTimestampMs: number; watermarkMs: number }): MapStageResult;
  runStatefulPartition(
    plan: QueryPlan,
    partials: Iterable<readonly [string, unknown]>,
    store: StateStoreView,
    ctx: { batchTimestampMs: number; watermarkMs: number; outputMode: OutputMode },
  ): StatefulResult;
}

const planner = plannerModule as unknown as Partial<PlannerApi>;

/** True once @weir/planner exports its runtime; until then a pass-through plan is used. */
export const plannerAvailable = typeof planner.DataFrame?.fromSource === 'function' && typeof planner.planQuery === 'function';

/**
 * Pass-through fallback used only while @weir/planner has no DataFrame: a frame that is just its
 * source, planned into a stateless identity plan. NOTE: it exists so the micro-batch engine can be
 * tested on its own; with the planner present it is never used.
 */
class SourceOnlyFrame implements PlannerDataFrame {
  readonly plan: { readonly kind: 'StreamingRelation'; readonly source: SourceRef };
  constructor(ref: SourceRef) {
    this.plan = Object.freeze({ kind: 'StreamingRelation', source: ref });
  }
  explain(): string {
    return `StreamingRelation ${this.plan.source.format}[${this.plan.source.index}]`;
  }
}

interface IdentityPlan extends QueryPlan {
  readonly identity: true;
}

export function frameFromSource(ref: SourceRef): PlannerDataFrame {
  return plannerAvailable ? planner.DataFrame!.fromSource(ref) : new SourceOnlyFrame(ref);
}

/** The prototype `writeStream` is attached to (the planner's DataFrame, or the fallback). */
export function dataFramePrototype(): object {
  return plannerAvailable ? planner.DataFrame!.prototype : SourceOnlyFrame.prototype;
}

export function planQuery(
  plan: unknown,
  ctx: { sourceSchemas: readonly StructType[]; outputMode: OutputMode; shufflePartitions: number },
): QueryPlan {
  if (plannerAvailable) return planner.planQuery!(plan, ctx);
  const ref = (plan as { source: SourceRef }).source;
  const schema = ctx.sourceSchemas[ref.index] ?? ref.schema;
  const identity: IdentityPlan = {
    outputSchema: JSON.parse(StructType.toJSON(schema as StructType)),
    stateful: null,
    watermark: null,
    shufflePartitions: ctx.shufflePartitions,
    explain: `== Physical Plan ==\nStreamingRelation ${ref.format}[${ref.index}]`,
    identity: true,
  };
  return Object.freeze(identity);
}

export function runMapStage(
  plan: QueryPlan,
  sourceIndex: number,
  rows: readonly Row[],
  ctx: { batchTimestampMs: number; watermarkMs: number },
): MapStageResult {
  if ((plan as Partial<IdentityPlan>).identity === true) return { rows: [...rows], eventTime: null, numRowsDroppedByWatermark: 0 };
  return planner.runMapStage!(plan, sourceIndex, rows, ctx);
}

export function runStatefulPartition(
  plan: QueryPlan,
  partials: Iterable<readonly [string, unknown]>,
  store: StateStoreView,
  ctx: { batchTimestampMs: number; watermarkMs: number; outputMode: OutputMode },
): StatefulResult {
  return planner.runStatefulPartition!(plan, partials, store, ctx);
}

/**
 * The source refs a logical plan reads, ascending by index. The plan is plain data; a ref is
 * any object with a numeric `index` and a string `format` (how `DataFrame.fromSource` records it).
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
    if (typeof o['index'] === 'number' && typeof o['format'] === 'string' && !found.has(o['index'])) {
      found.set(o['index'], o as unknown as SourceRef);
      return;
    }
    for (const v of Object.values(o)) walk(v);
  };
  walk(plan);
  return [...found.values()].sort((a, b) => a.index - b.index);
}
