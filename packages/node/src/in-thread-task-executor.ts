import { CoreErrors, WeirError, type Engine, type RunTaskOptions, type Task, type TaskContext, type TaskExecutor, type TaskHandler } from '@weir/core';
import { NodeErrors } from './errors.js';

/** The engine a task handler sees: everything but `tasks` (tasks do not start tasks). */
export type TaskEngine = Omit<Engine, 'tasks'>;

export interface InThreadTaskExecutorOptions {
  /**
   * Spark's `spark.task.maxFailures`: how many times one task may fail before its error is
   * raised (so `1` means no retry). Only retryable WeirErrors are retried. Defaults to `4`.
   */
  readonly maxFailures?: number;
  /**
   * The engine handed to task handlers as `ctx.engine`, or a function returning it (so an engine
   * can contain this executor). Defaults to a `createNodeEngine()`-style engine built on first use.
   */
  readonly engine?: TaskEngine | (() => TaskEngine);
}

const DEFAULT_OPTIONS: Required<Pick<InThreadTaskExecutorOptions, 'maxFailures'>> = Object.freeze({ maxFailures: 4 });

/**
 * A {@link TaskExecutor} that runs every task on the calling thread, one at a time
 * (`parallelism` 1): Spark's `local` mode, for debugging and tests. It honours the same task
 * convention as the worker pool — `(await import(task.module)).taskHandlers[task.handler](input, ctx)`
 * — so code that works here works in `@weir/executor`'s threads. `affinity` is accepted and
 * trivially satisfied (there is one "worker").
 *
 * ```ts
 * const tasks = new InThreadTaskExecutor({ maxFailures: 1 });
 * const rows = await tasks.run({ module: '@weir/core', handler: 'x', input: {} });
 * ```
 */
export class InThreadTaskExecutor implements TaskExecutor {
  readonly parallelism = 1;
  readonly #maxFailures: number;
  readonly #engine: InThreadTaskExecutorOptions['engine'];
  #defaultEngine: TaskEngine | undefined;
  // Tasks run one at a time, as on a single executor core.
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;

  constructor(options: InThreadTaskExecutorOptions = {}) {
    const maxFailures = options.maxFailures ?? DEFAULT_OPTIONS.maxFailures;
    if (!Number.isInteger(maxFailures) || maxFailures < 1) {
      throw CoreErrors.INVALID_ARGUMENT({ option: 'options.maxFailures', reason: 'must be a positive integer' });
    }
    this.#maxFailures = maxFailures;
    this.#engine = options.engine;
  }

  run<O = unknown>(task: Task, options: RunTaskOptions = {}): Promise<O> {
    if (this.#closed) {
      return Promise.reject(CoreErrors.TASK_FAILED({ task: describe(task), reason: 'the executor is closed' }));
    }
    const result = this.#queue.then(() => this.#runWithRetries<O>(task, options.signal));
    this.#queue = result.catch(() => undefined);
    return result;
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#queue;
  }

  async #runWithRetries<O>(task: Task, signal: AbortSignal | undefined): Promise<O> {
    for (let attempt = 1; ; attempt++) {
      throwIfAborted(signal);
      try {
        return await this.#runOnce<O>(task, signal);
      } catch (err) {
        if (isAbortError(err)) throw err;
        const weirError = WeirError.is(err)
          ? err
          : CoreErrors.TASK_FAILED({ task: describe(task), reason: err instanceof Error ? err.message : String(err) }, { cause: err });
        // Foreign errors are bugs, not transient failures: retrying would repeat them.
        if (!WeirError.is(err) || !err.retryable || attempt >= this.#maxFailures) throw weirError;
      }
    }
  }

  async #runOnce<O>(task: Task, signal: AbortSignal | undefined): Promise<O> {
    const handler = await loadHandler(task);
    const ctx: TaskContext = { engine: await this.#taskEngine(), ...(signal === undefined ? {} : { signal }) };
    // The signal may have fired while the module or the engine loaded: an aborted task never starts.
    throwIfAborted(signal);
    const work = handler(task.input, ctx) as Promise<O>;
    if (signal === undefined) return work;
    return new Promise<O>((resolve, reject) => {
      const onAbort = (): void => reject(abortError(signal));
      if (signal.aborted) {
        onAbort();
        return;
      }
      signal.addEventListener('abort', onAbort, { once: true });
      work.then(
        (v) => {
          signal.removeEventListener('abort', onAbort);
          resolve(v);
        },
        (e: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(e);
        },
      );
    });
  }

  async #taskEngine(): Promise<TaskEngine> {
    const e = this.#engine;
    if (typeof e === 'function') return e();
    if (e !== undefined) return e;
    if (this.#defaultEngine === undefined) {
      // Imported lazily: create-node-engine imports this module.
      const { createNodeEngine } = await import('./create-node-engine.js');
      this.#defaultEngine = createNodeEngine({ tasks: this });
    }
    return this.#defaultEngine;
  }
}

async function loadHandler(task: Task): Promise<TaskHandler> {
  const mod = (await import(task.module)) as { taskHandlers?: Record<string, unknown>; partitionReaders?: Record<string, unknown> };
  const handler = mod.taskHandlers?.[task.handler];
  if (typeof handler !== 'function') {
    throw NodeErrors.TASK_HANDLER_NOT_FOUND({ module: task.module, handler: task.handler, exportName: 'taskHandlers' });
  }
  return handler as TaskHandler;
}

function describe(task: Task): string {
  return `${task.module}#${task.handler}`;
}

function abortError(signal: AbortSignal): unknown {
  const reason: unknown = signal.reason;
  if (reason instanceof Error && reason.name === 'AbortError') return reason;
  const err = new Error('The task was aborted', { cause: reason });
  err.name = 'AbortError';
  return err;
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) throw abortError(signal);
}

function isAbortError(err: unknown): boolean {
  return err instanceof Error && err.name === 'AbortError';
}
