/**
 * Property: for random commit sequences (appends, removes, txn updates, domain metadata,
 * configuration changes), the snapshot replayed from weir's Parquet checkpoints equals the
 * snapshot replayed from the JSON commits alone, at every version.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { StructType } from '@weir/core';
import { DeltaTable, type AddAction, type Snapshot } from '@weir/delta-log';
import { fsEngine, tempDir } from './support/engines.js';

type Op =
  | { kind: 'append'; files: Array<{ name: string; part: string | null; size: number; withStats: boolean; tag: boolean }> }
  | { kind: 'remove'; picks: number[] }
  | { kind: 'txn'; appId: string }
  | { kind: 'domain'; domain: string; removed: boolean }
  | { kind: 'config'; value: string };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record(
    {
      kind: fc.constant('append' as const),
      files: fc.array(
        fc.record(
          { name: fc.stringMatching(/^[a-z0-9 %=]{1,8}$/), part: fc.option(fc.constantFrom('x', 'y z', '2021-01-01'), { nil: null }), size: fc.nat(10_000), withStats: fc.boolean(), tag: fc.boolean() },
          { noNullPrototype: true },
        ),
        { minLength: 1, maxLength: 4 },
      ),
    },
    { noNullPrototype: true },
  ),
  fc.record({ kind: fc.constant('remove' as const), picks: fc.array(fc.nat(50), { minLength: 1, maxLength: 3 }) }, { noNullPrototype: true }),
  fc.record({ kind: fc.constant('txn' as const), appId: fc.constantFrom('q1', 'q2', 'q3') }, { noNullPrototype: true }),
  fc.record({ kind: fc.constant('domain' as const), domain: fc.constantFrom('d1', 'd2'), removed: fc.boolean() }, { noNullPrototype: true }),
  fc.record({ kind: fc.constant('config' as const), value: fc.stringMatching(/^[a-z]{0,5}$/) }, { noNullPrototype: true }),
);

function view(s: Snapshot) {
  // dataChange is false in checkpoints by design; key order is not significant
  const norm = (a: AddAction) => {
    const o: Record<string, unknown> = { ...a, dataChange: null };
    return JSON.stringify(Object.keys(o).sort().map((k) => [k, o[k]]));
  };
  return {
    version: s.version,
    protocol: s.protocol,
    metadata: s.metadata,
    files: s.files.map(norm).sort(),
    tombstones: s.tombstones.map((t) => t.path).sort(),
    txns: [...s.appTransactions.values()].map((t) => `${t.appId}:${t.version}`).sort(),
    domains: [...s.domainMetadata.values()].map((d) => `${d.domain}:${d.configuration}`).sort(),
  };
}

describe('checkpoints', () => {
  it('checkpoint-based replay equals log-only replay (random commit sequences)', async () => {
    let counter = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 9 }), fc.integer({ min: 1, max: 3 }), async (ops, interval) => {
        const engine = fsEngine();
        const dir = tempDir();
        const table = DeltaTable.forPath(engine, dir);
        const schema = StructType.fromDDL('id BIGINT, p STRING');
        await DeltaTable.create(engine, dir, { schema, partitionColumns: ['p'], configuration: { 'delta.checkpointInterval': String(interval) } });
        const txnVersions = new Map<string, number>();
        for (const op of ops) {
          const tx = await table.startTransaction();
          if (op.kind === 'append') {
            tx.addFiles(
              op.files.map((f) => ({
                path: encodeURI(`p=${f.part ?? '__HIVE_DEFAULT_PARTITION__'}/f-${counter++}-${f.name}.parquet`),
                partitionValues: { p: f.part },
                size: f.size,
                modificationTime: 1_700_000_000_000 + counter,
                dataChange: true,
                ...(f.withStats ? { stats: JSON.stringify({ numRecords: f.size % 7 }) } : {}),
                ...(f.tag ? { tags: { k: 'v' } } : {}),
              })),
            );
          } else if (op.kind === 'remove') {
            const files = tx.snapshot!.files;
            if (files.length > 0) tx.removeFiles([...new Set(op.picks.map((i) => files[i % files.length]!))]);
          } else if (op.kind === 'txn') {
            const v = (txnVersions.get(op.appId) ?? -1) + 1;
            txnVersions.set(op.appId, v);
            tx.setAppTransaction(op.appId, v);
          } else if (op.kind === 'domain') {
            tx.setDomainMetadata(op.domain, `{"c":${counter++}}`, op.removed);
          } else {
            const m = tx.snapshot!.metadata;
            tx.updateMetadata({ ...m, configuration: { ...m.configuration, 'weir.test': op.value } });
          }
          const r = await tx.commit();
          assert.equal(r.kind, 'committed');
        }
        const reader = DeltaTable.forPath(engine, dir); // a fresh reader: nothing cached
        const latest = await reader.latestVersion();
        const withCp = await reader.snapshot();
        assert.ok(latest < interval || withCp.logSegment.checkpoint !== null, 'a checkpoint was written');
        for (let v = 0; v <= latest; v++) {
          assert.deepEqual(view(await reader.snapshot({ version: v })), view(await reader.snapshot({ version: v, useCheckpoints: false })));
        }
        // the writer's incrementally updated snapshot equals a fresh full load too
        assert.deepEqual(view(await table.snapshot()), view(withCp));
      }),
      { seed: Number(process.env.FC_SEED ?? 42), numRuns: process.env.CI ? 40 : 6 },
    );
  });
});
