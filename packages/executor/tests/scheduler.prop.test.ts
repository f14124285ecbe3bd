import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Task } from '@weir/core';
import { createTaskExecutor } from '@weir/executor';

const MODULE = new URL('./fixtures/handlers.ts', import.meta.url).href;
const runs = { seed: Number(process.env.FC_SEED ?? 42), numRuns: process.env.CI ? 40 : 8 };

describe('scheduler (property, threads: 2)', () => {
  const tasks = createTaskExecutor({ threads: 2, maxFailures: 1 });
  after(() => tasks.close());

  it('any mix of affine and free tasks, submitted at once: every result is right and each affinity stays on one thread', async () => {
    const pinned = new Map<number, number>(); // affinity → threadId, across all runs
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ affinity: fc.option(fc.nat({ max: 5 })), x: fc.integer({ min: -1000, max: 1000 }), sleepMs: fc.nat({ max: 3 }) }, { noNullPrototype: true }), {
          minLength: 1,
          maxLength: 30,
        }),
        async (specs) => {
          const out = await Promise.all(
            specs.map(async (s, i) => {
              const t: Task =
                s.affinity === null
                  ? { module: MODULE, handler: s.sleepMs > 1 ? 'sleep' : 'square', input: s.sleepMs > 1 ? { ms: s.sleepMs } : { x: s.x } }
                  : { module: MODULE, handler: 'whereAmI', input: { partition: s.affinity } };
              const r = await tasks.run<unknown>(t, s.affinity === null ? {} : { affinity: s.affinity });
              return [i, r] as const;
            }),
          );
          for (const [i, r] of out) {
            const s = specs[i]!;
            if (s.affinity === null) {
              assert.deepEqual(r, s.sleepMs > 1 ? 'woke' : s.x * s.x);
            } else {
              const { threadId, partition } = r as { threadId: number; partition: number };
              assert.equal(partition, s.affinity);
              const before = pinned.get(s.affinity);
              if (before === undefined) pinned.set(s.affinity, threadId);
              else assert.equal(threadId, before, `affinity ${s.affinity} moved threads`);
              // affinity p runs on thread p % 2: affinities of equal parity share a thread
              const sibling = pinned.get(s.affinity % 2 === 0 ? 0 : 1);
              if (sibling !== undefined) assert.equal(threadId, sibling);
            }
          }
        },
      ),
      runs,
    );
    assert.ok(pinned.size > 1, 'several affinities were exercised');
    assert.equal(new Set(pinned.values()).size, 2, 'both threads used');
  });
});
