/**
 * Worker-side halves of a micro-batch (they also run in-thread with `threads: 0`). Inputs and
 * outputs are plain data: they cross threads.
 *
 * ```text
 *  main thread                         worker
 *  ───────────                         ──────
 *  mapTask(plan, partition) ─────────▶ per chunk of partitionChunkReaders[reader](data)
 *                                        (or the whole partitionReaders[reader](data)):
 *                                        stage.push(chunk) of openMapStage(plan, sourceIndex)
 *                                        stateless + WriterFactory → DataWriter.write(out) … commit()
 *                                        stateless                 → rows
 *                                        stateful                  → one msgpackr block per state partition
 *  statefulTask(p, blocks) ──affinity p─▶ store = provider(p).load(batchId)
 *                                      runStatefulPartition(plan, partials, store) → commit()
 *                                        → writer handler (commit message) or rows
 * ```
 */
import {
  columnChunkToRows,
  StructType,
  type DataWriter,
  type DataWriterInput,
  type InputPartition,
  type OutputMode,
  type PartitionChunkReader,
  type PartitionColumnReader,
  type PartitionReader,
  type Row,
  type RowBatch,
  type TaskContext,
  type WriterFactory,
  type WriterTaskInput,
} from '@weir/core';
import {
  openColumnarMapStage,
  openMapStage,
  runStatefulPartition,
  runStatefulPartitionColumnar,
  type ColumnarMapStageRun,
  type ColumnarStatefulPartitionResult,
  type EventTimeStats,
  type MapStageResult,
  type QueryPlan,
  type StatefulResult,
} from './planner-bridge.js';
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
  /**
   * Run column chunks end to end (reader → stage → writer) when the reader module, the stage and
   * the sink's writer all offer their columnar form (`weir.sql.columnarExecution.enabled`).
   * Absent means false.
   */
  readonly columnar?: boolean;
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
  /**
   * Emit the output as column chunks to the sink's writer when the planner has a columnar form
   * of the operator (`weir.sql.columnarExecution.enabled`). Absent means false.
   */
  readonly columnar?: boolean;
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

type ChunkReaderModule = {
  partitionReaders?: Record<string, PartitionReader>;
  partitionChunkReaders?: Record<string, PartitionChunkReader>;
  partitionColumnReaders?: Record<string, PartitionColumnReader>;
};

async function notFound(what: string, module: string): Promise<never> {
  const { StreamingErrors } = await import('../errors.js');
  throw StreamingErrors.STREAM_FAILED({ query: '?', id: '?', runId: '?', reason: `no ${what} in ${module}` });
}

/**
 * The partition's rows in chunks: the source's chunk reader when it has one, so the task never
 * holds its whole partition (rows die young instead of being promoted); else the whole
 * partition as one chunk.
 */
async function partitionChunks(partition: InputPartition, ctx: TaskContext): Promise<AsyncIterable<RowBatch>> {
  const mod = (await import(partition.readerModule)) as ChunkReaderModule;
  const chunked = mod.partitionChunkReaders?.[partition.reader];
  if (typeof chunked === 'function') return chunked(partition.data, ctx);
  const whole = mod.partitionReaders?.[partition.reader];
  if (typeof whole !== 'function') return notFound(`partition reader ${partition.reader}`, partition.readerModule);
  return (async function* () {
    yield await whole(partition.data, ctx);
  })();
}

/** The source's columnar reader of this partition, when its module exports one. */
async function partitionColumnReader(partition: InputPartition): Promise<PartitionColumnReader | null> {
  const mod = (await import(partition.readerModule)) as ChunkReaderModule;
  const reader = mod.partitionColumnReaders?.[partition.reader];
  return typeof reader === 'function' ? reader : null;
}

type WriterModule = {
  taskHandlers?: Record<string, (input: WriterTaskInput, ctx: TaskContext) => Promise<unknown>>;
  dataWriters?: Record<string, (input: DataWriterInput, ctx: TaskContext) => Promise<DataWriter>>;
};

/**
 * Opens the sink's worker-side writer for one task: its streaming `DataWriter` when the module
 * exports one, else an adapter that gathers the rows and calls the batch handler at commit.
 */
