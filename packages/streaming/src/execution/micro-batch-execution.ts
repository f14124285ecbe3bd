import { randomUUID } from 'node:crypto';
import {
  READ_ALL_AVAILABLE,
  StructType,
  WeirError,
  joinPath,
  offsetEquals,
  utf8Encode,
  type BatchInfo,
  type Engine,
  type InputPartition,
  type Offset,
  type OutputMode,
  type Row,
  type Sink,
  type Source,
  type WriterFactory,
} from '@weir/core';
import { CommitLog } from '../checkpoint/commit-log.js';
import { OffsetSeqLog, type OffsetSeqMetadata } from '../checkpoint/offset-seq-log.js';
import { readOrCreateStreamMetadata } from '../checkpoint/stream-metadata.js';
import { StreamingErrors } from '../errors.js';
import type { DurationMs, StateOperatorProgress, StreamingQueryProgress, StreamingQueryStatus } from '../progress.js';
import { formatTimestamp } from '../progress.js';
import type { ListenerBus } from '../query-listener.js';
import { ConfKeys, FROZEN_CONF_KEYS, intConf } from '../session/conf.js';
import type { StreamingQuery } from '../streaming-query.js';
import { planQuery, remapSourceIndices, type EventTimeStats, type PlannerDataFrame, type QueryPlan, type SourceRef } from './planner-bridge.js';
import { forgetStateStores } from './state-store-bridge.js';
import type { MapTaskInput, MapTaskOutput, StatefulTaskInput, StatefulTaskOutput } from './task-handlers.js';
import { nextBatchTime, type TriggerSpec } from './trigger.js';
import { WatermarkTracker, type MultipleWatermarkPolicy } from './watermark-tracker.js';

/** How a query's source is created at start (one per source ref of the plan, in ref order). */
export interface SourceFactory {
  readonly ref: SourceRef;
  readonly description: string;
  create(ctx: { metadataPath: string; conf: Readonly<Record<string, string>> }): Promise<Source>;
}

/** What the late-data hook receives: the dropped rows and the watermark they were dropped under. */
export interface LateDataInfo {
  readonly batchId: number;
  readonly watermarkMs: number;
}
export type LateDataHandler = (rows: readonly Row[], info: LateDataInfo) => void | Promise<void>;

export interface MicroBatchExecutionOptions {
  readonly engine: Engine;
  /** Session conf (Spark keys); frozen keys are overridden by the offset log on restart. */
  readonly conf: Readonly<Record<string, string>>;
  readonly name: string | null;
  readonly checkpoint: string;
  readonly frame: PlannerDataFrame;
  readonly sources: readonly SourceFactory[];
  readonly sinkDescription: string;
  readonly sinkOutputModes: readonly OutputMode[];
  readonly createSink: (ctx: { queryId: string; conf: Readonly<Record<string, string>> }) => Promise<Sink>;
  readonly outputMode: OutputMode;
  readonly trigger: TriggerSpec;
  readonly listeners: ListenerBus;
  readonly log: (message: string) => void;
  readonly onLateData?: LateDataHandler;
  /** A temporary checkpoint (no checkpointLocation given): its files are deleted when the query stops cleanly, as Spark does. */
  readonly deleteCheckpointOnStop?: boolean;
  /**
   * Called once the query id is known and before anything runs (the session refuses a second
   * active query on the same checkpoint or name by throwing here).
   */
  readonly onStarting?: (query: MicroBatchExecution) => void;
  /** Called when the query terminates, or fails to start after `onStarting` (the session drops it from its active list). */
  readonly onTerminated?: (query: MicroBatchExecution) => void;
}

/** The module task handlers live in (this package's entry). */
const TASK_MODULE = '@weir/streaming';

/**
 * Spark's `MicroBatchExecution`: the loop that turns a streaming plan into a sequence of
 * exactly-once micro-batches over the checkpoint's write-ahead logs.
 *
 * ```text
 * start ─▶ populateStartOffsets ─▶ ┌─ trigger ───────────────────────────────────────────────┐
 *                                   │ constructNextBatch: latestOffset per source (read limit)│
 *                                   │   new data or watermark moved? ─no─▶ idle              │
 *                                   │   write offsets/<batchId>  (walCommit)                  │
 *                                   │ runBatch: plan partitions, map tasks, state tasks,      │
 *                                   │   sink.addBatch / commitBatch                (addBatch) │
 *                                   │ markMicroBatchEnd: commits/<batchId>, source.commit     │
 *                                   │   (commitOffsets), progress                             │
 *                                   └─────────────────────────────────────────────────────────┘
 * ```
 *
 * Recovery (`populateStartOffsets`, as in Spark):
 * ```text
 * latest offsets/N exists?
 *   no  → batch 0, nothing committed
 *   yes → availableOffsets = offsets/N, batch watermark/timestamp/confs from offsets/N
 *         committedOffsets = offsets/N-1 (if N > 0)
 *         commits/N exists   → batch N is done: committedOffsets = offsets/N, next batch N+1
 *         commits/N-1 exists → re-run batch N with exactly the logged offsets
 *         otherwise          → OFFSET_LOG_GAP
 * ```
 */
export class MicroBatchExecution implements StreamingQuery {
  readonly runId: string = randomUUID();
  readonly name: string | null;
  #id = '';

