import { CoreErrors } from '../errors/core-errors.js';

const UNIT_MS: Readonly<Record<string, number>> = {
  us: 0.001, usec: 0.001, microsecond: 0.001, microseconds: 0.001,
  ms: 1, msec: 1, milli: 1, millis: 1, millisecond: 1, milliseconds: 1,
  s: 1000, sec: 1000, secs: 1000, second: 1000, seconds: 1000,
  m: 60_000, min: 60_000, mins: 60_000, minute: 60_000, minutes: 60_000,
  h: 3_600_000, hr: 3_600_000, hrs: 3_600_000, hour: 3_600_000, hours: 3_600_000,
  d: 86_400_000, day: 86_400_000, days: 86_400_000,
  w: 604_800_000, week: 604_800_000, weeks: 604_800_000,
};

/**
 * Parses a Spark interval string to milliseconds: `"10 seconds"`, `"1 minute"`, `"500 ms"`,
 * `"1 day"`, `"1 hour 30 minutes"`, `"interval 5 minutes"`, `"2h"`. Throws `INVALID_INTERVAL_FORMAT`.
 */
export function parseDuration(input: string): number {
  const fail = (reason: string): never => {
    throw CoreErrors.INVALID_INTERVAL_FORMAT({ input, reason });
  };
  let text = input.trim().toLowerCase();
  if (text.startsWith('interval ')) text = text.slice('interval '.length).trim();
  if (text === '') fail('it is empty');
  const part = /(-?\d+(?:\.\d+)?)\s*([a-z]+)\s*/y;
  let total = 0;
  let at = 0;
  while (at < text.length) {
    part.lastIndex = at;
    const m = part.exec(text);
    if (!m) return fail(`unexpected text "${text.slice(at)}"`);
    const unit = UNIT_MS[m[2] as string];
    if (unit === undefined) return fail(`unknown unit "${m[2]}"`);
    total += Number(m[1]) * unit;
    at = part.lastIndex;
  }
  if (total < 0) fail('it is negative');
  return total;
}

/** Formats milliseconds the way Spark prints trigger intervals (`"10 seconds"`). */
export function formatDuration(ms: number): string {
  for (const [unit, size] of [['day', 86_400_000], ['hour', 3_600_000], ['minute', 60_000], ['second', 1000]] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size} ${unit}${ms / size === 1 ? '' : 's'}`;
  }
  return `${ms} milliseconds`;
}
