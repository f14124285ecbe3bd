import { struct, type OutputMode, type StructType } from '@weir/core';
import { castFunction } from './builtins.js';
import { AGG_SLOT, analyze, castTo, checkForStreaming, aPlanChildren, isStreamStreamJoin, type APlan, type NamedTExpr } from './analyzer.js';
import { formatTimeRange, type StreamJoinOperator } from './stream-join.js';
import { generateStage, type Pipeline, type StageOp, type StageTerminal } from './codegen.js';
import { PlannerErrors } from './errors.js';
import { formatAnalyzedPlan, formatLogicalPlan, texprToString } from './explain.js';
import type { LogicalPlan } from './logical-plan.js';
import { executeBatch } from './reference.js';
import { encodeKey } from './key-encoding.js';
import type { AggregateFunctionName } from './expression.js';
import type { Fields, TExpr } from './typed-expression.js';

/** Everything `planQuery` needs besides the plan. */
export interface PlanContext {
  /** Schema of each streaming source, by source index (overrides a schema held in the plan). */
  readonly sourceSchemas: readonly StructType[];
  readonly outputMode: OutputMode;
  /** `weir.sql.shuffle.partitions`: the number of state partitions (frozen in the checkpoint). */
  readonly shufflePartitions: number;
}

/** The compiled map stage of one source: its input rows → output rows or partial aggregates. */
export interface MapStage {
  readonly sourceIndex: number;
  /** Source text of the stage function (see `codegen.ts`), compiled and cached by text in each worker. */
  readonly code: string;
}

/** A static join side, materialised at planning time: `[encoded key, rows of non-key values]`. */
export interface JoinTable {
  readonly entries: readonly (readonly [string, readonly (readonly unknown[])[]])[];
}

export interface WindowSpec {
  readonly keyIndex: number;
  readonly kind: 'tumbling' | 'sliding' | 'session';
  readonly windowUs: number;
  readonly slideUs: number;
  readonly startUs: number;
  readonly gapUs: number;
}

/** A streaming aggregation (`StateStoreSave`/`HashAggregate` in Spark's physical plan). */
export interface AggregateOperator {
  readonly kind: 'aggregate';
  /** The state store operator id: state lives under `state/<operatorId>/<partition>/`. */
  readonly operatorId: number;
  readonly keyNames: readonly string[];
  /** The window or session window key, if any. */
  readonly window: WindowSpec | null;
  /** The key carrying event time (window, session window or the watermarked column itself): drives lateness and eviction. */
  readonly eventTimeKeyIndex: number | null;
  /**
   * Per key: true when its values are objects (struct, array, map, binary), grouped by their JSON
   * text; primitives group by value. Absent → every key is treated as an object (always correct).
   */
  readonly keyObjects?: readonly boolean[];
  /**
   * The aggregates. `numeric`: the input is always a number or null (integral, floating, date,
   * timestamp or void; not decimal strings), so event-time ordered kernels keep a numeric
   * `sum`/`min`/`max` as two number slots (has value, value) and can hold blocks in a Float64Array.
   * Absent → false.
   */
  readonly aggs: readonly { readonly fn: AggregateFunctionName; readonly star: boolean; readonly name: string; readonly numeric?: boolean }[];
  /** Compiled: intermediate rows (keys + agg results) → output rows (the projection and any operators after the aggregation). */
  readonly finalCode: string;
  /** The intermediate rows' schema (keys, then one field per aggregate, named as in `aggs`): the final stage's input. */
  readonly intermediateSchema: StructType;
  /** Complete mode `orderBy`: output column names, ascending, nulls first. */
  readonly sortBy: readonly string[] | null;
}

