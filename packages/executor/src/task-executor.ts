import { availableParallelism } from 'node:os';
import { extname } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { CoreErrors, WeirError, type RunTaskOptions, type Task, type TaskExecutor } from '@weir/core';
import { createNodeEngine } from '@weir/node';
import { ExecutorErrors } from './errors.js';
import { describeTask, executeTask, type TaskEngine } from './execute-task.js';
import { findUncloneable, type WorkerRequest, type WorkerResponse } from './worker-protocol.js';

export interface TaskExecutorOptions {
  /**
   * Worker threads (`weir.executor.threads`). `0` runs every task on the calling thread, one at a
   * time (debugging; same results). Defaults to `os.availableParallelism()`.
   */
  readonly threads?: number;
  /**
   * Attempts per task before it fails (Spark's `spark.task.maxFailures`; `1` = no retry). Only
   * retryable WeirErrors and lost workers are retried. Defaults to `4`.
   */
  readonly maxFailures?: number;
  /**
   * The engine tasks see in in-thread mode (`threads: 0`). Worker threads always build their own
   * with `createNodeEngine()`. Defaults to a `createNodeEngine()` engine built on first use.
   */
  readonly engine?: TaskEngine;
}

export const DEFAULT_TASK_EXECUTOR_OPTIONS: Readonly<Required<Omit<TaskExecutorOptions, 'engine'>>> = Object.freeze({
  threads: availableParallelism(),
  maxFailures: 4,
});

/**
 * Creates weir's partitioned {@link TaskExecutor}: one single-thread piscina pool per worker,
 * with a scheduler in front that honours `affinity` and retries.
 *
 * ```ts
 * import { createTaskExecutor } from '@weir/executor';
 * const tasks = createTaskExecutor({ threads: 2 });
 * const out = await tasks.run({ module: '@weir/streaming', handler: 'mapStage', input }, { affinity: 3 });
 * await tasks.close();
 * ```
 */
export function createTaskExecutor(options: TaskExecutorOptions = {}): PartitionedTaskExecutor {
  return new PartitionedTaskExecutor(options);
}

interface Pending {
  readonly request: WorkerRequest;
  readonly signal: AbortSignal | undefined;
  resolve(response: WorkerResponse): void;
  reject(err: unknown): void;
  onAbort?: () => void;
}

/** One worker thread: its own piscina pool, so a task can be pinned to it. */
interface Slot {
  readonly index: number;
  readonly pool: Piscina | null; // null in in-thread mode
  readonly affine: Pending[];
  busy: boolean;
}

/**
 * Young-generation cap of a worker's heap (V8 sizes it as 3 semi-spaces, so 192 MB = 64 MB
 * semi-spaces, 4x Node's default). A task streams 8192-row chunks whose rows and strings die
 * within the chunk; a larger nursery lets them die there instead of being copied and promoted.
 * Measured on the 1M-row ingest (3 interleaved pairs): 1 thread 2.20–2.55 → 2.04–2.16 s,
 * 2 threads 1.73–2.05 → 1.61–1.69 s, about 10% less CPU. V8 grows the nursery up to the cap
 * only as allocation demands it.
 */
export const WORKER_YOUNG_GENERATION_MB = 192;

/**
 * V8 flags set (process-wide) before the first worker starts. `--no-allocation-site-pretenuring`:
 * V8 sometimes decides, from one task's allocation pattern, to allocate an object kind (rows,
 * partial states) straight into the old generation; for chunk-lived objects that turns cheap
 * scavenges into old-generation marking, and a whole worker then runs several times slower. On
 * the 10M-row aggregate with 2 threads, 2 of 3 runs without it took 22.6–23.2 s and 39–40 CPU-s,
 * every run with it 17.9–18.2 s and 30–31 CPU-s; a planner micro bench saw the slow mode in about
 * half its processes without the flag and in none of 6 with it. Semantics do not change.
 */
export const WORKER_V8_FLAGS: readonly string[] = Object.freeze(['--no-allocation-site-pretenuring']);

let v8FlagsSet = false;
function setWorkerV8Flags(): void {
  if (v8FlagsSet) return;
  v8FlagsSet = true;
  for (const flag of WORKER_V8_FLAGS) setFlagsFromString(flag);
}

