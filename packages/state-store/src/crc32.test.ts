import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { crc32 as zlibCrc32 } from 'node:zlib';
import fc from 'fast-check';
import { crc32, crc32ByBytes } from './crc32.js';

const runs = { seed: Number(process.env.FC_SEED ?? 42), numRuns: process.env.CI ? 500 : 100 };

describe('crc32', () => {
  it('matches the published CRC-32 check value for "123456789"', () => {
    assert.equal(crc32(new TextEncoder().encode('123456789')), 0xcbf43926);
    assert.equal(crc32ByBytes(new TextEncoder().encode('123456789')), 0xcbf43926);
  });

  it('matches node:zlib crc32 on random bytes and sub-ranges', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(), fc.nat(), (bytes, a, b) => {
        assert.equal(crc32(bytes), zlibCrc32(bytes));
        const start = bytes.length === 0 ? 0 : a % bytes.length;
        const end = start + (bytes.length === 0 ? 0 : b % (bytes.length - start + 1));
        assert.equal(crc32(bytes, start, end), zlibCrc32(bytes.subarray(start, end)));
        assert.equal(crc32ByBytes(bytes, start, end), zlibCrc32(bytes.subarray(start, end)));
      }),
      runs,
    );
  });

  it('matches node:zlib crc32 on views at every alignment of their buffer, across the word-loop threshold', () => {
    // The word loop reads through an Int32Array, which needs a 4-byte-aligned start: views that
    // begin 0..7 bytes into their ArrayBuffer, with lengths around the 64-byte threshold and
    // not multiples of 16, cover the aligning head, the word body and the byte tail.
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 7 }), fc.uint8Array({ minLength: 0, maxLength: 2000 }), (offset, bytes) => {
        const backing = new Uint8Array(offset + bytes.length + 3).fill(0xa5);
        backing.set(bytes, offset);
        const view = backing.subarray(offset, offset + bytes.length);
        assert.equal(crc32(view), zlibCrc32(bytes));
        assert.equal(crc32ByBytes(view), zlibCrc32(bytes));
      }),
      runs,
    );
  });

  it('matches node:zlib crc32 on a multi-megabyte payload (one word loop over all of it)', () => {
    const big = new Uint8Array(3_000_017);
    let x = 12345;
    for (let i = 0; i < big.length; i++) big[i] = (x = (x * 1_103_515_245 + 12_345) >>> 0) >>> 24;
    assert.equal(crc32(big), zlibCrc32(big));
    assert.equal(crc32(big, 5, big.length - 3), zlibCrc32(big.subarray(5, big.length - 3)));
    assert.equal(crc32ByBytes(big, 1), zlibCrc32(big.subarray(1)));
  });
});
