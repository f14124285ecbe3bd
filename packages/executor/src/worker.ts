/**
 * The piscina worker: builds this thread's own Engine with `createNodeEngine()` once, then runs
 * each task through {@link executeTask}. Errors are returned as plain data; large result buffers
 * are transferred, not copied.
 * @internal
 */
import { threadId } from 'node:worker_threads';
import { Piscina, workerData } from 'piscina';
import { CoreErrors, WeirError, type SerializedWeirError } from '@weir/core';
import { createNodeEngine } from '@weir/node';
import { describeTask, executeTask, type TaskEngine } from './execute-task.js';
import { ExecutorErrors } from './errors.js';
import { collectTransferables, findUncloneable, type WorkerRequest, type WorkerResponse } from './worker-protocol.js';

let engine: TaskEngine | undefined;
let ready: Promise<void> | undefined;

/**
 * Under tsx (the worker runs as `src/worker.ts`) Node 20 does not carry tsx's ESM hooks into
 * worker threads, only its require hook: register them here so `import(task.module)` can load
 * TypeScript sources too. Built code (`dist/worker.js`) never takes this path.
 */
async function setUpThread(): Promise<void> {
  if ((workerData as { registerTsx?: boolean } | undefined)?.registerTsx === true) {
    const specifier = 'tsx/esm/api';
    const api = (await import(specifier)) as { register(): unknown };
    api.register();
  }
}

function taskEngine(): TaskEngine {
  if (engine === undefined) {
    const { storage, parquet, codec, clock } = createNodeEngine();
    engine = Object.freeze({ storage, parquet, codec, clock });
  }
  return engine;
}

export default async function runWorkerTask(request: WorkerRequest): Promise<unknown> {
  try {
    await (ready ??= setUpThread());
    const output = await executeTask(request.task, taskEngine());
    const bad = findUncloneable(output);
    if (bad !== null) throw ExecutorErrors.TASK_RESULT_NOT_SERIALIZABLE({ task: describeTask(request.task), ...bad });
    const response: WorkerResponse = { ok: true, output, threadId };
    const transfer = collectTransferables(output);
    if (transfer.length === 0) return response;
    return Piscina.move({ [Piscina.transferableSymbol]: transfer, [Piscina.valueSymbol]: response } as never);
  } catch (err) {
    return failure(request, err);
  }
}

function failure(request: WorkerRequest, err: unknown): WorkerResponse {
  let error: SerializedWeirError;
  let retryable: boolean;
  if (WeirError.is(err)) {
    error = err.toJSON();
    retryable = err.retryable;
  } else {
    // A foreign error is a bug in the handler, not a transient failure: retrying would repeat it.
    const wrapped = CoreErrors.TASK_FAILED(
      { task: describeTask(request.task), reason: err instanceof Error ? err.message : String(err) },
      { cause: err },
    );
    if (err instanceof Error && err.stack !== undefined) wrapped.stack = err.stack;
    error = wrapped.toJSON();
    retryable = false;
  }
  return { ok: false, error, retryable, threadId };
}
