/**
 * Worker-side halves of a micro-batch (they also run in-thread with `threads: 0`). Inputs and
 * outputs are plain data: they cross threads.
 *
 * ```text
 *  main thread                         worker
 *  ───────────                         ──────
 *  mapTask(plan, partition) ─────────▶ partitionReaders[reader](data) → rows
 *                                      runMapStage(plan, sourceIndex, rows)
 *                                        stateless + WriterFactory → writer handler → commit message
 *                                        stateless                 → rows
 *                                        stateful                  → one msgpackr block per state partition
 *  statefulTask(p, blocks) ──affinity p─▶ store = provider(p).load(batchId)
 *                                      runStatefulPartition(plan, partials, store) → commit()
 *                                        → writer handler (commit message) or rows
 * ```
 */
import { StructType, type OutputMode, type InputPartition, type Row, type TaskContext, type WriterFactory, type WriterTaskInput } from '@weir/core';
import { runMapStage, runStatefulPartition, type EventTimeStats, type QueryPlan } from './planner-bridge.js';
import { openStateStore } from './state-store-bridge.js';

export interface MapTaskInput {
  readonly plan: QueryPlan;
  readonly sourceIndex: number;
  readonly partition: InputPartition;
  readonly batchId: number;
  readonly taskId: number;
  readonly batchTimestampMs: number;
  readonly watermarkMs: number;
  /** Stateless plans writing in the worker. */
  readonly writer: WriterFactory | null;
  /** Return rows dropped by the watermark (a late-data sink is configured). */
  readonly collectLateRows: boolean;
}

export interface MapTaskOutput {
  readonly numInputRows: number;
  readonly rows?: Row[];
  readonly commitMessage?: unknown;
  readonly numOutputRows: number;
  /** Stateful plans: one encoded `[key, partial][]` block per state partition (null when empty). */
  readonly blocks?: Array<Uint8Array | null>;
  readonly eventTime: EventTimeStats | null;
  readonly numRowsDroppedByWatermark: number;
  readonly lateRows?: Row[];
}

export interface StatefulTaskInput {
  readonly plan: QueryPlan;
  readonly runId: string;
  readonly checkpoint: string;
  readonly operatorId: number;
  readonly partition: number;
  readonly batchId: number;
  readonly taskId: number;
  readonly blocks: readonly Uint8Array[];
  readonly batchTimestampMs: number;
  readonly watermarkMs: number;
  readonly outputMode: OutputMode;
  readonly writer: WriterFactory | null;
  readonly minBatchesToRetain: number;
}

export interface StatefulTaskOutput {
  readonly rows?: Row[];
  readonly commitMessage?: unknown;
  readonly numOutputRows: number;
  readonly numRowsUpdated: number;
  readonly numRowsRemoved: number;
  readonly numRowsTotal: number;
  readonly memoryUsedBytes: number;
  readonly commitTimeMs: number;
}

async function readPartition(partition: InputPartition, ctx: TaskContext): Promise<readonly Row[]> {
  const mod = (await import(partition.readerModule)) as { partitionReaders?: Record<string, (data: unknown, ctx: TaskContext) => Promise<{ rows: readonly Row[] }>> };
  const reader = mod.partitionReaders?.[partition.reader];
  if (typeof reader !== 'function') {
    const { StreamingErrors } = await import('../errors.js');
    throw StreamingErrors.STREAM_FAILED({ query: '?', id: '?', runId: '?', reason: `no partition reader ${partition.reader} in ${partition.readerModule}` });
  }
  return (await reader(partition.data, ctx)).rows;
}

async function write(writer: WriterFactory, batchId: number, taskId: number, plan: QueryPlan, rows: Row[], ctx: TaskContext): Promise<unknown> {
  const mod = (await import(writer.module)) as { taskHandlers: Record<string, (input: WriterTaskInput, ctx: TaskContext) => Promise<unknown>> };
  const handler = mod.taskHandlers[writer.handler];
  if (typeof handler !== 'function') {
    const { StreamingErrors } = await import('../errors.js');
    throw StreamingErrors.STREAM_FAILED({ query: '?', id: '?', runId: '?', reason: `no writer handler ${writer.handler} in ${writer.module}` });
  }
  return handler({ options: writer.options, batchId, taskId, batch: { schema: StructType.fromJSON(plan.outputSchema), rows } }, ctx);
}

