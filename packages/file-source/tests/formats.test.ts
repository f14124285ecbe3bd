import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StructType, WeirError, type Source } from '@weir/core';
import { MemoryFs, cloudFiles, readBatch, schemaDDL } from './helpers/harness.js';

const T0 = 1_700_000_000_000;

async function readAll(fs: MemoryFs, options: Record<string, string>, userSchema?: string): Promise<{ src: Source; rows: Record<string, unknown>[] }> {
  const src = await cloudFiles(fs, options, userSchema === undefined ? {} : { userSchema: StructType.fromDDL(userSchema) });
  const end = await src.latestOffset(null, {});
  assert.ok(end, 'expected new files');
  return { src, rows: await readBatch(src, fs, null, end) };
}

const JSON_LINES = [
  '{"id":1,"temp":20.5,"name":"a"}',
  '{"id":"two","temp":21,"name":"b"}',
  '{"id":3,"temp":22.0,"Name":"c"}',
  'not json',
  '{"id":4,"temp":23,"extra":true}',
].join('\n') + '\n';
const USER = 'id BIGINT, temp DOUBLE, name STRING, _corrupt_record STRING';
const rescued = (o: Record<string, unknown>) => JSON.stringify({ ...o, _file_path: '/in/f1.json' });

describe('JSON parse modes, corrupt record column and _rescued_data', () => {
  it('PERMISSIVE: mismatched, case-mismatched and unknown fields go to _rescued_data (with _file_path); unparsable lines to the corrupt column', async () => {
    const fs = new MemoryFs();
    fs.write('/in/f1.json', JSON_LINES, T0);
    const { rows } = await readAll(fs, { 'cloudFiles.format': 'json', rescuedDataColumn: '_rescued_data' }, USER);
    assert.deepEqual(rows, [
      { id: 1, temp: 20.5, name: 'a', _corrupt_record: null, _rescued_data: null },
      { id: null, temp: 21, name: 'b', _corrupt_record: null, _rescued_data: rescued({ id: 'two' }) },
      { id: 3, temp: 22, name: null, _corrupt_record: null, _rescued_data: rescued({ Name: 'c' }) },
      { id: null, temp: null, name: null, _corrupt_record: 'not json', _rescued_data: null },
      { id: 4, temp: 23, name: null, _corrupt_record: null, _rescued_data: rescued({ extra: true }) },
    ]);
  });

  it('PERMISSIVE without a rescued column: a type mismatch makes the record corrupt (Spark keeps the fields that parsed)', async () => {
    const fs = new MemoryFs();
    fs.write('/in/f1.json', JSON_LINES, T0);
    const { rows } = await readAll(fs, { 'cloudFiles.format': 'json' }, USER);
    assert.deepEqual(rows[1], { id: null, temp: 21, name: 'b', _corrupt_record: '{"id":"two","temp":21,"name":"b"}' });
    assert.equal(rows.length, 5);
  });

  it('DROPMALFORMED drops unparsable and (without rescue) mismatched records', async () => {
    const fs = new MemoryFs();
    fs.write('/in/f1.json', JSON_LINES, T0);
    const { rows } = await readAll(fs, { 'cloudFiles.format': 'json', mode: 'DROPMALFORMED' }, USER);
    assert.deepEqual(rows.map((r) => r['id']), [1, 3, 4]);
  });

  it('FAILFAST fails the read with MALFORMED_RECORD_IN_PARSING', async () => {
    const fs = new MemoryFs();
    fs.write('/in/f1.json', JSON_LINES, T0);
    await assert.rejects(readAll(fs, { 'cloudFiles.format': 'json', mode: 'FAILFAST' }, USER), (e: unknown) => WeirError.hasCode(e, 'MALFORMED_RECORD_IN_PARSING'));
  });

  it('badRecordsPath: bad records are written as JSON {path, record, reason} and dropped from the output', async () => {
    const fs = new MemoryFs();
    fs.write('/in/f1.json', JSON_LINES, T0);
    const { rows } = await readAll(fs, { 'cloudFiles.format': 'json', badRecordsPath: '/bad' }, USER);
    assert.deepEqual(rows.map((r) => r['id']), [1, 3, 4]);
    const files = [...fs.files.keys()].filter((p) => p.startsWith('/bad/'));
    assert.deepEqual(files, ['/bad/batch-0/bad_records/part-00000.json']);
    const bad = new TextDecoder().decode(fs.files.get(files[0]!)!.data).trim().split('\n').map((l) => JSON.parse(l) as Record<string, string>);
    assert.deepEqual(bad.map((b) => [b['path'], b['record']]), [
      ['/in/f1.json', '{"id":"two","temp":21,"name":"b"}'],
      ['/in/f1.json', 'not json'],
    ]);
    assert.ok(bad.every((b) => typeof b['reason'] === 'string' && b['reason'].length > 0));
  });

  it('multiLine reads a JSON array (or one object) per file', async () => {
    const fs = new MemoryFs();
    fs.write('/in/f1.json', '[\n {"id": 1,\n  "name": "a"},\n {"id": 2, "name": "b"}\n]', T0);
    fs.write('/in/f2.json', '{\n "id": 3\n}', T0 + 1);
    const { rows } = await readAll(fs, { 'cloudFiles.format': 'json', multiLine: 'true' }, 'id BIGINT, name STRING');
    assert.deepEqual(rows, [{ id: 1, name: 'a' }, { id: 2, name: 'b' }, { id: 3, name: null }]);
  });

  it('converts ISO timestamps to epoch microseconds, dates to days, decimals to exact strings, nested structs and arrays', async () => {
    const fs = new MemoryFs();
    fs.write('/in/f1.json', '{"t":"2024-06-01T10:00:00.123456Z","d":"2024-06-01","m":"12.3","s":{"x":1},"a":[1,2]}\n', T0);
    const { rows } = await readAll(fs, { 'cloudFiles.format': 'json' }, 't TIMESTAMP, d DATE, m DECIMAL(10,2), s STRUCT<x: BIGINT>, a ARRAY<BIGINT>');
    assert.deepEqual(rows, [{ t: Date.UTC(2024, 5, 1, 10) * 1000 + 123456, d: Date.UTC(2024, 5, 1) / 86_400_000, m: '12.30', s: { x: 1 }, a: [1, 2] }]);
  });
});

