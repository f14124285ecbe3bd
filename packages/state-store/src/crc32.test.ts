import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { crc32 as zlibCrc32 } from 'node:zlib';
import fc from 'fast-check';
import { crc32 } from './crc32.js';

const runs = { seed: Number(process.env.FC_SEED ?? 42), numRuns: process.env.CI ? 500 : 100 };

describe('crc32', () => {
  it('matches the published CRC-32 check value for "123456789"', () => {
    assert.equal(crc32(new TextEncoder().encode('123456789')), 0xcbf43926);
  });

  it('matches node:zlib crc32 on random bytes and sub-ranges', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(), fc.nat(), (bytes, a, b) => {
        assert.equal(crc32(bytes), zlibCrc32(bytes));
        const start = bytes.length === 0 ? 0 : a % bytes.length;
        const end = start + (bytes.length === 0 ? 0 : b % (bytes.length - start + 1));
        assert.equal(crc32(bytes, start, end), zlibCrc32(bytes.subarray(start, end)));
      }),
      runs,
    );
  });
});