/** A streaming deduplication (`StreamingDeduplicate` / `StreamingDeduplicateWithinWatermark`). */
export interface DeduplicateOperator {
  readonly kind: 'dedup';
  readonly operatorId: number;
  readonly keyNames: readonly string[];
  /** The watermarked column in the dedup input: present when it is a key, or always for `withinWatermark`. */
  readonly eventTimeColumn: string | null;
  readonly withinWatermark: boolean;
  /** The watermark delay (µs), for `dropDuplicatesWithinWatermark` expiry (`event time + delay`). */
  readonly delayUs: number;
  readonly finalCode: string;
}

export type StatefulOperator = AggregateOperator | DeduplicateOperator | StreamJoinOperator;

/**
 * A planned streaming query: frozen plain data that crosses threads (structured clone or
 * msgpackr). Compiled code travels as text and is compiled (and cached) in the worker.
 */
export interface QueryPlan {
  readonly version: 1;
  /** The output schema (a StructType: exactly Spark's schema JSON as an object). */
  readonly outputSchema: StructType;
  readonly outputMode: OutputMode;
  /** null → a stateless query: map stages emit the final rows. */
  readonly stateful: StatefulOperator | null;
  /** The query's event-time watermark: column (as named where `withWatermark` was applied) and delay. */
  readonly watermark: { readonly column: string; readonly delayMs: number } | null;
  /** Every source's watermark (a stream-stream join has one per side; the engine combines them by `weir.sql.streaming.multipleWatermarkPolicy`). */
  readonly watermarks: readonly { readonly sourceIndex: number; readonly column: string; readonly delayMs: number }[];
  readonly shufflePartitions: number;
  /** `explain()` text: parsed, analyzed and physical plans. */
  readonly explain: string;
  /** The streaming sources the query reads. */
  readonly sourceIndexes: readonly number[];
  readonly mapStages: readonly MapStage[];
  readonly joinTables: readonly JoinTable[];
}

interface Path {
  readonly sourceIndex: number;
  readonly input: Fields;
  readonly ops: StageOp[];
}

const col = (name: string, dt: TExpr['dt']): TExpr => ({ k: 'col', name, dt });

function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v as object)) deepFreeze(x);
  }
  return v;
}

class PhysicalPlanner {
  readonly joinTables: JoinTable[] = [];
  readonly physical: string[] = [];

  /** The linear pipelines from each streaming source up to (not including) `p`'s parent. */
  paths(p: APlan): Path[] {
    switch (p.kind) {
      case 'Source':
        return [{ sourceIndex: p.index, input: p.schema, ops: [] }];
      case 'Project':
        return this.paths(p.child).map((x) => ({ ...x, ops: [...x.ops, { op: 'project', exprs: p.exprs }] }));
      case 'Filter':
        return this.paths(p.child).map((x) => ({ ...x, ops: [...x.ops, { op: 'filter', condition: p.condition }] }));
      case 'Watermark':
        return this.paths(p.child).map((x) => ({ ...x, ops: [...x.ops, { op: 'watermark', column: p.column }] }));
      case 'Union':
        return p.children.flatMap((c) => {
          const rename: StageOp = {
            op: 'project',
            exprs: p.schema.map((f, i) => {
              const from = c.schema[i] as Fields[number];
              return { name: f.name, expr: castTo(col(from.name, from.type), f.type) };
            }),
          };
          return this.paths(c).map((x) => ({ ...x, ops: [...x.ops, rename] }));
        });
      case 'Join': {
        const streamLeft = p.left.streaming;
        const stream = streamLeft ? p.left : p.right;
        const stat = streamLeft ? p.right : p.left;
        const rows = executeBatch(stat, new Map(), { nowUs: 0 });
        const statKeys = new Set(p.keys.map((k) => (streamLeft ? k.right : k.left)));
        const statCols = stat.schema.filter((f) => !statKeys.has(f.name));
        const outType = (name: string) => (p.schema.find((f) => f.name === name) as Fields[number]).type;
        const entries = new Map<string, unknown[][]>();
        for (const r of rows) {
          const key = p.keys.map((k) => {
            const name = streamLeft ? k.right : k.left;
            const f = stat.schema.find((x) => x.name === name) as Fields[number];
            const v = r[name] ?? null;
            const cast = castFunction(f.type, outType(k.name));
            return v === null || !cast ? v : (cast as (x: unknown) => unknown)(v);
          });
          if (key.some((v) => v === null)) continue;
          const ks = encodeKey(key);
          const list = entries.get(ks) ?? [];
          list.push(statCols.map((f) => r[f.name] ?? null));
          entries.set(ks, list);
        }
        const table = this.joinTables.length;
        this.joinTables.push({ entries: [...entries.entries()] });
        const keys: NamedTExpr[] = p.keys.map((k) => {
          const name = streamLeft ? k.left : k.right;
          const f = stream.schema.find((x) => x.name === name) as Fields[number];
          return { name: k.name, expr: castTo(col(f.name, f.type), outType(k.name)) };
        });
        const outer = (p.how === 'left' && streamLeft) || (p.how === 'right' && !streamLeft);
        const op: StageOp = { op: 'join', table, keys, outer, tableColumns: statCols.map((f) => ({ name: f.name, dt: f.type })), schema: p.schema };
        return this.paths(stream).map((x) => ({ ...x, ops: [...x.ops, op] }));
      }
      default:
        throw PlannerErrors.PLANNER_INTERNAL_ERROR({ reason: `unexpected ${p.kind} in a map stage` });
    }
  }
}

