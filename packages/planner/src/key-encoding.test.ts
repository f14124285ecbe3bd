import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeKey, decodeSingle, encodeKey, keyJSON, prefixLength, prefixTime, timePrefix } from './key-encoding.js';

const runs = (fewer: number, more: number) => ({ seed: Number(process.env['FC_SEED'] ?? 42), numRuns: process.env['CI'] ? more : fewer });
const sign = (x: number) => (x < 0 ? -1 : x > 0 ? 1 : 0);
// The state store orders keys by UTF-8 bytes (Buffer.compare is the outside oracle for that order).
const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
const safeTime = fc.oneof(
  fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
  fc.integer({ min: -(10 ** 6), max: 10 ** 6 }),
  fc.constantFrom(0, -1, 1, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 10 ** 15, 10 ** 15 - 1, -(10 ** 15), 1_767_225_660_000_000),
);
const rest = fc.array(fc.oneof(fc.string(), fc.integer(), fc.constant(null)), { maxLength: 3 }).map((xs) => encodeKey(xs));

describe('ordered aggregation keys', () => {
  it('sort by event time in byte order and in string order, whatever follows the prefix', () => {
    fc.assert(
      fc.property(safeTime, safeTime, rest, rest, (a, b, ra, rb) => {
        const ka = (timePrefix(a) as string) + ra;
        const kb = (timePrefix(b) as string) + rb;
        if (a !== b) {
          assert.equal(sign(byteOrder(ka, kb)), sign(a - b));
          assert.equal(ka < kb, a < b);
        }
        assert.equal(prefixTime(ka), a === 0 ? 0 : a);
        assert.equal(ka.slice(prefixLength(ka)), ra);
      }),
      runs(2000, 20000),
    );
  });

  it('are readable for present-day times and null for times that are not safe integers', () => {
    assert.equal(timePrefix(1_767_225_660_000_000), '1767225660000000|');
    assert.equal(timePrefix(60_000_000), '0000000060000000|');
    assert.equal(timePrefix(-1), '-9007199254740991|');
    for (const t of [2 ** 53, -(2 ** 53), 1.5, NaN, Infinity, null, '5']) assert.equal(timePrefix(t), null);
  });

  it('decodeSingle reads a one-key array as decodeKey does, after any prefix', () => {
    const value = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.constantFrom('', '"', '\\', 'a"b', '\u2028', '\ud800', '[', '"]'), fc.double(), fc.integer(), fc.constant(null), fc.boolean());
    fc.assert(
      fc.property(value, fc.constantFrom('', '1767225660000000|', '-0000000000000001|'), (v, prefix) => {
        const key = prefix + encodeKey([v]);
        assert.deepEqual(decodeSingle(key, prefix.length), decodeKey(encodeKey([v]))[0]);
      }),
      runs(1000, 10000),
    );
  });

  it('keyJSON builds encodeKey text piece by piece (so generated code can skip the array)', () => {
    const value = fc.oneof(fc.string(), fc.double(), fc.integer(), fc.boolean(), fc.constant(null), fc.constantFrom(NaN, Infinity, -Infinity, -0), fc.array(fc.integer(), { maxLength: 2 }));
    fc.assert(
      fc.property(fc.array(value, { maxLength: 4 }), (xs) => {
        const text = '[' + xs.map(keyJSON).join(',') + ']';
        assert.equal(text, encodeKey(xs));
        assert.deepEqual(decodeKey(text), xs.map((x) => (Object.is(x, -0) ? 0 : x)));
      }),
      runs(500, 5000),
    );
  });
});
