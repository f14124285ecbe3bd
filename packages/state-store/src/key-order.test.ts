import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compareKeys, sortKeys } from './key-order.js';

const runs = { seed: Number(process.env.FC_SEED ?? 42), numRuns: process.env.CI ? 2000 : 300 };

describe('compareKeys', () => {
  it('orders like Buffer.compare of the UTF-8 bytes (code-point order), incl. astral vs U+E000..U+FFFF', () => {
    const sign = (n: number) => Math.sign(n);
    // A hand-picked pair where UTF-16 order and UTF-8 order disagree.
    assert.equal(sign(compareKeys('\u{1F600}', '\uFFFD')), sign(Buffer.compare(Buffer.from('\u{1F600}'), Buffer.from('\uFFFD'))));
    assert.ok('\u{1F600}' < '\uFFFD', 'UTF-16 code units sort the emoji first');
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        assert.equal(sign(compareKeys(a, b)), sign(Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'))));
      }),
      runs,
    );
  });
});

describe('sortKeys', () => {
  it('sorts in UTF-8 byte order (Buffer.compare), with and without astral / U+E000..U+FFFF keys', () => {
    const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
    const ascii = fc.array(fc.string({ unit: 'binary-ascii' }), { maxLength: 40 });
    const any = fc.array(fc.string({ unit: 'grapheme' }), { maxLength: 40 });
    fc.assert(
      fc.property(fc.oneof(ascii, any), (keys) => {
        assert.deepEqual(sortKeys([...keys]), [...keys].sort(byBytes));
      }),
      runs,
    );
    assert.deepEqual(sortKeys(['\uFFFD', 'b', '\u{1F600}', 'a']), ['a', 'b', '\uFFFD', '\u{1F600}']);
  });
});
