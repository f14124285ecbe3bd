import type { Row, StructType } from '@weir/core';
import type { Expression } from './expression.js';

/** A streaming source as the planner sees it: streaming fills `schema` (or passes it to `planQuery`) at `start()`. */
export interface SourceRef {
  readonly index: number;
  readonly format: string;
  readonly schema?: StructType;
}

export type JoinType = 'inner' | 'left' | 'left_outer' | 'leftouter' | 'right' | 'right_outer' | 'full' | 'outer' | 'cross' | 'left_semi' | 'left_anti';

/**
 * A time-range join condition `leftColumn BETWEEN rightColumn + lowerMs AND rightColumn + upperMs`
 * (Spark: `leftTime BETWEEN rightTime - interval 5 minutes AND rightTime + interval 5 minutes`,
 * i.e. `lowerMs = -300000, upperMs = 300000`). It bounds a stream-stream join's state.
 */
export interface JoinTimeRange {
  readonly leftColumn: string;
  readonly rightColumn: string;
  readonly lowerMs: number;
  readonly upperMs: number;
  readonly lowerStrict: boolean;
  readonly upperStrict: boolean;
}

/**
 * The logical plan: a tree of frozen plain-data nodes built by the DataFrame API. Resolution of
 * names and types happens later, in `planQuery` (a source's schema may only be known at start).
 */
export type LogicalPlan =
  | { readonly kind: 'Source'; readonly index: number; readonly format: string; readonly schema: StructType | null }
  | { readonly kind: 'LocalRelation'; readonly schema: StructType; readonly rows: readonly Row[] }
  | { readonly kind: 'Project'; readonly exprs: readonly Expression[]; readonly child: LogicalPlan }
  | { readonly kind: 'WithColumn'; readonly name: string; readonly expr: Expression; readonly child: LogicalPlan }
  | { readonly kind: 'RenameColumn'; readonly from: string; readonly to: string; readonly child: LogicalPlan }
  | { readonly kind: 'Drop'; readonly names: readonly string[]; readonly child: LogicalPlan }
  | { readonly kind: 'Filter'; readonly condition: Expression; readonly child: LogicalPlan }
  | { readonly kind: 'EventTimeWatermark'; readonly column: string; readonly delayMs: number; readonly delayText: string; readonly child: LogicalPlan }
  | { readonly kind: 'Aggregate'; readonly groupBy: readonly Expression[]; readonly aggs: readonly Expression[]; readonly child: LogicalPlan }
  | {
      readonly kind: 'Deduplicate';
      /** null: all columns. */
      readonly keys: readonly string[] | null;
      readonly withinWatermark: boolean;
      readonly child: LogicalPlan;
    }
  | {
      readonly kind: 'Join';
      readonly left: LogicalPlan;
      readonly right: LogicalPlan;
      readonly on: readonly string[];
      readonly how: JoinType;
      /** Stream-stream joins: `leftColumn BETWEEN rightColumn + lowerMs AND rightColumn + upperMs`. */
      readonly timeRange?: JoinTimeRange;
    }
  | { readonly kind: 'Union'; readonly children: readonly LogicalPlan[] }
  | { readonly kind: 'Sort'; readonly orderBy: readonly Expression[]; readonly child: LogicalPlan }
  | { readonly kind: 'Limit'; readonly n: number; readonly child: LogicalPlan };

export function planChildren(p: LogicalPlan): LogicalPlan[] {
  switch (p.kind) {
    case 'Source':
    case 'LocalRelation':
      return [];
    case 'Join':
      return [p.left, p.right];
    case 'Union':
      return [...p.children];
    default:
      return [p.child];
  }
}

/** True when the plan reads a streaming source. */
export function isStreamingPlan(p: LogicalPlan): boolean {
  return p.kind === 'Source' || planChildren(p).some(isStreamingPlan);
}
