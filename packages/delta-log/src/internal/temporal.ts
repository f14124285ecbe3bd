/**
 * Date/timestamp text conversions in UTC, exact to the microsecond. Dates are days since the
 * epoch; timestamps are microseconds since the epoch (weir's in-memory forms).
 */
const MS_PER_DAY = 86_400_000;

function pad(n: number, w: number): string {
  const s = String(Math.abs(n)).padStart(w, '0');
  return n < 0 ? '-' + s : s;
}

/** `YYYY-MM-DD` for a day number. */
export function formatDate(days: number): string {
  const d = new Date(days * MS_PER_DAY);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}`;
}

/** Day number of `YYYY-MM-DD` (a trailing time part is ignored); NaN when malformed. */
export function parseDate(s: string): number {
  const m = /^\s*(-?\d{1,6})-(\d{1,2})-(\d{1,2})/.exec(s);
  if (!m) return NaN;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const d = new Date(ms);
  // Date.UTC maps years 0..99 to 1900..1999.
  if (Number(m[1]) >= 0 && Number(m[1]) < 100) d.setUTCFullYear(Number(m[1]));
  return Math.round(d.getTime() / MS_PER_DAY);
}

function splitMicros(micros: number): { ms: number; frac: number } {
  const ms = Math.floor(micros / 1000);
  return { ms, frac: micros - ms * 1000 };
}

function dateTimeParts(micros: number): { date: string; time: string; micros6: string } {
  const { ms, frac } = splitMicros(micros);
  const d = new Date(ms);
  const date = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}`;
  const time = `${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}`;
  const micros6 = pad(d.getUTCMilliseconds() * 1000 + frac, 6);
  return { date, time, micros6 };
}

/** Spark's `CAST(ts AS STRING)` in UTC: `2021-09-08 11:11:11` or `2021-09-08 11:11:11.1234` (trailing zeros trimmed). */
export function formatTimestampSpark(micros: number): string {
  const p = dateTimeParts(micros);
  const f = p.micros6.replace(/0+$/, '');
  return `${p.date} ${p.time}${f.length > 0 ? '.' + f : ''}`;
}

/** ISO-8601 UTC with microseconds: `2021-09-08T11:11:11.000000Z`. */
export function formatTimestampIso(micros: number): string {
  const p = dateTimeParts(micros);
  return `${p.date}T${p.time}.${p.micros6}Z`;
}

/** Spark's JSON stats form (`yyyy-MM-dd'T'HH:mm:ss.SSSXXX` in UTC): `2021-09-08T11:11:11.000Z`, truncated to ms. */
export function formatTimestampStats(micros: number): string {
  const p = dateTimeParts(micros);
  return `${p.date}T${p.time}.${p.micros6.slice(0, 3)}Z`;
}

/**
 * Microseconds of a timestamp string: `YYYY-MM-DD[ T]HH:MM:SS[.f{1,9}][Z|±HH:MM]` or a bare date.
 * Without a zone the text is read as UTC. NaN when malformed.
 */
export function parseTimestamp(s: string): number {
  const m = /^\s*(-?\d{1,6})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?\s*$/.exec(s);
  if (!m) return NaN;
  const days = parseDate(`${m[1]}-${m[2]}-${m[3]}`);
  const secs = Number(m[4] ?? 0) * 3600 + Number(m[5] ?? 0) * 60 + Number(m[6] ?? 0);
  const frac = Number(((m[7] ?? '') + '000000').slice(0, 6));
  let offsetMin = 0;
  const z = m[8];
  if (z !== undefined && z !== 'Z') {
    const zz = /^([+-])(\d{2}):?(\d{2})$/.exec(z) as RegExpExecArray;
    offsetMin = (zz[1] === '-' ? -1 : 1) * (Number(zz[2]) * 60 + Number(zz[3]));
  }
  return (days * 86_400 + secs - offsetMin * 60) * 1_000_000 + frac;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Offset (ms) of `timeZone` from UTC at the instant `utcMs`. */
function zoneOffsetMs(timeZone: string, utcMs: number): number {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(timeZone, f);
  }
  const parts: Record<string, number> = {};
  for (const p of f.formatToParts(new Date(utcMs))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const wall = Date.UTC(parts['year'] as number, (parts['month'] as number) - 1, parts['day'], parts['hour'], parts['minute'], parts['second']);
  return wall - (utcMs - (((utcMs % 1000) + 1000) % 1000));
}

/**
 * Re-reads a zone-less timestamp (µs, parsed as if UTC) as wall time in `timeZone` — Spark's
 * reading of timestamp partition values in its session time zone.
 */
export function wallTimeInZoneToUtc(microsAsUtc: number, timeZone: string): number {
  if (timeZone === 'UTC') return microsAsUtc;
  const ms = Math.floor(microsAsUtc / 1000);
  let guess = ms - zoneOffsetMs(timeZone, ms);
  guess = ms - zoneOffsetMs(timeZone, guess);
  return guess * 1000 + (microsAsUtc - ms * 1000);
}

/** True when a timestamp string carries its own zone (`Z` or `±HH:MM`). */
export function hasZone(s: string): boolean {
  return /(Z|[+-]\d{2}:?\d{2})\s*$/.test(s) && /[T ]\d/.test(s);
}
