import { createGeneratedCodeCache, type OutputMode, type Row, type StateStoreView } from '@weir/core';
import { compareValues, partitionOf } from './builtins.js';
import { initStates, mergeAll, stateResult, updateState, type AggSpec } from './aggregates.js';
import { aggregateKernel, type AggregateKernel, type AggregateSinkState } from './aggregate-kernel.js';
import { GENERATED_CODE_HELPERS } from './runtime-helpers.js';
import { decodeKey, encodeKey } from './key-encoding.js';
import { PlannerErrors } from './errors.js';
import type { AggregateOperator, DeduplicateOperator, JoinTable, QueryPlan } from './plan-query.js';
import { JoinSideSink, runStreamJoin } from './stream-join.js';
import { BlockCollector, isBlockKey, runBlockAggregate } from './window-blocks.js';

/**
 * The pure runtime: runs a {@link QueryPlan}'s stages over rows. No I/O, no clock, no
 * randomness; everything it needs arrives in its arguments, so it runs unchanged in a worker.
 */

/** Per-call context the generated stage functions read and write. */
interface StageRuntime {
  nowUs: number;
  joins: ReadonlyMap<string, readonly (readonly unknown[])[]>[];
  evMin: number;
  evMax: number;
  evSum: number;
  evCount: number;
}

type StageFunction = (rows: readonly Row[], rt: StageRuntime, sink: unknown) => Row[];

const compiled = createGeneratedCodeCache<StageFunction>(512);

/**
 * Compiles generated stage source with `new Function`, cached by the source text (a worker
 * plans nothing; it receives the text in the plan and compiles each distinct stage once).
 * @internal
 */
export function compileStage(code: string): StageFunction {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- generated code; user text enters only via JSON.stringify
  return compiled(code, (src) => (new Function('h', src) as (h: typeof GENERATED_CODE_HELPERS) => StageFunction)(GENERATED_CODE_HELPERS));
}

const joinMaps = new WeakMap<JoinTable, Map<string, readonly (readonly unknown[])[]>>();
function joinMap(t: JoinTable): Map<string, readonly (readonly unknown[])[]> {
  let m = joinMaps.get(t);
  if (!m) {
    m = new Map(t.entries);
    joinMaps.set(t, m);
  }
  return m;
}

export interface MapStageContext {
  /** The batch timestamp (`current_timestamp()`), from the offset log: deterministic on replay. */
  readonly batchTimestampMs: number;
  /** The watermark this batch uses (computed at the end of the previous batch). */
  readonly watermarkMs: number;
  /** Return the rows dropped as late in `lateRows` (for a late-data sink). Defaults to `false`. */
  readonly collectLateRows?: boolean;
}

export interface MapStageResult {
  /** Stateless plans: the final output rows. */
  rows?: Row[];
  /** Stateful plans: per state partition, `[key, partial state]` combined within this task. */
  partials?: Array<Array<[string, unknown]>>;
  /** Statistics of the watermark column (µs) over the rows that reached `withWatermark`; null when none did. */
  eventTime: { min: number; max: number; sum: number; count: number } | null;
  numRowsDroppedByWatermark: number;
  /** The input rows dropped as late (only with `collectLateRows`). */
  lateRows?: Row[];
}

type Session = [number, number, unknown[]];


/**
 * Collects partial aggregates within one map task: the generated `add` (see `aggregate-kernel.ts`)
 * is installed as an own method, called by the stage as `sink.add(row, key0, …, input0, …)`.
 * Exported (internal) for the columnar map stage, which folds into the same sink.
 * @internal
 */
export class AggregateSink implements AggregateSinkState {
  readonly partials = new Map<unknown, unknown>();
  readonly ids = new Map<unknown, number>();
  readonly idv: unknown[] = [];
  lev: unknown = NaN;
  lw: unknown = null;
  dropped = 0;
  readonly late: Row[] | null;
  readonly wmUs: number;
  readonly checkLate: boolean;
  readonly add: AggregateKernel['add'];
  readonly kernel: AggregateKernel;

