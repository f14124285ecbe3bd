/**
 * Allocation-free ASCII writers over a byte buffer, for the NDJSON/CSV hot path: each takes the
 * buffer and a position and returns the new position (plain functions on numbers inline well;
 * method calls on a writer object measured ~2× slower). Building a string per record and
 * encoding it costs several times more. Everything the simulator writes is ASCII.
 * @internal
 */

const encoder = new TextEncoder();

/** ASCII bytes of a constant (encoded once). */
export function asciiBytes(s: string): Uint8Array {
  return encoder.encode(s);
}

/**
 * A constant byte run prepared for fast copying: whole little-endian 32-bit words (written with
 * `DataView#setInt32`, which TurboFan inlines, ~3× faster than a byte loop) plus a tail.
 */
export interface ConstBytes {
  readonly words: Int32Array;
  readonly tail: Uint8Array;
}

export function constBytes(s: string): ConstBytes {
  const b = encoder.encode(s);
  const n = b.length >> 2;
  const words = new Int32Array(n);
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let k = 0; k < n; k++) words[k] = view.getInt32(k * 4, true);
  return { words, tail: b.slice(n * 4) };
}

/** Copies a {@link ConstBytes} at `p`; `view` is a DataView over `buf`'s buffer (from offset 0). */
export function putConst(view: DataView, buf: Uint8Array, p: number, c: ConstBytes): number {
  const words = c.words;
  const n = words.length;
  for (let k = 0; k < n; k++) view.setInt32(p + 4 * k, words[k] as number, true);
  p += 4 * n;
  const tail = c.tail;
  for (let k = 0; k < tail.length; k++) buf[p + k] = tail[k] as number;
  return p + tail.length;
}

export function putBytes(buf: Uint8Array, p: number, b: Uint8Array): number {
  const n = b.length;
  for (let k = 0; k < n; k++) buf[p + k] = b[k] as number;
  return p + n;
}

export function putAscii(buf: Uint8Array, p: number, s: string): number {
  const n = s.length;
  for (let k = 0; k < n; k++) buf[p + k] = s.charCodeAt(k);
  return p + n;
}

/** A non-negative integer (below 2^53). */
export function putUint(buf: Uint8Array, p: number, n: number): number {
  if (n < 10) {
    buf[p] = 48 + n;
    return p + 1;
  }
  if (n < 100) {
    buf[p] = 48 + ((n / 10) | 0);
    buf[p + 1] = 48 + (n % 10);
    return p + 2;
  }
  if (n < 2147483648) {
    let digits = 3;
    for (let x = (n / 1000) | 0; x > 0; x = (x / 10) | 0) digits++;
    let q = p + digits;
    for (let x = n | 0; q > p; x = (x / 10) | 0) buf[--q] = 48 + (x % 10);
    return p + digits;
  }
  return putAscii(buf, p, String(n));
}

/** `v` with one decimal (`12.0`, `-0.5`); `v` is already rounded to tenths. */
export function putFixed1(buf: Uint8Array, p: number, v: number): number {
  let n = Math.round(v * 10);
  if (n < 0) {
    buf[p++] = 45;
    n = -n;
  }
  const int = Math.floor(n / 10);
  p = putUint(buf, p, int);
  buf[p] = 46;
  buf[p + 1] = 48 + (n - int * 10);
  return p + 2;
}

/** `v` with three decimals (`0.734`, `1.000`). */
export function putFixed3(buf: Uint8Array, p: number, v: number): number {
  let n = Math.round(v * 1000);
  if (n < 0) {
    buf[p++] = 45;
    n = -n;
  }
  const int = Math.floor(n / 1000);
  p = putUint(buf, p, int);
  let frac = n - int * 1000;
  buf[p] = 46;
  buf[p + 3] = 48 + (frac % 10);
  frac = (frac / 10) | 0;
  buf[p + 2] = 48 + (frac % 10);
  buf[p + 1] = 48 + ((frac / 10) | 0);
  return p + 4;
}

/** Caches the `YYYY-MM-DDT` bytes of the current day for {@link putTimestamp}. */
export class DayCache {
  day = NaN;
  readonly prefix = new Uint8Array(11);
}

/** ISO-8601 UTC of epoch µs: `2026-01-01T00:00:06.000Z`, or `….000123Z` with `micros`. */
export function putTimestamp(buf: Uint8Array, p: number, us: number, micros: boolean, cache: DayCache): number {
  const day = Math.floor(us / 86_400_000_000);
  if (day !== cache.day) {
    cache.day = day;
    const iso = new Date(day * 86_400_000).toISOString();
    for (let k = 0; k < 11; k++) cache.prefix[k] = iso.charCodeAt(k);
  }
  const pre = cache.prefix;
  for (let k = 0; k < 11; k++) buf[p + k] = pre[k] as number;
  return putTimeOfDay(buf, p + 11, us - day * 86_400_000_000, micros);
}

/** `HH:MM:SS.mmmZ` (or `HH:MM:SS.mmmuuuZ` with `micros`) of µs since midnight UTC. */
export function putTimeOfDay(buf: Uint8Array, p: number, usOfDay: number, micros: boolean): number {
  // Split without float modulo: ms of day < 2^27, so the rest is int32 arithmetic.
  const msOfDay = Math.floor(usOfDay / 1000);
  const micro = (usOfDay - msOfDay * 1000) | 0;
  const secOfDay = (msOfDay / 1000) | 0;
  const ms = msOfDay - secOfDay * 1000;
  const minOfDay = (secOfDay / 60) | 0;
  const sec = secOfDay - minOfDay * 60;
  const hour = (minOfDay / 60) | 0;
  const min = minOfDay - hour * 60;
  buf[p] = 48 + ((hour / 10) | 0);
  buf[p + 1] = 48 + (hour % 10);
  buf[p + 2] = 58;
  buf[p + 3] = 48 + ((min / 10) | 0);
  buf[p + 4] = 48 + (min % 10);
  buf[p + 5] = 58;
  buf[p + 6] = 48 + ((sec / 10) | 0);
  buf[p + 7] = 48 + (sec % 10);
  buf[p + 8] = 46;
  buf[p + 9] = 48 + ((ms / 100) | 0);
  buf[p + 10] = 48 + (((ms / 10) | 0) % 10);
  buf[p + 11] = 48 + (ms % 10);
  p += 12;
  if (micros) {
    buf[p] = 48 + ((micro / 100) | 0);
    buf[p + 1] = 48 + (((micro / 10) | 0) % 10);
    buf[p + 2] = 48 + (micro % 10);
    p += 3;
  }
  buf[p] = 90; // 'Z'
  return p + 1;
}

/** Doubles `buf` (keeping `used` bytes) until `need` more bytes fit. */
export function grow(buf: Uint8Array, used: number, need: number): Uint8Array {
  let cap = buf.length * 2;
  while (cap < used + need) cap *= 2;
  const next = new Uint8Array(cap);
  next.set(buf.subarray(0, used));
  return next;
}
