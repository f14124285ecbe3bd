import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { StructType } from '@weir/core';
import { DeltaTable, writeDataFiles, parseCommitFile } from '@weir/delta-log';
import { jsonParquetEngine, tempDir } from './support/engines.js';

const schema = StructType.fromDDL('id BIGINT, city STRING');
const rows = (n: number, start = 0) => Array.from({ length: n }, (_, i) => ({ id: start + i, city: i % 2 ? 'Oslo' : 'Rome' }));

function commitActions(dir: string, version: number) {
  const file = path.join(dir, '_delta_log', String(version).padStart(20, '0') + '.json');
  return parseCommitFile(fs.readFileSync(file), file);
}

describe('transactions', () => {
  it('create + append + overwrite: versions, files and rows follow', async () => {
    const engine = jsonParquetEngine();
    const dir = tempDir();
    const t = DeltaTable.forPath(engine, dir);
    assert.deepEqual(await t.write({ schema, rows: rows(3) }), { kind: 'committed', version: 0, attempts: 1 });
    const v0 = commitActions(dir, 0);
    assert.deepEqual(v0.find((a) => 'protocol' in a), { protocol: { minReaderVersion: 1, minWriterVersion: 2 } });
    assert.equal((await t.write({ schema, rows: rows(2, 3) })).kind, 'committed');
    let snap = await t.snapshot();
    assert.equal(snap.version, 1);
    assert.deepEqual((await snap.collect()).map((r) => r['id']).sort(), [0, 1, 2, 3, 4]);
    const r = await t.write({ schema, rows: rows(1, 10) }, { mode: 'overwrite' });
    assert.equal(r.kind, 'committed');
    snap = await t.snapshot();
    assert.deepEqual(await snap.collect(), [{ id: 10, city: 'Rome' }]);
    assert.equal(snap.tombstones.length, 2);
    assert.equal((await t.snapshot({ version: 1 })).files.length, 2);
  });

  it('a blind append that loses the race rebases and commits the next version', async () => {
    const engine = jsonParquetEngine();
    const dir = tempDir();
    const t = DeltaTable.forPath(engine, dir);
    await t.write({ schema, rows: rows(1) });
    const a = await t.startTransaction();
    const b = await t.startTransaction();
    a.addFiles(await writeDataFiles(engine, dir, { schema, rows: rows(1, 1) }));
    b.addFiles(await writeDataFiles(engine, dir, { schema, rows: rows(1, 2) }));
    assert.deepEqual(await a.commit(), { kind: 'committed', version: 1, attempts: 1 });
    assert.deepEqual(await b.commit(), { kind: 'committed', version: 2, attempts: 2 });
    assert.equal((await t.snapshot()).files.length, 3);
  });

  it('a concurrent metadata change fails with DELTA_METADATA_CHANGED', async () => {
    const engine = jsonParquetEngine();
    const dir = tempDir();
    const t = DeltaTable.forPath(engine, dir);
    await t.write({ schema, rows: rows(1) });
    const loser = await t.startTransaction();
    loser.addFiles(await writeDataFiles(engine, dir, { schema, rows: rows(1, 5) }));
    // winner: mergeSchema adds a column (metadata change)
    const wider = StructType.fromDDL('id BIGINT, city STRING, extra INT');
    assert.equal((await t.write({ schema: wider, rows: [{ id: 9, city: 'x', extra: 1 }] }, { mergeSchema: true })).kind, 'committed');
    const res = await loser.commit();
    assert.equal(res.kind, 'conflict');
    assert.equal(res.kind === 'conflict' && res.code, 'DELTA_METADATA_CHANGED');
    assert.equal(res.kind === 'conflict' && res.error.code, 'DELTA_METADATA_CHANGED');
  });

  it('an overwrite racing an append fails with DELTA_CONCURRENT_APPEND', async () => {
    const engine = jsonParquetEngine();
    const dir = tempDir();
    const t = DeltaTable.forPath(engine, dir);
    await t.write({ schema, rows: rows(2) });
    const over = await t.startTransaction();
    over.removeFiles(over.snapshot!.files);
    over.addFiles(await writeDataFiles(engine, dir, { schema, rows: rows(1, 100) }));
    await t.write({ schema, rows: rows(1, 50) });
    const res = await over.commit();
    assert.equal(res.kind === 'conflict' && res.code, 'DELTA_CONCURRENT_APPEND');
  });

  it('two removes of the same file: DELTA_CONCURRENT_DELETE_DELETE', async () => {
    const engine = jsonParquetEngine();
    const dir = tempDir();
    const t = DeltaTable.forPath(engine, dir);
    await t.write({ schema, rows: rows(2) });
    const a = await t.startTransaction();
    const b = await t.startTransaction();
    a.removeFiles(a.snapshot!.files);
    b.removeFiles(b.snapshot!.files);
    assert.equal((await a.commit()).kind, 'committed');
    const res = await b.commit();
    // b read data too, but the delete-delete rule is checked on the same file first only when no add happened
    assert.equal(res.kind, 'conflict');
    assert.ok(res.kind === 'conflict' && ['DELTA_CONCURRENT_DELETE_DELETE'].includes(res.code));
  });

  it('same appId committed concurrently: DELTA_CONCURRENT_TRANSACTION', async () => {
    const engine = jsonParquetEngine();
    const dir = tempDir();
    const t = DeltaTable.forPath(engine, dir);
    await t.write({ schema, rows: rows(1) });
    const a = await t.startTransaction();
    const b = await t.startTransaction();
    a.setAppTransaction('query-1', 0).addFiles(await writeDataFiles(engine, dir, { schema, rows: rows(1, 1) }));
    b.setAppTransaction('query-1', 0).addFiles(await writeDataFiles(engine, dir, { schema, rows: rows(1, 2) }));
    assert.equal((await a.commit()).kind, 'committed');
    const res = await b.commit();
    assert.equal(res.kind === 'conflict' && res.code, 'DELTA_CONCURRENT_TRANSACTION');
  });

  it('idempotent writes: txn version recorded, a replayed batch is skipped', async () => {
    const engine = jsonParquetEngine();
    const dir = tempDir();
    const t = DeltaTable.forPath(engine, dir);
    assert.equal((await t.write({ schema, rows: rows(1) }, { appTransaction: { appId: 'q', version: 0 } })).kind, 'committed');
    assert.equal((await t.snapshot()).getAppTransactionVersion('q'), 0);
    assert.deepEqual(await t.write({ schema, rows: rows(1) }, { appTransaction: { appId: 'q', version: 0 } }), { kind: 'skipped', appId: 'q', version: 0 });
    const adds = await writeDataFiles(engine, dir, { schema, rows: rows(2, 5) });
    assert.equal((await t.commitFiles({ adds, appTransaction: { appId: 'q', version: 1 } })).kind, 'committed');
    const snap = await t.snapshot();
    assert.equal(snap.getAppTransactionVersion('q'), 1);
    assert.equal((await snap.collect()).length, 3);
    const txn = commitActions(dir, 1).find((a) => 'txn' in a);
    assert.ok(txn && 'txn' in txn && txn.txn.appId === 'q' && txn.txn.version === 1);
  });

  it('schema enforcement: unknown column, type change, NOT NULL', async () => {
    const engine = jsonParquetEngine();
    const dir = tempDir();
    const t = DeltaTable.forPath(engine, dir);
    await t.write({ schema: StructType.fromDDL('id BIGINT NOT NULL, city STRING'), rows: [{ id: 1, city: 'a' }] });
    await assert.rejects(t.write({ schema: StructType.fromDDL('id BIGINT, town STRING'), rows: [] }), { code: 'DELTA_SCHEMA_MISMATCH' });
    await assert.rejects(t.write({ schema: StructType.fromDDL('id STRING, city STRING'), rows: [] }), { code: 'DELTA_SCHEMA_MISMATCH' });
    await assert.rejects(t.write({ schema: StructType.fromDDL('city STRING'), rows: [{ city: 'b' }] }), { code: 'DELTA_SCHEMA_MISMATCH' });
    await assert.rejects(t.write({ schema: StructType.fromDDL('id BIGINT, city STRING'), rows: [{ id: null, city: 'b' }] }), { code: 'DELTA_NOT_NULL_CONSTRAINT_VIOLATED' });
    // missing nullable column is written as null
    assert.equal((await t.write({ schema: StructType.fromDDL('id BIGINT'), rows: [{ id: 2 }] })).kind, 'committed');
    const got = (await (await t.snapshot()).collect()).sort((a, b) => (a['id'] as number) - (b['id'] as number));
    assert.deepEqual(got, [{ id: 1, city: 'a' }, { id: 2, city: null }]);
  });

  it('mergeSchema appends columns; overwriteSchema replaces the schema', async () => {
    const engine = jsonParquetEngine();
    const dir = tempDir();
    const t = DeltaTable.forPath(engine, dir);
    await t.write({ schema, rows: rows(1) });
    await t.write({ schema: StructType.fromDDL('id BIGINT, city STRING, temp DOUBLE'), rows: [{ id: 7, city: 'x', temp: 1.5 }] }, { mergeSchema: true });
    let snap = await t.snapshot();
    assert.deepEqual(StructType.fieldNames(snap.schema), ['id', 'city', 'temp']);
    const got = (await snap.collect()).sort((a, b) => (a['id'] as number) - (b['id'] as number));
    assert.deepEqual(got, [{ id: 0, city: 'Rome', temp: null }, { id: 7, city: 'x', temp: 1.5 }]);
    await t.write({ schema: StructType.fromDDL('k STRING'), rows: [{ k: 'only' }] }, { mode: 'overwrite', overwriteSchema: true });
    snap = await t.snapshot();
    assert.deepEqual(StructType.fieldNames(snap.schema), ['k']);
    assert.deepEqual(await snap.collect(), [{ k: 'only' }]);
  });

  it('appendOnly tables refuse removes', async () => {
    const engine = jsonParquetEngine();
    const dir = tempDir();
    const t = DeltaTable.forPath(engine, dir);
    await t.write({ schema, rows: rows(1) }, { configuration: { 'delta.appendOnly': 'true' } });
    await assert.rejects(t.write({ schema, rows: rows(1) }, { mode: 'overwrite' }), { code: 'DELTA_CANNOT_MODIFY_APPEND_ONLY' });
  });

  it('deleting data from a change-data-feed table is refused (weir writes no cdc files); appends are fine', async () => {
    const engine = jsonParquetEngine();
    const dir = tempDir();
    const t = DeltaTable.forPath(engine, dir);
    await t.write({ schema, rows: rows(1) }, { configuration: { 'delta.enableChangeDataFeed': 'true' } });
    assert.equal((await t.write({ schema, rows: rows(1) })).kind, 'committed');
    await assert.rejects(t.write({ schema, rows: rows(1) }, { mode: 'overwrite' }), { code: 'DELTA_UNSUPPORTED_FEATURE', details: { feature: 'changeDataFeed', path: dir, operation: 'deleting data' } });
  });

  it('tables that use features weir cannot enforce are refused for writing by name', async () => {
    const engine = jsonParquetEngine();
    const dir = tempDir();
    const t = DeltaTable.forPath(engine, dir);
    await t.write({ schema, rows: rows(1) });
    const tx = await t.startTransaction();
    const m = tx.snapshot!.metadata;
    tx.updateMetadata({ ...m, configuration: { ...m.configuration, 'delta.constraints.positive': 'id > 0' } });
    await assert.rejects(tx.commit(), { code: 'DELTA_UNSUPPORTED_FEATURE', details: { feature: 'checkConstraints', path: dir, operation: 'writing' } });
  });

  it('commitFiles with metadata creates the table in the same commit', async () => {
    const engine = jsonParquetEngine();
    const dir = tempDir();
    const t = DeltaTable.forPath(engine, dir);
    const adds = await writeDataFiles(engine, dir, { schema, rows: rows(2) });
    const metadata = { id: 'abc', format: { provider: 'parquet', options: {} }, schemaString: StructType.toJSON(schema), partitionColumns: [], configuration: {} };
    assert.deepEqual(await t.commitFiles({ adds, metadata, appTransaction: { appId: 'q', version: 0 } }), { kind: 'committed', version: 0, attempts: 1 });
    const snap = await DeltaTable.forPath(engine, dir).snapshot();
    assert.deepEqual(snap.protocol, { minReaderVersion: 1, minWriterVersion: 2 });
    assert.equal(snap.metadata.id, 'abc');
    assert.equal((await snap.collect()).length, 2);
    await assert.rejects(DeltaTable.forPath(engine, tempDir()).commitFiles({ adds }), { code: 'DELTA_INVALID_ARGUMENT' });
  });

  it('creating an existing table is DELTA_TABLE_ALREADY_EXISTS', async () => {
    const engine = jsonParquetEngine();
    const dir = tempDir();
    assert.equal((await DeltaTable.create(engine, dir, { schema })).kind, 'committed');
    await assert.rejects(DeltaTable.create(engine, dir, { schema }), { code: 'DELTA_TABLE_ALREADY_EXISTS' });
  });
});
