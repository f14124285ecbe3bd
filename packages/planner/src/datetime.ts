/**
 * Spark datetime semantics over epoch microseconds (timestamps) and epoch days (dates), UTC
 * session time zone, proleptic Gregorian calendar. Parsing never throws: invalid input is null
 * (Spark's non-ANSI cast behaviour).
 */

export const US_PER_SECOND = 1_000_000;
export const US_PER_DAY = 86_400_000_000;

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
export function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** `[year, month, day]` of a day number. */
export function civilFromDays(z: number): [number, number, number] {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const y = yoe + era * 400;
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  return [y + (m <= 2 ? 1 : 0), m, d];
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
function validDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  return d <= (m === 2 && isLeap(y) ? 29 : (MONTH_DAYS[m - 1] as number));
}

/** A zone suffix to an offset in seconds (Z, UTC, GMT, ±h, ±hh, ±hh:mm, ±hhmm, UTC±hh:mm), or null. */
function zoneOffsetSeconds(zone: string): number | null {
  let z = zone.trim();
  if (z === '' ) return 0;
  const upper = z.toUpperCase();
  if (upper === 'Z' || upper === 'UTC' || upper === 'GMT' || upper === 'UT') return 0;
  for (const prefix of ['UTC', 'GMT', 'UT']) {
    if (upper.startsWith(prefix) && (z[prefix.length] === '+' || z[prefix.length] === '-')) {
      z = z.slice(prefix.length);
      break;
    }
  }
  const m = /^([+-])(\d{1,2})(?::?(\d{2}))?(?::?(\d{2}))?$/.exec(z);
  if (!m) return null;
  const h = Number(m[2]);
  const min = Number(m[3] ?? 0);
  const s = Number(m[4] ?? 0);
  if (h > 18 || min > 59 || s > 59) return null;
  return (m[1] === '-' ? -1 : 1) * (h * 3600 + min * 60 + s);
}

const TS_RE =
  /^([+-]?\d{4,6})(?:-(\d{1,2})(?:-(\d{1,2})(?:[ T](?:(\d{1,2})(?::(\d{1,2})(?::(\d{1,2})(?:\.(\d*))?)?)?)?)?)?)?(.*)$/;

/**
 * Spark's `stringToTimestamp` (cast string → timestamp): `yyyy`, `yyyy-[m]m`, `yyyy-[m]m-[d]d`,
 * `yyyy-[m]m-[d]d[ T][h]h:[m]m:[s]s.[fraction][zone]`, surrounding whitespace ignored; a zone of
 * `Z`, `UTC`, `GMT` or a `±hh:mm` offset; none means UTC (the session time zone). Invalid → null.
 */
export function parseTimestamp(input: string): number | null {
  const s = input.trim();
  const m = TS_RE.exec(s);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = m[2] === undefined ? 1 : Number(m[2]);
  const d = m[3] === undefined ? 1 : Number(m[3]);
  if (!validDate(y, mo, d)) return null;
  const hh = m[4] === undefined ? 0 : Number(m[4]);
  const mi = m[5] === undefined ? 0 : Number(m[5]);
  const ss = m[6] === undefined ? 0 : Number(m[6]);
  if (hh > 23 || mi > 59 || ss > 59) return null;
  const frac = m[7] ?? '';
  if (frac.length > 9) return null;
  const us = frac === '' ? 0 : Number(frac.slice(0, 6).padEnd(6, '0'));
  const rest = m[8] as string;
  // A zone may only follow a time (or a full date, as "2020-01-01Z" is not accepted by Spark).
  if (rest !== '' && m[4] === undefined) return null;
  const offset = zoneOffsetSeconds(rest);
  if (offset === null) return null;
  return (daysFromCivil(y, mo, d) * 86400 + hh * 3600 + mi * 60 + ss - offset) * US_PER_SECOND + us;
}

const DATE_RE = /^([+-]?\d{4,6})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:[ T].*)?$/;

/** Spark's `stringToDate`: `yyyy`, `yyyy-[m]m`, `yyyy-[m]m-[d]d`, anything after a space or `T` ignored. Invalid → null. */
export function parseDate(input: string): number | null {
  const m = DATE_RE.exec(input.trim());
  if (!m) return null;
  const y = Number(m[1]);
  const mo = m[2] === undefined ? 1 : Number(m[2]);
  const d = m[3] === undefined ? 1 : Number(m[3]);
  if (m[3] === undefined && input.trim().length > (m[1] as string).length + (m[2] === undefined ? 0 : m[2].length + 1)) return null;
  if (!validDate(y, mo, d)) return null;
  return daysFromCivil(y, mo, d);
}

