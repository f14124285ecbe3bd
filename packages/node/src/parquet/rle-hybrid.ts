/**
 * Parquet's RLE / bit-packed hybrid encoding (levels and dictionary indices). Runs of 8+ equal
 * values become RLE runs; everything else is bit-packed in groups of 8 (the last group padded
 * with zeros, which readers ignore because they know the value count).
 */
export class RleHybridEncoder {
  #buf: Uint8Array;
  #len = 0;

  constructor(initialCapacity = 1024) {
    this.#buf = new Uint8Array(Math.max(16, initialCapacity));
  }

  #ensure(n: number): void {
    if (this.#len + n <= this.#buf.length) return;
    let size = this.#buf.length * 2;
    while (size < this.#len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.#buf.subarray(0, this.#len));
    this.#buf = next;
  }

  #byte(b: number): void {
    this.#ensure(1);
    this.#buf[this.#len++] = b;
  }

  #varint(n: number): void {
    while (n >= 0x80) {
      this.#byte((n & 0x7f) | 0x80);
      n >>>= 7;
    }
    this.#byte(n);
  }

  /** Encodes `values[start..end)` at `width` bits per value. */
  encode(values: ArrayLike<number>, start: number, end: number, width: number): this {
    const valueBytes = (width + 7) >> 3;
    let i = start;
    while (i < end) {
      const v = values[i] as number;
      let run = 1;
      while (i + run < end && values[i + run] === v) run++;
      if (run >= 8) {
        this.#varint(run << 1);
        this.#ensure(valueBytes);
        for (let b = 0; b < valueBytes; b++) this.#buf[this.#len++] = (v >>> (8 * b)) & 0xff;
        i += run;
        continue;
      }
      // Bit-pack groups of 8 until a run of 8+ starts at a group boundary.
      let j = i;
      do {
        j += 8;
      } while (j < end && !startsRun(values, j, end));
      const groups = (j - i) >> 3;
      this.#varint((groups << 1) | 1);
      const bytes = groups * width;
      this.#ensure(bytes);
      const base = this.#len;
      const buf = this.#buf;
      buf.fill(0, base, base + bytes);
      let bit = 0;
      for (let k = i; k < j; k++) {
        const value = k < end ? (values[k] as number) : 0;
        for (let b = 0; b < width; b++, bit++) {
          if ((value >>> b) & 1) buf[base + (bit >> 3)] = (buf[base + (bit >> 3)] as number) | (1 << (bit & 7));
        }
      }
      this.#len += bytes;
      i = j;
    }
    return this;
  }

  bytes(): Uint8Array {
    return this.#buf.subarray(0, this.#len);
  }
}

function startsRun(values: ArrayLike<number>, j: number, end: number): boolean {
  if (j + 8 > end) return false;
  const v = values[j];
  for (let k = j + 1; k < j + 8; k++) if (values[k] !== v) return false;
  return true;
}