/**
 * Scheduling: each slot (thread) runs one task at a time. A task with `affinity` waits for slot
 * `affinity % parallelism`; any other task goes to a shared queue that the first idle slot takes
 * from, after its own affine queue. So affine tasks keep state hot without starving, and
 * non-affine tasks still use every idle thread (like one shared pool).
 *
 * Retries (Spark's task retry): an attempt that fails retryably, or whose worker dies, runs again
 * (on a fresh worker when the thread was lost) up to `maxFailures` attempts; then
 * `TASK_RETRIES_EXHAUSTED` names the task and carries the last failure as `cause`. A
 * non-retryable error is raised at once as the worker threw it (code, details, stack).
 */
export class PartitionedTaskExecutor implements TaskExecutor {
  readonly parallelism: number;
  readonly threads: number;
  readonly #maxFailures: number;
  readonly #slots: Slot[];
  readonly #shared: Pending[] = [];
  readonly #running = new Set<Promise<unknown>>();
  readonly #inThreadEngine: TaskEngine | undefined;
  #defaultEngine: TaskEngine | undefined;
  #closed = false;

  constructor(options: TaskExecutorOptions = {}) {
    const threads = options.threads ?? DEFAULT_TASK_EXECUTOR_OPTIONS.threads;
    const maxFailures = options.maxFailures ?? DEFAULT_TASK_EXECUTOR_OPTIONS.maxFailures;
    if (!Number.isSafeInteger(threads) || threads < 0) {
      throw CoreErrors.INVALID_ARGUMENT({ option: 'options.threads', reason: 'must be a non-negative integer' });
    }
    if (!Number.isSafeInteger(maxFailures) || maxFailures < 1) {
      throw CoreErrors.INVALID_ARGUMENT({ option: 'options.maxFailures', reason: 'must be a positive integer' });
    }
    this.threads = threads;
    this.parallelism = Math.max(1, threads);
    this.#maxFailures = maxFailures;
    this.#inThreadEngine = options.engine;
    const extension = extname(fileURLToPath(import.meta.url));
    const filename = new URL('./worker' + extension, import.meta.url).href;
    if (threads > 0) setWorkerV8Flags();
    this.#slots = Array.from({ length: this.parallelism }, (_, index) => ({
      index,
      pool:
        threads === 0
          ? null
          : new Piscina({
              filename,
              minThreads: 1,
              maxThreads: 1,
              concurrentTasksPerWorker: 1,
              idleTimeout: Number.POSITIVE_INFINITY,
              atomics: 'disabled',
              workerData: { registerTsx: extension === '.ts' },
              resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
            }),
      affine: [],
      busy: false,
    }));
  }

  async run<O = unknown>(task: Task, options: RunTaskOptions = {}): Promise<O> {
    const { signal, affinity } = options;
    if (affinity !== undefined && (!Number.isSafeInteger(affinity) || affinity < 0)) {
      throw CoreErrors.INVALID_ARGUMENT({ option: 'options.affinity', reason: 'must be a non-negative integer' });
    }
    let last: WeirError | undefined;
    for (let attempt = 1; attempt <= this.#maxFailures; attempt++) {
      if (this.#closed) throw ExecutorErrors.EXECUTOR_CLOSED({ task: describeTask(task) });
      throwIfAborted(signal);
      const response = await this.#attempt({ task, attempt }, affinity, signal);
      if (response.ok) return response.output as O;
      const error = WeirError.fromJSON(response.error);
      if (!response.retryable) throw error;
      last = error;
    }
    const cause = last as WeirError;
    throw ExecutorErrors.TASK_RETRIES_EXHAUSTED(
      { task: describeTask(task), attempts: this.#maxFailures, maxFailures: this.#maxFailures, causeCode: cause.code, reason: cause.message },
      { cause },
    );
  }

  /**
   * Stops the executor: queued tasks reject with an `AbortError`, running ones are aborted (their
   * threads terminated), and the worker threads exit.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const queued = [...this.#shared.splice(0), ...this.#slots.flatMap((s) => s.affine.splice(0))];
    for (const p of queued) p.reject(abortError('the task executor was closed'));
    await Promise.all(this.#slots.map((s) => s.pool?.destroy()));
    await Promise.allSettled([...this.#running]);
  }

  /** Queues one attempt and resolves with the worker's answer (a lost worker becomes a retryable failure answer). */
  #attempt(request: WorkerRequest, affinity: number | undefined, signal: AbortSignal | undefined): Promise<WorkerResponse> {
    return new Promise<WorkerResponse>((resolve, reject) => {
      const pending: Pending = { request, signal, resolve, reject };
      const queue = affinity === undefined ? this.#shared : (this.#slots[affinity % this.parallelism] as Slot).affine;
      if (signal !== undefined) {
        pending.onAbort = () => {
          const i = queue.indexOf(pending);
          if (i >= 0) {
            queue.splice(i, 1);
            reject(abortError(signal.reason));
          }
        };
        signal.addEventListener('abort', pending.onAbort, { once: true });
      }
      queue.push(pending);
      this.#pump();
    });
  }

  #pump(): void {
    for (const slot of this.#slots) {
      if (slot.busy) continue;
      const next = slot.affine.shift() ?? this.#shared.shift();
      if (next === undefined) continue;
      this.#dispatch(slot, next);
    }
  }

  #dispatch(slot: Slot, pending: Pending): void {
    slot.busy = true;
    if (pending.onAbort !== undefined) pending.signal?.removeEventListener('abort', pending.onAbort);
    const run = slot.pool === null ? this.#runInThread(pending) : this.#runInWorker(slot, slot.pool, pending);
    const tracked = run.then(pending.resolve, pending.reject).finally(() => {
      slot.busy = false;
      this.#running.delete(tracked);
      if (!this.#closed) this.#pump();
    });
    this.#running.add(tracked);
  }

  async #runInWorker(slot: Slot, pool: Piscina, pending: Pending): Promise<WorkerResponse> {
    const { request, signal } = pending;
    try {
      return (await pool.run(request, signal === undefined ? {} : { signal })) as WorkerResponse;
    } catch (err) {
      if (isAbortError(err)) throw this.#closed || signal?.aborted !== true ? abortError('the task executor was closed') : err;
      if (this.#closed) throw abortError('the task executor was closed');
      // The worker function never throws (failures are answers), so a rejection means the thread died.
      const lost = ExecutorErrors.EXECUTOR_LOST(
        {
          worker: slot.index,
          task: describeTask(request.task),
          attempt: request.attempt,
          reason: err instanceof Error ? err.message : String(err),
        },
        { cause: err },
      );
      return { ok: false, error: lost.toJSON(), retryable: true, threadId: -1 };
    }
  }

  async #runInThread(pending: Pending): Promise<WorkerResponse> {
    const { request, signal } = pending;
    throwIfAborted(signal);
    const engine = this.#taskEngine();
    const work = executeTask(request.task, engine, signal).then(
      (output): WorkerResponse => {
        // Same check as the worker's, so in-thread mode fails exactly where threads would.
        const bad = findUncloneable(output);
        if (bad === null) return { ok: true, output, threadId: 0 };
        const err = ExecutorErrors.TASK_RESULT_NOT_SERIALIZABLE({ task: describeTask(request.task), ...bad });
        return { ok: false, error: err.toJSON(), retryable: false, threadId: 0 };
      },
      (err: unknown): WorkerResponse => {
        if (isAbortError(err)) throw err;
        if (WeirError.is(err)) return { ok: false, error: err.toJSON(), retryable: err.retryable, threadId: 0 };
        const wrapped = CoreErrors.TASK_FAILED(
          { task: describeTask(request.task), reason: err instanceof Error ? err.message : String(err) },
          { cause: err },
        );
        if (err instanceof Error && err.stack !== undefined) wrapped.stack = err.stack;
        return { ok: false, error: wrapped.toJSON(), retryable: false, threadId: 0 };
      },
    );
    if (signal === undefined) return work;
    // In-thread work cannot be killed; stop waiting for it (its result is dropped).
    return new Promise<WorkerResponse>((resolve, reject) => {
      const onAbort = (): void => reject(abortError(signal.reason));
      signal.addEventListener('abort', onAbort, { once: true });
      work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  #taskEngine(): TaskEngine {
    if (this.#inThreadEngine !== undefined) return this.#inThreadEngine;
    if (this.#defaultEngine === undefined) {
      const { storage, parquet, codec, clock } = createNodeEngine();
      this.#defaultEngine = Object.freeze({ storage, parquet, codec, clock });
    }
    return this.#defaultEngine;
  }
}

function abortError(reason: unknown): Error {
  if (reason instanceof Error && reason.name === 'AbortError') return reason;
  const err = new Error(typeof reason === 'string' ? `The task was aborted: ${reason}` : 'The task was aborted', { cause: reason });
  err.name = 'AbortError';
  return err;
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) throw abortError(signal.reason);
}

function isAbortError(err: unknown): boolean {
  return err instanceof Error && err.name === 'AbortError';
}