function pad(n: number, width: number): string {
  const s = String(Math.abs(n)).padStart(width, '0');
  return n < 0 ? '-' + s : s;
}

/** Date (epoch days) → `yyyy-MM-dd`. */
export function formatDate(days: number): string {
  const [y, m, d] = civilFromDays(days);
  return `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;
}

/** Timestamp (µs) → Spark's cast-to-string form: `yyyy-MM-dd HH:mm:ss[.ffffff with trailing zeros removed]`. */
export function formatTimestamp(us: number): string {
  const days = Math.floor(us / US_PER_DAY);
  let rem = us - days * US_PER_DAY;
  const h = Math.floor(rem / 3_600_000_000);
  rem -= h * 3_600_000_000;
  const mi = Math.floor(rem / 60_000_000);
  rem -= mi * 60_000_000;
  const s = Math.floor(rem / US_PER_SECOND);
  const frac = rem - s * US_PER_SECOND;
  const base = `${formatDate(days)} ${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}`;
  return frac === 0 ? base : `${base}.${String(frac).padStart(6, '0').replace(/0+$/, '')}`;
}

/** The fields of a timestamp, for pattern formatting. */
function fields(us: number): { y: number; M: number; d: number; H: number; m: number; s: number; frac: number; dow: number } {
  const days = Math.floor(us / US_PER_DAY);
  let rem = us - days * US_PER_DAY;
  const [y, M, d] = civilFromDays(days);
  const H = Math.floor(rem / 3_600_000_000);
  rem -= H * 3_600_000_000;
  const m = Math.floor(rem / 60_000_000);
  rem -= m * 60_000_000;
  const s = Math.floor(rem / US_PER_SECOND);
  // 1970-01-01 was a Thursday (4 with Sunday = 0).
  const dow = (((days + 4) % 7) + 7) % 7;
  return { y, M, d, H, m, s, frac: rem - s * US_PER_SECOND, dow };
}

type Token = { readonly letter: string; readonly count: number } | { readonly literal: string };

const patternCache = new Map<string, Token[]>();

/** Tokenises a Spark/Java datetime pattern (`yyyy-MM-dd'T'HH:mm:ss.SSS`). */
function tokenize(pattern: string): Token[] {
  const cached = patternCache.get(pattern);
  if (cached) return cached;
  const out: Token[] = [];
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i] as string;
    if (c === "'") {
      const end = pattern.indexOf("'", i + 1);
      if (end === i + 1) {
        out.push({ literal: "'" });
        i += 2;
        continue;
      }
      const stop = end < 0 ? pattern.length : end;
      out.push({ literal: pattern.slice(i + 1, stop) });
      i = stop + 1;
    } else if (/[A-Za-z]/.test(c)) {
      let j = i;
      while (pattern[j] === c) j++;
      out.push({ letter: c, count: j - i });
      i = j;
    } else {
      out.push({ literal: c });
      i++;
    }
  }
  if (patternCache.size > 256) patternCache.clear();
  patternCache.set(pattern, out);
  return out;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const FULL_MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const FULL_DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** `date_format(ts, pattern)` in UTC: y, M, d, H, h, m, s, S, a, E, D-less subset of Spark's patterns. */
export function formatWithPattern(us: number, pattern: string): string {
  const f = fields(us);
  let out = '';
  for (const t of tokenize(pattern)) {
    if ('literal' in t) {
      out += t.literal;
      continue;
    }
    const n = t.count;
    switch (t.letter) {
      case 'y':
      case 'u':
        out += n === 2 ? pad(((f.y % 100) + 100) % 100, 2) : pad(f.y, n);
        break;
      case 'M':
      case 'L':
        out += n >= 4 ? FULL_MONTHS[f.M - 1] : n === 3 ? MONTHS[f.M - 1] : pad(f.M, n);
        break;
      case 'd':
        out += pad(f.d, n);
        break;
      case 'H':
        out += pad(f.H, n);
        break;
      case 'h':
        out += pad(f.H % 12 === 0 ? 12 : f.H % 12, n);
        break;
      case 'm':
        out += pad(f.m, n);
        break;
      case 's':
        out += pad(f.s, n);
        break;
      case 'S':
        out += String(f.frac).padStart(6, '0').padEnd(n, '0').slice(0, n);
        break;
      case 'a':
        out += f.H < 12 ? 'AM' : 'PM';
        break;
      case 'E':
        out += n >= 4 ? FULL_DAYS[f.dow] : DAYS[f.dow];
        break;
      case 'X':
      case 'x':
      case 'Z':
        out += t.letter === 'X' ? 'Z' : t.letter === 'Z' ? '+0000' : '+00';
        break;
      default:
        out += t.letter.repeat(n);
    }
  }
  return out;
}

const parserCache = new Map<string, { re: RegExp; groups: string[] } | null>();

function compileParser(pattern: string): { re: RegExp; groups: string[] } | null {
  if (parserCache.has(pattern)) return parserCache.get(pattern) ?? null;
  let src = '^';
  const groups: string[] = [];
  for (const t of tokenize(pattern)) {
    if ('literal' in t) {
      src += t.literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      continue;
    }
    const n = t.count;
    switch (t.letter) {
      case 'y':
      case 'u':
        src += n === 2 ? '(\\d{2})' : n === 4 ? '(\\d{4})' : '(\\d{' + n + ',6})';
        groups.push(n === 2 ? 'yy' : 'y');
        break;
      case 'M':
        src += n === 3 ? '([A-Za-z]{3})' : n === 1 ? '(\\d{1,2})' : '(\\d{2})';
        groups.push(n === 3 ? 'MMM' : 'M');
        break;
      case 'd':
      case 'H':
      case 'h':
      case 'm':
      case 's':
        src += n === 1 ? '(\\d{1,2})' : '(\\d{2})';
        groups.push(t.letter);
        break;
      case 'S':
        src += '(\\d{' + n + '})';
        groups.push('S');
        break;
      case 'a':
        src += '(AM|PM|am|pm)';
        groups.push('a');
        break;
      case 'X':
      case 'x':
      case 'Z':
        src += '(Z|[+-]\\d{2}(?::?\\d{2})?)';
        groups.push('zone');
        break;
      default:
        parserCache.set(pattern, null);
        return null;
    }
  }
  const parser = { re: new RegExp(src + '$'), groups };
  if (parserCache.size > 256) parserCache.clear();
  parserCache.set(pattern, parser);
  return parser;
}

/** `to_timestamp(s, pattern)`: parses with a Spark datetime pattern; no match → null. */
export function parseWithPattern(input: string, pattern: string): number | null {
  const p = compileParser(pattern);
  if (!p) return null;
  const m = p.re.exec(input);
  if (!m) return null;
  let y = 1970;
  let M = 1;
  let d = 1;
  let H = 0;
  let mi = 0;
  let s = 0;
  let us = 0;
  let pm: boolean | null = null;
  let offset = 0;
  for (let i = 0; i < p.groups.length; i++) {
    const v = m[i + 1] as string;
    switch (p.groups[i]) {
      case 'y':
        y = Number(v);
        break;
      case 'yy':
        y = 2000 + Number(v);
        break;
      case 'M':
        M = Number(v);
        break;
      case 'MMM': {
        const idx = MONTHS.findIndex((x) => x.toLowerCase() === v.toLowerCase());
        if (idx < 0) return null;
        M = idx + 1;
        break;
      }
      case 'd':
        d = Number(v);
        break;
      case 'H':
      case 'h':
        H = Number(v);
        break;
      case 'm':
        mi = Number(v);
        break;
      case 's':
        s = Number(v);
        break;
      case 'S':
        us = Number(v.slice(0, 6).padEnd(6, '0'));
        break;
      case 'a':
        pm = v.toUpperCase() === 'PM';
        break;
      case 'zone': {
        const o = zoneOffsetSeconds(v);
        if (o === null) return null;
        offset = o;
        break;
      }
    }
  }
  if (pm !== null) {
    if (H < 1 || H > 12) return null;
    H = (H % 12) + (pm ? 12 : 0);
  }
  if (!validDate(y, M, d) || H > 23 || mi > 59 || s > 59) return null;
  return (daysFromCivil(y, M, d) * 86400 + H * 3600 + mi * 60 + s - offset) * US_PER_SECOND + us;
}
