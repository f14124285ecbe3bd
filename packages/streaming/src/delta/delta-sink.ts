import {
  CoreErrors,
  defineOptions,
  parseOptions,
  type BatchInfo,
  type Engine,
  type OutputMode,
  type RowBatch,
  type Sink,
  type SinkContext,
  type SinkPlugin,
  type StructType,
  type WriterFactory,
} from '@weir/core';
import { DeltaStreamingErrors } from './delta-errors.js';
import { commitToTable, loadTableState, writeFiles, type DeltaAddAction } from './delta-table-access.js';
import { DELTA_TASKS_MODULE } from './task-module.js';

/** Options of the `delta` sink (Delta's names). */
export const DELTA_SINK_OPTIONS = defineOptions([
  { name: 'path', kind: 'string', doc: 'The table path (or pass it to start(path)).' },
  { name: 'checkpointLocation', kind: 'string', doc: 'Handled by the engine; accepted here so it may be passed as a sink option.' },
  { name: 'mergeSchema', kind: 'boolean', default: 'false', doc: 'Add columns the batch has and the table lacks (Delta schema evolution).' },
  { name: 'overwriteSchema', kind: 'boolean', default: 'false', doc: 'In complete mode, replace the table schema with the batch schema.' },
  {
    name: 'txnAppId',
    kind: 'string',
    doc: 'Idempotent batch writes (Delta): the txn appId, with txnVersion. For writes from foreachBatch use writeDeltaBatch(engine, path, batch, { txnAppId, txnVersion }); a streaming Delta sink always uses txn(queryId, batchId), so setting it here is refused.',
  },
  { name: 'txnVersion', kind: 'long', min: 0, doc: 'Idempotent batch writes (Delta): the txn version, with txnAppId (see txnAppId).' },
  { name: 'maxCommitAttempts', kind: 'int', default: '10', min: 1, doc: 'How many times a conflicting commit is retried (re-checking the txn first).' },
]);

/** How a Delta sink is configured (plain data). */
export interface DeltaSinkOptions {
  readonly path: string;
  /** Delta's txn appId: the query id for streaming writes. */
  readonly appId: string;
  readonly outputMode: OutputMode;
  readonly partitionColumns: readonly string[];
  /** Defaults to `false`. */
  readonly mergeSchema?: boolean;
  /** Defaults to `false`. */
  readonly overwriteSchema?: boolean;
  /** Defaults to 10. */
  readonly maxCommitAttempts?: number;
}

const DEFAULTS: Required<Pick<DeltaSinkOptions, 'mergeSchema' | 'overwriteSchema' | 'maxCommitAttempts'>> = Object.freeze({
  mergeSchema: false,
  overwriteSchema: false,
  maxCommitAttempts: 10,
});

/** What the worker-side Delta writer is given (see `delta-tasks.ts`). */
export interface DeltaWriterOptions {
  readonly path: string;
  readonly partitionColumns: readonly string[];
}

export type DeltaBatchCommitResult = 'committed' | 'skipped';

/**
 * Commits one batch's add actions (and, for complete mode, the removal of every current file)
 * with `txn{appId, version}` in ONE Delta commit, unless the table's txn version for `appId` is
 * already ≥ `version` (then the batch was committed before a crash: skip, files stay orphans).
 * A conflicting commit is retried, re-reading the txn each time.
 */
