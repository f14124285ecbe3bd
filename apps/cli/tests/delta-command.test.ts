import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StructType } from '@weir/core';
import { DeltaTable } from '@weir/delta-log';
import { createNodeEngine } from '@weir/node';
import { REPO, weir } from './cli-test-helpers.js';
import { deltaCat, deltaDescribe, deltaHistory } from '../src/commands/delta.js';

const GOLDEN = path.resolve(REPO, '../shared/testdata/delta');

async function weirTable(): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weir-cli-delta-'));
  const engine = createNodeEngine();
  const t = DeltaTable.forPath(engine, dir);
  const schema = StructType.fromDDL('id BIGINT, ts TIMESTAMP, day DATE, amount DECIMAL(6,2), city STRING');
  await t.write({ schema, rows: [{ id: 1, ts: 1_700_000_000_123_456, day: 19000, amount: '1.50', city: 'Oslo' }] }, { partitionBy: ['city'] });
  await t.write({ schema, rows: [{ id: 2, ts: null, day: null, amount: null, city: null }] });
  await engine.tasks.close();
  return dir;
}

describe('weir delta', () => {
  it('cat: ndjson rows with ISO-8601 µs timestamps, dates, partition columns; --version; --limit; --format table', async () => {
    const dir = await weirTable();
    const r = await weir(['delta', 'cat', dir]);
    assert.equal(r.code, 0, r.stderr);
    const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    rows.sort((a, b) => (a['id'] as number) - (b['id'] as number));
    assert.deepEqual(rows, [
      { id: 1, ts: '2023-11-14T22:13:20.123456Z', day: '2022-01-08', amount: '1.50', city: 'Oslo' },
      { id: 2, ts: null, day: null, amount: null, city: null },
    ]);
    assert.equal((await deltaCat(dir, { version: 0 })).trim().split('\n').length, 1);
    assert.equal((await deltaCat(dir, { limit: 1 })).trim().split('\n').length, 1);
    const tbl = await deltaCat(dir, { format: 'table' });
    assert.match(tbl.split('\n')[0] ?? '', /^id\s+\| ts\s+\| day\s+\| amount \| city$/);
  });

  it('cat of a golden Spark table matches its known contents', async () => {
    const out = await deltaCat(path.join(GOLDEN, 'dat/basic_append/delta'), { version: 0 });
    const rows = out.trim().split('\n').map((l) => JSON.parse(l) as { letter: string; number: number });
    assert.deepEqual(rows.map((r) => r.number).sort(), [1, 2, 3]);
  });

  it('describe --json and history --json', async () => {
    const dir = await weirTable();
    const desc = JSON.parse(await deltaDescribe(dir, { json: true })) as Record<string, unknown>;
    assert.equal(desc['version'], 1);
    assert.deepEqual(desc['protocol'], { minReaderVersion: 1, minWriterVersion: 2, readerFeatures: [], writerFeatures: [] });
    assert.deepEqual(desc['partitionColumns'], ['city']);
    assert.equal(desc['numFiles'], 2);
    assert.equal(desc['numRecords'], 2);
    const sizes = fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && e.name.endsWith('.parquet')).map((e) => fs.statSync(path.join(e.parentPath, e.name)).size);
    assert.equal(desc['sizeInBytes'], sizes.reduce((a, b) => a + b, 0));
    const hist = JSON.parse(await deltaHistory(dir, { json: true })) as Array<{ version: number; operation: string }>;
    assert.deepEqual(hist.map((e) => e.version), [1, 0]);
  });

  it('vacuum refuses a short retention with a coded one-line error; checkpoint writes one', async () => {
    const dir = await weirTable();
    const v = await weir(['delta', 'vacuum', dir, '--retention-hours', '1']);
    assert.equal(v.code, 1);
    assert.match(v.stderr, /^DELTA_VACUUM_RETENTION_TOO_SHORT: /);
    const c = await weir(['delta', 'checkpoint', dir]);
    assert.equal(c.code, 0, c.stderr);
    assert.equal((JSON.parse(c.stdout) as { version: number }).version, 1);
    assert.ok(fs.existsSync(path.join(dir, '_delta_log', '00000000000000000001.checkpoint.parquet')));
  });

  it('errors: unsupported feature and missing table print CODE: message and exit non-zero; bad flags exit 2', async () => {
    const geo = await weir(['delta', 'cat', path.join(GOLDEN, 'delta-kernel-rs/table-with-geo/delta')]);
    assert.equal(geo.code, 1);
    assert.match(geo.stderr, /^DELTA_UNSUPPORTED_FEATURE: .*geospatial/);
    assert.equal(geo.stderr.trim().split('\n').length, 1);
    await assert.rejects(deltaDescribe(path.join(os.tmpdir(), 'weir-no-such-table-xyz')), { code: 'DELTA_TABLE_NOT_FOUND' });
    const bad = await weir(['delta', 'cat', 'x', '--version', 'abc']);
    assert.equal(bad.code, 2);
  });
});
