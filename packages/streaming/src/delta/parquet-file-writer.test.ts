import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StructType, joinPath, type Engine } from '@weir/core';
import { createTestEngine } from '@weir/testkit';
import { openParquetTaskWriter } from './parquet-file-writer.js';

const options = (partitionColumns: string[]) => ({ path: '/out', partitionColumns, queryId: 'q1' });

async function idsIn(engine: Engine, rel: string): Promise<unknown[]> {
  return (await engine.parquet.read(await engine.storage.read(joinPath('/out', rel)))).rows.map((r) => r['id']);
}

describe('parquet file sink writer: partition directories', () => {
  it('null and empty string share the default partition directory and its one file (Spark empty2null)', async () => {
    const engine = createTestEngine();
    const w = openParquetTaskWriter(engine, options(['p']), 3, 0, StructType.fromDDL('id BIGINT, p STRING'));
    await w.write([
      { id: 1, p: '' },
      { id: 2, p: null },
      { id: 3, p: 'a' },
    ]);
    const files = await w.commit();
    assert.deepEqual(
      files.map((f) => [f.path.split('/')[0], f.partitionValues, f.numRecords]),
      [
        ['p=__HIVE_DEFAULT_PARTITION__', { p: null }, 2],
        ['p=a', { p: 'a' }, 1],
      ],
    );
    // Both default-partition rows are in the file (before, two groups wrote one file name twice).
    assert.deepEqual(await idsIn(engine, (files[0] as { path: string }).path), [1, 2]);
    assert.deepEqual(await idsIn(engine, (files[1] as { path: string }).path), [3]);
  });

  it('directory text is Spark cast-to-string text: doubles as 1.0, timestamps without zone, escaped', async () => {
    const engine = createTestEngine();
    const w = openParquetTaskWriter(engine, options(['d', 't', 's']), 0, 0, StructType.fromDDL('id BIGINT, d DOUBLE, t TIMESTAMP, s STRING'));
    await w.write([{ id: 1, d: 1, t: 1_700_000_000_000_000, s: 'a/b:c' }]);
    const [f] = await w.commit();
    assert.equal(f?.path.split('/').slice(0, 3).join('/'), 'd=1.0/t=2023-11-14 22%3A13%3A20/s=a%2Fb%3Ac');
    assert.deepEqual(f?.partitionValues, { d: '1.0', t: '2023-11-14 22:13:20', s: 'a/b:c' });
  });
});
