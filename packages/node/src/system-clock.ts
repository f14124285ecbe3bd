import type { Clock } from '@weir/core';

/**
 * The wall clock (`Date.now()`, `setTimeout`). Use `ManualClock` from `@weir/testkit` in tests.
 *
 * `sleep` rejects with the signal's `reason` (an `AbortError`-named DOMException by default)
 * as soon as the signal aborts, and clears its timer so an aborted sleep holds no event-loop ref.
 */
export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted === true) {
        reject(signal.reason);
        return;
      }
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, Math.max(0, ms));
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