export async function commitDeltaBatch(
  engine: Engine,
  options: DeltaSinkOptions,
  version: number,
  adds: readonly DeltaAddAction[],
  schema: StructType,
): Promise<DeltaBatchCommitResult> {
  const o = { ...DEFAULTS, ...options };
  let lastReason = 'conflict';
  for (let attempt = 1; attempt <= o.maxCommitAttempts; attempt++) {
    // Each attempt re-reads the table: a conflict may be our own txn landing from another run.
    const result = await commitToTable(engine, o.path, {
      adds,
      removeAll: o.outputMode === 'complete',
      txn: { appId: o.appId, version },
      schema,
      partitionColumns: o.partitionColumns,
      mergeSchema: o.mergeSchema,
      overwriteSchema: o.overwriteSchema && o.outputMode === 'complete',
      operation: 'STREAMING UPDATE',
      outputMode: o.outputMode,
    });
    if (result.kind === 'committed') return 'committed';
    if (result.kind === 'skipped') return 'skipped';
    lastReason = `${result.code}: ${result.reason}`;
  }
  throw DeltaStreamingErrors.DELTA_SINK_COMMIT_FAILED({ batchId: version, path: o.path, attempts: o.maxCommitAttempts, reason: lastReason });
}

/**
 * The Delta sink (Delta's `DeltaSink`): append, or complete (= overwrite per batch). Writes run in
 * the workers through a WriterFactory (each task writes Parquet files and returns their `add`
 * actions); `commitBatch` makes them visible in one commit with the query's txn. `addBatch` is the
 * in-thread path (same commit). Exactly-once: see {@link commitDeltaBatch}.
 */
export class DeltaSink implements Sink {
  readonly #engine: Engine;
  readonly #options: DeltaSinkOptions;
  #partitionColumns: readonly string[];

  constructor(engine: Engine, options: DeltaSinkOptions, tablePartitionColumns?: readonly string[]) {
    this.#engine = engine;
    this.#options = Object.freeze({ ...DEFAULTS, ...options });
    // An existing table's partitioning wins over partitionBy (as in Delta, where a mismatch is refused
    // at commit by the log library if both are given and differ).
    this.#partitionColumns = tablePartitionColumns && tablePartitionColumns.length > 0 ? tablePartitionColumns : options.partitionColumns;
  }

