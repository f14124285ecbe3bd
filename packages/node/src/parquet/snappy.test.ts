import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decompress } from './parquet-compression.js';
import { Codec } from './parquet-format.js';
import { snappyCompress } from './snappy.js';

const seed = Number(process.env['FC_SEED'] ?? 42);

/** Bytes with the structure pages have: runs, repeated records, small alphabets, random noise, sizes across the 64 KiB fragment size. */
const bytesArb = fc.oneof(
  fc.uint8Array({ maxLength: 300 }),
  fc.array(fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 12 }), fc.integer({ min: 1, max: 40 })), { maxLength: 40 }).map((parts) =>
    Uint8Array.from(parts.flatMap(([p, times]) => Array.from({ length: times }, () => [...p]).flat())),
  ),
  fc.tuple(fc.integer({ min: 60_000, max: 140_000 }), fc.integer({ min: 1, max: 255 }), fc.nat()).map(([n, alphabet, s]) => {
    let x = s | 1;
    return Uint8Array.from({ length: n }, (_, i) => {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      return i % 97 < 40 ? i & 0xff : (x >>> 16) % alphabet;
    });
  }),
);

describe('snappyCompress', () => {
  it('produces streams snappyjs (the reference decoder in @dsnp/parquetjs) decodes to the input', async () => {
    await fc.assert(
      fc.asyncProperty(bytesArb, async (input) => {
        const compressed = snappyCompress(input);
        assert.ok(compressed.length <= 32 + input.length + Math.floor(input.length / 6));
        assert.deepEqual(new Uint8Array(await decompress(Codec.SNAPPY, compressed)), input);
      }),
      { seed, numRuns: process.env['WEIR_SOAK'] ? 3000 : process.env['CI'] ? 300 : 60 },
    );
  });

  it('compresses repetitive data and returns an exactly sized copy', async () => {
    const input = new Uint8Array(200_000).map((_, i) => i % 7);
    const compressed = snappyCompress(input);
    assert.ok(compressed.length < input.length / 10, `${compressed.length} bytes`);
    assert.equal(compressed.byteLength, compressed.buffer.byteLength);
    assert.deepEqual(new Uint8Array(await decompress(Codec.SNAPPY, compressed)), input);
  });
});
