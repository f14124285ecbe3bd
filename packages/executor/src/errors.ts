import { defineErrors } from '@weir/core';

/**
 * Errors raised by `@weir/executor`. A task's own failure keeps the worker's code; these codes
 * are for what the executor itself observes (Spark: `ExecutorLostFailure`, "Task failed N times").
 */
export const ExecutorErrors = defineErrors('@weir/executor', {
  /** The worker thread running the task died (process.exit, uncaught error, out of memory). Retried on a fresh worker. */
  EXECUTOR_LOST: {
    domain: 'external',
    retryable: true,
    message: 'Worker thread <worker> running task <task> (attempt <attempt>) was lost: <reason>',
  },
  /** Spark: "Task … failed <maxFailures> times, most recent failure: …". */
  TASK_RETRIES_EXHAUSTED: {
    domain: 'external',
    retryable: false,
    message: 'Task <task> failed <attempts> times (weir.task.maxFailures = <maxFailures>); most recent failure: <causeCode>: <reason>',
  },
  /** Spark: "Task result not serializable". Functions, symbols, promises, weak collections cannot cross threads. */
  TASK_RESULT_NOT_SERIALIZABLE: {
    domain: 'user',
    retryable: false,
    message: 'Task <task> returned a value that cannot be sent between threads: <what> at result<path>. Return plain data',
  },
  EXECUTOR_CLOSED: { domain: 'user', retryable: false, message: 'The task executor is closed; task <task> was not run' },
});
