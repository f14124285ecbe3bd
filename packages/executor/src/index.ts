/**
 * @packageDocumentation
 * `@weir/executor` owns where weir's tasks run: a partitioned {@link TaskExecutor} over piscina
 * worker threads (`weir.executor.threads`, default = available cores), implementing core's
 * `TaskExecutor` contract.
 *
 * - **Tasks** are plain data (`{ module, handler, input }`). Each worker builds its own Engine
 *   with `createNodeEngine()` from `@weir/node`, imports `task.module` once and calls
 *   `taskHandlers[task.handler](input, { engine })`. `threads: 0` runs the same code path on the
 *   calling thread, for debugging.
 * - **Affinity**: `run(task, { affinity: p })` always runs on thread `p % parallelism`, so a
 *   stateful partition's store stays hot there; {@link workerLocal} is the per-thread cache
 *   handlers keep it in. Tasks without affinity go to whichever thread is idle.
 * - **Failures** cross threads as data: a WeirError keeps its code, details and stack. Retryable
 *   errors and lost workers (`process.exit`, crashes) are retried up to `maxFailures` attempts
 *   (Spark's `spark.task.maxFailures`, 4), then `TASK_RETRIES_EXHAUSTED` names the task.
 * - **Cancellation**: an `AbortSignal` per task, and `close()`.
 * - **Shuffle**: {@link encodeShuffleBlock}/{@link decodeShuffleBlock} (msgpackr); result buffers
 *   that own their memory are transferred, not copied.
 *
 * ```ts
 * import { createTaskExecutor } from '@weir/executor';
 * const tasks = createTaskExecutor({ threads: 2, maxFailures: 4 });
 * const n = await tasks.run<number>({ module: 'my-tasks', handler: 'countRows', input: { path } }, { affinity: 0 });
 * await tasks.close();
 * ```
 */
export { createTaskExecutor, PartitionedTaskExecutor, DEFAULT_TASK_EXECUTOR_OPTIONS } from './task-executor.js';
export type { TaskExecutorOptions } from './task-executor.js';
export type { TaskEngine } from './execute-task.js';
export { workerLocal, clearWorkerLocal } from './worker-local.js';
export { encodeShuffleBlock, decodeShuffleBlock } from './shuffle-block.js';
export { ExecutorErrors } from './errors.js';
