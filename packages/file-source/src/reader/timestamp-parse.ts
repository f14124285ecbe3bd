const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function validDay(year: number, month: number, day: number): boolean {
  if (day < 1) return false;
  if (month === 2 && day === 29) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return day <= (DAYS_IN_MONTH[month - 1] as number);
}

/** Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's days_from_civil; no Date allocation). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function digits(s: string, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/** One digit's value, or a negative number / more than 9 when the character is not a digit. */
function d(s: string, i: number): number {
  return s.charCodeAt(i) - 48;
}

// The last calendar day the fast path converted (`yyyymmdd`) and its epoch day: a file's
// timestamps mostly share a day, and the cache is a pure function's memo (same answer either way).
let lastYmd = -1;
let lastDays = 0;

/**
 * Writes to `out[0]` the epoch microseconds of `YYYY-MM-DDTHH:MM:SS` given as its 14 digit
 * values (each the character code minus 48, so anything outside 0-9 is not a digit) plus the
 * fraction's microseconds, and returns true; false when a digit is missing or a field is out of
 * range. Shared by the string and byte fast paths below, which differ only in how they read
 * characters.
 */
function isoFieldsMicros(
  y0: number, y1: number, y2: number, y3: number, mo0: number, mo1: number, da0: number, da1: number,
  h0: number, h1: number, mi0: number, mi1: number, s0: number, s1: number, micros: number, out: Float64Array,
): boolean {
  // `x >>> 0 > 9` is false exactly for the digits 0-9 (a negative difference wraps to a huge number).
  if (
    (y0 >>> 0) > 9 || (y1 >>> 0) > 9 || (y2 >>> 0) > 9 || (y3 >>> 0) > 9 || (mo0 >>> 0) > 9 || (mo1 >>> 0) > 9 ||
    (da0 >>> 0) > 9 || (da1 >>> 0) > 9 || (h0 >>> 0) > 9 || (h1 >>> 0) > 9 || (mi0 >>> 0) > 9 || (mi1 >>> 0) > 9 ||
    (s0 >>> 0) > 9 || (s1 >>> 0) > 9
  ) {
    return false;
  }
  const hour = h0 * 10 + h1;
  const minute = mi0 * 10 + mi1;
  const second = s0 * 10 + s1;
  if (hour > 23 || minute > 59 || second > 59) return false;
  const ymd = ((y0 * 10 + y1) * 10 + y2) * 10 + y3;
  const key = ymd * 10_000 + (mo0 * 10 + mo1) * 100 + (da0 * 10 + da1);
  if (key !== lastYmd) {
    const month = mo0 * 10 + mo1;
    const day = da0 * 10 + da1;
    if (month < 1 || month > 12 || !validDay(ymd, month, day)) return false;
    lastDays = daysFromCivil(ymd, month, day);
    lastYmd = key;
  }
  out[0] = (lastDays * 86_400 + hour * 3600 + minute * 60 + second) * 1_000_000 + micros;
  return true;
}

/** Where the string path takes {@link isoFieldsMicros}' value from. */
const fieldsOut = new Float64Array(1);

/**
 * The shape nearly every machine writes, `YYYY-MM-DDTHH:MM:SS[.f…]Z` (JavaScript's
 * `toISOString`, Spark's JSON writer), straight-line. Returns `undefined` for anything else,
 * including every invalid value, and the caller then runs the general scanner, so this MUST
 * NOT accept a string the general scanner rejects, nor give a different value.
 */
function isoUtcMicros(s: string, n: number): number | undefined {
  let micros = 0;
  if (n !== 20) {
    if (s.charCodeAt(19) !== 46 || n < 22) return undefined;
    let scale = 100_000;
    for (let i = 20; i < n - 1; i++) {
      const c = d(s, i);
      if ((c >>> 0) > 9) return undefined;
      micros += c * scale; // digits past the 6th add fractions, dropped below (truncation, as Spark)
      scale /= 10;
    }
    micros = Math.floor(micros);
  }
  const ok = isoFieldsMicros(d(s, 0), d(s, 1), d(s, 2), d(s, 3), d(s, 5), d(s, 6), d(s, 8), d(s, 9), d(s, 11), d(s, 12), d(s, 14), d(s, 15), d(s, 17), d(s, 18), micros, fieldsOut);
  return ok ? fieldsOut[0] : undefined;
}

/** One digit's value at `b[i]`, or a number outside 0-9 when the byte is not a digit (bytes twin of `d`). */
function db(b: Uint8Array, i: number): number {
  return (b[i] as number) - 48;
}

/**
 * {@link parseTimestampMicros}'s fast path over UTF-8 bytes `b[at, at + n)`, so a line scanner
 * converts a timestamp without decoding it to a string. It accepts exactly the strings
 * `isoUtcMicros` accepts (the same checks) and gives the same value; anything else returns
 * `undefined` (the caller then takes the string path).
 */
export function isoUtcMicrosBytes(b: Uint8Array, at: number, n: number): number | undefined {
  return isoUtcMicrosBytesInto(b, at, n, isoOut) ? isoOut[0] : undefined;
}

