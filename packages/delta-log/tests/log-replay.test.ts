import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { DeltaTable } from '@weir/delta-log';
import { TESTDATA, fsEngine } from './support/engines.js';

const table = (rel: string) => DeltaTable.forPath(fsEngine(), path.join(TESTDATA, rel, 'delta'));

describe('log replay over golden logs (JSON commits only)', () => {
  it('basic_append: two commits, two active files, schema from metaData', async () => {
    const snap = await table('dat/basic_append').snapshot();
    assert.equal(snap.version, 1);
    assert.equal(snap.files.length, 2);
    assert.deepEqual(snap.schema.fields.map((f) => f.name), ['letter', 'number', 'a_float']);
    assert.equal(snap.numRecords(), 5);
  });

  it('time travel by version reads the older state', async () => {
    const snap = await table('dat/basic_append').snapshot({ version: 0 });
    assert.equal(snap.version, 0);
    assert.equal(snap.files.length, 1);
  });

  it('a version beyond the latest is DELTA_VERSION_NOT_FOUND', async () => {
    await assert.rejects(table('dat/basic_append').snapshot({ version: 7 }), { code: 'DELTA_VERSION_NOT_FOUND' });
  });

  it('partition values decode by type (basic_partitioned)', async () => {
    const snap = await table('dat/basic_partitioned').snapshot();
    const letters = snap.scanFiles().map((f) => f.partitionValues['letter']).sort();
    assert.deepEqual(letters, ['a', 'a', 'b', 'c', 'e', null].sort());
  });

  it('deletion vectors are applied: 10 rows in the file, 2 deleted', async () => {
    const snap = await table('delta-rs/table-with-dv-small').snapshot();
    assert.equal((await snap.collect()).length, 8);
  });

  it('unimplemented reader features are refused by name (typeWidening-preview, geospatial)', async () => {
    await assert.rejects(table('delta-kernel-rs/type-widening').snapshot(), { code: 'DELTA_UNSUPPORTED_FEATURE', details: { feature: 'typeWidening-preview', path: path.join(TESTDATA, 'delta-kernel-rs/type-widening/delta'), operation: 'reading' } });
    await assert.rejects(table('delta-kernel-rs/table-with-geo').snapshot(), (e: { code: string; details: { feature: string } }) => e.code === 'DELTA_UNSUPPORTED_FEATURE' && e.details.feature === 'geospatial');
  });

  it('column mapping (name mode) reads by physical name; writing to it is refused by feature name', async () => {
    const t = table('delta-rs/table_with_column_mapping');
    const snap = await t.snapshot();
    assert.deepEqual(snap.partitionColumns, ['Company Very Short']);
    // partition values are keyed by physical name in the log, by logical name in scan files
    assert.deepEqual(snap.scanFiles().map((f) => f.partitionValues['Company Very Short']).sort(), ['BME', 'BMS']);
    const named = await table('delta-spark-golden/table-with-columnmapping-mode-name').snapshot();
    const rows = await named.collect();
    assert.equal(rows.length, 6);
    assert.ok(rows.every((r) => Object.keys(r).every((k) => !k.startsWith('col-'))));
    assert.ok(rows.some((r) => r['ByteType'] !== null));
    await assert.rejects(t.write({ schema: snap.schema, rows: [] }), (e: { code: string; details: { feature: string } }) => e.code === 'DELTA_UNSUPPORTED_FEATURE' && e.details.feature === 'columnMapping');
  });

  it('an unknown reader version is DELTA_INVALID_PROTOCOL_VERSION', async () => {
    await assert.rejects(table('delta-spark-golden/deltalog-invalid-protocol-version').snapshot(), { code: 'DELTA_INVALID_PROTOCOL_VERSION' });
  });

  it('a missing version in the sequence is DELTA_VERSIONS_NOT_CONTIGUOUS', async () => {
    await assert.rejects(table('delta-spark-golden/versions-not-contiguous').snapshot(), { code: 'DELTA_VERSIONS_NOT_CONTIGUOUS' });
  });

  it('a log without protocol or metadata is DELTA_STATE_RECOVER_ERROR', async () => {
    await assert.rejects(table('delta-spark-golden/deltalog-state-reconstruction-without-protocol').snapshot(), { code: 'DELTA_STATE_RECOVER_ERROR' });
    await assert.rejects(table('delta-spark-golden/deltalog-state-reconstruction-without-metadata').snapshot(), { code: 'DELTA_STATE_RECOVER_ERROR' });
  });

  it('latest txn per appId (app-txn-no-checkpoint)', async () => {
    const snap = await table('delta-kernel-rs/app-txn-no-checkpoint').snapshot();
    assert.ok(snap.appTransactions.size >= 1);
    for (const [appId, t] of snap.appTransactions) assert.equal(snap.getAppTransactionVersion(appId), t.version);
    assert.equal(snap.getAppTransactionVersion('no-such-app'), undefined);
  });

  it('history lists commits newest first with operations', async () => {
    const h = await table('dat/basic_append').history();
    assert.deepEqual(h.map((e) => e.version), [1, 0]);
    assert.ok(h.every((e) => typeof e.operation === 'string'));
  });

  it('a missing table is DELTA_TABLE_NOT_FOUND', async () => {
    await assert.rejects(DeltaTable.forPath(fsEngine(), path.join(TESTDATA, 'no-such-table')).snapshot(), { code: 'DELTA_TABLE_NOT_FOUND' });
  });
});
