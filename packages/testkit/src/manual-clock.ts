import type { Clock } from '@weir/core';

interface Sleeper {
  readonly wakeAt: number;
  readonly seq: number;
  readonly resolve: () => void;
}

/**
 * A {@link Clock} that moves only when a test says so (Spark's `ManualClock`, Effect's
 * `TestClock`): `sleep` resolves when {@link ManualClock.advance} reaches its wake-up time, so
 * trigger tests need no real sleeps.
 *
 * ```ts
 * const clock = new ManualClock(0);
 * const slept = clock.sleep(1000);
 * await clock.waitForSleepers();   // the code under test is now parked in sleep()
 * clock.advance(1000);             // … and wakes up
 * await slept;
 * ```
 */
export class ManualClock implements Clock {
  #now: number;
  #seq = 0;
  #sleepers: Sleeper[] = [];
  #waiters: Array<{ readonly count: number; readonly resolve: () => void }> = [];

  /** @param startMs the initial time. Defaults to `1_700_000_000_000` (2023-11-14T22:13:20Z). */
  constructor(startMs = 1_700_000_000_000) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted === true) return Promise.reject(signal.reason);
    if (ms <= 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const sleeper: Sleeper = {
        wakeAt: this.#now + ms,
        seq: this.#seq++,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = (): void => {
        this.#sleepers = this.#sleepers.filter((s) => s !== sleeper);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#sleepers.push(sleeper);
      this.#notifyWaiters();
    });
  }

  /** Moves time forward by `ms` and wakes every sleeper due by then, earliest first. */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError('ManualClock.advance(ms) needs ms >= 0');
    this.setTime(this.#now + ms);
  }

  /** Sets the time (never backwards) and wakes every sleeper due by then. */
  setTime(ms: number): void {
    if (ms < this.#now) throw new RangeError(`ManualClock cannot go back from ${this.#now} to ${ms}`);
    this.#now = ms;
    const due = this.#sleepers.filter((s) => s.wakeAt <= ms).sort((a, b) => a.wakeAt - b.wakeAt || a.seq - b.seq);
    this.#sleepers = this.#sleepers.filter((s) => s.wakeAt > ms);
    for (const s of due) s.resolve();
  }

  /** How many `sleep` calls are waiting. */
  get pendingSleepers(): number {
    return this.#sleepers.length;
  }

  /** The earliest pending wake-up time, or `null` when nobody sleeps. */
  get nextWakeUp(): number | null {
    return this.#sleepers.length === 0 ? null : Math.min(...this.#sleepers.map((s) => s.wakeAt));
  }

  /**
   * Resolves once at least `count` sleepers are waiting: the moment the code under test has
   * parked itself and it is safe to `advance`. Rejects after `timeoutMs` of real time (a guard
   * against a test that would otherwise hang). Defaults: `count` 1, `timeoutMs` 10000.
   */
  waitForSleepers(count = 1, timeoutMs = 10_000): Promise<void> {
    if (this.#sleepers.length >= count) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        reject(new Error(`ManualClock: ${this.#sleepers.length} sleeper(s) after ${timeoutMs} ms, expected ${count}`));
      }, timeoutMs);
      const waiter = {
        count,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      this.#waiters.push(waiter);
    });
  }

  #notifyWaiters(): void {
    const ready = this.#waiters.filter((w) => this.#sleepers.length >= w.count);
    this.#waiters = this.#waiters.filter((w) => this.#sleepers.length < w.count);
    for (const w of ready) w.resolve();
  }
}
