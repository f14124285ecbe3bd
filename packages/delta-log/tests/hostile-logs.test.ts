import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { StructType } from '@weir/core';
import { DeltaTable } from '@weir/delta-log';
import { jsonParquetEngine, tempDir } from './support/engines.js';

const schema = StructType.fromDDL('id BIGINT');
const logFile = (dir: string, v: number) => path.join(dir, '_delta_log', String(v).padStart(20, '0') + '.json');

/** Writes n commits, then returns a fresh handle (a new reader, with nothing cached) on the table. */
async function tableWithCommits(n: number) {
  const engine = jsonParquetEngine();
  const dir = tempDir();
  const writer = DeltaTable.forPath(engine, dir);
  for (let i = 0; i < n; i++) await writer.write({ schema, rows: [{ id: i }] });
  return { engine, dir, t: DeltaTable.forPath(engine, dir) };
}

describe('hostile logs', () => {
  it('a truncated JSON line is DELTA_LOG_FILE_CORRUPT', async () => {
    const { dir, t } = await tableWithCommits(2);
    const f = logFile(dir, 1);
    const text = fs.readFileSync(f, 'utf8');
    fs.writeFileSync(f, text.slice(0, text.length - 20));
    await assert.rejects(t.snapshot(), { code: 'DELTA_LOG_FILE_CORRUPT' });
  });

  it('unknown action types are ignored (spec)', async () => {
    const { dir, t } = await tableWithCommits(2);
    fs.appendFileSync(logFile(dir, 1), '{"someFutureAction":{"x":1}}\n');
    const snap = await t.snapshot();
    assert.equal(snap.files.length, 2);
  });

  it('a missing version in the sequence is DELTA_VERSIONS_NOT_CONTIGUOUS', async () => {
    const { dir, t } = await tableWithCommits(4);
    fs.rmSync(logFile(dir, 2));
    await assert.rejects(t.snapshot(), { code: 'DELTA_VERSIONS_NOT_CONTIGUOUS' });
  });

  it('path traversal in add.path is refused with DELTA_FILE_PATH_ESCAPES_TABLE', async () => {
    const { dir, t } = await tableWithCommits(1);
    fs.appendFileSync(
      logFile(dir, 0),
      JSON.stringify({ add: { path: '../../etc/passwd', partitionValues: {}, size: 1, modificationTime: 0, dataChange: true } }) + '\n',
    );
    const snap = await t.snapshot();
    await assert.rejects(snap.collect(), { code: 'DELTA_FILE_PATH_ESCAPES_TABLE' });
    assert.throws(() => snap.scanFiles(), { code: 'DELTA_FILE_PATH_ESCAPES_TABLE' });
  });

  it('_last_checkpoint pointing at a missing checkpoint falls back to listing', async () => {
    const { dir, t } = await tableWithCommits(3);
    fs.writeFileSync(path.join(dir, '_delta_log', '_last_checkpoint'), JSON.stringify({ version: 2, size: 4 }));
    const snap = await t.snapshot();
    assert.equal(snap.version, 2);
    assert.equal(snap.files.length, 3);
    assert.equal(snap.logSegment.checkpoint, null);
  });

  it('a corrupt _last_checkpoint is only a hint: ignored', async () => {
    const { dir, t } = await tableWithCommits(2);
    fs.writeFileSync(path.join(dir, '_delta_log', '_last_checkpoint'), '{"version":');
    assert.equal((await t.snapshot()).version, 1);
  });

  it('missing commit 0 without a checkpoint is DELTA_MISSING_PART_FILES', async () => {
    const { dir, t } = await tableWithCommits(2);
    fs.rmSync(logFile(dir, 0));
    await assert.rejects(t.snapshot(), { code: 'DELTA_MISSING_PART_FILES' });
  });

  it('a log line that is JSON but not an object is DELTA_LOG_FILE_CORRUPT', async () => {
    const { dir, t } = await tableWithCommits(1);
    fs.appendFileSync(logFile(dir, 0), '[1,2]\n');
    await assert.rejects(t.snapshot(), { code: 'DELTA_LOG_FILE_CORRUPT' });
  });

  it('an add without a path is DELTA_LOG_FILE_CORRUPT', async () => {
    const { dir, t } = await tableWithCommits(1);
    fs.appendFileSync(logFile(dir, 0), '{"add":{"size":1}}\n');
    await assert.rejects(t.snapshot(), { code: 'DELTA_LOG_FILE_CORRUPT' });
  });
});