/** Operators between the root and the stateful operator, bottom-up, plus a complete-mode sort. */
function postOps(root: APlan, stateful: APlan): { ops: StageOp[]; sortBy: string[] | null } {
  const chain: APlan[] = [];
  let n: APlan = root;
  while (n !== stateful) {
    chain.push(n);
    const cs = aPlanChildren(n);
    if (cs.length !== 1) throw PlannerErrors.PLANNER_INTERNAL_ERROR({ reason: `unexpected ${n.kind} above the stateful operator` });
    n = cs[0] as APlan;
  }
  const ops: StageOp[] = [];
  let sortBy: string[] | null = null;
  for (const c of chain.reverse()) {
    if (c.kind === 'Project') ops.push({ op: 'project', exprs: c.exprs });
    else if (c.kind === 'Filter') ops.push({ op: 'filter', condition: c.condition });
    else if (c.kind === 'Sort') {
      sortBy = c.keys.map((k) => {
        if (k.k !== 'col') throw PlannerErrors.UNSUPPORTED_STREAMING_OPERATION({ operation: `Sorting by an expression (${texprToString(k)})`, reason: ' in weir: sort by output columns' });
        return k.name;
      });
    } else if (c.kind === 'Watermark') {
      // A watermark re-declared after the stateful operator does not change the stage.
    } else throw PlannerErrors.UNSUPPORTED_STREAMING_OPERATION({ operation: `${c.kind} after a stateful operator`, reason: ' in weir yet' });
  }
  return { ops, sortBy };
}

function collect(p: APlan, pred: (n: APlan) => boolean, out: APlan[] = []): APlan[] {
  if (pred(p)) out.push(p);
  for (const c of aPlanChildren(p)) collect(c, pred, out);
  return out;
}