  readonly #opts: MicroBatchExecutionOptions;
  readonly #engine: Engine;
  #conf: Record<string, string>;
  readonly #offsetLog: OffsetSeqLog;
  readonly #commitLog: CommitLog;

  #sources: Source[] = [];
  #sink: Sink | null = null;
  #plan: QueryPlan | null = null;
  #watermarkTracker: WatermarkTracker | null = null;

  // Spark's StreamExecution state.
  #currentBatchId = -1;
  #isCurrentBatchConstructed = false;
  #committedOffsets: (Offset | null)[] = [];
  #availableOffsets: (Offset | null)[] = [];
  #latestOffsets: (Offset | null)[] = [];
  #offsetSeqMetadata: OffsetSeqMetadata = { batchWatermarkMs: 0, batchTimestampMs: 0, conf: {} };
  #availableNowTargets: (Offset | null)[] | null = null;

  // Progress.
  #recentProgress: StreamingQueryProgress[] = [];
  #status: StreamingQueryStatus = { message: 'Initializing sources', isDataAvailable: false, isTriggerActive: false };
  #lastTriggerStartMs = -1;
  #lastNoDataProgressMs = -1;
  #idleReported = false;

  // Lifecycle.
  #active = false;
  #stopRequested = false;
  #exception: WeirError | null = null;
  #stopController = new AbortController();
  #wakeController = new AbortController();
  #terminated: Promise<void> | null = null;
  #triggerSeq = 0;
  #noDataWaiters: Array<{ afterSeq: number; resolve: () => void; reject: (e: unknown) => void }> = [];

  constructor(opts: MicroBatchExecutionOptions) {
    this.#opts = opts;
    this.#engine = opts.engine;
    this.name = opts.name;
    this.#conf = { ...opts.conf };
    this.#offsetLog = new OffsetSeqLog(this.#engine.storage, joinPath(opts.checkpoint, 'offsets'));
    this.#commitLog = new CommitLog(this.#engine.storage, joinPath(opts.checkpoint, 'commits'));
  }