  constructor(kernel: AggregateKernel, op: AggregateOperator, wmUs: number, checkLate: boolean, collectLate: boolean) {
    this.kernel = kernel;
    this.wmUs = wmUs;
    this.checkLate = checkLate && op.eventTimeKeyIndex !== null;
    this.late = collectLate ? [] : null;
    this.add = kernel.add;
  }
}

/** Collects session-window partials within one map task: per key (window slot null), sessions merged by overlap. */
class SessionSink {
  readonly partials = new Map<string, unknown>();
  dropped = 0;
  readonly late: Row[] | null;
  readonly #op: AggregateOperator;
  readonly #specs: AggSpec[];
  readonly #wmUs: number;
  readonly #checkLate: boolean;

  constructor(op: AggregateOperator, wmUs: number, checkLate: boolean, collectLate: boolean) {
    this.#op = op;
    this.#specs = op.aggs.map((a) => ({ fn: a.fn, star: a.star }));
    this.#wmUs = wmUs;
    this.#checkLate = checkLate && op.eventTimeKeyIndex !== null;
    this.late = collectLate ? [] : null;
  }

  /** `add(row, key0, …, input0, …)`, as the stage calls it. */
  add(r: Row, ...args: unknown[]): void {
    const n = this.#op.keyNames.length;
    const keys = args.slice(0, n);
    const inputs = args.slice(n);
    const w = this.#op.window as NonNullable<AggregateOperator['window']>;
    const t = keys[w.keyIndex] as number | null;
    // Spark filters rows whose window time column is null.
    if (t === null || t === undefined) return;
    const end = t + w.gapUs;
    if (this.#checkLate && end <= this.#wmUs) {
      this.dropped++;
      this.late?.push(r);
      return;
    }
    keys[w.keyIndex] = null;
    const key = encodeKey(keys);
    let sessions = this.partials.get(key) as Session[] | undefined;
    if (sessions === undefined) {
      sessions = [];
      this.partials.set(key, sessions);
    }
    const states = initStates(this.#specs).map((s, i) => updateState(this.#specs[i] as AggSpec, s, inputs[i] ?? null));
    insertSession(sessions, [t, end, states], this.#specs);
  }
}

/** Inserts a session into a start-sorted list, merging sessions that overlap or touch (`start <= other end`). */
function insertSession(list: Session[], s: Session, specs: readonly AggSpec[]): void {
  let cur: Session = s;
  const keep: Session[] = [];
  for (const x of list) {
    if (x[0] <= cur[1] && cur[0] <= x[1]) {
      const [a, b] = x[0] <= cur[0] ? [x, cur] : [cur, x];
      cur = [Math.min(a[0], b[0]), Math.max(a[1], b[1]), mergeAll(specs, a[2], b[2])];
    } else keep.push(x);
  }
  keep.push(cur);
  keep.sort((a, b) => a[0] - b[0]);
  list.length = 0;
  list.push(...keep);
}

/** Keeps the first row per key within one map task. */
class DedupSink {
  readonly partials = new Map<string, unknown>();
  dropped = 0;
  readonly late: Row[] | null;
  readonly #op: DeduplicateOperator;
  readonly #wmUs: number;
  readonly #checkLate: boolean;
  constructor(op: DeduplicateOperator, wmUs: number, checkLate: boolean, collectLate: boolean) {
    this.#op = op;
    this.#wmUs = wmUs;
    this.#checkLate = checkLate && op.eventTimeColumn !== null;
    this.late = collectLate ? [] : null;
  }
  add(r: Row, keys: unknown[], row: Row): void {
    if (this.#checkLate) {
      const t = row[this.#op.eventTimeColumn as string] as number | null;
      if (t !== null && t <= this.#wmUs) {
        this.dropped++;
        this.late?.push(r);
        return;
      }
    }
    const key = encodeKey(keys);
    if (!this.partials.has(key)) this.partials.set(key, row);
  }
}

function newRuntime(plan: QueryPlan, batchTimestampMs: number): StageRuntime {
  return {
    nowUs: batchTimestampMs * 1000,
    joins: plan.joinTables.map(joinMap),
    evMin: Infinity,
    evMax: -Infinity,
    evSum: 0,
    evCount: 0,
  };
}

/**
 * A map stage opened over one input partition, fed chunk by chunk (a task streams its partition
 * through the stage instead of holding it whole). Not reusable: `finish()` ends it.
 */
export interface MapStageRun {
  /**
   * Runs the stage over the next chunk of the partition. Stateless plans: returns this chunk's
   * output rows (the caller owns them). Stateful plans: returns `[]` and folds the chunk into the
   * task's partials. The chunk itself is not retained (except as `lateRows`, when collected), so the
   * caller may drop it right after the call. MUST NOT be called after `finish()`.
   */
  push(rows: readonly Row[]): Row[];
  /**
   * Ends the stage: event-time statistics over every chunk, the watermark drop count, late rows
   * and, for stateful plans, the partials of every chunk combined and hash-partitioned by key.
   * `rows` is omitted (push returned them). Any chunking of a partition gives the same result.
   */
  finish(): MapStageResult;
}

/**
 * Opens the map stage of `sourceIndex` for one input partition: the compiled projections,
 * filters and stream-static joins; for stateless plans each `push` returns its output rows, for
 * stateful plans the rows fold into partial aggregates (or first rows per dedup key) combined
 * within the task and, at `finish`, hash-partitioned by key into `plan.shufflePartitions`. Rows
 * older than the watermark are dropped before the stateful operator (Spark: event time, or window
 * end, `<=` watermark) and counted. Pure and deterministic.
 */
export function openMapStage(plan: QueryPlan, sourceIndex: number, ctx: MapStageContext): MapStageRun {
  const stage = plan.mapStages.find((s) => s.sourceIndex === sourceIndex);
  const rt = newRuntime(plan, ctx.batchTimestampMs);
  const op = plan.stateful;
  let done = false;
  const check = (): void => {
    if (done) throw PlannerErrors.PLANNER_INTERNAL_ERROR({ reason: 'a map stage was used after finish()' });
  };
  const stats = () => (rt.evCount === 0 ? null : { min: rt.evMin, max: rt.evMax, sum: rt.evSum, count: rt.evCount });
  // A source the query does not read from (possible after planning a union away): nothing to do.
  const fn = stage ? compileStage(stage.code) : null;
  if (op === null) {
    return {
      push(rows) {
        check();
        return fn === null ? [] : fn(rows, rt, null);
      },
      finish() {
        check();
        done = true;
        return { eventTime: stats(), numRowsDroppedByWatermark: 0 };
      },
    };
  }
  const wmUs = ctx.watermarkMs * 1000;
  // Watermark 0 means "none yet" (the first batches): nothing is late before a watermark exists.
  // (Spark compares against 0 too, which drops events at or before the epoch; weir does not.)
  // Complete mode keeps every group and emits all of them (Spark: the watermark cannot drop
  // anything there), so only append and update drop late rows.
  const checkLate = lateCheck(plan, ctx);
  const collectLate = ctx.collectLateRows === true;
  const sink =
    op.kind === 'aggregate'
      ? op.window?.kind === 'session'
        ? new SessionSink(op, wmUs, checkLate, collectLate)
        : new AggregateSink(aggregateKernel(op), op, wmUs, checkLate, collectLate)
      : op.kind === 'dedup'
        ? new DedupSink(op, wmUs, checkLate, collectLate)
        : new JoinSideSink(op, wmUs, checkLate, collectLate);
  return {
    push(rows) {
      check();
      if (fn !== null) fn(rows, rt, sink);
      return [];
    },
    finish() {
      check();
      done = true;
      const partials: Array<Array<[string, unknown]>> = Array.from({ length: plan.shufflePartitions }, () => []);
      const n = plan.shufflePartitions;
      if (sink instanceof AggregateSink) collectAggregatePartials(sink, partials);
      else for (const [k, v] of sink instanceof JoinSideSink ? sink.entries() : sink.partials.entries()) (partials[partitionOf(k as string, n)] as Array<[string, unknown]>).push([k as string, v]);
      const result: MapStageResult = { partials, eventTime: stats(), numRowsDroppedByWatermark: sink.dropped };
      if (sink.late) result.lateRows = sink.late;
      return result;
    },
  };
}

/**
 * Whether a map stage drops rows older than the watermark (internal; shared with the columnar stage).
 * @internal
 */
export function lateCheck(plan: QueryPlan, ctx: MapStageContext): boolean {
  return plan.watermark !== null && ctx.watermarkMs > 0 && plan.outputMode !== 'complete';
}

/**
 * Hash-partitions an aggregate sink's partials into `partials` (one list per state partition), as a
 * map stage's `finish` returns them (internal; shared with the columnar stage).
 * @internal
 */
export function collectAggregatePartials(sink: AggregateSink, partials: Array<Array<[string, unknown]>>): void {
  const k = sink.kernel;
  const n = partials.length;
  // Ordered (event-time) aggregations shuffle window blocks: one pair per (window, partition).
  if (k.ordered) k.collectBlocks(sink.partials, new BlockCollector(partials, k.width, k.numeric), new BlockCollector(partials, k.width, k.numeric), sink.idv);
  else k.collect(sink.partials, (key, v) => (partials[partitionOf(key, n)] as Array<[string, unknown]>).push([key, v]));
}

/**
 * Runs the map stage of `sourceIndex` over one whole input partition: {@link openMapStage}, one
 * `push`, `finish` (one code path). Stateless plans: `rows` holds the output rows.
 */
export function runMapStage(plan: QueryPlan, sourceIndex: number, rows: readonly Row[], ctx: MapStageContext): MapStageResult {
  const run = openMapStage(plan, sourceIndex, ctx);
  const out = run.push(rows);
  const result = run.finish();
  return plan.stateful === null ? { rows: out, ...result } : result;
}

export interface StatefulPartitionContext {
  readonly batchTimestampMs: number;
  readonly watermarkMs: number;
  readonly outputMode: OutputMode;
}

export interface StatefulPartitionResult {
  rows: Row[];
  /** State rows (Spark's meaning: groups, dedup keys, join rows) written in this batch; a window-blocked aggregation counts the groups changed, not the windows put. */
  numRowsUpdated: number;
  /** State rows evicted (removed) in this batch; a window-blocked aggregation counts the groups of the windows it removed. */
  numRowsRemoved: number;
  /**
   * State rows (groups) held after this batch, when the store's own key count means something
   * else: a window-blocked aggregation stores one key per window, so the store's `numRowsTotal`
   * counts windows while this counts groups. Absent when the store's count is the state row count.
   */
  numStateRows?: number;
}

function byKey(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function defineRow(o: Row, name: string, v: unknown): void {
  Object.defineProperty(o, name, { value: v, enumerable: true, writable: true, configurable: true });
}

/**
 * Runs the stateful operator for one state partition: merges this batch's partials (from every
 * map task, in task order) into `store`, then emits by output mode and evicts by watermark:
 *
 * | mode | aggregation emits | evicts |
 * |---|---|---|
 * | append | windows/keys whose event time (window end) `<=` watermark, once | the same |
 * | update | keys changed in this batch | keys `<=` watermark |
 * | complete | every key | nothing |
 *
 * Deduplication emits the first row of each new key and evicts keys whose event time
 * (`withinWatermark`: event time + delay) is `<=` the watermark. Emitted rows are sorted by
 * encoded key (deterministic across runs, partition counts and thread counts).
 */
export function runStatefulPartition(
  plan: QueryPlan,
  partials: Iterable<readonly [string, unknown]>,
  store: StateStoreView,
  ctx: StatefulPartitionContext,
): StatefulPartitionResult {
  const op = plan.stateful;
  if (op === null) throw PlannerErrors.PLANNER_INTERNAL_ERROR({ reason: 'runStatefulPartition called for a stateless plan' });
  const wmUs = ctx.watermarkMs * 1000;
  const finalFn = compileStage(op.finalCode);
  const rt = newRuntime(plan, ctx.batchTimestampMs);
  if (op.kind === 'streamJoin') {
    const r = runStreamJoin(op, partials, store, plan.watermark !== null ? wmUs : 0);
    return { ...r, rows: finalFn(r.rows, rt, null) };
  }
  if (op.kind === 'dedup') {
    const r = runDedup(op, partials, store, wmUs, plan.watermark !== null);
    return { ...r, rows: finalFn(r.rows, rt, null) };
  }
  const r = op.window?.kind === 'session' ? runSessions(op, partials, store, wmUs, ctx.outputMode) : runAggregate(op, partials, store, wmUs, ctx.outputMode);
  let rows = finalFn(r.rows, rt, null);
  if (op.sortBy) {
    const keys = op.sortBy;
    rows = rows
      .map((row, i) => ({ row, i }))
      .sort((a, b) => {
        for (const k of keys) {
          const x = a.row[k] ?? null;
          const y = b.row[k] ?? null;
          if (x === y) continue;
          if (x === null) return -1;
          if (y === null) return 1;
          const c = compareValues(x, y);
          if (c !== 0) return c;
        }
        return a.i - b.i;
      })
      .map((x) => x.row);
  }
  return { ...r, rows };
}

function intermediateRow(op: AggregateOperator, key: string, states: readonly unknown[], specs: readonly AggSpec[], session?: Session): Row {
  const keys = decodeKey(key);
  const o: Row = {};
  op.keyNames.forEach((n, i) => {
    let v = keys[i] ?? null;
    if (op.window && i === op.window.keyIndex) {
      v = session ? { start: session[0], end: session[1] } : { start: (v as number[])[0], end: (v as number[])[1] };
    }
    defineRow(o, n, v);
  });
  op.aggs.forEach((a, i) => defineRow(o, a.name, stateResult(specs[i] as AggSpec, states[i])));
  return o;
}

/**
 * Non-session aggregation over the state store. With an event-time key (a window, or the
 * watermarked column) the state is window-blocked: see `window-blocks.ts`. Without one, each
 * group is one store key (its key JSON) holding its flat state, and nothing is evicted.
 */
function runAggregate(
  op: AggregateOperator,
  partials: Iterable<readonly [string, unknown]>,
  store: StateStoreView,
  wmUs: number,
  mode: OutputMode,
): StatefulPartitionResult {
  const k = aggregateKernel(op);
  // An event-time key: state is window-blocked (window-blocks.ts), one store key per window.
  if (k.ordered) return runBlockAggregate(k, partials, store, wmUs, true, mode);
  // Window blocks (of an event-time aggregation) sort before JSON keys: refuse them, never misread.
  for (const [key] of store.entries()) {
    if (isBlockKey(key)) throw PlannerErrors.STATE_STORE_KEY_SCHEMA_NOT_COMPATIBLE({ reason: `state key ${JSON.stringify(key.slice(0, 80))} is a window block of an event-time aggregation, not a per-group key` });
    break;
  }
  // numRowsUpdated counts distinct keys put. A key occurs at most once per map task's block, so
  // duplicates are keys already put in this batch; a key with no previous value is new, hence
  // distinct. New keys are only listed until the first key that had a value: from then on a Set
  // tells a key put earlier in this batch from one carried over from an earlier batch (a batch of
  // only new groups, the common windowed case, builds no Set).
  let newKeys: string[] | null = [];
  let seen: Set<string> | null = null;
  let updated = 0;
  for (const [key, partial] of partials) {
    const prev = store.get(key) as unknown[] | undefined;
    if (prev === undefined) {
      store.put(key, partial);
      updated++;
      if (seen === null) (newKeys as string[]).push(key);
      else seen.add(key);
    } else {
      store.put(key, k.merge(prev, partial as unknown[]));
      if (seen === null) {
        seen = new Set(newKeys);
        newKeys = null;
      }
      if (!seen.has(key)) {
        seen.add(key);
        updated++;
      }
    }
  }
  const rows: Row[] = [];
  if (mode === 'complete') {
    for (const [key, v] of store.entries()) rows.push(k.emit(key, v as unknown[]));
    return { rows, numRowsUpdated: updated, numRowsRemoved: 0 };
  }
  if (mode === 'update') {
    const changed = seen === null ? (newKeys as string[]) : [...seen];
    for (const key of changed.sort(byKey)) rows.push(k.emit(key, store.get(key) as unknown[]));
  }
  // No event-time key: nothing ever closes (Spark keeps such state for the query's lifetime).
  return { rows, numRowsUpdated: updated, numRowsRemoved: 0 };
}

function runSessions(
  op: AggregateOperator,
  partials: Iterable<readonly [string, unknown]>,
  store: StateStoreView,
  wmUs: number,
  mode: OutputMode,
): StatefulPartitionResult {
  const specs: AggSpec[] = op.aggs.map((a) => ({ fn: a.fn, star: a.star }));
  let updated = 0;
  for (const [key, partial] of partials) {
    const list: Session[] = ((store.get(key) as Session[] | undefined) ?? []).map((s) => [s[0], s[1], s[2]]);
    for (const s of partial as Session[]) insertSession(list, [s[0], s[1], s[2]], specs);
    store.put(key, list);
    updated++;
  }
  const rows: Row[] = [];
  let removed = 0;
  const entries = [...store.entries()];
  for (const [k, v] of entries) {
    const list = v as Session[];
    if (mode === 'complete') {
      for (const s of list) rows.push(intermediateRow(op, k, s[2], specs, s));
      continue;
    }
    const closed = wmUs > 0 ? list.filter((s) => s[1] <= wmUs) : [];
    if (closed.length === 0) continue;
    for (const s of closed) rows.push(intermediateRow(op, k, s[2], specs, s));
    const open = list.filter((s) => s[1] > wmUs);
    if (open.length === 0) store.remove(k);
    else store.put(k, open);
    removed += closed.length;
  }
  return { rows, numRowsUpdated: updated, numRowsRemoved: removed };
}

function runDedup(
  op: DeduplicateOperator,
  partials: Iterable<readonly [string, unknown]>,
  store: StateStoreView,
  wmUs: number,
  hasWatermark: boolean,
): StatefulPartitionResult {
  const fresh: [string, Row][] = [];
  let updated = 0;
  for (const [key, row] of partials) {
    if (store.get(key) !== undefined) continue;
    const t = op.eventTimeColumn === null ? null : ((row as Row)[op.eventTimeColumn] as number | null);
    // Value: the event time the entry expires at (withinWatermark: first event time + delay).
    const value = t === null ? 0 : op.withinWatermark ? t + op.delayUs : t;
    store.put(key, value);
    fresh.push([key, row as Row]);
    updated++;
  }
  let removed = 0;
  if (hasWatermark && op.eventTimeColumn !== null && wmUs > 0) {
    const evict = [...store.entries()].filter(([, v]) => typeof v === 'number' && v <= wmUs).map(([k]) => k);
    for (const k of evict) store.remove(k);
    removed = evict.length;
  }
  fresh.sort((a, b) => byKey(a[0], b[0]));
  return { rows: fresh.map(([, r]) => r), numRowsUpdated: updated, numRowsRemoved: removed };
}