describe('CSV options', () => {
  it('header, sep, quote, escape and nullValue', async () => {
    const fs = new MemoryFs();
    fs.write('/in/f1.csv', 'id;name;score\n1;\'a;b\';1.5\n2;\'it\\\'s\';NA\n3;NA;2\n', T0);
    const { rows } = await readAll(
      fs,
      { 'cloudFiles.format': 'csv', header: 'true', sep: ';', quote: "'", escape: '\\', nullValue: 'NA' },
      'id INT, name STRING, score DOUBLE',
    );
    assert.deepEqual(rows, [
      { id: 1, name: 'a;b', score: 1.5 },
      { id: 2, name: "it's", score: null },
      { id: 3, name: null, score: 2 },
    ]);
  });

  it('maps columns by header name; a wrong field count is malformed; mismatches are rescued', async () => {
    const fs = new MemoryFs();
    fs.write('/in/f1.csv', 'score,id,other\n1.5,1,x\nbad,2,y\n3,3\n', T0);
    const { rows } = await readAll(fs, { 'cloudFiles.format': 'csv', header: 'true', rescuedDataColumn: '_rescued_data' }, 'id INT, score DOUBLE, _corrupt_record STRING');
    const fp = '/in/f1.csv';
    assert.deepEqual(rows, [
      { id: 1, score: 1.5, _corrupt_record: null, _rescued_data: JSON.stringify({ other: 'x', _file_path: fp }) },
      { id: 2, score: null, _corrupt_record: null, _rescued_data: JSON.stringify({ score: 'bad', other: 'y', _file_path: fp }) },
      { id: 3, score: 3, _corrupt_record: '3,3', _rescued_data: null },
    ]);
  });

  it('without a header, columns are positional (_c0, _c1 … when inferred)', async () => {
    const fs = new MemoryFs();
    fs.write('/in/f1.csv', 'a,1\nb,2\n', T0);
    const { src, rows } = await readAll(fs, { 'cloudFiles.format': 'csv', 'cloudFiles.schemaLocation': '/schema', 'cloudFiles.inferColumnTypes': 'true' });
    assert.equal(schemaDDL(src), '_c0 string, _c1 int, _rescued_data string');
    assert.deepEqual(rows.map((r) => [r['_c0'], r['_c1']]), [['a', 1], ['b', 2]]);
  });
});

