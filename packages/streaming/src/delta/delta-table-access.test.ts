import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { StructType, type Engine } from '@weir/core';
import { DeltaTable, type AddAction } from '@weir/delta-log';
import { createTestEngine } from '@weir/testkit';
import { commitToTable, loadTableState, type CommitRequest } from './delta-table-access.js';

const SEED = Number(process.env.FC_SEED ?? 42);
const RUNS = process.env.CI ? 40 : 8;
const schema = StructType.fromDDL('a INT');

function add(name: string): AddAction {
  return { path: `${name}.parquet`, partitionValues: {}, size: 10, modificationTime: 0, dataChange: true, stats: '{"numRecords":1}' };
}

function request(adds: readonly AddAction[], appId: string, version: number, removeAll = false): CommitRequest {
  return {
    adds,
    removeAll,
    txn: { appId, version },
    schema,
    partitionColumns: [],
    mergeSchema: false,
    overwriteSchema: false,
    operation: 'STREAMING UPDATE',
    outputMode: removeAll ? 'complete' : 'append',
  };
}

/** The oracle: a full, uncached log replay. */
async function fresh(engine: Engine, path: string): Promise<{ version: number; files: string[]; txn: number | undefined } | null> {
  const table = DeltaTable.forPath(engine, path);
  if (!(await table.exists())) return null;
  const s = await table.snapshot();
  return { version: s.version, files: s.files.map((f) => f.path).sort(), txn: s.getAppTransactionVersion('q') };
}

async function viaCache(engine: Engine, path: string): Promise<{ version: number; files: string[]; txn: number | undefined } | null> {
  const s = await loadTableState(engine, path);
  return s === null ? null : { version: s.version, files: s.files.map((f) => f.path).sort(), txn: s.txnVersion('q') };
}

async function deleteTable(engine: Engine, path: string): Promise<void> {
  const files: string[] = [];
  for await (const f of engine.storage.list(path, { recursive: true })) files.push(f.path);
  for (const f of files) await engine.storage.delete(f);
}

describe('delta-table-access snapshot cache', () => {
  it('the cached latest state always equals a full replay: own commits, other writers, complete mode, deleted and recreated tables', async () => {
    type Step = { kind: 'commit' | 'other' | 'complete' | 'recreate'; n: number };
    const step: fc.Arbitrary<Step> = fc.record(
      { kind: fc.constantFrom<Step['kind']>('commit', 'commit', 'other', 'complete', 'recreate'), n: fc.integer({ min: 0, max: 3 }) },
      { noNullPrototype: true },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 25 }), async (steps) => {
        const engine = createTestEngine();
        const path = '/t';
        let batch = 0;
        let name = 0;
        const adds = (n: number) => Array.from({ length: n }, () => add(`f${name++}`));
        for (const s of steps) {
          if (s.kind === 'recreate') {
            await deleteTable(engine, path);
            batch = 0;
            // Rebuild to a random length, often exactly the cached version's.
            for (let i = 0; i <= s.n; i++) await commitToTable(engine, path, request(adds(1), 'q', batch++));
          } else if (s.kind === 'other') {
            // Another writer (its own DeltaTable handle, another appId).
            const table = DeltaTable.forPath(engine, path);
            if (await table.exists()) {
              const txn = await table.startTransaction();
              txn.addFiles(adds(s.n + 1));
              txn.setAppTransaction('other', batch);
              assert.equal((await txn.commit({ operation: 'WRITE' })).kind, 'committed');
            }
          } else {
            const r = await commitToTable(engine, path, request(adds(s.n), 'q', batch++, s.kind === 'complete'));
            assert.equal(r.kind, 'committed');
          }
          assert.deepEqual(await viaCache(engine, path), await fresh(engine, path));
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('a replayed batch is skipped against the cached state (txn version already recorded)', async () => {
    const engine = createTestEngine();
    assert.equal((await commitToTable(engine, '/t', request([add('a')], 'q', 0))).kind, 'committed');
    assert.equal((await commitToTable(engine, '/t', request([add('b')], 'q', 1))).kind, 'committed');
    assert.deepEqual(await commitToTable(engine, '/t', request([add('c')], 'q', 1)), { kind: 'skipped', version: 1 });
    assert.deepEqual((await fresh(engine, '/t'))?.files, ['a.parquet', 'b.parquet']);
  });

  it('no table: null, and a table created later is seen', async () => {
    const engine = createTestEngine();
    assert.equal(await loadTableState(engine, '/t'), null);
    await commitToTable(engine, '/t', request([add('a')], 'q', 0));
    assert.deepEqual(await viaCache(engine, '/t'), await fresh(engine, '/t'));
    await deleteTable(engine, '/t');
    assert.equal(await loadTableState(engine, '/t'), null);
  });
});