/** Spark-like physical plan text. */
function physicalText(root: APlan, stateful: APlan | null, ctx: PlanContext, watermark: QueryPlan['watermark']): string {
  const lines: string[] = [];
  const line = (d: number, s: string) => lines.push(d === 0 ? s : `${'   '.repeat(d - 1)}+- ${s}`);
  const stage = (n: APlan): string => (stateful && collect(stateful, (x) => x === n).length > 0 && n !== stateful ? '*(1) ' : stateful ? '*(2) ' : '*(1) ');
  const walk = (n: APlan, d: number): void => {
    switch (n.kind) {
      case 'Source':
        line(d, `StreamingRelation ${n.format}[${n.index}], [${n.schema.map((f) => f.name).join(', ')}]`);
        return;
      case 'LocalRelation':
        line(d, `LocalTableScan [${n.schema.map((f) => f.name).join(', ')}], ${n.rows.length} rows`);
        return;
      case 'Project':
        line(d, `${stage(n)}Project [${n.exprs.map((x) => (x.expr.k === 'col' && x.expr.name === x.name ? x.name : `${texprToString(x.expr)} AS ${x.name}`)).join(', ')}]`);
        break;
      case 'Filter':
        line(d, `${stage(n)}Filter ${texprToString(n.condition)}`);
        break;
      case 'Watermark':
        line(d, `EventTimeWatermark ${n.column}, ${n.delayText}`);
        break;
      case 'Aggregate': {
        const keys = n.keys.map((k) => k.name).join(', ');
        const fns = n.aggs.map((a) => `${a.fn}(${a.input ? texprToString(a.input) : '1'})`);
        line(d, `*(2) HashAggregate(keys=[${keys}], functions=[${fns.map((f) => 'merge_' + f).join(', ')}])`);
        line(d + 1, `StateStoreSave [${keys}], state info [operatorId=0, partitions=${ctx.shufflePartitions}], ${ctx.outputMode}${watermark ? `, watermark ${watermark.column} - ${watermark.delayMs} ms` : ''}`);
        line(d + 2, `StateStoreRestore [${keys}], state info [operatorId=0, partitions=${ctx.shufflePartitions}]`);
        line(d + 3, `Exchange hashpartitioning(${keys}, ${ctx.shufflePartitions})`);
        line(d + 4, `*(1) HashAggregate(keys=[${keys}], functions=[${fns.map((f) => 'partial_' + f).join(', ')}])`);
        walk(n.child, d + 5);
        return;
      }
      case 'Deduplicate':
        line(d, `${n.withinWatermark ? 'StreamingDeduplicateWithinWatermark' : 'StreamingDeduplicate'} [${n.keys.join(', ')}], state info [operatorId=0, partitions=${ctx.shufflePartitions}]`);
        line(d + 1, `Exchange hashpartitioning(${n.keys.join(', ')}, ${ctx.shufflePartitions})`);
        walk(n.child, d + 2);
        return;
      case 'Join':
        if (isStreamStreamJoin(n)) {
          const cond = n.timeRange ? formatTimeRange(n.timeRange) : 'none';
          line(d, `StreamingSymmetricHashJoin [${n.keys.map((k) => k.left).join(', ')}], [${n.keys.map((k) => k.right).join(', ')}], Inner, condition=${cond}, state info [operatorId=0, partitions=${ctx.shufflePartitions}]`);
          line(d + 1, `Exchange hashpartitioning(${n.keys.map((k) => k.left).join(', ')}, ${ctx.shufflePartitions})`);
          walk(n.left, d + 2);
          line(d + 1, `Exchange hashpartitioning(${n.keys.map((k) => k.right).join(', ')}, ${ctx.shufflePartitions})`);
          walk(n.right, d + 2);
          return;
        }
        line(d, `${stage(n)}BroadcastHashJoin [${n.keys.map((k) => k.left).join(', ')}], [${n.keys.map((k) => k.right).join(', ')}], ${n.how === 'inner' ? 'Inner' : n.how === 'left' ? 'LeftOuter' : 'RightOuter'}, ${n.left.streaming ? 'BuildRight' : 'BuildLeft'}`);
        walk(n.left, d + 1);
        walk(n.right, d + 1);
        return;
      case 'Union':
        line(d, 'Union');
        for (const c of n.children) walk(c, d + 1);
        return;
      case 'Sort':
        line(d, `Sort [${n.keys.map((k) => `${texprToString(k)} ASC NULLS FIRST`).join(', ')}], true`);
        break;
      case 'Limit':
        line(d, `GlobalLimit ${n.n}`);
        break;
    }
    for (const c of aPlanChildren(n)) walk(c, d + 1);
  };
  walk(root, 0);
  return lines.join('\n');
}

