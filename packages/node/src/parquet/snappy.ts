/**
 * Snappy compression (the format of google/snappy's `format_description.txt`) for Parquet
 * pages: the reference algorithm (64 KiB fragments, a 4-byte hash table of recent positions,
 * literal runs between copies, skipping faster through incompressible bytes), written for V8:
 * `Math.imul` hashing (snappyjs multiplies in floating point, which loses the low bits and then
 * pays a slow double-to-int conversion), bulk literal copies, one reused hash table and one
 * reused output buffer, and an exact-size result (snappyjs returns a view of a buffer sized for
 * the worst case, so every page kept 1.17× its uncompressed size alive).
 *
 * Decompression stays with snappyjs (via @dsnp/parquetjs): it is the outside check that these
 * streams are valid Snappy.
 */
const BLOCK_SIZE = 1 << 16;
const MAX_HASH_TABLE_BITS = 14;
const INPUT_MARGIN = 15;

const hashTable = new Uint16Array(1 << MAX_HASH_TABLE_BITS);
let output = new Uint8Array(1 << 16);
const KEEP_OUTPUT_BYTES = 4 << 20;

/** Snappy's worst case for `n` input bytes. */
function maxCompressedLength(n: number): number {
  return 32 + n + Math.floor(n / 6);
}

/** Compresses `input` into a new, exactly sized array. */
export function snappyCompress(input: Uint8Array): Uint8Array {
  const max = maxCompressedLength(input.length);
  if (output.length < max) output = new Uint8Array(Math.max(max, output.length * 2));
  const out = output;
  let op = 0;
  let n = input.length;
  do {
    out[op++] = n >= 0x80 ? (n & 0x7f) | 0x80 : n;
    n >>>= 7;
  } while (n > 0);
  for (let pos = 0; pos < input.length; pos += BLOCK_SIZE) {
    op = compressFragment(input, pos, Math.min(input.length - pos, BLOCK_SIZE), out, op);
  }
  const result = out.slice(0, op);
  // Keep a typical page's worth of output buffer, not the largest page ever compressed.
  if (output.length > KEEP_OUTPUT_BYTES) output = new Uint8Array(1 << 16);
  return result;
}

function load32(a: Uint8Array, p: number): number {
  return (a[p] as number) | ((a[p + 1] as number) << 8) | ((a[p + 2] as number) << 16) | ((a[p + 3] as number) << 24);
}

function emitLiteral(input: Uint8Array, ip: number, len: number, out: Uint8Array, op: number): number {
  const n = len - 1;
  if (n < 60) out[op++] = n << 2;
  else if (n < 256) {
    out[op++] = 60 << 2;
    out[op++] = n;
  } else {
    out[op++] = 61 << 2;
    out[op++] = n & 0xff;
    out[op++] = n >>> 8;
  }
  if (len <= 16) for (let i = 0; i < len; i++) out[op + i] = input[ip + i] as number;
  else out.set(input.subarray(ip, ip + len), op);
  return op + len;
}

function emitCopyUpTo64(out: Uint8Array, op: number, offset: number, len: number): number {
  if (len < 12 && offset < 2048) {
    out[op] = 1 + ((len - 4) << 2) + ((offset >>> 8) << 5);
    out[op + 1] = offset & 0xff;
    return op + 2;
  }
  out[op] = 2 + ((len - 1) << 2);
  out[op + 1] = offset & 0xff;
  out[op + 2] = offset >>> 8;
  return op + 3;
}

function emitCopy(out: Uint8Array, op: number, offset: number, len: number): number {
  while (len >= 68) {
    op = emitCopyUpTo64(out, op, offset, 64);
    len -= 64;
  }
  if (len > 64) {
    op = emitCopyUpTo64(out, op, offset, 60);
    len -= 60;
  }
  return emitCopyUpTo64(out, op, offset, len);
}

function compressFragment(input: Uint8Array, start: number, size: number, out: Uint8Array, op: number): number {
  let bits = 1;
  while (1 << bits <= size && bits <= MAX_HASH_TABLE_BITS) bits++;
  bits--;
  const shift = 32 - bits;
  const table = hashTable;
  table.fill(0, 0, 1 << bits);
  const end = start + size;
  let nextEmit = start;
  if (size >= INPUT_MARGIN) {
    const limit = end - INPUT_MARGIN;
    let ip = start + 1;
    let nextHash = Math.imul(load32(input, ip), 0x1e35a7bd) >>> shift;
    outer: for (;;) {
      // Find a 4-byte match, probing less often the longer nothing matches.
      let skip = 32;
      let nextIp = ip;
      let candidate = 0;
      for (;;) {
        ip = nextIp;
        if (ip > limit) break outer;
        const hash = nextHash;
        nextIp = ip + (skip++ >>> 5);
        nextHash = nextIp <= limit ? Math.imul(load32(input, nextIp), 0x1e35a7bd) >>> shift : 0;
        candidate = start + (table[hash] as number);
        table[hash] = ip - start;
        if (load32(input, ip) === load32(input, candidate)) break;
      }
      op = emitLiteral(input, nextEmit, ip - nextEmit, out, op);
      // Emit copies while the position right after one starts another match.
      for (;;) {
        const base = ip;
        let matched = 4;
        while (ip + matched < end && input[ip + matched] === input[candidate + matched]) matched++;
        ip += matched;
        op = emitCopy(out, op, base - candidate, matched);
        nextEmit = ip;
        if (ip >= limit) break outer;
        table[Math.imul(load32(input, ip - 1), 0x1e35a7bd) >>> shift] = ip - 1 - start;
        const cur = Math.imul(load32(input, ip), 0x1e35a7bd) >>> shift;
        candidate = start + (table[cur] as number);
        table[cur] = ip - start;
        if (load32(input, ip) !== load32(input, candidate)) break;
      }
      ip++;
      nextHash = Math.imul(load32(input, ip), 0x1e35a7bd) >>> shift;
    }
  }
  if (nextEmit < end) op = emitLiteral(input, nextEmit, end - nextEmit, out, op);
  return op;
}
