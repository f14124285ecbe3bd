import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DayCache, putFixed1, putFixed3, putTimestamp, putUint } from './ascii-encoding.js';

const runs = { seed: Number(process.env['FC_SEED'] ?? 42), numRuns: process.env['CI'] ? 2000 : 300 };
const decoder = new TextDecoder();
function text(write: (buf: Uint8Array) => number): string {
  const buf = new Uint8Array(64);
  return decoder.decode(buf.subarray(0, write(buf)));
}

describe('ascii-encoding (outside oracles: Number#toFixed, String, Date#toISOString)', () => {
  it('putUint writes what String() writes', () => {
    fc.assert(fc.property(fc.oneof(fc.nat(1000), fc.nat(), fc.maxSafeNat()), (n) => text((b) => putUint(b, 0, n)) === String(n)), runs);
  });

  it('putFixed1 writes what toFixed(1) writes for values rounded to tenths', () => {
    fc.assert(
      fc.property(fc.integer({ min: -2_000_000, max: 2_000_000 }), (tenths) => {
        const v = tenths / 10;
        const expected = v.toFixed(1).replace(/^-0\.0$/, '0.0');
        return text((b) => putFixed1(b, 0, v)) === expected;
      }),
      runs,
    );
  });

  it('putFixed3 writes what toFixed(3) writes for values rounded to thousandths', () => {
    fc.assert(
      fc.property(fc.integer({ min: -5_000_000, max: 5_000_000 }), (milli) => {
        const v = milli / 1000;
        return text((b) => putFixed3(b, 0, v)) === v.toFixed(3).replace(/^-0\.000$/, '0.000');
      }),
      runs,
    );
  });

  it('putTimestamp writes Date#toISOString (ms) and adds the µs digits', () => {
    const cache = new DayCache();
    fc.assert(
      fc.property(// Epoch µs are exact up to 2^53 (year 2255), weir's in-memory timestamp range.
        fc.integer({ min: 0, max: 9_007_199_254_739 }), fc.integer({ min: 0, max: 999 }), (ms, micro) => {
        const iso = new Date(ms).toISOString();
        const us = ms * 1000 + micro;
        return (
          text((b) => putTimestamp(b, 0, ms * 1000, false, cache)) === iso &&
          text((b) => putTimestamp(b, 0, us, true, cache)) === iso.slice(0, -1) + String(micro).padStart(3, '0') + 'Z'
        );
      }),
      runs,
    );
  });
});
