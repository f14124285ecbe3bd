// Test-only helper (excluded from the build): a clock that moves only when told.
import type { Clock } from '@weir/core';

export class SimpleManualClock implements Clock {
  #now: number;
  #waiters: Array<{ at: number; resolve: () => void }> = [];
  constructor(start = 0) {
    this.#now = start;
  }
  now(): number {
    return this.#now;
  }
  get waiterCount(): number {
    return this.#waiters.length;
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const w = { at: this.#now + ms, resolve: () => { signal?.removeEventListener('abort', onAbort); resolve(); } };
      const onAbort = (): void => {
        this.#waiters = this.#waiters.filter((x) => x !== w);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      if (ms <= 0) return w.resolve();
      this.#waiters.push(w);
    });
  }
  advance(ms: number): void {
    this.#now += ms;
    const due = this.#waiters.filter((w) => w.at <= this.#now);
    this.#waiters = this.#waiters.filter((w) => w.at > this.#now);
    for (const w of due) w.resolve();
  }
}
