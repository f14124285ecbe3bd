import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { needsFixup, sortKeys } from './key-order.js';
import { SortedKeyChunks } from './sorted-key-chunks.js';

const runs = { seed: Number(process.env.FC_SEED ?? 42), numRuns: process.env.CI ? 1000 : 150 };
/** The oracle order: UTF-8 bytes (Buffer.compare), independent of compareKeys. */
const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

// Keys from a small alphabet (many collisions between steps), incl. astral and U+E000..U+FFFF units.
const key = fc.oneof(
  { weight: 4, arbitrary: fc.stringMatching(/^[a-e]{0,3}$/) },
  { weight: 1, arbitrary: fc.constantFrom('\u{1F600}', '\uFFFD', 'a\u{1F600}', 'a\uFFFD', '\uE000') },
);
const step = fc.record({ removeMask: fc.array(fc.boolean(), { maxLength: 200 }), inserts: fc.array(key, { maxLength: 30 }) }, { noNullPrototype: true });

describe('SortedKeyChunks', () => {
  it('equals a sorted model after any sequence of sorted remove/insert batches (any chunk size), and clones are unaffected', () => {
    fc.assert(
      fc.property(fc.array(key, { maxLength: 60 }), fc.array(step, { maxLength: 12 }), fc.integer({ min: 1, max: 6 }), (initial, steps, chunkKeys) => {
        const model = new Set(initial);
        const start = sortKeys([...model]);
        const set = SortedKeyChunks.fromSorted(start, needsFixup(start), chunkKeys);
        const clones: Array<[SortedKeyChunks, string[]]> = [];
        for (const s of steps) {
          const current = [...model].sort(byBytes);
          const removes = current.filter((_, i) => s.removeMask[i % Math.max(1, s.removeMask.length)] === true);
          const inserts = [...new Set(s.inserts)].filter((k) => !model.has(k)).sort(byBytes);
          clones.push([set.clone(), current]);
          set.apply(removes, inserts, needsFixup(inserts));
          for (const k of removes) model.delete(k);
          for (const k of inserts) model.add(k);
          const expected = [...model].sort(byBytes);
          assert.deepEqual(set.toArray(), expected);
          assert.deepEqual([...set], expected);
          assert.equal(set.size, expected.length);
          for (const k of [...s.inserts, ...removes, ...initial]) assert.equal(set.has(k), model.has(k), `has(${JSON.stringify(k)})`);
          for (const c of set.chunks) {
            assert.ok(c.length > 0, 'no empty chunk');
            assert.ok(c.length <= 2 * chunkKeys, `chunk of ${c.length} > 2 × ${chunkKeys}`);
          }
        }
        for (const [c, keys] of clones) assert.deepEqual(c.toArray(), keys);
      }),
      runs,
    );
  });

  it('an early break reads only a prefix, and an iteration started before apply() keeps its keys', () => {
    const keys = Array.from({ length: 5000 }, (_, i) => `k${String(i).padStart(5, '0')}`);
    const set = SortedKeyChunks.fromSorted(keys, false, 64);
    const it1 = set[Symbol.iterator]();
    const firstTen: string[] = [];
    for (let i = 0; i < 10; i++) firstTen.push(it1.next().value as string);
    assert.deepEqual(firstTen, keys.slice(0, 10));
    set.apply(keys.slice(0, 2000), ['z'], false);
    const rest = [...{ [Symbol.iterator]: () => it1 }];
    assert.deepEqual(rest, keys.slice(10));
    assert.deepEqual(set.toArray(), [...keys.slice(2000), 'z']);
  });

  it('drops wholly removed chunks and appends trailing inserts without rebuilding the other chunks', () => {
    const keys = Array.from({ length: 1000 }, (_, i) => `k${String(i).padStart(4, '0')}`);
    const set = SortedKeyChunks.fromSorted(keys, false, 100);
    const before = set.chunks;
    set.apply(keys.slice(0, 300), ['k9999', 'l'], false);
    const after = set.chunks;
    // The untouched middle chunks are the very same arrays (shared, not copied).
    for (let c = 3; c < 9; c++) assert.equal(after[c - 3], before[c]);
    assert.deepEqual(set.toArray(), [...keys.slice(300), 'k9999', 'l']);
  });
});