async function openDataWriter(writer: WriterFactory, batchId: number, taskId: number, plan: QueryPlan, ctx: TaskContext): Promise<DataWriter> {
  const mod = (await import(writer.module)) as WriterModule;
  const schema = StructType.fromJSON(plan.outputSchema);
  const streaming = mod.dataWriters?.[writer.handler];
  if (typeof streaming === 'function') return streaming({ options: writer.options, batchId, taskId, schema }, ctx);
  const handler = mod.taskHandlers?.[writer.handler];
  if (typeof handler !== 'function') return notFound(`writer handler ${writer.handler}`, writer.module);
  const rows: Row[] = [];
  return {
    write: async (chunk) => {
      for (const r of chunk) rows.push(r);
    },
    commit: () => handler({ options: writer.options, batchId, taskId, batch: { schema, rows } }, ctx),
    abort: async () => {},
  };
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

/** @internal How many map tasks of this module instance took each path (tests check the columnar one ran). */
export const mapTaskPaths = { rows: 0, columnar: 0 };

/** @internal The same for stateful tasks. */
export const statefulTaskPaths = { rows: 0, columnar: 0 };

/**
 * Reads one input partition chunk by chunk through the map stage: a stateless plan's output
 * goes straight to the sink's writer (or is returned), a stateful plan's partials are combined
 * across chunks and returned as one encoded block per state partition.
 */
export async function mapTask(input: MapTaskInput, ctx: TaskContext): Promise<MapTaskOutput> {
  const stageCtx = { batchTimestampMs: input.batchTimestampMs, watermarkMs: input.watermarkMs, collectLateRows: input.collectLateRows };
  const stateful = input.plan.stateful !== null;
  const writer = !stateful && input.writer !== null ? await openDataWriter(input.writer, input.batchId, input.taskId, input.plan, ctx) : null;
  // Columns end to end when every piece has its columnar form: a stateful plan's stage folds
  // chunks into partials; a stateless one needs a sink writer that takes chunks.
  if (input.columnar === true && (stateful || (writer !== null && typeof writer.writeColumns === 'function'))) {
    const reader = await partitionColumnReader(input.partition);
    const columnar =
      reader === null
        ? null
        : openColumnarMapStage(input.plan, input.sourceIndex, stageCtx);
    if (reader !== null && columnar !== null) {
      mapTaskPaths.columnar++;
      return columnarMapTask(input, ctx, reader, columnar, writer);
    }
  }
  mapTaskPaths.rows++;
  const stage = openMapStage(input.plan, input.sourceIndex, stageCtx);
  const returned: Row[] = [];
  let numInputRows = 0;
  let numOutputRows = 0;
  // Everything after the writer opened runs under one guard: a failing read, stage, `write` or
  // `commit` must not leave the writer's files behind (the retried task writes its own).
  return withAbortOnFailure(writer, async () => {
    for await (const chunk of await partitionChunks(input.partition, ctx)) {
      numInputRows += chunk.rows.length;
      const out = stage.push(chunk.rows);
      numOutputRows += out.length;
      if (writer !== null) {
        if (out.length > 0) await writer.write(out);
      } else for (const r of out) returned.push(r);
    }
    return mapTaskOutput(stage.finish(), numInputRows, numOutputRows, writer, returned, ctx);
  });
}

/**
 * A map task's answer from its stage's result, the same for rows and column chunks: a stateful
 * plan's partials as one encoded block per state partition, else the writer's commit message, else
 * the returned rows. Runs inside the abort guard (it commits the writer).
 */
async function mapTaskOutput(res: MapStageResult, numInputRows: number, numOutputRows: number, writer: DataWriter | null, returned: Row[], ctx: TaskContext): Promise<MapTaskOutput> {
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
  if (writer !== null) return { ...common, commitMessage: await writer.commit(), numOutputRows };
  return { ...common, rows: returned, numOutputRows };
}

/**
 * `mapTask` in column chunks: no row object between the reader and the Parquet pages (stateless)
 * or the aggregation sink (stateful). Same output as the row path (each columnar contract is
 * defined as equal to its row form), the same abort-on-failure guard.
 */
function columnarMapTask(input: MapTaskInput, ctx: TaskContext, reader: PartitionColumnReader, stage: ColumnarMapStageRun, writer: DataWriter | null): Promise<MapTaskOutput> {
  const writeColumns = writer === null ? null : (writer.writeColumns as NonNullable<DataWriter['writeColumns']>).bind(writer);
  return withAbortOnFailure(writer, async () => {
    let numInputRows = 0;
    let numOutputRows = 0;
    // The reader converts only the columns the stage reads (the rest come back all-null).
    for await (const chunk of reader(input.partition.data, ctx, { columns: stage.columns })) {
      numInputRows += chunk.numRows;
      const out = stage.push(chunk);
      numOutputRows += out.numRows;
      if (out.numRows > 0 && writeColumns !== null) await writeColumns(out);
    }
    return mapTaskOutput(stage.finish(), numInputRows, numOutputRows, writer, [], ctx);
  });
}

/**
 * Runs `work`; when it throws, calls the writer's `abort()` (Spark's `DataWriter.abort` after a
 * failed task) and rethrows the ORIGINAL error: abort is best effort, so its own failure is
 * swallowed rather than hiding why the task failed.
 */
async function withAbortOnFailure<T>(writer: DataWriter | null, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (writer !== null && typeof writer.abort === 'function') {
      try {
        await writer.abort();
      } catch {
        // Orphans at worst: no commit references them.
      }
    }
    throw e;
  }
}

