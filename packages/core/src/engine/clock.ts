/**
 * Time is injected, never read from `Date.now()` in protocol code: Spark's `triggerClock`.
 * `ManualClock` in `@weir/testkit` lets trigger tests advance time without sleeping.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms`, or rejects with the signal's reason when aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}
