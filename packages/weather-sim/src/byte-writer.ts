/**
 * An append-only ASCII byte buffer for the NDJSON/CSV hot path. Building strings per record and
 * encoding them costs several times more than writing the digits straight into bytes: this is
 * how the bounded writer reaches its target of ≥ 1M rows/s. Everything the simulator writes is
 * ASCII, so one char is one byte.
 * @internal
 */
export class ByteWriter {
  #buf: Uint8Array;
  #pos = 0;
  // Timestamp cache: "YYYY-MM-DDT" of the current day.
  #day = NaN;
  readonly #dayPrefix = new Uint8Array(11);

  constructor(initialCapacity = 1 << 16) {
    this.#buf = new Uint8Array(initialCapacity);
  }

  get length(): number {
    return this.#pos;
  }

  /** The bytes written so far (a view; copy before reusing the writer). */
  bytes(): Uint8Array {
    return this.#buf.subarray(0, this.#pos);
  }

  /** Makes room for `n` more bytes. */
  reserve(n: number): void {
    if (this.#pos + n <= this.#buf.length) return;
    let cap = this.#buf.length * 2;
    while (cap < this.#pos + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.#buf.subarray(0, this.#pos));
    this.#buf = next;
  }

  /** Appends pre-encoded bytes (callers reserve first). */
  raw(b: Uint8Array): void {
    const buf = this.#buf;
    let p = this.#pos;
    for (let k = 0; k < b.length; k++) buf[p++] = b[k] as number;
    this.#pos = p;
  }

  /** Appends an ASCII string (reserves itself). */
  ascii(s: string): void {
    this.reserve(s.length);
    const buf = this.#buf;
    let p = this.#pos;
    for (let k = 0; k < s.length; k++) buf[p++] = s.charCodeAt(k);
    this.#pos = p;
  }

  byte(c: number): void {
    this.#buf[this.#pos++] = c;
  }

  /** A non-negative integer below 2^53 (callers reserve 16 bytes). */
  uint(n: number): void {
    const buf = this.#buf;
    if (n < 10) {
      buf[this.#pos++] = 48 + n;
      return;
    }
    if (n < 2147483648) {
      // int32 fast path: no float division.
      let digits = 1;
      for (let x = (n / 10) | 0; x > 0; x = (x / 10) | 0) digits++;
      const end = this.#pos + digits;
      let p = end;
      for (let x = n | 0; p > this.#pos; x = (x / 10) | 0) buf[--p] = 48 + (x % 10);
      this.#pos = end;
      return;
    }
    const text = String(n);
    for (let k = 0; k < text.length; k++) buf[this.#pos++] = text.charCodeAt(k);
  }

  /** `v` with exactly `decimals` digits after the point (`12.0`, `-0.5`, `0.734`). */
  fixed(v: number, decimals: 1 | 3): void {
    const scale = decimals === 1 ? 10 : 1000;
    let n = Math.round(v * scale);
    if (n < 0) {
      this.#buf[this.#pos++] = 45; // '-'
      n = -n;
    }
    const int = Math.floor(n / scale);
    this.uint(int);
    const buf = this.#buf;
    buf[this.#pos++] = 46; // '.'
    let frac = (n - int * scale) | 0;
    if (decimals === 1) buf[this.#pos++] = 48 + frac;
    else {
      const p = this.#pos;
      buf[p + 2] = 48 + (frac % 10);
      frac = (frac / 10) | 0;
      buf[p + 1] = 48 + (frac % 10);
      buf[p] = 48 + ((frac / 10) | 0);
      this.#pos = p + 3;
    }
  }

  /** ISO-8601 UTC of epoch µs: `2026-01-01T00:00:06.000Z`, or `.000123Z` with `micros` (callers reserve 32 bytes). */
  timestamp(us: number, micros: boolean): void {
    const day = Math.floor(us / 86_400_000_000);
    if (day !== this.#day) {
      this.#day = day;
      const prefix = new Date(day * 86_400_000).toISOString();
      for (let k = 0; k < 11; k++) this.#dayPrefix[k] = prefix.charCodeAt(k);
    }
    // Split without float modulo: ms of day < 2^27 and the rest fit int32 arithmetic.
    const usOfDay = us - day * 86_400_000_000;
    const msOfDay = Math.floor(usOfDay / 1000);
    const micro = (usOfDay - msOfDay * 1000) | 0;
    const secOfDay = (msOfDay / 1000) | 0;
    const ms = msOfDay - secOfDay * 1000;
    const minOfDay = (secOfDay / 60) | 0;
    const sec = secOfDay - minOfDay * 60;
    const hour = (minOfDay / 60) | 0;
    const min = minOfDay - hour * 60;
    const buf = this.#buf;
    let p = this.#pos;
    const pre = this.#dayPrefix;
    for (let k = 0; k < 11; k++) buf[p++] = pre[k] as number;
    buf[p++] = 48 + ((hour / 10) | 0);
    buf[p++] = 48 + (hour % 10);
    buf[p++] = 58;
    buf[p++] = 48 + ((min / 10) | 0);
    buf[p++] = 48 + (min % 10);
    buf[p++] = 58;
    buf[p++] = 48 + ((sec / 10) | 0);
    buf[p++] = 48 + (sec % 10);
    buf[p++] = 46;
    buf[p++] = 48 + ((ms / 100) | 0);
    buf[p++] = 48 + (((ms / 10) | 0) % 10);
    buf[p++] = 48 + (ms % 10);
    if (micros) {
      buf[p++] = 48 + ((micro / 100) | 0);
      buf[p++] = 48 + (((micro / 10) | 0) % 10);
      buf[p++] = 48 + (micro % 10);
    }
    buf[p++] = 90; // 'Z'
    this.#pos = p;
  }
}

const encoder = new TextEncoder();

/** ASCII bytes of a constant (encoded once). */
export function asciiBytes(s: string): Uint8Array {
  return encoder.encode(s);
}
