import type { EventTimeStats } from './planner-bridge.js';

/** `weir.sql.streaming.multipleWatermarkPolicy`: how watermarks of several inputs combine. */
export type MultipleWatermarkPolicy = 'min' | 'max';

/**
 * Spark's `WatermarkTracker`: keeps, per input (source), the max event time seen; after each
 * batch the global watermark is `policy(max event time − delay)` over the inputs that have seen
 * data, and it never moves backwards. The watermark a batch uses is the one computed at the end
 * of the previous batch (the offset log records it as `batchWatermarkMs`).
 */
export class WatermarkTracker {
  readonly #policy: MultipleWatermarkPolicy;
  readonly #delayMs: number | ReadonlyMap<number, number>;
  readonly #maxEventTimeMs = new Map<number, number>();
  #globalWatermarkMs: number;

  /** `delayMs`: one delay for every input, or a delay per input (a stream-stream join's sides may declare different ones). */
  constructor(policy: MultipleWatermarkPolicy, delayMs: number | ReadonlyMap<number, number>, initialWatermarkMs = 0) {
    this.#policy = policy;
    this.#delayMs = delayMs;
    this.#globalWatermarkMs = initialWatermarkMs;
  }

  get currentWatermark(): number {
    return this.#globalWatermarkMs;
  }

  setWatermark(ms: number): void {
    this.#globalWatermarkMs = ms;
  }

  /** Folds one batch's event-time stats (µs) per input into the watermark. */
  updateWatermark(statsByInput: ReadonlyMap<number, EventTimeStats | null>): void {
    for (const [input, stats] of statsByInput) {
      if (stats === null || stats.count === 0) continue;
      const maxMs = Math.floor(stats.max / 1000);
      const prev = this.#maxEventTimeMs.get(input);
      if (prev === undefined || maxMs > prev) this.#maxEventTimeMs.set(input, maxMs);
    }
    if (this.#maxEventTimeMs.size === 0) return;
    const d = this.#delayMs;
    const candidates = [...this.#maxEventTimeMs].map(([input, m]) => m - (typeof d === 'number' ? d : (d.get(input) ?? 0)));
    const next = this.#policy === 'min' ? Math.min(...candidates) : Math.max(...candidates);
    if (next > this.#globalWatermarkMs) this.#globalWatermarkMs = next;
  }
}
