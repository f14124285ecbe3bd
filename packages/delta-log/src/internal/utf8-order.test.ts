import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compareUtf8, hasUnitsFromD800, truncateStringStat } from './utf8-order.js';

const SEED = Number(process.env.FC_SEED ?? 42);
const RUNS = process.env.CI ? 2000 : 300;

/** Well-formed strings mixing ASCII, BMP below the surrogates, U+E000–U+FFFF and astral code points. */
const mixedString = (maxLength: number): fc.Arbitrary<string> =>
  fc.string({
    unit: fc.oneof(
      fc.constantFrom('a', 'b', 'é', '\ud7ff', '\ue000', '\uf8ff', '\ufffd', '\ufffe', '\uffff', '😀', '\u{10000}', '\u{10ffff}'),
      fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCodePoint(c)),
      fc.integer({ min: 0xe000, max: 0xffff }).map((c) => String.fromCodePoint(c)),
      fc.integer({ min: 0x10000, max: 0x10ffff }).map((c) => String.fromCodePoint(c)),
    ),
    maxLength,
  });

/** The outside oracle: Node's byte comparison of the UTF-8 encodings. */
const byUtf8 = (a: string, b: string): number => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

describe('compareUtf8', () => {
  it('has the sign of Buffer.compare over the UTF-8 bytes (well-formed strings)', () => {
    fc.assert(
      fc.property(mixedString(8), mixedString(8), (a, b) => {
        assert.equal(Math.sign(compareUtf8(a, b)), byUtf8(a, b));
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('shared prefixes: the first difference decides', () => {
    fc.assert(
      fc.property(mixedString(6), mixedString(4), mixedString(4), (p, a, b) => {
        assert.equal(Math.sign(compareUtf8(p + a, p + b)), byUtf8(p + a, p + b));
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('U+FFFF sorts below an astral code point (JS < says the opposite)', () => {
    assert.ok('😀' < '\uffff');
    assert.ok(compareUtf8('\uffff', '😀') < 0);
    assert.ok(compareUtf8('😀', '\uffff') > 0);
    assert.ok(compareUtf8('a\ue000', 'a\ud800\udc00') < 0);
    assert.equal(compareUtf8('😀x', '😀x'), 0);
    assert.ok(compareUtf8('ab', 'abc') < 0);
  });
});

describe('hasUnitsFromD800', () => {
  it('when false for one side, native < and > are exact UTF-8 order against any string', () => {
    const native = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
    fc.assert(
      fc.property(mixedString(6), mixedString(6), (a, b) => {
        assert.equal(hasUnitsFromD800(a), [...a].some((ch) => (ch.codePointAt(0) as number) >= 0xd800));
        if (!hasUnitsFromD800(a)) {
          assert.equal(native(a, b), byUtf8(a, b));
          assert.equal(native(b, a), byUtf8(b, a));
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});

describe('truncateStringStat', () => {
  it('min ≤ value ≤ max in UTF-8 order; min is a code-point prefix of ≤ 32 code points', () => {
    fc.assert(
      fc.property(mixedString(45), fc.integer({ min: 1, max: 40 }), (s, n) => {
        const min = truncateStringStat(s, 'min', n);
        const max = truncateStringStat(s, 'max', n);
        assert.ok(byUtf8(min, s) <= 0);
        assert.ok(byUtf8(s, max) <= 0, `max ${JSON.stringify(max)} bounds ${JSON.stringify(s)}`);
        assert.ok(s.startsWith(min));
        assert.equal([...min].length, Math.min(n, [...s].length));
        if ([...s].length <= n) assert.equal(max, s);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
