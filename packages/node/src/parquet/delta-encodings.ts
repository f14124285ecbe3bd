/**
 * Parquet's DELTA_* encodings (written by Parquet format v2 writers: Spark with
 * `parquet.writer.version=v2`, DuckDB `PARQUET_VERSION V2`, arrow). BigInt arithmetic keeps
 * INT64 exact; these pages are uncommon, so clarity wins over speed here.
 */
function readUVarint(buf: Uint8Array, at: { pos: number }): bigint {
  let result = 0n;
  let shift = 0n;
  for (let i = 0; i < 10; i++) {
    if (at.pos >= buf.length) throw new Error('delta encoding: data ends early');
    const b = buf[at.pos++] as number;
    result |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) return result;
    shift += 7n;
  }
  throw new Error('delta encoding: varint too long');
}

function readZigzag(buf: Uint8Array, at: { pos: number }): bigint {
  const n = readUVarint(buf, at);
  return (n & 1n) === 0n ? n >> 1n : -((n + 1n) >> 1n);
}

/** DELTA_BINARY_PACKED: returns the values (as 64-bit two's complement BigInts) and the end position. */
export function decodeDeltaBinaryPacked(buf: Uint8Array, start: number, bits: 32 | 64): { values: bigint[]; pos: number } {
  const at = { pos: start };
  const blockSize = Number(readUVarint(buf, at));
  const miniblocks = Number(readUVarint(buf, at));
  const total = Number(readUVarint(buf, at));
  let last = readZigzag(buf, at);
  const values: bigint[] = [];
  if (total > 0) values.push(last);
  const perMini = miniblocks > 0 ? blockSize / miniblocks : 0;
  if (!Number.isInteger(perMini) || perMini <= 0 || perMini % 8 !== 0) throw new Error('delta encoding: bad block layout');
  while (values.length < total) {
    const minDelta = readZigzag(buf, at);
    const widths: number[] = [];
    for (let m = 0; m < miniblocks; m++) {
      if (at.pos >= buf.length) throw new Error('delta encoding: data ends early');
      widths.push(buf[at.pos++] as number);
    }
    for (let m = 0; m < miniblocks && values.length < total; m++) {
      const width = widths[m] as number;
      if (width > 64) throw new Error('delta encoding: bit width above 64');
      const base = at.pos;
      for (let i = 0; i < perMini; i++) {
        let d = 0n;
        for (let b = 0; b < width; b++) {
          const bit = i * width + b;
          if (((buf[base + (bit >> 3)] as number) >> (bit & 7)) & 1) d |= 1n << BigInt(b);
        }
        if (values.length < total) {
          last = bits === 32 ? BigInt.asIntN(32, last + minDelta + d) : BigInt.asIntN(64, last + minDelta + d);
          values.push(last);
        }
      }
      at.pos = base + (perMini * width) / 8;
    }
  }
  return { values, pos: at.pos };
}

/** DELTA_LENGTH_BYTE_ARRAY: lengths (delta-packed), then the bytes back to back. */
export function decodeDeltaLengthByteArray(buf: Uint8Array, start: number): { values: Uint8Array[]; pos: number } {
  const { values: lengths, pos } = decodeDeltaBinaryPacked(buf, start, 32);
  let p = pos;
  const values: Uint8Array[] = [];
  for (const l of lengths) {
    const n = Number(l);
    if (n < 0 || p + n > buf.length) throw new Error('delta length byte array: value runs past the end');
    values.push(buf.subarray(p, p + n));
    p += n;
  }
  return { values, pos: p };
}

/** DELTA_BYTE_ARRAY (incremental encoding): shared-prefix lengths, then suffixes. */
export function decodeDeltaByteArray(buf: Uint8Array, start: number): { values: Uint8Array[]; pos: number } {
  const prefixes = decodeDeltaBinaryPacked(buf, start, 32);
  const suffixes = decodeDeltaLengthByteArray(buf, prefixes.pos);
  const values: Uint8Array[] = [];
  let prev = new Uint8Array(0);
  for (let i = 0; i < suffixes.values.length; i++) {
    const keep = Number(prefixes.values[i] ?? 0n);
    const suffix = suffixes.values[i] as Uint8Array;
    if (keep > prev.length) throw new Error('delta byte array: prefix longer than the previous value');
    const v = new Uint8Array(keep + suffix.length);
    v.set(prev.subarray(0, keep));
    v.set(suffix, keep);
    values.push(v);
    prev = v;
  }
  return { values, pos: suffixes.pos };
}
