import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StructType, type Row } from '@weir/core';
import { MemoryFs, cloudFiles, engineOver, readBatch, schemaDDL } from './helpers/harness.js';

const T0 = 1_700_000_000_000;

async function writeParquet(fs: MemoryFs, path: string, ddl: string, rows: Row[], at: number): Promise<void> {
  const bytes = await engineOver(fs).parquet.write({ schema: StructType.fromDDL(ddl), rows });
  fs.write(path, bytes, at);
}

describe('Parquet input', () => {
  it('infers by merging file schemas with widening (int → bigint), reads and widens values, rescues irreconcilable types', async () => {
    const fs = new MemoryFs();
    await writeParquet(fs, '/in/f1.parquet', 'a INT, b STRING', [{ a: 1, b: 'x' }], T0);
    await writeParquet(fs, '/in/f2.parquet', 'a BIGINT, b STRING, c DOUBLE', [{ a: 2, b: 'y', c: 0.5 }], T0 + 1);
    const src = await cloudFiles(fs, { 'cloudFiles.format': 'parquet', 'cloudFiles.schemaLocation': '/schema' });
    assert.equal(schemaDDL(src), 'a bigint, b string, c double, _rescued_data string');
    const e0 = await src.latestOffset(null, {});
    assert.deepEqual(await readBatch(src, fs, null, e0!), [
      { a: 1, b: 'x', c: null, _rescued_data: null },
      { a: 2, b: 'y', c: 0.5, _rescued_data: null },
    ]);
    await writeParquet(fs, '/in/f3.parquet', 'a STRING, b STRING', [{ a: 'three', b: 'z' }], T0 + 2);
    const e1 = await src.latestOffset(e0, {});
    assert.deepEqual(await readBatch(src, fs, e0, e1!), [
      { a: null, b: 'z', c: null, _rescued_data: JSON.stringify({ a: 'three', _file_path: '/in/f3.parquet' }) },
    ]);
  });

  it('addNewColumns picks up a column that appears in a later Parquet file, in the same run', async () => {
    const fs = new MemoryFs();
    await writeParquet(fs, '/in/f1.parquet', 'a BIGINT', [{ a: 1 }], T0);
    const src = await cloudFiles(fs, { 'cloudFiles.format': 'parquet', 'cloudFiles.schemaLocation': '/schema' });
    const e0 = await src.latestOffset(null, {});
    await writeParquet(fs, '/in/f2.parquet', 'a BIGINT, t TIMESTAMP', [{ a: 2, t: 1_717_236_000_000_000 }], T0 + 1);
    const e1 = await src.latestOffset(e0, {});
    assert.equal(schemaDDL(src), 'a bigint, t timestamp, _rescued_data string');
    assert.deepEqual(await readBatch(src, fs, e0, e1!), [{ a: 2, t: 1_717_236_000_000_000, _rescued_data: null }]);
  });

  it('a corrupt Parquet file is a malformed record: FAILFAST fails, badRecordsPath records it', async () => {
    const fs = new MemoryFs();
    fs.write('/in/bad.parquet', 'not parquet at all', T0);
    const schema = StructType.fromDDL('a BIGINT');
    const failfast = await cloudFiles(fs, { 'cloudFiles.format': 'parquet', mode: 'FAILFAST' }, { userSchema: schema });
    const e = await failfast.latestOffset(null, {});
    await assert.rejects(readBatch(failfast, fs, null, e!), { code: 'MALFORMED_RECORD_IN_PARSING' });
    const recorded = await cloudFiles(fs, { 'cloudFiles.format': 'parquet', badRecordsPath: '/bad' }, { userSchema: schema, metadataPath: '/ck2' });
    const e2 = await recorded.latestOffset(null, {});
    assert.deepEqual(await readBatch(recorded, fs, null, e2!), []);
    assert.ok(fs.files.has('/bad/batch-0/bad_records/part-00000.json'));
  });
});
