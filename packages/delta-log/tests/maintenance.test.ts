import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { StructType, type Engine } from '@weir/core';
import { DeltaTable } from '@weir/delta-log';
import { fsEngine, tempDir } from './support/engines.js';

const schema = StructType.fromDDL('id BIGINT, p STRING');
const HOUR = 3_600_000;

/** The real engine with its clock moved `offsetMs` into the future (files look that much older). */
function laterEngine(offsetMs: number): Engine {
  const base = fsEngine();
  return Object.freeze({ ...base, clock: { now: () => base.clock.now() + offsetMs, sleep: base.clock.sleep.bind(base.clock) } });
}

function parquetFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.name === '_delta_log') continue;
      if (e.isDirectory()) walk(path.join(d, e.name));
      else out.push(path.relative(dir, path.join(d, e.name)));
    }
  };
  walk(dir);
  return out.sort();
}

describe('maintenance', () => {
  it('vacuum: refuses short retention unless forced; deletes removed and orphan files past retention only', async () => {
    const dir = tempDir();
    const t = DeltaTable.forPath(fsEngine(), dir);
    await t.write({ schema, rows: [{ id: 1, p: 'a' }] }, { partitionBy: ['p'] });
    await t.write({ schema, rows: [{ id: 2, p: 'b' }] }, { mode: 'overwrite' });
    fs.writeFileSync(path.join(dir, 'orphan.parquet'), 'x');
    const before = parquetFiles(dir);
    assert.equal(before.length, 3);
    await assert.rejects(t.vacuum({ retentionHours: 0 }), { code: 'DELTA_VACUUM_RETENTION_TOO_SHORT' });
    // now: nothing is older than 168 h
    assert.deepEqual((await t.vacuum()).files, []);
    const later = DeltaTable.forPath(laterEngine(200 * HOUR), dir);
    const dry = await later.vacuum({ dryRun: true });
    assert.equal(dry.files.length, 2);
    assert.deepEqual(parquetFiles(dir), before);
    const done = await later.vacuum();
    assert.deepEqual([...done.files].sort(), [...dry.files].sort());
    const active = (await t.snapshot()).scanFiles().map((f) => path.relative(dir, f.path));
    assert.deepEqual(parquetFiles(dir), active);
    assert.deepEqual(await (await t.snapshot()).collect(), [{ id: 2, p: 'b' }]);
    // forced short retention works too
    const t2dir = tempDir();
    const t2 = DeltaTable.forPath(fsEngine(), t2dir);
    await t2.write({ schema, rows: [{ id: 1, p: 'a' }] });
    await t2.write({ schema, rows: [{ id: 2, p: 'a' }] }, { mode: 'overwrite' });
    await new Promise((r) => setTimeout(r, 20));
    assert.equal((await t2.vacuum({ retentionHours: 0, force: true })).files.length, 1);
  });

  it('optimize compacts small files per partition with dataChange=false, rows unchanged', async () => {
    const dir = tempDir();
    const engine = fsEngine();
    const t = DeltaTable.forPath(engine, dir);
    for (let i = 0; i < 6; i++) await t.write({ schema, rows: [{ id: i, p: i % 2 ? 'odd' : 'even' }] }, { partitionBy: ['p'] });
    const before = await (await t.snapshot()).collect();
    const r = await t.optimize();
    assert.equal(r.numFilesRemoved, 6);
    assert.equal(r.numFilesAdded, 2);
    assert.equal(r.commit?.kind, 'committed');
    const snap = await t.snapshot();
    assert.equal(snap.files.length, 2);
    const key = (x: Record<string, unknown>) => JSON.stringify(x);
    assert.deepEqual((await snap.collect()).map(key).sort(), before.map(key).sort());
    const changes = [];
    for await (const c of t.changesSince(snap.version - 1)) changes.push(c);
    assert.equal(changes[0]?.adds.length, 0);
    assert.equal(changes[0]?.removesData, false);
    assert.equal((await t.history({ limit: 1 }))[0]?.operation, 'OPTIMIZE');
    assert.equal((await t.optimize()).commit, null);
  });

  it('expired log cleanup keeps the table readable from the newest expired checkpoint', async () => {
    const dir = tempDir();
    const t = DeltaTable.forPath(fsEngine(), dir);
    const config = { 'delta.checkpointInterval': '2', 'delta.logRetentionDuration': 'interval 1 hour' };
    for (let i = 0; i < 6; i++) await t.write({ schema, rows: [{ id: i, p: 'a' }] }, { configuration: config });
    // within retention: nothing deleted
    assert.deepEqual(await t.cleanupExpiredLogs(), []);
    const later = DeltaTable.forPath(laterEngine(2 * HOUR), dir);
    const deleted = (await later.cleanupExpiredLogs()).map((p) => path.basename(p)).sort();
    assert.deepEqual(deleted, [
      '00000000000000000000.json',
      '00000000000000000001.json',
      '00000000000000000002.checkpoint.parquet',
      '00000000000000000002.json',
      '00000000000000000003.json',
    ]);
    const snap = await t.snapshot();
    assert.equal(snap.version, 5);
    assert.equal((await snap.collect()).length, 6);
    await assert.rejects(t.snapshot({ version: 1 }), { code: 'DELTA_VERSION_NOT_FOUND' });
  });
});
