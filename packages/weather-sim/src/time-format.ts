/**
 * Fast ISO-8601 UTC formatting for the hot loop. `Date#toISOString` per row costs more than the
 * rest of a record, so the date part is computed once per day and the time of day is built from
 * lookup tables.
 */

const DAY_US = 86_400_000_000;
const PAD2: string[] = Array.from({ length: 100 }, (_, n) => (n < 10 ? '0' : '') + n);
const PAD3: string[] = Array.from({ length: 1000 }, (_, n) => (n < 10 ? '00' : n < 100 ? '0' : '') + n);

/** Sub-second digits written after the seconds: 3 (`.123Z`) or 6 (`.123456Z`). */
export type TimePrecision = 'ms' | 'us';

/**
 * Formats epoch microseconds as ISO-8601 UTC (`2026-01-01T00:00:06.000Z`), caching the date.
 * One instance per writer; not shared between concurrent loops.
 * @internal
 */
export class TimestampFormatter {
  readonly #precision: TimePrecision;
  #day = NaN;
  #prefix = '';

  constructor(precision: TimePrecision) {
    this.#precision = precision;
  }

  format(us: number): string {
    const day = Math.floor(us / DAY_US);
    if (day !== this.#day) {
      this.#day = day;
      this.#prefix = new Date(day * 86_400_000).toISOString().slice(0, 11); // "YYYY-MM-DDT"
    }
    let rest = us - day * DAY_US; // 0 … DAY_US-1
    const micro = rest % 1000;
    rest = (rest - micro) / 1000; // ms of day
    const ms = rest % 1000;
    rest = (rest - ms) / 1000; // s of day
    const sec = rest % 60;
    rest = (rest - sec) / 60;
    const min = rest % 60;
    const hour = (rest - min) / 60;
    const hms = this.#prefix + PAD2[hour] + ':' + PAD2[min] + ':' + PAD2[sec] + '.' + PAD3[ms];
    return this.#precision === 'ms' ? hms + 'Z' : hms + PAD3[micro] + 'Z';
  }
}

/** `yyyyMMddTHHmmssSSS` (UTC) for file names: sorts by time as a string. */
export function compactTimestamp(ms: number): string {
  const iso = new Date(ms).toISOString(); // 2026-01-01T00:00:06.000Z
  return iso.slice(0, 4) + iso.slice(5, 7) + iso.slice(8, 10) + 'T' + iso.slice(11, 13) + iso.slice(14, 16) + iso.slice(17, 19) + iso.slice(20, 23);
}

/** `YYYY-MM-DD` (UTC) of epoch milliseconds. */
export function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Parses an ISO-8601 timestamp to epoch microseconds, keeping sub-millisecond digits; NaN if invalid. */
export function parseTimestampMicros(text: string): number {
  const m = /^(.*T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})$/.exec(text.trim());
  if (m === null) {
    const ms = Date.parse(text);
    return Number.isNaN(ms) ? NaN : ms * 1000;
  }
  const base = Date.parse((m[1] as string) + (m[3] as string));
  if (Number.isNaN(base)) return NaN;
  const frac = ((m[2] ?? '') + '000000').slice(0, 6);
  return base * 1000 + Number(frac);
}
