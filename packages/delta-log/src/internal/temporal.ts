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