const isoOut = new Float64Array(1);

/**
 * {@link isoUtcMicrosBytes} with the value written to `out[0]` and `false` for `undefined`: a
 * hot caller keeps the microseconds unboxed (a returned double is a heap number per call).
 */
export function isoUtcMicrosBytesInto(b: Uint8Array, at: number, n: number, out: Float64Array): boolean {
  if (n < 20 || b[at + n - 1] !== 90 || b[at + 10] !== 84 || b[at + 4] !== 45 || b[at + 7] !== 45 || b[at + 13] !== 58 || b[at + 16] !== 58) return false;
  let micros = 0;
  if (n !== 20) {
    if (b[at + 19] !== 46 || n < 22) return false;
    let scale = 100_000;
    for (let i = at + 20; i < at + n - 1; i++) {
      const c = db(b, i);
      if ((c >>> 0) > 9) return false;
      micros += c * scale;
      scale /= 10;
    }
    micros = Math.floor(micros);
  }
  // Written straight into `out`: a returned value above 2^31 (every timestamp) is a heap number
  // unless inlined, 16 bytes of garbage per value.
  return isoFieldsMicros(
    db(b, at), db(b, at + 1), db(b, at + 2), db(b, at + 3), db(b, at + 5), db(b, at + 6), db(b, at + 8), db(b, at + 9),
    db(b, at + 11), db(b, at + 12), db(b, at + 14), db(b, at + 15), db(b, at + 17), db(b, at + 18), micros, out,
  );
}

/**
 * Parses an ISO-8601 timestamp (`2024-06-01T10:00:00.123456Z`, `2024-06-01 10:00:00+02:00`,
 * no zone = UTC) to epoch microseconds, or returns `undefined`. A hand-rolled scanner: this is
 * the ingest hot path and `Date.parse` is several times slower (and drops microseconds).
 */
export function parseTimestampMicros(s: string): number | undefined {
  const n = s.length;
  if (
    n >= 20 && s.charCodeAt(n - 1) === 90 && s.charCodeAt(10) === 84 && s.charCodeAt(4) === 45 && s.charCodeAt(7) === 45 &&
    s.charCodeAt(13) === 58 && s.charCodeAt(16) === 58
  ) {
    const fast = isoUtcMicros(s, n);
    if (fast !== undefined) return fast;
  }
  return parseTimestampGeneral(s);
}

/** The general scanner (every accepted spelling); exported for the fast path's tests. */
export function parseTimestampGeneral(s: string): number | undefined {
  const n = s.length;
  if (n < 10) return undefined;
  const year = digits(s, 0, 4);
  const month = digits(s, 5, 2);
  const day = digits(s, 8, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return undefined;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let micros = 0;
  let i = 10;
  let offsetMin = 0;
  if (i < n) {
    const sep = s.charCodeAt(i);
    if (sep !== 84 && sep !== 32 && sep !== 116) return undefined; // T, space, t
    hour = digits(s, i + 1, 2);
    if (s.charCodeAt(i + 3) !== 58) return undefined;
    minute = digits(s, i + 4, 2);
    if (hour < 0 || hour > 23 || minute < 0 || minute > 59) return undefined;
    i += 6;
    if (i < n && s.charCodeAt(i) === 58) {
      second = digits(s, i + 1, 2);
      if (second < 0 || second > 59) return undefined;
      i += 3;
      if (i < n && s.charCodeAt(i) === 46) {
        i++;
        let scale = 100_000;
        const start = i;
        while (i < n) {
          const c = s.charCodeAt(i) - 48;
          if (c < 0 || c > 9) break;
          if (scale >= 1) micros += c * scale;
          scale /= 10;
          i++;
        }
        if (i === start) return undefined;
        micros = Math.floor(micros);
      }
    }
    if (i < n) {
      const z = s.charCodeAt(i);
      if ((z === 90 || z === 122) && i + 1 === n) {
        i++;
      } else if (z === 43 || z === 45) {
        const oh = digits(s, i + 1, 2);
        let om = 0;
        let j = i + 3;
        if (s.charCodeAt(j) === 58) j++;
        if (j < n) {
          om = digits(s, j, 2);
          j += 2;
        }
        if (oh < 0 || om < 0 || j !== n) return undefined;
        offsetMin = (z === 45 ? -1 : 1) * (oh * 60 + om);
        i = n;
      } else {
        return undefined;
      }
    }
  }
  if (i !== n) return undefined;
  if (!validDay(year, month, day)) return undefined; // Feb 30 and friends
  const seconds = daysFromCivil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offsetMin * 60;
  return seconds * 1_000_000 + micros;
}

/** Parses `YYYY-MM-DD` to days since the epoch, or `undefined`. */
export function parseDateDays(s: string): number | undefined {
  if (s.length !== 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return undefined;
  const year = digits(s, 0, 4);
  const month = digits(s, 5, 2);
  const day = digits(s, 8, 2);
  if (year < 0 || month < 1 || month > 12 || !validDay(year, month, day)) return undefined;
  return daysFromCivil(year, month, day);
}
