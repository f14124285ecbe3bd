import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { keyAt, scanTopLevelKeys } from './top-level-keys.js';

const keys = (text: string): string[] | null => {
  const out: string[] = [];
  return scanTopLevelKeys(text, 0, text.length, (s, e) => out.push(keyAt(text, s, e))) ? out : null;
};

describe('scanTopLevelKeys (oracle: JSON.parse + Object.keys)', () => {
  it('finds exactly the top-level keys of any JSON object, whatever the keys and values contain', () => {
    const key = fc.string({ unit: fc.constantFrom('a', 'b', ':', ',', '"', '\\', '{', '}', '[', ']', ' ', 'é', '\n'), maxLength: 6 });
    fc.assert(
      fc.property(fc.dictionary(key, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6, noNullPrototype: true }), (obj) => {
        const text = JSON.stringify(obj);
        // Object.keys orders integer-like keys first; compare as multisets.
        assert.deepEqual(keys(text)?.sort(), Object.keys(JSON.parse(text) as object).sort());
      }),
      { seed: Number(process.env['FC_SEED'] ?? 42), numRuns: process.env['CI'] ? 3000 : 500 },
    );
  });

  it('rejects non-objects and truncated lines', () => {
    for (const bad of ['[1,2]', '5', '"x"', '{"a":1', '{"a":"b', '', '{"a":1} x']) assert.equal(keys(bad), null, bad);
    assert.deepEqual(keys('  {"a" : {"b":1}, "c":[{"d":2}]}  '), ['a', 'c']);
  });
});
