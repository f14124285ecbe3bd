/**
 * @packageDocumentation
 * weir's composition root: WeirSession, MicroBatchExecution, offset/commit logs, triggers, sinks and progress.
 */
export {};