  createWriterFactory(): WriterFactory {
    const options: DeltaWriterOptions = { path: this.#options.path, partitionColumns: [...this.#partitionColumns] };
    return { module: DELTA_TASKS_MODULE, handler: 'writeDeltaFiles', options };
  }

  async commitBatch(batchId: number, messages: readonly unknown[], info: BatchInfo): Promise<void> {
    const adds = messages.flatMap((m) => m as DeltaAddAction[]);
    await commitDeltaBatch(this.#engine, { ...this.#options, partitionColumns: this.#partitionColumns }, batchId, adds, info.schema);
  }

  async addBatch(batchId: number, batch: RowBatch, info: BatchInfo): Promise<void> {
    const state = await loadTableState(this.#engine, this.#options.path);
    const done = state?.txnVersion(this.#options.appId);
    if (done !== undefined && done >= batchId) return;
    const partitionColumns = state?.partitionColumns ?? this.#partitionColumns;
    const adds = batch.rows.length === 0 ? [] : await writeFiles(this.#engine, this.#options.path, batch, partitionColumns);
    await commitDeltaBatch(this.#engine, { ...this.#options, partitionColumns }, batchId, adds, info.schema);
  }

  async close(): Promise<void> {}
}

/** The `delta` sink plugin: `df.writeStream.format('delta').option('checkpointLocation', …).start(path)`. */
export const deltaSinkPlugin: SinkPlugin = Object.freeze({
  name: 'delta',
  options: DELTA_SINK_OPTIONS,
  outputModes: Object.freeze(['append', 'complete'] as const),
  async createSink(raw: Readonly<Record<string, string>>, ctx: SinkContext): Promise<Sink> {
    const opts = parseOptions(DELTA_SINK_OPTIONS, raw, 'delta sink');
    const path = ctx.path ?? opts.path;
    if (path === undefined) throw DeltaStreamingErrors.DELTA_SINK_PATH_REQUIRED({ sink: 'delta' });
    if ((opts.txnAppId === undefined) !== (opts.txnVersion === undefined)) {
      throw DeltaStreamingErrors.DELTA_TXN_OPTIONS_INCOMPLETE({ txnAppId: opts.txnAppId ?? '', txnVersion: opts.txnVersion ?? '' });
    }
    if (opts.txnAppId !== undefined) {
      // Silently ignoring them would promise an idempotency key the stream does not use.
      throw CoreErrors.INVALID_OPTION({
        option: 'txnAppId',
        owner: 'delta sink',
        reason: 'a streaming Delta sink commits txn(queryId, batchId); use writeDeltaBatch(..., { txnAppId, txnVersion }) inside foreachBatch instead',
        validOptions: DELTA_SINK_OPTIONS.map((o) => o.name).join(', '),
      });
    }
    const state = await loadTableState(ctx.engine, path);
    return new DeltaSink(
      ctx.engine,
      {
        path,
        appId: ctx.queryId,
        outputMode: ctx.outputMode,
        partitionColumns: ctx.partitionBy,
        mergeSchema: opts.mergeSchema,
        overwriteSchema: opts.overwriteSchema,
        maxCommitAttempts: opts.maxCommitAttempts,
      },
      state?.partitionColumns,
    );
  },
});

/** Options of {@link writeDeltaBatch}. */
export interface WriteDeltaBatchOptions {
  /** `append` (default) or `overwrite` (replace every current file). */
  readonly mode?: 'append' | 'overwrite';
  /** Delta's idempotent-write options: both or neither. */
  readonly txnAppId?: string;
  readonly txnVersion?: number;
  readonly partitionBy?: readonly string[];
  readonly mergeSchema?: boolean;
  readonly overwriteSchema?: boolean;
}

/**
 * Writes a batch to a Delta table, idempotently when `txnAppId`/`txnVersion` are given — the
 * foreachBatch pattern Delta documents: `writeDeltaBatch(engine, path, batch, { txnAppId: queryId,
 * txnVersion: batchId })` inside `foreachBatch` turns its at-least-once calls into exactly-once
 * commits (a version ≤ the table's recorded one is skipped).
 */
export async function writeDeltaBatch(
  engine: Engine,
  path: string,
  batch: RowBatch,
  options: WriteDeltaBatchOptions = {},
): Promise<DeltaBatchCommitResult> {
  if ((options.txnAppId === undefined) !== (options.txnVersion === undefined)) {
    throw DeltaStreamingErrors.DELTA_TXN_OPTIONS_INCOMPLETE({ txnAppId: options.txnAppId ?? '', txnVersion: options.txnVersion ?? '' });
  }
  const state = await loadTableState(engine, path);
  if (options.txnAppId !== undefined && options.txnVersion !== undefined) {
    const done = state?.txnVersion(options.txnAppId);
    if (done !== undefined && done >= options.txnVersion) return 'skipped';
  }
  const partitionColumns = state?.partitionColumns ?? options.partitionBy ?? [];
  const adds = batch.rows.length === 0 ? [] : await writeFiles(engine, path, batch, partitionColumns);
  const outputMode: OutputMode = options.mode === 'overwrite' ? 'complete' : 'append';
  if (options.txnAppId === undefined || options.txnVersion === undefined) {
    const result = await commitToTable(engine, path, {
      adds,
      removeAll: outputMode === 'complete',
      txn: null,
      schema: batch.schema,
      partitionColumns,
      mergeSchema: options.mergeSchema ?? false,
      overwriteSchema: options.overwriteSchema ?? false,
      operation: 'WRITE',
      outputMode,
    });
    if (result.kind === 'conflict') {
      throw DeltaStreamingErrors.DELTA_SINK_COMMIT_FAILED({ batchId: -1, path, attempts: 1, reason: `${result.code}: ${result.reason}` });
    }
    return 'committed';
  }
  return commitDeltaBatch(
    engine,
    {
      path,
      appId: options.txnAppId,
      outputMode,
      partitionColumns,
      mergeSchema: options.mergeSchema ?? false,
      overwriteSchema: options.overwriteSchema ?? false,
    },
    options.txnVersion,
    adds,
    batch.schema,
  );
}
