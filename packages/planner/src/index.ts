/**
 * @packageDocumentation
 * `@weir/planner` turns PySpark-style DataFrame programs into compiled, partitioned stages and
 * runs them, purely (no I/O, no clock, no randomness):
 *
 * - **DataFrame API** ({@link DataFrame}, {@link GroupedData}, {@link Column}, `functions`):
 *   immutable builders of a plain-data logical plan, with PySpark names and semantics.
 * - **{@link planQuery}**: the analyzer (names and types resolved against the source schemas,
 *   Spark's coercions, `UNRESOLVED_COLUMN` with suggestions, `DATATYPE_MISMATCH`), Spark's
 *   streaming rules for the output mode, and the physical plan: one map stage per source and,
 *   for stateful queries, one stateful operator run per state partition after a hash shuffle.
 *   Each stage's projections/filters/joins are generated as ONE JavaScript function (text in the
 *   plan, compiled and cached in the worker); user text enters generated code only through
 *   `JSON.stringify`. The result, a {@link QueryPlan}, is frozen plain data that crosses threads.
 * - **Runtime**: {@link openMapStage} (per input partition, fed chunk by chunk; {@link runMapStage}
 *   is one push) and {@link runStatefulPartition}
 *   (per state partition over a core `StateStoreView`): windowed/session aggregation, watermark
 *   lateness and eviction, output modes, deduplication, stream-static joins, and stream-stream
 *   inner joins (`StreamingSymmetricHashJoin`: both sides buffered by key, optional time-range
 *   condition evicting state by watermark).
 * - **Window-blocked state**: an aggregation with an event-time key (a window, or the watermarked
 *   column) keeps ONE state-store key per (window, state partition) whose value is a columnar
 *   block of that window's groups, and shuffles its partials in the same shape, so state and
 *   shuffle cost per window, not per group; {@link expandWindowBlock} turns a block back into
 *   one `[group key, state]` per group (for state readers).
 *
 * `@weir/streaming` owns the batch loop, the tasks, the state stores and the sinks.
 *
 * ```ts
 * import { DataFrame, col, window, avg, planQuery, runMapStage } from '@weir/planner';
 * import { StructType } from '@weir/core';
 * const schema = StructType.fromDDL('station_id STRING, event_time TIMESTAMP, temperature_c DOUBLE');
 * const df = DataFrame.fromSource({ index: 0, format: 'memory', schema })
 *   .where(col('temperature_c').gt(30))
 *   .select(col('station_id'), col('temperature_c').multiply(9 / 5).plus(32).alias('temperature_f'));
 * const plan = planQuery(df.plan, { sourceSchemas: [schema], outputMode: 'append', shufflePartitions: 8 });
 * runMapStage(plan, 0, [{ station_id: 'a', event_time: 0, temperature_c: 35 }], { batchTimestampMs: 0, watermarkMs: 0 }).rows;
 * // [{ station_id: 'a', temperature_f: 95 }]
 * ```
 */
export { PlannerErrors } from './errors.js';
export { Column, literal, parseTypeName } from './column.js';
export type { ColumnOrValue } from './column.js';
export {
  functions,
  col,
  column,
  lit,
  when,
  coalesce,
  round,
  abs,
  floor,
  ceil,
  sqrt,
  upper,
  lower,
  trim,
  length,
  concat,
  substring,
  regexp_extract,
  to_timestamp,
  to_date,
  date_format,
  current_timestamp,
  window,
  session_window,
  window_time,
  count,
  sum,
  avg,
  mean,
  min,
  max,
  first,
  last,
  approx_count_distinct,
  stddev,
  stddev_samp,
} from './functions.js';
export { DataFrame, GroupedData } from './dataframe.js';
export { expr } from './sql-expression.js';
export type { Expression, BinaryOperator, AggregateFunctionName } from './expression.js';
export type { LogicalPlan, SourceRef, JoinType, JoinTimeRange } from './logical-plan.js';
export { planQuery } from './plan-query.js';
export type {
  PlanContext,
  QueryPlan,
  MapStage,
  JoinTable,
  WindowSpec,
  StatefulOperator,
  AggregateOperator,
  DeduplicateOperator,
} from './plan-query.js';
export type { StreamJoinOperator, StreamJoinPartial } from './stream-join.js';
export { openMapStage, runMapStage, runStatefulPartition } from './runtime.js';
export type { MapStageContext, MapStageResult, MapStageRun, StatefulPartitionContext, StatefulPartitionResult } from './runtime.js';
export { openColumnarMapStage } from './columnar-stage.js';
export { runStatefulPartitionColumnar } from './columnar-stateful.js';
export type { ColumnarStatefulPartitionResult } from './columnar-stateful.js';
export type { ColumnarMapStageRun } from './columnar-stage.js';
export { partitionOf } from './builtins.js';
export { expandWindowBlock, isBlockKey, WINDOW_BLOCK_TAG, FALLBACK_BLOCK_KEY } from './window-blocks.js';
export type { WindowBlock } from './window-blocks.js';