/** True for a type whose values are always JS numbers (or null): not decimals (exact strings), not objects. */
function numberValued(dt: unknown): boolean {
  return dt === 'byte' || dt === 'short' || dt === 'integer' || dt === 'long' || dt === 'float' || dt === 'double' || dt === 'date' || dt === 'timestamp' || dt === 'timestamp_ntz' || dt === 'void';
}

/**
 * Analyzes a logical plan against the source schemas, checks Spark's streaming rules for the
 * output mode, and compiles it into stages: a map stage per source (stateless → output rows;
 * stateful → partial aggregates hash-partitioned into `shufflePartitions`) and, for stateful
 * queries, the stateful operator that `runStatefulPartition` runs per state partition.
 *
 * Throws (all `domain: 'user'`): `UNRESOLVED_COLUMN` (with suggestions), `AMBIGUOUS_REFERENCE`,
 * `DATATYPE_MISMATCH`, `INVALID_EXPRESSION`, `INVALID_WATERMARK`,
 * `STREAMING_OUTPUT_MODE_UNSUPPORTED`, `UNSUPPORTED_STREAMING_OPERATION`.
 *
 * ```ts
 * const plan = planQuery(df.plan, { sourceSchemas: [schema], outputMode: 'append', shufflePartitions: 8 });
 * ```
 */
