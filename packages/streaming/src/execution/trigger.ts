import { parseDuration } from '@weir/core';
import { StreamingErrors } from '../errors.js';

/**
 * What `.trigger(...)` accepts (Spark's `Trigger`):
 * - `{ processingTime: '5 seconds' | ms }` — a batch every interval; an overrunning batch is
 *   followed immediately. `processingTime: 0` is the default: the next batch as soon as possible.
 * - `{ once: true }` — deprecated: one batch of all available data (ignores read limits), then stop.
 * - `{ availableNow: true }` — all data available at start, in rate-limited batches, then stop.
 */
export type Trigger =
  | { readonly processingTime: string | number }
  | { readonly once: true }
  | { readonly availableNow: true };

/** The normalised trigger. */
export type TriggerSpec =
  | { readonly kind: 'processingTime'; readonly intervalMs: number }
  | { readonly kind: 'once' }
  | { readonly kind: 'availableNow' };

export const DEFAULT_TRIGGER: TriggerSpec = Object.freeze({ kind: 'processingTime', intervalMs: 0 });

export function normalizeTrigger(trigger: Trigger): TriggerSpec {
  const t = trigger as Record<string, unknown>;
  const keys = Object.keys(t);
  if (keys.length !== 1) throw StreamingErrors.INVALID_TRIGGER({ trigger: JSON.stringify(trigger), reason: 'give exactly one of processingTime, once, availableNow' });
  if ('processingTime' in t) {
    const v = t['processingTime'];
    const ms = typeof v === 'number' ? v : typeof v === 'string' ? parseDuration(v) : NaN;
    if (!Number.isFinite(ms) || ms < 0) throw StreamingErrors.INVALID_TRIGGER({ trigger: JSON.stringify(trigger), reason: 'the interval must be non-negative' });
    return { kind: 'processingTime', intervalMs: ms };
  }
  if (t['once'] === true) return { kind: 'once' };
  if (t['availableNow'] === true) return { kind: 'availableNow' };
  throw StreamingErrors.INVALID_TRIGGER({ trigger: JSON.stringify(trigger), reason: 'unknown trigger' });
}

/**
 * Spark's `ProcessingTimeExecutor.nextBatchTime`: the next interval boundary strictly after
 * `now` ("if now is on a boundary, the next one").
 */
export function nextBatchTime(now: number, intervalMs: number): number {
  if (intervalMs === 0) return now;
  return Math.floor(now / intervalMs) * intervalMs + intervalMs;
}
