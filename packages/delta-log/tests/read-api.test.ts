import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { StructType } from '@weir/core';
import { DeltaTable } from '@weir/delta-log';
import { TESTDATA, fsEngine, jsonParquetEngine, tempDir } from './support/engines.js';

const schema = StructType.fromDDL('id BIGINT, day DATE, ts TIMESTAMP, amount DECIMAL(8,3), city STRING');

function mtime(dir: string, v: number): number {
  return fs.statSync(path.join(dir, '_delta_log', String(v).padStart(20, '0') + '.json')).mtimeMs;
}

describe('scan / time travel / history / changesSince on weir-written tables', () => {
  it('scan with columns and a partition filter; partition columns typed (date, timestamp, decimal)', async () => {
    const engine = fsEngine();
    const dir = tempDir();
    const t = DeltaTable.forPath(engine, dir);
    const rows = [
      { id: 1, day: 19000, ts: 1_700_000_000_000_001, amount: '1.500', city: 'Oslo' },
      { id: 2, day: 19001, ts: 1_700_000_000_000_001, amount: '-2.000', city: 'Rome' },
      { id: 3, day: 19000, ts: null, amount: null, city: null },
    ];
    await t.write({ schema, rows }, { partitionBy: ['day', 'ts', 'amount'] });
    const snap = await t.snapshot();
    const all = (await snap.collect()).sort((a, b) => (a['id'] as number) - (b['id'] as number));
    assert.deepEqual(all, rows);
    const onlyDay = await snap.collect({ columns: ['city', 'day'], partitionFilter: (pv) => pv['day'] === 19000 });
    assert.deepEqual(onlyDay.map((r) => JSON.stringify(r)).sort(), [
      JSON.stringify({ city: 'Oslo', day: 19000 }),
      JSON.stringify({ city: null, day: 19000 }),
    ].sort());
    await assert.rejects(snap.collect({ columns: ['nope'] }), { code: 'DELTA_INVALID_ARGUMENT' });
    // the directories are Spark's (timestamp partition value with escaped colons)
    const dirs = fs.readdirSync(dir).filter((d) => d.startsWith('day='));
    assert.deepEqual(dirs.sort(), ['day=2022-01-08', 'day=2022-01-09']);
    const inner = fs.readdirSync(path.join(dir, 'day=2022-01-08')).sort();
    assert.deepEqual(inner, ['ts=2023-11-14 22%3A13%3A20.000001', 'ts=__HIVE_DEFAULT_PARTITION__']);
  });

  it('time travel by timestamp, getVersionAt, history use commit times', async () => {
    const engine = jsonParquetEngine();
    const dir = tempDir();
    const t = DeltaTable.forPath(engine, dir);
    const s = StructType.fromDDL('id BIGINT');
    for (let v = 0; v < 3; v++) {
      await t.write({ schema: s, rows: [{ id: v }] });
      await new Promise((r) => setTimeout(r, 15));
    }
    const times = [0, 1, 2].map((v) => mtime(dir, v));
    assert.equal(await t.getVersionAt(times[1]!), 1);
    assert.equal(await t.getVersionAt(times[1]! + 1), 1);
    assert.equal(await t.getVersionAt(times[2]! + 100_000), 2);
    const snap = await t.snapshot({ timestamp: times[0]! });
    assert.equal(snap.version, 0);
    assert.equal((await snap.collect()).length, 1);
    await assert.rejects(t.getVersionAt(times[0]! - 1000), { code: 'DELTA_TIMESTAMP_EARLIER_THAN_COMMIT_RETENTION' });
    await assert.rejects(t.snapshot({ timestamp: new Date(times[2]! + 3_600_000).toISOString() }), { code: 'DELTA_TIMESTAMP_AFTER_LATEST_COMMIT' });
    const h = await t.history();
    assert.deepEqual(h.map((e) => [e.version, e.operation]), [[2, 'WRITE'], [1, 'WRITE'], [0, 'CREATE TABLE AS SELECT']]);
    assert.equal((await t.history({ limit: 1 })).length, 1);
  });

  it('changesSince yields each later commit with its data-changing adds', async () => {
    const engine = jsonParquetEngine();
    const dir = tempDir();
    const t = DeltaTable.forPath(engine, dir);
    const s = StructType.fromDDL('id BIGINT');
    await t.write({ schema: s, rows: [{ id: 0 }] });
    await t.write({ schema: s, rows: [{ id: 1 }, { id: 2 }] }, { targetFileRows: 1 });
    await t.write({ schema: s, rows: [{ id: 3 }] }, { mode: 'overwrite' });
    const changes = [];
    for await (const c of t.changesSince(0)) changes.push(c);
    assert.deepEqual(changes.map((c) => [c.version, c.adds.length, c.removesData]), [[1, 2, false], [2, 1, true]]);
    const fromLatest = [];
    for await (const c of t.changesSince(2)) fromLatest.push(c);
    assert.equal(fromLatest.length, 0);
  });

  it('changesSince over a golden table with a cdc commit (delta-rs/cdf-table)', async () => {
    const t = DeltaTable.forPath(fsEngine(), path.join(TESTDATA, 'delta-rs/cdf-table/delta'));
    const versions = [];
    for await (const c of t.changesSince(0)) versions.push(c.version);
    assert.deepEqual(versions, [1, 2, 3]);
  });
});
