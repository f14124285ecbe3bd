/**
 * Crash property (MemoryStorage fault plans): a crash before/after any storage mutation while
 * writing (data files, commit, checkpoint, _last_checkpoint) leaves a table that a restarted
 * process reads consistently: every write that reported `committed` is there, the interrupted
 * one is there entirely or not at all, nothing else; and writing continues at the next version.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { StructType } from '@weir/core';
import { DeltaTable } from '@weir/delta-log';
import { MemoryStorage, createTestEngine } from '@weir/testkit';

const schema = StructType.fromDDL('id BIGINT, batch INT, p STRING');

describe('crash safety', () => {
  it('a crash at any mutation never loses a committed write nor exposes half of one', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 40 }),
        fc.constantFrom('before' as const, 'after' as const),
        fc.integer({ min: 1, max: 3 }),
        async (writes, atMutation, when, rowsPerWrite) => {
          const storage = new MemoryStorage();
          const engine = createTestEngine({ storage });
          const table = DeltaTable.forPath(engine, '/lake/t');
          await table.write({ schema, rows: [{ id: -1, batch: -1, p: 'seed' }] }, { partitionBy: ['p'], configuration: { 'delta.checkpointInterval': '3' } });
          storage.arm({ crash: { atMutation, when } });
          const committed = new Set<number>();
          let inFlight = -1;
          for (let b = 0; b < writes; b++) {
            inFlight = b;
            const rows = Array.from({ length: rowsPerWrite }, (_, i) => ({ id: b * 10 + i, batch: b, p: b % 2 ? 'odd' : 'even' }));
            try {
              const r = await table.write({ schema, rows }, { appTransaction: { appId: 'q', version: b } });
              assert.equal(r.kind, 'committed');
              committed.add(b);
              inFlight = -1;
            } catch (err) {
              assert.equal((err as { code?: string }).code, 'SIMULATED_CRASH');
              break;
            }
          }
          const recovered = createTestEngine({ storage: storage.restart() });
          const t2 = DeltaTable.forPath(recovered, '/lake/t');
          const snap = await t2.snapshot();
          const rows = await snap.collect();
          const batches = new Map<number, number>();
          for (const r of rows) batches.set(r['batch'] as number, (batches.get(r['batch'] as number) ?? 0) + 1);
          for (const b of committed) assert.equal(batches.get(b), rowsPerWrite, `committed batch ${b} present`);
          for (const [b, n] of batches) {
            if (b === -1 || committed.has(b)) continue;
            assert.equal(b, inFlight, `only the interrupted batch may appear uncommitted (${b})`);
            assert.equal(n, rowsPerWrite, 'the interrupted batch is all or nothing');
          }
          // txn agrees with what is visible, and the table accepts the next write
          const last = snap.getAppTransactionVersion('q');
          assert.equal(last === undefined ? -1 : last, Math.max(-1, ...[...batches.keys()].filter((b) => b >= 0)));
          const next = await t2.write({ schema, rows: [{ id: 999, batch: 99, p: 'x' }] });
          assert.deepEqual(next.kind === 'committed' && next.version, snap.version + 1);
        },
      ),
      { seed: Number(process.env.FC_SEED ?? 42), numRuns: process.env.CI ? 100 : 12 },
    );
  });
});