describe('schema inference (cloudFiles.schemaLocation)', () => {
  const DATA = '{"b":1,"a":"x","c":2.5,"d":true,"t":"2024-06-01T10:00:00Z","day":"2024-06-01","n":{"y":1,"x":"s"}}\n{"b":2,"e":null}\n';

  it('infers every JSON column as a string unless inferColumnTypes, fields sorted by name, with _rescued_data', async () => {
    const fs = new MemoryFs();
    fs.write('/in/f1.json', DATA, T0);
    const { src, rows } = await readAll(fs, { 'cloudFiles.format': 'json', 'cloudFiles.schemaLocation': '/schema' });
    assert.equal(schemaDDL(src), 'a string, b string, c string, d string, day string, e string, n string, t string, _rescued_data string');
    assert.deepEqual(rows[0], { a: 'x', b: '1', c: '2.5', d: 'true', day: '2024-06-01', e: null, n: '{"y":1,"x":"s"}', t: '2024-06-01T10:00:00Z', _rescued_data: null });
  });

  it('inferColumnTypes infers long/double/boolean/timestamp/date/struct', async () => {
    const fs = new MemoryFs();
    fs.write('/in/f1.json', DATA, T0);
    const { src } = await readAll(fs, { 'cloudFiles.format': 'json', 'cloudFiles.schemaLocation': '/schema', 'cloudFiles.inferColumnTypes': 'true' });
    assert.equal(
      schemaDDL(src),
      'a string, b bigint, c double, d boolean, day date, e string, n struct<x:string,y:bigint>, t timestamp, _rescued_data string',
    );
  });

  it('schemaHints override the listed columns and add missing ones', async () => {
    const fs = new MemoryFs();
    fs.write('/in/f1.json', DATA, T0);
    const { src, rows } = await readAll(fs, {
      'cloudFiles.format': 'json',
      'cloudFiles.schemaLocation': '/schema',
      'cloudFiles.schemaHints': 'b INT, t TIMESTAMP, z DOUBLE',
    });
    assert.equal(schemaDDL(src), 'a string, b int, c string, d string, day string, e string, n string, t timestamp, z double, _rescued_data string');
    assert.equal(rows[0]!['t'], Date.UTC(2024, 5, 1, 10) * 1000);
  });

  it('adds the corrupt record column when the sample holds malformed records (PERMISSIVE), and partition columns from key=value dirs', async () => {
    const fs = new MemoryFs();
    fs.write('/in/region=eu/f1.json', '{"a":1}\n{oops\n', T0);
    const { src, rows } = await readAll(fs, { 'cloudFiles.format': 'json', 'cloudFiles.schemaLocation': '/schema' });
    assert.equal(schemaDDL(src), 'a string, region string, _corrupt_record string, _rescued_data string');
    assert.deepEqual(rows[1], { a: null, region: 'eu', _corrupt_record: '{oops', _rescued_data: null });
  });

  it('stores version 0 under <schemaLocation>/_schemas/0 and reuses it on restart (no re-inference)', async () => {
    const fs = new MemoryFs();
    fs.write('/in/f1.json', '{"a":1}\n', T0);
    const opts = { 'cloudFiles.format': 'json', 'cloudFiles.schemaLocation': '/schema', 'cloudFiles.inferColumnTypes': 'true' };
    const first = await cloudFiles(fs, opts);
    assert.ok(fs.files.has('/schema/_schemas/0'));
    assert.ok(new TextDecoder().decode(fs.files.get('/schema/_schemas/0')!.data).startsWith('v1\n'));
    fs.files.delete('/in/f1.json');
    fs.write('/in/f2.json', '{"zz":"other"}\n', T0 + 1);
    const again = await cloudFiles(fs.restart(), opts);
    assert.equal(schemaDDL(again), schemaDDL(first));
    assert.equal(schemaDDL(again), 'a bigint, _rescued_data string');
  });

  it('fails with CF_EMPTY_DIR_FOR_SCHEMA_INFERENCE on an empty input, CF_SCHEMA_LOCATION_REQUIRED without a location', async () => {
    const fs = new MemoryFs();
    await assert.rejects(cloudFiles(fs, { 'cloudFiles.format': 'json', 'cloudFiles.schemaLocation': '/s' }), { code: 'CF_EMPTY_DIR_FOR_SCHEMA_INFERENCE' });
    fs.write('/in/f1.json', '{"a":1}\n', T0);
    await assert.rejects(cloudFiles(fs, { 'cloudFiles.format': 'json' }), { code: 'CF_SCHEMA_LOCATION_REQUIRED' });
  });

  it('samples at most sampleSize.numBytes bytes (always at least one file)', async () => {
    const fs = new MemoryFs();
    fs.write('/in/f1.json', '{"a":1}\n', T0); // 8 bytes
    fs.write('/in/f2.json', '{"b":1}\n', T0 + 1);
    const opts = { 'cloudFiles.format': 'json', 'cloudFiles.schemaLocation': '/schema', 'cloudFiles.schemaEvolutionMode': 'rescue' };
    const one = await cloudFiles(fs, { ...opts, 'cloudFiles.schemaInference.sampleSize.numBytes': '10b' });
    assert.equal(schemaDDL(one), 'a string, _rescued_data string');
    const tiny = await cloudFiles(fs, { ...opts, 'cloudFiles.schemaLocation': '/schema2', 'cloudFiles.schemaInference.sampleSize.numBytes': '1b' });
    assert.equal(schemaDDL(tiny), 'a string, _rescued_data string');
    const both = await cloudFiles(fs, { ...opts, 'cloudFiles.schemaLocation': '/schema3', 'cloudFiles.schemaInference.sampleSize.numBytes': '16b' });
    assert.equal(schemaDDL(both), 'a string, b string, _rescued_data string');
  });

  it('columnNameOfCorruptRecord renames the corrupt record column (inferred and read)', async () => {
    const fs = new MemoryFs();
    fs.write('/in/f1.json', '{"a":1}\nbroken\n', T0);
    const { src, rows } = await readAll(fs, { 'cloudFiles.format': 'json', 'cloudFiles.schemaLocation': '/schema', columnNameOfCorruptRecord: '_bad' });
    assert.equal(schemaDDL(src), 'a string, _bad string, _rescued_data string');
    assert.deepEqual(rows[1], { a: null, _bad: 'broken', _rescued_data: null });
  });

  it('samples at most sampleSize.numFiles files (oldest first)', async () => {
    const fs = new MemoryFs();
    fs.write('/in/f1.json', '{"a":1}\n', T0);
    fs.write('/in/f2.json', '{"b":1}\n', T0 + 1);
    const src = await cloudFiles(fs, {
      'cloudFiles.format': 'json',
      'cloudFiles.schemaLocation': '/schema',
      'cloudFiles.schemaInference.sampleSize.numFiles': '1',
      'cloudFiles.schemaEvolutionMode': 'rescue',
    });
    assert.equal(schemaDDL(src), 'a string, _rescued_data string');
  });
});
