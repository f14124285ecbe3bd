import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { groupFiles } from './file-stream-source.js';

const OPEN_COST = 4 * 1024 * 1024;
const FC = { seed: Number(process.env['FC_SEED'] ?? 42), numRuns: process.env['CI'] ? 500 : 100 };

describe('groupFiles', () => {
  it('splits 25 equal files into two near-equal groups on 2 threads (no lone remainder task)', () => {
    const files = Array.from({ length: 25 }, (_, i) => ({ i, size: 1_800_000 }));
    assert.deepEqual(groupFiles(files, 2).map((g) => g.length), [12, 13]);
  });

  it('rounds the split count up to a multiple of the thread count (100 files of 1.8 MB: 6 groups on 2 threads, 5 on 1)', () => {
    const files = Array.from({ length: 100 }, (_, i) => ({ i, size: 1_800_000 }));
    // total = 100 × (1.8 MB + 4 MiB open cost) ≈ 5.0 splits of 128 MiB.
    assert.equal(groupFiles(files, 1).length, 5);
    assert.deepEqual(groupFiles(files, 2).map((g) => g.length), [17, 16, 17, 17, 16, 17]);
  });

  it('keeps admission order, never splits or drops a file, and balances cost within one file', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 300_000_000 }), { minLength: 1, maxLength: 60 }), fc.integer({ min: 1, max: 8 }), (sizes, parallelism) => {
        const files = sizes.map((size, i) => ({ i, size }));
        const groups = groupFiles(files, parallelism);
        assert.deepEqual(groups.flat().map((f) => f.i), files.map((f) => f.i));
        assert.ok(groups.every((g) => g.length > 0));
        const costs = groups.map((g) => g.reduce((s, f) => s + f.size + OPEN_COST, 0));
        const total = costs.reduce((a, b) => a + b, 0);
        const k = Math.min(files.length, parallelism * Math.ceil(Math.ceil(total / (128 * 1024 * 1024)) / parallelism));
        assert.ok(groups.length <= k);
        const biggest = Math.max(...files.map((f) => f.size + OPEN_COST));
        for (const c of costs) assert.ok(c <= total / k + biggest, `group cost ${c} > ideal ${total / k} + largest file ${biggest}`);
      }),
      FC,
    );
  });
});
