import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { StructType } from '@weir/core';
import { writeDataFiles, parseStats, resolveDataFilePath } from '@weir/delta-log';
import { fsEngine, tempDir } from './support/engines.js';

describe('writeDataFiles', () => {
  it('Spark file names, Hive folders, targetFileRows, and Spark-style stats', async () => {
    const engine = fsEngine();
    const dir = tempDir();
    const schema = StructType.fromDDL('id BIGINT, name STRING, ts TIMESTAMP, day DATE, ok BOOLEAN, amount DECIMAL(6,2), s STRUCT<x: INT>, p STRING');
    const long = 'x'.repeat(40);
    const rows = [
      { id: 3, name: long, ts: 1_700_000_000_123_999, day: 19000, ok: true, amount: '10.50', s: { x: 5 }, p: 'a=b' },
      { id: -1, name: 'b', ts: null, day: 18000, ok: false, amount: '-1.25', s: { x: null }, p: 'a=b' },
      { id: 7, name: null, ts: 1_600_000_000_000_000, day: null, ok: null, amount: null, s: null, p: 'a=b' },
      { id: 8, name: 'z', ts: 1_600_000_000_000_000, day: 1, ok: true, amount: '0.00', s: { x: 1 }, p: null },
    ];
    const adds = await writeDataFiles(engine, dir, { schema, rows }, { partitionColumns: ['p'], targetFileRows: 2, uuid: () => '00000000-0000-4000-8000-000000000000' });
    assert.deepEqual(
      adds.map((a) => a.path),
      [
        'p=a%253Db/part-00000-00000000-0000-4000-8000-000000000000.c000.snappy.parquet',
        'p=a%253Db/part-00001-00000000-0000-4000-8000-000000000000.c000.snappy.parquet',
        'p=__HIVE_DEFAULT_PARTITION__/part-00002-00000000-0000-4000-8000-000000000000.c000.snappy.parquet',
      ],
    );
    for (const a of adds) {
      const file = resolveDataFilePath(dir, a.path);
      assert.equal(fs.statSync(file).size, a.size);
      assert.equal(a.dataChange, true);
    }
    assert.deepEqual(adds[0]!.partitionValues, { p: 'a=b' });
    assert.deepEqual(adds[2]!.partitionValues, { p: null });
    assert.ok(fs.existsSync(path.join(dir, 'p=a%3Db')));
    const s0 = parseStats(adds[0]!.stats)!;
    assert.deepEqual(s0, {
      numRecords: 2,
      minValues: { id: -1, name: 'b', ts: '2023-11-14T22:13:20.123Z', day: '2019-04-14', amount: -1.25, s: { x: 5 } },
      maxValues: { id: 3, name: 'x'.repeat(32) + '\uffff', ts: '2023-11-14T22:13:20.123Z', day: '2022-01-08', amount: 10.5, s: { x: 5 } },
      nullCount: { id: 0, name: 0, ts: 1, day: 0, ok: 0, amount: 0, s: { x: 1 } },
    });
    const s1 = parseStats(adds[1]!.stats)!;
    assert.equal(s1.numRecords, 1);
    assert.deepEqual(s1.nullCount, { id: 0, name: 1, ts: 0, day: 1, ok: 1, amount: 1, s: { x: 1 } });
    assert.deepEqual(s1.minValues, { id: 7, ts: '2020-09-13T12:26:40.000Z' });
  });

  it('numIndexedCols limits stats to the first N leaf columns', async () => {
    const engine = fsEngine();
    const schema = StructType.fromDDL('a INT, b INT, c INT');
    const [add] = await writeDataFiles(engine, tempDir(), { schema, rows: [{ a: 1, b: 2, c: 3 }] }, { numIndexedCols: 2 });
    assert.deepEqual(parseStats(add!.stats)?.nullCount, { a: 0, b: 0 });
  });

  it('an unknown partition column is DELTA_PARTITION_COLUMN_NOT_FOUND', async () => {
    await assert.rejects(writeDataFiles(fsEngine(), tempDir(), { schema: StructType.fromDDL('a INT'), rows: [] }, { partitionColumns: ['zz'] }), { code: 'DELTA_PARTITION_COLUMN_NOT_FOUND' });
  });
});