/** Runs one state partition of a stateful plan: load version batchId, update, commit batchId+1. */
export async function statefulTask(input: StatefulTaskInput, ctx: TaskContext): Promise<StatefulTaskOutput> {
  const store = await openStateStore(ctx, input.runId, input.checkpoint, input.operatorId, input.partition, input.batchId, input.minBatchesToRetain);
  const partials = function* (): Iterable<readonly [string, unknown]> {
    for (const b of input.blocks) yield* ctx.engine.codec.decode(b) as Array<[string, unknown]>;
  };
  const stageCtx = { batchTimestampMs: input.batchTimestampMs, watermarkMs: input.watermarkMs, outputMode: input.outputMode };
  let res: StatefulResult | ColumnarStatefulPartitionResult;
  try {
    // Column chunks only feed a writer; returned output stays rows.
    const columnar = input.columnar === true && input.writer !== null ? runStatefulPartitionColumnar(input.plan, partials(), store.view, stageCtx) : null;
    res = columnar ?? runStatefulPartition(input.plan, partials(), store.view, stageCtx);
    statefulTaskPaths[columnar === null ? 'rows' : 'columnar']++;
  } catch (e) {
    store.abort();
    throw e;
  }
  const stats = (): Omit<StatefulTaskOutput, 'rows' | 'commitMessage'> => {
    const metrics = store.metrics();
    return {
      numOutputRows: 'chunks' in res ? res.numOutputRows : res.rows.length,
      numRowsUpdated: res.numRowsUpdated,
      numRowsRemoved: res.numRowsRemoved,
      // Spark's meaning, state rows: a window-blocked aggregation's store holds one key per window.
      numRowsTotal: res.numStateRows ?? metrics.numRowsTotal,
      memoryUsedBytes: metrics.memoryUsedBytes,
      commitTimeMs: metrics.commitTimeMs,
    };
  };
  if (input.writer === null) {
    await store.commit();
    return { ...stats(), rows: (res as StatefulResult).rows };
  }
  // The state commit (encode, write, fsync, rename) runs while the output is encoded and written:
  // its disk wait overlaps the writer's CPU. The task succeeds only when both do, as before (the
  // state version was already committed before the output was written).
  const committed = store.commit();
  // Handled here so a failure that lands while the writer works is not an unhandled rejection.
  committed.catch(() => undefined);
  let writer: DataWriter;
  try {
    writer = await openDataWriter(input.writer, input.batchId, input.taskId, input.plan, ctx);
  } catch (e) {
    await committed.catch(() => undefined);
    throw e;
  }
  return withAbortOnFailure(writer, async () => {
    try {
      if (!('chunks' in res)) await writer.write(res.rows);
      else if (typeof writer.writeColumns === 'function') for (const c of res.chunks) await writer.writeColumns(c);
      else for (const c of res.chunks) await writer.write(columnChunkToRows(c));
    } finally {
      // Never leave the commit running behind a failed task (its retry loads the same version).
      await committed.catch(() => undefined);
    }
    await committed;
    return { ...stats(), commitMessage: await writer.commit() };
  });
}