/** What a warm-up task loads: modules whose handlers/readers the coming tasks will import. */
export interface WarmUpInput {
  readonly modules: readonly string[];
}

/**
 * Loads modules into this worker ahead of the first batch. A cold worker pays its module graph
 * (TypeScript transpile under tsx, @weir/*, parquet, msgpackr) on its first task; doing that
 * while the main thread is still discovering files keeps it off the first batch's critical path
 * and lets benchmarks report the one-off pool start separately.
 */
export async function warmUp(input: WarmUpInput, _ctx: TaskContext): Promise<{ readonly modules: number }> {
  for (const m of input.modules) await import(m);
  return { modules: input.modules.length };
}

/** Reads one input partition and runs the map stage over it. */
export async function mapTask(input: MapTaskInput, ctx: TaskContext): Promise<MapTaskOutput> {
  let rows: readonly Row[] | null = await readPartition(input.partition, ctx);
  const numInputRows = rows.length;
  const res = runMapStage(input.plan, input.sourceIndex, rows, {
    batchTimestampMs: input.batchTimestampMs,
    watermarkMs: input.watermarkMs,
    collectLateRows: input.collectLateRows,
  });
  // The stage made its own output rows: let the input go before the (allocation-heavy) write, so
  // the partition is not held twice while Parquet pages are built.
  rows = null;
  const common = {
    numInputRows,
    eventTime: res.eventTime,
    numRowsDroppedByWatermark: res.numRowsDroppedByWatermark,
    ...(res.lateRows && res.lateRows.length > 0 ? { lateRows: res.lateRows } : {}),
  };
  if (res.partials !== undefined) {
    const blocks = res.partials.map((p) => (p.length === 0 ? null : ctx.engine.codec.encode(p)));
    return { ...common, blocks, numOutputRows: 0 };
  }
  const out = res.rows ?? [];
  if (input.writer !== null) {
    const commitMessage = await write(input.writer, input.batchId, input.taskId, input.plan, out, ctx);
    return { ...common, commitMessage, numOutputRows: out.length };
  }
  return { ...common, rows: out, numOutputRows: out.length };
}

/** Runs one state partition of a stateful plan: load version batchId, update, commit batchId+1. */
export async function statefulTask(input: StatefulTaskInput, ctx: TaskContext): Promise<StatefulTaskOutput> {
  const store = await openStateStore(ctx, input.runId, input.checkpoint, input.operatorId, input.partition, input.batchId, input.minBatchesToRetain);
  const partials = function* (): Iterable<readonly [string, unknown]> {
    for (const b of input.blocks) yield* ctx.engine.codec.decode(b) as Array<[string, unknown]>;
  };
  let res;
  try {
    res = runStatefulPartition(input.plan, partials(), store.view, {
      batchTimestampMs: input.batchTimestampMs,
      watermarkMs: input.watermarkMs,
      outputMode: input.outputMode,
    });
  } catch (e) {
    store.abort();
    throw e;
  }
  await store.commit();
  const metrics = store.metrics();
  const commitTimeMs = metrics.commitTimeMs;
  const stats = {
    numOutputRows: res.rows.length,
    numRowsUpdated: res.numRowsUpdated,
    numRowsRemoved: res.numRowsRemoved,
    numRowsTotal: metrics.numRowsTotal,
    memoryUsedBytes: metrics.memoryUsedBytes,
    commitTimeMs,
  };
  if (input.writer !== null) {
    const commitMessage = await write(input.writer, input.batchId, input.taskId, input.plan, res.rows, ctx);
    return { ...stats, commitMessage };
  }
  return { ...stats, rows: res.rows };
}
