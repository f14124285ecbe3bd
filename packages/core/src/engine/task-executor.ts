import type { Engine } from './engine.js';

/**
 * A unit of work that runs on a worker thread: plain data only (it is posted across threads).
 * The worker imports `module` (a package specifier such as `@weir/streaming`) and calls its
 * exported task handler named `handler` with `input`.
 */
export interface Task {
  readonly module: string;
  readonly handler: string;
  readonly input: unknown;
}

/** What a task handler receives besides its input: the worker's own Engine (no nested tasks). */
export interface TaskContext {
  readonly engine: Omit<Engine, 'tasks'>;
  readonly signal?: AbortSignal;
}

/** A task handler exported by a module: `export const taskHandlers = { readPartition }`. */
export type TaskHandler<I = unknown, O = unknown> = (input: I, ctx: TaskContext) => Promise<O>;

export interface RunTaskOptions {
  readonly signal?: AbortSignal;
  /**
   * Run on the worker `affinity % parallelism`, so a stateful partition's store stays hot in
   * the one thread that owns it (Spark's preferred executor location). Defaults to any worker.
   */
  readonly affinity?: number;
}

/**
 * Runs tasks, in parallel where it can. Contracts:
 * - `run` MUST resolve with the handler's result, or reject with a WeirError (a foreign error
 *   thrown in a worker is rebuilt from its serialised form, keeping code, details and stack).
 * - Tasks MUST be retried up to `maxFailures` times when they fail retryably or the worker
 *   dies; then the last error is raised.
 * - An aborted signal MUST reject promptly with an `AbortError`-named error.
 */
export interface TaskExecutor {
  /** How many tasks can run at once (the number of worker threads, or 1 in-thread). */
  readonly parallelism: number;
  run<O = unknown>(task: Task, options?: RunTaskOptions): Promise<O>;
  close(): Promise<void>;
}