export function planQuery(plan: LogicalPlan, ctx: PlanContext): QueryPlan {
  if (!Number.isInteger(ctx.shufflePartitions) || ctx.shufflePartitions < 1) {
    throw PlannerErrors.INVALID_EXPRESSION({ expression: 'shufflePartitions', reason: 'must be a positive integer' });
  }
  const analyzed = analyze(plan, { sourceSchemas: ctx.sourceSchemas });
  if (!analyzed.streaming) {
    throw PlannerErrors.UNSUPPORTED_STREAMING_OPERATION({ operation: 'A query without a streaming source', reason: ': use readStream' });
  }
  checkForStreaming(analyzed, ctx.outputMode);
  const outputNames = new Set<string>();
  for (const f of analyzed.schema) {
    if (outputNames.has(f.name)) {
      throw PlannerErrors.AMBIGUOUS_REFERENCE({ name: '`' + f.name + '`', candidates: 'the output has this column twice: alias one of them' });
    }
    outputNames.add(f.name);
  }

  const watermarks = collect(analyzed, (n) => n.kind === 'Watermark' && n.streaming) as Extract<APlan, { kind: 'Watermark' }>[];
  const distinct = new Map(watermarks.map((w) => [`${w.column}\u0000${w.delayMs}`, w]));
  const hasStreamJoin = collect(analyzed, isStreamStreamJoin).length > 0;
  // A stream-stream join declares one watermark per side (columns and delays may differ): the
  // engine tracks each source's max event time minus its own delay (`watermarks`) and combines
  // them by the multiple-watermark policy.
  if (distinct.size > 1 && !hasStreamJoin) {
    throw PlannerErrors.UNSUPPORTED_STREAMING_OPERATION({ operation: 'Multiple different watermarks', reason: ' in weir yet: use one event-time column and delay' });
  }
  const wm = watermarks[0];
  const watermark = wm ? { column: wm.column, delayMs: wm.delayMs } : null;
  const sourcesOf = (n: APlan) => collect(n, (x) => x.kind === 'Source').map((x) => (x as Extract<APlan, { kind: 'Source' }>).index);
  const watermarkList = watermarks
    .flatMap((w) => sourcesOf(w).map((sourceIndex) => ({ sourceIndex, column: w.column, delayMs: w.delayMs })))
    .sort((a, b) => a.sourceIndex - b.sourceIndex);

  const statefulNodes = collect(analyzed, (n) => n.streaming && (n.kind === 'Aggregate' || n.kind === 'Deduplicate' || isStreamStreamJoin(n)));
  const statefulNode = statefulNodes[0] ?? null;
  const planner = new PhysicalPlanner();
  const pipelines: (Path & { terminal: StageTerminal })[] = [];
  let stateful: StatefulOperator | null = null;

  if (statefulNode === null) {
    for (const p of planner.paths(analyzed)) pipelines.push({ ...p, terminal: { kind: 'emit', schema: analyzed.schema } });
  } else if (statefulNode.kind === 'Aggregate') {
    const { ops, sortBy } = postOps(analyzed, statefulNode);
    const keys = statefulNode.keys.map((k) => (k.expr.k === 'window' || k.expr.k === 'session' ? k.expr.time : k.expr));
    const inputs = statefulNode.aggs.map((a) => a.input);
    for (const p of planner.paths(statefulNode.child)) pipelines.push({ ...p, terminal: { kind: 'aggregate', keys, inputs } });
    const wIdx = statefulNode.keys.findIndex((k) => k.expr.k === 'window' || k.expr.k === 'session');
    const wExpr = statefulNode.keys[wIdx]?.expr;
    const window: WindowSpec | null =
      wExpr?.k === 'window'
        ? { keyIndex: wIdx, kind: wExpr.slideUs === wExpr.windowUs ? 'tumbling' : 'sliding', windowUs: wExpr.windowUs, slideUs: wExpr.slideUs, startUs: wExpr.startUs, gapUs: 0 }
        : wExpr?.k === 'session'
          ? { keyIndex: wIdx, kind: 'session', windowUs: 0, slideUs: 0, startUs: 0, gapUs: wExpr.gapUs }
          : null;
    const etIdx = statefulNode.keys.findIndex((k) => k.name === statefulNode.eventTime);
    // When each result is its aggregate's slot as is, in slot order (`agg(avg(x).alias('a'))`),
    // the intermediate row carries the output names, so the final stage (if nothing follows
    // the aggregation) passes the emitted rows through instead of copying each one.
    const keyCount = statefulNode.keys.length;
    const direct =
      statefulNode.results.length === statefulNode.aggs.length &&
      statefulNode.results.every((r, i) => r.expr.k === 'col' && r.expr.name === AGG_SLOT(i) && JSON.stringify(r.expr.dt) === JSON.stringify(statefulNode.intermediate[keyCount + i]?.type)) &&
      new Set([...statefulNode.keys.map((k) => k.name), ...statefulNode.results.map((r) => r.name)]).size === keyCount + statefulNode.results.length;
    const slotNames = statefulNode.aggs.map((_, i) => (direct ? (statefulNode.results[i] as NamedTExpr).name : AGG_SLOT(i)));
    const intermediate = statefulNode.intermediate.map((f, i) => (i < keyCount ? f : { ...f, name: slotNames[i - keyCount] as string }));
    const projection: StageOp = {
      op: 'project',
      exprs: [
        ...statefulNode.keys.map((k) => ({ name: k.name, expr: col(k.name, k.expr.dt) })),
        ...(direct ? statefulNode.results.map((r) => ({ name: r.name, expr: col(r.name, r.expr.dt) })) : statefulNode.results),
      ],
    };
    const finalCode = generateStage([{ input: intermediate, ops: [projection, ...ops], terminal: { kind: 'emit', schema: analyzed.schema } }]);
    stateful = {
      kind: 'aggregate',
      operatorId: 0,
      keyNames: statefulNode.keys.map((k) => k.name),
      window,
      eventTimeKeyIndex: statefulNode.eventTime === null || etIdx < 0 ? null : etIdx,
      keyObjects: statefulNode.keys.map((k) => typeof k.expr.dt !== 'string' || k.expr.dt === 'binary'),
      aggs: statefulNode.aggs.map((a, i) => ({ fn: a.fn, star: a.input === null, name: slotNames[i] as string, numeric: a.input !== null && numberValued(a.input.dt) })),
      finalCode,
      intermediateSchema: struct(intermediate),
      sortBy,
    };
  } else if (statefulNode.kind === 'Join') {
    const node = statefulNode;
    const { ops } = postOps(analyzed, node);
    for (const p of planner.paths(node.left)) pipelines.push({ ...p, terminal: { kind: 'dedup', keys: node.keys.map((k) => k.left), schema: node.left.schema, tag: 0 } });
    for (const p of planner.paths(node.right)) pipelines.push({ ...p, terminal: { kind: 'dedup', keys: node.keys.map((k) => k.right), schema: node.right.schema, tag: 1 } });
    const leftKeys = new Set(node.keys.map((k) => k.left));
    const rightKeys = new Set(node.keys.map((k) => k.right));
    stateful = {
      kind: 'streamJoin',
      operatorId: 0,
      leftKeys: node.keys.map((k) => k.left),
      rightKeys: node.keys.map((k) => k.right),
      keyNames: node.keys.map((k) => k.name),
      leftKeyTypes: node.keys.map((k) => (node.left.schema.find((f) => f.name === k.left) as Fields[number]).type),
      rightKeyTypes: node.keys.map((k) => (node.right.schema.find((f) => f.name === k.right) as Fields[number]).type),
      keyTypes: node.keys.map((_, i) => (node.schema[i] as Fields[number]).type),
      leftColumns: node.left.schema.filter((f) => !leftKeys.has(f.name)).map((f) => f.name),
      rightColumns: node.right.schema.filter((f) => !rightKeys.has(f.name)).map((f) => f.name),
      range: node.timeRange,
      leftWatermarkColumn: node.left.eventTime,
      rightWatermarkColumn: node.right.eventTime,
      conditionText: node.timeRange ? formatTimeRange(node.timeRange) : 'none',
      finalCode: generateStage([{ input: node.schema, ops, terminal: { kind: 'emit', schema: analyzed.schema } }]),
    };
  } else {
    const node = statefulNode as Extract<APlan, { kind: 'Deduplicate' }>;
    const { ops } = postOps(analyzed, node);
    for (const p of planner.paths(node.child)) pipelines.push({ ...p, terminal: { kind: 'dedup', keys: node.keys, schema: node.child.schema } });
    const et = node.eventTime;
    const eventTimeColumn = et !== null && (node.withinWatermark || node.keys.includes(et)) ? et : null;
    stateful = {
      kind: 'dedup',
      operatorId: 0,
      keyNames: node.keys,
      eventTimeColumn,
      withinWatermark: node.withinWatermark,
      delayUs: (wm?.delayMs ?? 0) * 1000,
      finalCode: generateStage([{ input: node.child.schema, ops, terminal: { kind: 'emit', schema: analyzed.schema } }]),
    };
  }

  const sourceIndexes = [...new Set(pipelines.map((p) => p.sourceIndex))].sort((a, b) => a - b);
  const mapStages: MapStage[] = sourceIndexes.map((i) => ({
    sourceIndex: i,
    code: generateStage(pipelines.filter((p) => p.sourceIndex === i).map((p): Pipeline => ({ input: p.input, ops: p.ops, terminal: p.terminal }))),
  }));

  const explain = [
    '== Parsed Logical Plan ==',
    formatLogicalPlan(plan),
    '',
    '== Analyzed Logical Plan ==',
    analyzed.schema.map((f) => `${f.name}: ${typeof f.type === 'string' ? f.type : 'struct'}`).join(', '),
    formatAnalyzedPlan(analyzed),
    '',
    '== Physical Plan ==',
    physicalText(analyzed, statefulNode, ctx, watermark),
  ].join('\n');

  return deepFreeze({
    version: 1 as const,
    outputSchema: struct(analyzed.schema),
    outputMode: ctx.outputMode,
    stateful,
    watermark,
    watermarks: watermarkList,
    shufflePartitions: ctx.shufflePartitions,
    explain,
    sourceIndexes,
    mapStages,
    joinTables: planner.joinTables,
  });
}