  get id(): string {
    return this.#id;
  }
  get isActive(): boolean {
    return this.#active;
  }
  get status(): StreamingQueryStatus {
    return this.#status;
  }
  get lastProgress(): StreamingQueryProgress | null {
    return this.#recentProgress[this.#recentProgress.length - 1] ?? null;
  }
  get recentProgress(): readonly StreamingQueryProgress[] {
    return [...this.#recentProgress];
  }
  get exception(): WeirError | null {
    return this.#exception;
  }
  /** The checkpoint location. */
  get checkpoint(): string {
    return this.#opts.checkpoint;
  }
  /** The confs in force (session conf with the frozen ones from the offset log). */
  get conf(): Readonly<Record<string, string>> {
    return this.#conf;
  }

  explain(): string {
    return this.#plan?.explain ?? this.#opts.frame.explain();
  }

  /**
   * Initialises the query (checkpoint metadata, sources, sink, start offsets, plan) and starts
   * the trigger loop in the background. Errors in initialisation (INVALID_OPTION, analysis
   * errors, a refused checkpoint) reject here, before any batch runs.
   */
  async start(): Promise<void> {
    // Refuse what needs no checkpoint before touching it.
    if (!this.#opts.sinkOutputModes.includes(this.#opts.outputMode)) {
      throw StreamingErrors.OUTPUT_MODE_UNSUPPORTED_BY_SINK({
        sink: this.#opts.sinkDescription,
        outputMode: this.#opts.outputMode,
        supported: this.#opts.sinkOutputModes.join(', '),
      });
    }
    const meta = await readOrCreateStreamMetadata(this.#engine.storage, this.#opts.checkpoint, () => randomUUID());
    this.#id = meta.id;
    this.#opts.onStarting?.(this);
    forgetStateStores(this.#opts.checkpoint);
    this.#sources = [];
    try {
      for (let n = 0; n < this.#opts.sources.length; n++) {
        const f = this.#opts.sources[n] as SourceFactory;
        this.#sources.push(await f.create({ metadataPath: joinPath(this.#opts.checkpoint, 'sources', String(n)), conf: this.#conf }));
      }
      this.#sink = await this.#opts.createSink({ queryId: this.#id, conf: this.#conf });
      await this.populateStartOffsets();
      this.#plan = this.#planQuery();
      const policy = (this.#conf[ConfKeys.MULTIPLE_WATERMARK_POLICY] ?? 'min').toLowerCase() as MultipleWatermarkPolicy;
      const perSource = this.#plan.watermarks ?? [];
      const delays = perSource.length > 0 ? new Map(perSource.map((w) => [w.sourceIndex, w.delayMs])) : (this.#plan.watermark?.delayMs ?? 0);
      this.#watermarkTracker = new WatermarkTracker(policy, delays, this.#offsetSeqMetadata.batchWatermarkMs);
      if (this.#committedWatermarkMs !== undefined) this.#watermarkTracker.setWatermark(this.#committedWatermarkMs);
    } catch (e) {
      await this.#closeAll();
      this.#opts.onTerminated?.(this);
      throw e;
    }
    this.#active = true;
    this.#opts.listeners.post('onQueryStarted', { id: this.#id, runId: this.runId, name: this.name, timestamp: formatTimestamp(this.#engine.clock.now()) });
    this.#terminated = this.#runStream();
  }

  #committedWatermarkMs: number | undefined;

  /** The source schemas (JSON) the current plan was made with, by source ordinal. */
  #plannedSchemas: string[] = [];

  /**
   * The schema a source's rows have: the source's own once it exists (a user schema plus what the
   * source adds to it, e.g. cloudFiles' rescued data column or partition columns, which a plan
   * made from the user schema alone would silently drop), else the user schema.
   */
  #sourceSchema(n: number): StructType {
    const f = this.#opts.sources[n] as SourceFactory;
    const source = this.#sources[n] as Source | undefined;
    return source !== undefined ? source.schema() : (f.ref.schema as StructType);
  }

  /**
   * Plans with per-query source indices: the plan's source nodes are renumbered to their ordinal
   * in this query (`sources[n]` ↔ index n), so `sourceSchemas` has exactly one entry per source
   * and map tasks name their source by ordinal, however many streams the process has created.
   */
  #planQuery(): QueryPlan {
    const schemas: StructType[] = [];
    const ordinalOf = new Map<number, number>();
    this.#plannedSchemas = [];
    this.#opts.sources.forEach((f, n) => {
      const schema = this.#sourceSchema(n);
      ordinalOf.set(f.ref.index, n);
      schemas[n] = schema;
      this.#plannedSchemas[n] = StructType.toJSON(schema);
    });
    const plan = remapSourceIndices(this.#opts.frame.plan, (globalIndex) => {
      const n = ordinalOf.get(globalIndex);
      if (n === undefined) throw StreamingErrors.STREAM_FAILED({ query: this.name ?? '', id: this.#id, runId: this.runId, reason: `the plan reads source ${globalIndex}, which this query did not start` });
      return n;
    });
    return planQuery(plan, {
      sourceSchemas: schemas,
      outputMode: this.#opts.outputMode,
      shufflePartitions: intConf(this.#conf, ConfKeys.SHUFFLE_PARTITIONS, 1),
    });
  }

  /**
   * Schema evolution without restart (file source `addNewColumns`): when a source's schema
   * changed since the plan was made, re-plan at this batch boundary. Returns the added column
   * names (empty when nothing changed).
   */
  #replanIfSchemasChanged(): string[] {
    const added: string[] = [];
    let changed = false;
    for (let n = 0; n < this.#sources.length; n++) {
      const now = this.#sourceSchema(n);
      const before = this.#plannedSchemas[n];
      if (before === undefined || StructType.toJSON(now) === before) continue;
      changed = true;
      const old = new Set(StructType.fromJSON(before).fields.map((f) => f.name));
      for (const f of now.fields) if (!old.has(f.name)) added.push(f.name);
    }
    if (!changed) return [];
    this.#plan = this.#planQuery();
    this.#opts.log(`Source schema changed (added columns: ${added.join(', ') || 'none'}); re-planned query ${this.name ?? this.#id} at batch ${this.#currentBatchId}`);
    return added;
  }

  /** Spark's `populateStartOffsets`: where to resume (see the class doc). */
  async populateStartOffsets(): Promise<void> {
    const latest = await this.#offsetLog.getLatest();
    const nSources = this.#sources.length;
    if (latest === undefined) {
      this.#currentBatchId = 0;
      this.#isCurrentBatchConstructed = false;
      this.#committedOffsets = new Array<Offset | null>(nSources).fill(null);
      this.#availableOffsets = [...this.#committedOffsets];
      // Freeze the confs that must survive restarts.
      const frozen: Record<string, string> = {};
      for (const k of FROZEN_CONF_KEYS) if (this.#conf[k] !== undefined) frozen[k] = this.#conf[k] as string;
      this.#offsetSeqMetadata = { batchWatermarkMs: 0, batchTimestampMs: 0, conf: frozen };
      this.#opts.log(`Starting new streaming query ${this.#id} (run ${this.runId}) at batch 0`);
      return;
    }
    const [latestBatchId, nextOffsets] = latest;
    if (nextOffsets.offsets.length !== nSources) {
      throw StreamingErrors.STREAMING_SOURCE_COUNT_MISMATCH({ checkpoint: this.#opts.checkpoint, logged: nextOffsets.offsets.length, actual: nSources });
    }
    this.#currentBatchId = latestBatchId;
    this.#isCurrentBatchConstructed = true;
    this.#availableOffsets = [...nextOffsets.offsets];
    this.#offsetSeqMetadata = nextOffsets.metadata;
    // Frozen confs: the logged values win over the session's.
    for (const [k, v] of Object.entries(nextOffsets.metadata.conf)) this.#conf[k] = v;
    if (latestBatchId !== 0) {
      const prev = await this.#offsetLog.get(latestBatchId - 1);
      if (prev === undefined) throw StreamingErrors.OFFSET_LOG_GAP({ batchId: latestBatchId - 1, checkpoint: this.#opts.checkpoint });
      this.#committedOffsets = [...prev.offsets];
    } else {
      this.#committedOffsets = new Array<Offset | null>(nSources).fill(null);
    }
    const latestCommit = await this.#commitLog.getLatest();
    if (latestCommit !== undefined && latestCommit[0] === latestBatchId) {
      // The last batch finished: move on to the next one.
      this.#committedOffsets = [...this.#availableOffsets];
      this.#committedWatermarkMs = latestCommit[1].nextBatchWatermarkMs;
      this.#currentBatchId = latestBatchId + 1;
      this.#isCurrentBatchConstructed = false;
      for (let i = 0; i < nSources; i++) {
        const o = this.#committedOffsets[i];
        if (o) await (this.#sources[i] as Source).commit(o);
      }
    } else if (latestCommit !== undefined && latestCommit[0] === latestBatchId - 1) {
      // Re-run batch latestBatchId with the logged offsets, watermark and timestamp.
      this.#committedWatermarkMs = latestCommit[1].nextBatchWatermarkMs;
    } else if (latestCommit === undefined && latestBatchId === 0) {
      // Batch 0 was planned but never committed: re-run it.
    } else {
      throw StreamingErrors.OFFSET_LOG_GAP({ batchId: latestBatchId - 1, checkpoint: this.#opts.checkpoint });
    }
    this.#opts.log(`Resuming streaming query ${this.#id} (run ${this.runId}) at batch ${this.#currentBatchId}`);
  }

  // ───────────────────────── the trigger loop ─────────────────────────

  async #runStream(): Promise<void> {
    const trigger = this.#opts.trigger;
    try {
      if (trigger.kind === 'once') {
        this.#opts.log('Trigger.Once is deprecated: use { availableNow: true } (it respects read limits and runs several batches)');
        await this.#runOneTrigger(true);
      } else if (trigger.kind === 'availableNow') {
        await this.#prepareForTriggerAvailableNow();
        while (!this.#stopRequested && (await this.#runOneTrigger(false))) {
          /* Spark's MultiBatchExecutor: run until a trigger constructs no batch. */
        }
      } else {
        await this.#processingTimeLoop(trigger.intervalMs);
      }
    } catch (e) {
      if (!this.#stopRequested || !isAbort(e)) {
        const cause = e;
        this.#exception = StreamingErrors.STREAM_FAILED(
          { query: this.name ?? '<unnamed>', id: this.#id, runId: this.runId, reason: e instanceof Error ? e.message : String(e) },
          { cause },
        );
        this.#opts.log(`Query ${this.name ?? this.#id} terminated with error: ${this.#exception.message}`);
      }
    } finally {
      this.#active = false;
      this.#status = { message: 'Stopped', isDataAvailable: false, isTriggerActive: false };
      await this.#closeAll();
      if (this.#opts.deleteCheckpointOnStop && this.#exception === null) await this.#deleteCheckpoint();
      for (const w of this.#noDataWaiters.splice(0)) this.#exception ? w.reject(this.#exception) : w.resolve();
      const ex = this.#exception as WeirError | null;
      this.#opts.listeners.post('onQueryTerminated', {
        id: this.#id,
        runId: this.runId,
        exception: ex ? ex.message : null,
        errorClassOnException: ex ? codeOf(ex.cause) ?? ex.code : null,
      });
      this.#opts.onTerminated?.(this);
    }
  }

  /**
   * Spark's `ProcessingTimeExecutor`: run a trigger at every interval boundary; when a batch
   * overruns the interval the next one starts immediately (no catch-up burst, no skipped wait
   * accumulation). Interval 0 (the default trigger) runs back to back and polls every
   * `weir.sql.streaming.pollingDelay` ms while idle.
   */
  async #processingTimeLoop(intervalMs: number): Promise<void> {
    const clock = this.#engine.clock;
    const pollingDelay = intConf(this.#conf, ConfKeys.POLLING_DELAY, 0);
    while (!this.#stopRequested) {
      const triggerTimeMs = clock.now();
      const nextTriggerTimeMs = nextBatchTime(triggerTimeMs, intervalMs);
      const madeProgress = await this.#runOneTrigger(false);
      if (this.#stopRequested) break;
      if (intervalMs === 0) {
        if (!madeProgress) await this.#sleep(pollingDelay, true);
        continue;
      }
      const batchElapsedTimeMs = clock.now() - triggerTimeMs;
      if (batchElapsedTimeMs > intervalMs) {
        this.#opts.log(`Current batch is falling behind. The trigger interval is ${intervalMs} milliseconds, but spent ${batchElapsedTimeMs} milliseconds`);
        continue;
      }
      const wait = nextTriggerTimeMs - clock.now();
      if (wait > 0) await this.#sleep(wait, false);
    }
  }

  async #sleep(ms: number, wakeable: boolean): Promise<void> {
    // NOTE: a wake-up requested while no one slept (the trigger was running) must not be lost.
    if (wakeable && this.#wakePending) {
      this.#wakePending = false;
      return;
    }
    const signal = wakeable ? AbortSignal.any([this.#stopController.signal, this.#wakeController.signal]) : this.#stopController.signal;
    if (signal.aborted) return;
    try {
      await this.#engine.clock.sleep(ms, signal);
    } catch (e) {
      if (!signal.aborted) throw e;
    }
    if (wakeable) this.#wakePending = false;
  }

  #wakePending = false;

  #wake(): void {
    this.#wakePending = true;
    const c = this.#wakeController;
    this.#wakeController = new AbortController();
    c.abort();
  }

  /** Spark's `prepareForTriggerAvailableNow`, with its wrapper for sources that lack it: pin the end now. */
  async #prepareForTriggerAvailableNow(): Promise<void> {
    const targets: (Offset | null)[] = [];
    for (let i = 0; i < this.#sources.length; i++) {
      const s = this.#sources[i] as Source;
      if (s.prepareForTriggerAvailableNow) {
        await s.prepareForTriggerAvailableNow();
        targets.push(null);
      } else {
        // AvailableNowDataStreamWrapper: everything available now, in one batch.
        targets.push(await s.latestOffset(this.#availableOffsets[i] ?? null, READ_ALL_AVAILABLE));
      }
    }
    this.#availableNowTargets = targets;
  }

  /** One trigger. Returns whether a batch ran. */
  async #runOneTrigger(ignoreLimits: boolean): Promise<boolean> {
    const clock = this.#engine.clock;
    const seq = ++this.#triggerSeq;
    const triggerStart = clock.now();
    const durationMs: DurationMs = {};
    const timed = async <T>(phase: keyof DurationMs, fn: () => Promise<T>): Promise<T> => {
      const t0 = clock.now();
      try {
        return await fn();
      } finally {
        durationMs[phase] = (durationMs[phase] ?? 0) + (clock.now() - t0);
      }
    };
    this.#status = { message: 'Getting offsets from sources', isDataAvailable: this.#status.isDataAvailable, isTriggerActive: true };
    if (!this.#isCurrentBatchConstructed) {
      const noDataBatchesEnabled = this.#conf[ConfKeys.NO_DATA_MICRO_BATCHES_ENABLED] !== 'false' && this.#opts.trigger.kind !== 'once';
      this.#isCurrentBatchConstructed = await this.constructNextBatch(noDataBatchesEnabled, ignoreLimits, timed);
    }
    if (!this.#isCurrentBatchConstructed) {
      this.#status = { message: 'Waiting for data to arrive', isDataAvailable: false, isTriggerActive: false };
      this.#reportIdle(triggerStart, durationMs);
      for (const w of this.#noDataWaiters.filter((w) => w.afterSeq < seq)) {
        this.#noDataWaiters.splice(this.#noDataWaiters.indexOf(w), 1);
        w.resolve();
      }
      return false;
    }
    this.#idleReported = false;
    this.#status = { message: 'Processing new data', isDataAvailable: true, isTriggerActive: true };
    const startOffsets = [...this.#committedOffsets];
    const batchId = this.#currentBatchId;
    const stats = await this.runBatch(timed);
    await timed('commitOffsets', () => this.markMicroBatchEnd(stats));
    durationMs.triggerExecution = clock.now() - triggerStart;
    this.#reportProgress(batchId, triggerStart, durationMs, startOffsets, stats);
    this.#lastTriggerStartMs = triggerStart;
    this.#status = { message: 'Waiting for next trigger', isDataAvailable: true, isTriggerActive: false };
    return true;
  }

  /**
   * Spark's `constructNextBatch`: asks each source for its latest offset under its read limit;
   * writes `offsets/<batchId>` when there is new data, or when the watermark moved and a stateful
   * query needs a no-data batch to evict/emit. Returns whether a batch was constructed.
   */
  async constructNextBatch(
    noDataBatchesEnabled: boolean,
    ignoreLimits: boolean,
    timed: <T>(phase: keyof DurationMs, fn: () => Promise<T>) => Promise<T>,
  ): Promise<boolean> {
    if (this.#isCurrentBatchConstructed) return true;
    const latest = await timed('latestOffset', async () => {
      const out: (Offset | null)[] = [];
      for (let i = 0; i < this.#sources.length; i++) {
        const s = this.#sources[i] as Source;
        const start = this.#availableOffsets[i] ?? null;
        const pinned = this.#availableNowTargets?.[i];
        if (pinned !== undefined && pinned !== null) {
          out.push(pinned);
          continue;
        }
        const limit = ignoreLimits ? READ_ALL_AVAILABLE : s.getDefaultReadLimit();
        out.push((await s.latestOffset(start, limit)) ?? start);
      }
      return out;
    });
    this.#latestOffsets = latest;
    const hasNewData = latest.some((o, i) => o !== null && !offsetEquals(o, this.#availableOffsets[i] ?? null));
    const watermarkMs = this.#watermarkTracker?.currentWatermark ?? 0;
    // Spark's `shouldRunAnotherBatch`: a stateful query whose watermark advanced past the one the
    // last batch used must run once more to evict state and emit closed windows.
    const lastExecutionRequiresAnotherBatch =
      noDataBatchesEnabled && this.#plan !== null && this.#plan.stateful !== null && this.#plan.watermark !== null && this.#currentBatchId > 0 && watermarkMs > this.#offsetSeqMetadata.batchWatermarkMs;
    if (!hasNewData && !lastExecutionRequiresAnotherBatch) return false;
    this.#offsetSeqMetadata = { ...this.#offsetSeqMetadata, batchWatermarkMs: watermarkMs, batchTimestampMs: this.#engine.clock.now() };
    const nextOffsets = latest.map((o, i) => o ?? this.#availableOffsets[i] ?? null);
    await timed('walCommit', async () => {
      const added = await this.#offsetLog.add(this.#currentBatchId, { offsets: nextOffsets, metadata: this.#offsetSeqMetadata });
      if (!added) {
        throw StreamingErrors.CONCURRENT_STREAM_LOG_UPDATE({ log: 'offsets', batchId: this.#currentBatchId, checkpoint: this.#opts.checkpoint });
      }
      // Spark purges right after the WAL write: `purge(currentBatchId - minBatchesToRetain)`, so
      // batch N-1 (whose offsets a re-run of N starts from) always survives.
      const retain = intConf(this.#conf, ConfKeys.MIN_BATCHES_TO_RETAIN, 1);
      const threshold = this.#currentBatchId - retain;
      if (threshold > 0) {
        await this.#offsetLog.purge(threshold);
        await this.#commitLog.purge(threshold);
      }
    });
    this.#availableOffsets = nextOffsets;
    return true;
  }

  /**
   * Spark's `runBatch`: plans the batch's input partitions (`getBatch`), runs the map tasks and
   * (for stateful plans) one task per state partition with `affinity = partition`, then hands the
   * output to the sink (`addBatch`): worker-written commit messages to `commitBatch`, or rows to
   * `addBatch`.
   */
  async runBatch(timed: <T>(phase: keyof DurationMs, fn: () => Promise<T>) => Promise<T>): Promise<BatchStats> {
    const batchId = this.#currentBatchId;
    const addedColumns = await timed('queryPlanning', async () => this.#replanIfSchemasChanged());
    const plan = this.#plan as QueryPlan;
    const sink = this.#sink as Sink;
    const meta = this.#offsetSeqMetadata;
    const parts = await timed('getBatch', async () => {
      const out: Array<{ sourceOrdinal: number; partition: InputPartition }> = [];
      for (let i = 0; i < this.#sources.length; i++) {
        const end = this.#availableOffsets[i] ?? null;
        const start = this.#committedOffsets[i] ?? null;
        if (end === null || offsetEquals(start, end)) continue;
        for (const p of await (this.#sources[i] as Source).planInputPartitions(start, end)) out.push({ sourceOrdinal: i, partition: p });
      }
      return out;
    });
    const schema = StructType.fromJSON(plan.outputSchema);
    const info: BatchInfo = { schema, outputMode: this.#opts.outputMode };
    const stateful = plan.stateful !== null;
    const collectLate = Boolean(this.#conf[ConfKeys.LATE_DATA_PATH]) || this.#opts.onLateData !== undefined;
    const columnar = this.#conf[ConfKeys.COLUMNAR_EXECUTION_ENABLED] !== 'false';
    return timed('addBatch', async () => {
      const writer: WriterFactory | null = sink.createWriterFactory?.(batchId, info) ?? null;
      const mapResults = await Promise.all(
        parts.map((p, taskId) => {
          const input: MapTaskInput = {
            plan,
            sourceIndex: p.sourceOrdinal, // per-query index (see #planQuery)
            partition: p.partition,
            batchId,
            taskId,
            batchTimestampMs: meta.batchTimestampMs,
            watermarkMs: meta.batchWatermarkMs,
            writer: stateful ? null : writer,
            collectLateRows: collectLate,
            columnar,
          };
          return this.#engine.tasks.run<MapTaskOutput>({ module: TASK_MODULE, handler: 'mapTask', input });
        }),
      );
      const stats = new BatchStats(this.#sources.length);
      stats.addedColumns = addedColumns;
      mapResults.forEach((r, taskId) => stats.addMap((parts[taskId] as { sourceOrdinal: number }).sourceOrdinal, r));
      const messages: unknown[] = [];
      const rows: Row[] = [];
      if (!stateful) {
        for (const r of mapResults) {
          if (r.commitMessage !== undefined) messages.push(r.commitMessage);
          if (r.rows) for (const row of r.rows) rows.push(row);
        }
      } else {
        const numPartitions = plan.shufflePartitions;
        const results = await Promise.all(
          Array.from({ length: numPartitions }, (_, p) => {
            const blocks = mapResults.map((r) => r.blocks?.[p] ?? null).filter((b): b is Uint8Array => b !== null);
            const input: StatefulTaskInput = {
              plan,
              runId: this.runId,
              checkpoint: this.#opts.checkpoint,
              operatorId: 0,
              partition: p,
              batchId,
              taskId: parts.length + p,
              blocks,
              batchTimestampMs: meta.batchTimestampMs,
              watermarkMs: meta.batchWatermarkMs,
              outputMode: this.#opts.outputMode,
              writer,
              minBatchesToRetain: intConf(this.#conf, ConfKeys.MIN_BATCHES_TO_RETAIN, 1),
              columnar,
            };
            return this.#engine.tasks.run<StatefulTaskOutput>({ module: TASK_MODULE, handler: 'statefulTask', input }, { affinity: p });
          }),
        );
        for (const r of results) {
          stats.addState(r);
          if (r.commitMessage !== undefined) messages.push(r.commitMessage);
          if (r.rows) for (const row of r.rows) rows.push(row);
        }
        stats.numShufflePartitions = numPartitions;
      }
      await this.#handleLateRows(batchId, meta.batchWatermarkMs, stats.lateRows);
      if (writer !== null) {
        if (!sink.commitBatch) throw StreamingErrors.STREAM_FAILED({ query: this.name ?? '', id: this.#id, runId: this.runId, reason: 'sink returned a writer factory without commitBatch' });
        await sink.commitBatch(batchId, messages, info);
      } else {
        await sink.addBatch(batchId, { schema, rows }, info);
        stats.numOutputRows = rows.length;
      }
      return stats;
    });
  }

  async #handleLateRows(batchId: number, watermarkMs: number, lateRows: Row[]): Promise<void> {
    if (lateRows.length === 0) return;
    const path = this.#conf[ConfKeys.LATE_DATA_PATH];
    if (path) {
      // One file per batch, overwritten on replay: idempotent like the sink.
      const text = lateRows.map((row) => JSON.stringify({ batchId, watermarkMs, watermark: formatTimestamp(watermarkMs), row })).join('\n') + '\n';
      await this.#engine.storage.put(joinPath(path, `batch-${String(batchId).padStart(20, '0')}.jsonl`), utf8Encode(text));
    }
    if (this.#opts.onLateData) await this.#opts.onLateData(lateRows, { batchId, watermarkMs });
  }

  /**
   * Spark's `markMicroBatchEnd`: folds the batch's event times into the watermark, writes
   * `commits/<batchId>` with the next batch's watermark, tells the sources their data up to the
   * batch's end is durable, and moves to the next batch.
   */
  async markMicroBatchEnd(stats: BatchStats): Promise<void> {
    const tracker = this.#watermarkTracker as WatermarkTracker;
    if (this.#plan?.watermark) tracker.updateWatermark(stats.eventTimeBySource);
    const added = await this.#commitLog.add(this.#currentBatchId, { nextBatchWatermarkMs: tracker.currentWatermark });
    if (!added) {
      throw StreamingErrors.CONCURRENT_STREAM_LOG_UPDATE({ log: 'commits', batchId: this.#currentBatchId, checkpoint: this.#opts.checkpoint });
    }
    this.#committedOffsets = [...this.#availableOffsets];
    for (let i = 0; i < this.#sources.length; i++) {
      const o = this.#committedOffsets[i];
      if (o) await (this.#sources[i] as Source).commit(o);
    }
    this.#currentBatchId++;
    this.#isCurrentBatchConstructed = false;
  }

  #reportProgress(batchId: number, triggerStart: number, durationMs: DurationMs, startOffsets: (Offset | null)[], stats: BatchStats): void {
    const now = this.#engine.clock.now();
    const sinceLast = this.#lastTriggerStartMs >= 0 ? (triggerStart - this.#lastTriggerStartMs) / 1000 : 0;
    const processingSec = (durationMs.triggerExecution ?? 0) / 1000;
    const rate = (rows: number, sec: number): number => (sec > 0 ? rows / sec : 0);
    const eventTime: Record<string, string> = {};
    const et = stats.eventTime;
    if (et !== null && et.count > 0) {
      eventTime['avg'] = formatTimestamp(Math.floor(et.sum / et.count / 1000));
      eventTime['max'] = formatTimestamp(Math.floor(et.max / 1000));
      eventTime['min'] = formatTimestamp(Math.floor(et.min / 1000));
    }
    if (this.#plan?.watermark) eventTime['watermark'] = formatTimestamp(this.#offsetSeqMetadata.batchWatermarkMs);
    const stateOperators: StateOperatorProgress[] = [];
    if (this.#plan?.stateful) {
      stateOperators.push({
        operatorName: stateOperatorName(this.#plan.stateful),
        numRowsTotal: stats.numRowsTotal,
        numRowsUpdated: stats.numRowsUpdated,
        allUpdatesTimeMs: 0,
        numRowsRemoved: stats.numRowsRemoved,
        allRemovalsTimeMs: 0,
        commitTimeMs: stats.commitTimeMs,
        memoryUsedBytes: stats.memoryUsedBytes,
        numRowsDroppedByWatermark: stats.numRowsDroppedByWatermark,
        numShufflePartitions: stats.numShufflePartitions,
        numStateStoreInstances: stats.numShufflePartitions,
        customMetrics: {},
      });
    }
    const numInputRows = stats.numInputRows;
    const progress: StreamingQueryProgress = {
      id: this.#id,
      runId: this.runId,
      name: this.name,
      timestamp: formatTimestamp(triggerStart),
      batchId,
      batchDuration: now - triggerStart,
      numInputRows,
      inputRowsPerSecond: rate(numInputRows, sinceLast),
      processedRowsPerSecond: rate(numInputRows, processingSec),
      durationMs: { ...durationMs },
      eventTime,
      stateOperators,
      sources: this.#sources.map((s, i) => ({
        description: (this.#opts.sources[i] as SourceFactory).description,
        startOffset: startOffsets[i] ?? null,
        endOffset: this.#availableOffsets[i] ?? null,
        latestOffset: this.#latestOffsets[i] ?? this.#availableOffsets[i] ?? null,
        numInputRows: stats.inputRowsBySource[i] ?? 0,
        inputRowsPerSecond: rate(stats.inputRowsBySource[i] ?? 0, sinceLast),
        processedRowsPerSecond: rate(stats.inputRowsBySource[i] ?? 0, processingSec),
        metrics: s.metrics?.(this.#availableOffsets[i] ?? null) ?? {},
      })),
      sink: { description: this.#opts.sinkDescription, numOutputRows: stats.numOutputRows, metrics: {} },
      ...(stats.numRowsDroppedByWatermark > 0 ? { numRowsDroppedByWatermark: stats.numRowsDroppedByWatermark } : {}),
      ...(stats.addedColumns.length > 0 ? { addedColumns: stats.addedColumns } : {}),
    };
    this.#pushProgress(progress);
  }

  #pushProgress(progress: StreamingQueryProgress): void {
    this.#recentProgress.push(progress);
    const keep = intConf(this.#conf, ConfKeys.NUM_RECENT_PROGRESS_UPDATES, 1);
    if (this.#recentProgress.length > keep) this.#recentProgress.splice(0, this.#recentProgress.length - keep);
    this.#opts.listeners.post('onQueryProgress', { progress });
  }

  /** Spark 3.5: an idle trigger posts `onQueryIdle`, at most every noDataProgressEventInterval. */
  #reportIdle(triggerStart: number, _durationMs: DurationMs): void {
    const interval = intConf(this.#conf, ConfKeys.NO_DATA_PROGRESS_EVENT_INTERVAL, 0);
    if (this.#idleReported && triggerStart - this.#lastNoDataProgressMs < interval) return;
    this.#idleReported = true;
    this.#lastNoDataProgressMs = triggerStart;
    this.#opts.listeners.post('onQueryIdle', { id: this.#id, runId: this.runId, timestamp: formatTimestamp(triggerStart) });
  }

  async #deleteCheckpoint(): Promise<void> {
    try {
      for await (const f of this.#engine.storage.list(this.#opts.checkpoint, { recursive: true })) await this.#engine.storage.delete(f.path);
    } catch (e) {
      this.#opts.log(`Could not delete temporary checkpoint ${this.#opts.checkpoint}: ${(e as Error).message}`);
    }
  }

  async #closeAll(): Promise<void> {
    for (const s of this.#sources) await s.close().catch(() => undefined);
    await this.#sink?.close().catch(() => undefined);
  }

  // ───────────────────────── StreamingQuery ─────────────────────────

  async awaitTermination(timeoutMs?: number): Promise<boolean> {
    const done = (this.#terminated ?? Promise.resolve()).then(() => {
      if (this.#exception) throw this.#exception;
      return true;
    });
    if (timeoutMs === undefined) return done;
    const controller = new AbortController();
    const timeout = this.#engine.clock.sleep(timeoutMs, controller.signal).then(
      () => false,
      () => false,
    );
    try {
      return await Promise.race([done, timeout]);
    } finally {
      controller.abort();
    }
  }

  processAllAvailable(): Promise<void> {
    if (!this.#active) return this.#exception ? Promise.reject(this.#exception) : Promise.resolve();
    const p = new Promise<void>((resolve, reject) => this.#noDataWaiters.push({ afterSeq: this.#triggerSeq, resolve, reject }));
    this.#wake();
    return p;
  }

  async stop(): Promise<void> {
    this.#stopRequested = true;
    this.#stopController.abort();
    await this.#terminated;
  }
}

function isAbort(e: unknown): boolean {
  return e instanceof Error && e.name === 'AbortError';
}

function codeOf(e: unknown): string | null {
  return WeirError.is(e) ? e.code : null;
}

/** Spark's operator names in `stateOperators[].operatorName`. */
function stateOperatorName(stateful: unknown): string {
  const kind = (stateful as { kind?: unknown }).kind;
  return kind === 'dedup' ? 'dedupe' : kind === 'streamJoin' ? 'symmetricHashJoin' : 'stateStoreSave';
}

/** Per-batch counters gathered from task results. */
export class BatchStats {
  numInputRows = 0;
  numOutputRows = 0;
  readonly inputRowsBySource: number[];
  readonly eventTimeBySource = new Map<number, EventTimeStats | null>();
  eventTime: EventTimeStats | null = null;
  numRowsDroppedByWatermark = 0;
  lateRows: Row[] = [];
  numRowsTotal = 0;
  numRowsUpdated = 0;
  numRowsRemoved = 0;
  memoryUsedBytes = 0;
  commitTimeMs = 0;
  numShufflePartitions = 0;
  addedColumns: string[] = [];

  constructor(nSources: number) {
    this.inputRowsBySource = new Array<number>(nSources).fill(0);
  }

  addMap(sourceOrdinal: number, r: MapTaskOutput): void {
    this.numInputRows += r.numInputRows;
    this.inputRowsBySource[sourceOrdinal] = (this.inputRowsBySource[sourceOrdinal] ?? 0) + r.numInputRows;
    this.numOutputRows += r.numOutputRows;
    this.numRowsDroppedByWatermark += r.numRowsDroppedByWatermark;
    if (r.lateRows) for (const row of r.lateRows) this.lateRows.push(row);
    if (r.eventTime && r.eventTime.count > 0) {
      this.eventTime = mergeStats(this.eventTime, r.eventTime);
      this.eventTimeBySource.set(sourceOrdinal, mergeStats(this.eventTimeBySource.get(sourceOrdinal) ?? null, r.eventTime));
    }
  }

  addState(r: StatefulTaskOutput): void {
    this.numOutputRows += r.numOutputRows;
    this.numRowsTotal += r.numRowsTotal;
    this.numRowsUpdated += r.numRowsUpdated;
    this.numRowsRemoved += r.numRowsRemoved;
    this.memoryUsedBytes += r.memoryUsedBytes;
    this.commitTimeMs += r.commitTimeMs;
  }
}

function mergeStats(a: EventTimeStats | null, b: EventTimeStats): EventTimeStats {
  if (a === null) return b;
  return { min: Math.min(a.min, b.min), max: Math.max(a.max, b.max), sum: a.sum + b.sum, count: a.count + b.count };
}
