import type { ByteWriter } from './byte-writer.js';

/**
 * Parquet's RLE / bit-packed hybrid encoding (levels and dictionary indices), appended to `out`.
 * Runs of 8+ equal values become RLE runs; everything else is bit-packed in groups of 8 (the
 * last group padded with zeros, which readers ignore because they know the value count).
 * Encodes `values[start..end)` at `width` bits per value (0 ≤ width ≤ 32).
 */
export function encodeRleHybrid(out: ByteWriter, values: ArrayLike<number>, start: number, end: number, width: number): void {
  const valueBytes = (width + 7) >> 3;
  let i = start;
  while (i < end) {
    const v = values[i] as number;
    let run = 1;
    while (i + run < end && values[i + run] === v) run++;
    if (run >= 8) {
      out.varint(run << 1);
      out.ensure(valueBytes);
      for (let b = 0; b < valueBytes; b++) out.buf[out.len++] = (v >>> (8 * b)) & 0xff;
      i += run;
      continue;
    }
    // Bit-pack groups of 8 until a run of 8+ starts at a group boundary.
    let j = i;
    do {
      j += 8;
    } while (j < end && !startsRun(values, j, end));
    const groups = (j - i) >> 3;
    out.varint((groups << 1) | 1);
    const bytes = groups * width;
    out.ensure(bytes);
    const buf = out.buf;
    let at = out.len;
    if (width <= 24) {
      // A group of 8 values is exactly `width` bytes: accumulate bits and emit whole bytes.
      let acc = 0;
      let bits = 0;
      for (let k = i; k < j; k++) {
        acc |= (k < end ? (values[k] as number) : 0) << bits;
        bits += width;
        while (bits >= 8) {
          buf[at++] = acc & 0xff;
          acc >>>= 8;
          bits -= 8;
        }
      }
    } else {
      buf.fill(0, at, at + bytes);
      let bit = 0;
      for (let k = i; k < j; k++) {
        const value = k < end ? (values[k] as number) : 0;
        for (let b = 0; b < width; b++, bit++) {
          if ((value >>> b) & 1) buf[at + (bit >> 3)] = (buf[at + (bit >> 3)] as number) | (1 << (bit & 7));
        }
      }
      at += bytes;
    }
    out.len = at;
    i = j;
  }
}

function startsRun(values: ArrayLike<number>, j: number, end: number): boolean {
  if (j + 8 > end) return false;
  const v = values[j];
  for (let k = j + 1; k < j + 8; k++) if (values[k] !== v) return false;
  return true;
}
