import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StructType, WeirError, columnChunkFromRows, rowBatch, setRowField, type Row } from '@weir/core';
import { NodeParquetHandler } from '@weir/node';
import { comparableRows, duck, duckRows, duckTypes, sortRows } from './duckdb-oracle.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'weir-node-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));
const parquet = new NodeParquetHandler();

const ALL_TYPES = StructType.fromDDL(
  's STRING, l BIGINT, i INT, sh SMALLINT, b TINYINT, d DOUBLE, f FLOAT, bo BOOLEAN, bin BINARY, dt DATE, ts TIMESTAMP, ' +
    'tn TIMESTAMP_NTZ, d1 DECIMAL(5,2), d2 DECIMAL(15,3), d3 DECIMAL(30,4), st STRUCT<a: INT, b: STRING>, arr ARRAY<INT>, ' +
    'm MAP<STRING, DOUBLE>, aos ARRAY<STRUCT<x: BIGINT>>, req BIGINT NOT NULL',
);
const ALL_ROWS: Row[] = [
  {
    s: 'héllo 😀', l: -(2 ** 40), i: -5, sh: -300, b: -7, d: 1.5, f: 0.25, bo: true, bin: new Uint8Array([0, 1, 255]),
    dt: -1, ts: -1_500_000, tn: 1_700_000_000_123_456, d1: '-1.50', d2: '123456789012.345', d3: '-12345678901234567890.1234',
    st: { a: 1, b: 'x' }, arr: [1, null, 3], m: new Map([['k', 2.5], ['z', null]]), aos: [{ x: 2 ** 50 }, { x: null }, null], req: 1,
  },
  {
    s: null, l: null, i: null, sh: null, b: null, d: null, f: null, bo: null, bin: null, dt: null, ts: null, tn: null,
    d1: null, d2: null, d3: null, st: null, arr: null, m: null, aos: null, req: 2,
  },
  {
    s: '', l: 2 ** 53 - 1, i: 2147483647, sh: 32767, b: 127, d: -0.1, f: 3.5, bo: false, bin: new Uint8Array(), dt: 19_000,
    ts: 1_700_000_000_000_001, tn: -86_400_000_001, d1: '999.99', d2: '0.001', d3: '0.0000', st: { a: null, b: null }, arr: [],
    m: new Map(), aos: [], req: 3,
  },
];

describe('NodeParquetHandler × DuckDB', () => {
  it('writes every supported type so DuckDB reads the same values with Spark-compatible column types', async () => {
    const file = path.join(tmp, 'all-types.parquet');
    fs.writeFileSync(file, await parquet.write(rowBatch(ALL_TYPES, ALL_ROWS), { rowGroupSize: 2 }));
    assert.deepEqual(await duckTypes(file), {
      s: 'VARCHAR', l: 'BIGINT', i: 'INTEGER', sh: 'SMALLINT', b: 'TINYINT', d: 'DOUBLE', f: 'FLOAT', bo: 'BOOLEAN', bin: 'BLOB',
      dt: 'DATE', ts: 'TIMESTAMP WITH TIME ZONE', tn: 'TIMESTAMP', d1: 'DECIMAL(5,2)', d2: 'DECIMAL(15,3)', d3: 'DECIMAL(30,4)',
      st: 'STRUCT(a INTEGER, b VARCHAR)', arr: 'INTEGER[]', m: 'MAP(VARCHAR, DOUBLE)', aos: 'STRUCT(x BIGINT)[]', req: 'BIGINT',
    });
    assert.deepEqual(await duckRows(file), comparableRows(ALL_TYPES, ALL_ROWS));
  });

  it('reads back exactly what it wrote (schema, µs timestamps, day dates, decimal strings, nested values)', async () => {
    for (const compression of ['snappy', 'gzip', 'uncompressed'] as const) {
      const bytes = await parquet.write(rowBatch(ALL_TYPES, ALL_ROWS), { compression, rowGroupSize: 2 });
      const back = await parquet.read(bytes);
      assert.deepEqual(back.schema, ALL_TYPES);
      assert.deepEqual(back.rows, ALL_ROWS);
      assert.deepEqual(await parquet.readMetadata(bytes), { schema: ALL_TYPES, numRows: 3 });
    }
  });

  it('projects columns in the requested order', async () => {
    const bytes = await parquet.write(rowBatch(ALL_TYPES, ALL_ROWS));
    const back = await parquet.read(bytes, { columns: ['m', 'ts'] });
    assert.deepEqual(StructType.fieldNames(back.schema), ['m', 'ts']);
    assert.deepEqual(back.rows, ALL_ROWS.map((r) => ({ m: r['m'], ts: r['ts'] })));
  });

  it('dictionary-encodes low-cardinality strings and pages long columns, still read alike by DuckDB', async () => {
    const schema = StructType.fromDDL('station_id STRING, n BIGINT, flag BOOLEAN');
    const rows = Array.from({ length: 70_000 }, (_, i) => ({ station_id: `ST${i % 17}`, n: i % 13 === 0 ? null : i * 1_000_003, flag: i % 3 === 0 }));
    const file = path.join(tmp, 'dict.parquet');
    fs.writeFileSync(file, await parquet.write(rowBatch(schema, rows)));
    assert.deepEqual(await duckRows(file), comparableRows(schema, rows));
    assert.deepEqual((await parquet.read(fs.readFileSync(file))).rows, rows);
  });

  it('struct columns whose rows share one object (closed windows) are written as DuckDB reads them, by rows and by column chunks', async () => {
    const schema = StructType.fromDDL('w STRUCT<start: TIMESTAMP, end: TIMESTAMP>, o STRUCT<a: INT, b: STRING>, n BIGINT');
    const windows = Array.from({ length: 7 }, (_, k) => Object.freeze({ start: k * 60_000_000, end: (k + 1) * 60_000_000 }));
    const others = [{ a: 1, b: null }, { a: null, b: 'x' }, { a: 2, b: 'y' }];
    const rows: Row[] = Array.from({ length: 5000 }, (_, i) => ({
      // Runs of one shared object, broken by nulls and by switching back to an earlier object.
      w: i % 97 === 0 ? null : windows[Math.floor(i / 400) % 7],
      o: i % 11 === 0 ? null : others[Math.floor(i / 3) % 3],
      n: i,
    }));
    const viaRows = path.join(tmp, 'shared-structs-rows.parquet');
    // Small pages (a handler option, not a per-write one) so values cross page boundaries.
    const smallPages = new NodeParquetHandler({ pageSize: 4096 });
    fs.writeFileSync(viaRows, await smallPages.write(rowBatch(schema, rows), { rowGroupSize: 1500 }));
    const viaColumns = path.join(tmp, 'shared-structs-columns.parquet');
    const writer = smallPages.openWriter(schema, { rowGroupSize: 1500 });
    const chunk = columnChunkFromRows(schema, rows);
    assert.equal((chunk.vectors[0] as unknown as { values: unknown[] }).values[1], windows[0], 'the chunk keeps the shared objects');
    await writer.appendColumns!(chunk);
    fs.writeFileSync(viaColumns, await writer.finish());
    const expected = comparableRows(schema, rows);
    assert.deepEqual(await duckRows(viaRows), expected);
    assert.deepEqual(await duckRows(viaColumns), expected);
  });

  it('writes min/max statistics DuckDB reads, and DuckDB filters over many row groups agree with the data', async () => {
    const schema = StructType.fromDDL('l BIGINT, i INT, d DOUBLE, s STRING, ts TIMESTAMP, dt DATE, dec DECIMAL(10,2), b BOOLEAN, bin BINARY');
    const rows: Row[] = Array.from({ length: 500 }, (_, k) => ({
      l: (k * 7919) % 1000 - 500, i: k % 3 === 0 ? null : -k, d: k === 7 ? NaN : k < 64 ? (k % 10) / 4 - 3 : (k % 50) / 4 - 3, s: `k${(k * 31) % 97}é`,
      ts: -1_000_000 + k * 3_600_000_000, dt: k - 250, dec: `${(k % 40) - 20}.${String(k % 100).padStart(2, '0')}`, b: k % 5 === 0,
      bin: new Uint8Array([k % 256]),
    }));
    const file = path.join(tmp, 'stats.parquet');
    fs.writeFileSync(file, await parquet.write(rowBatch(schema, rows), { rowGroupSize: 64 }));
    const c = await duck();
    const meta = (await c.runAndReadAll(`SELECT path_in_schema AS col, row_group_id AS rg, stats_min_value AS lo, stats_max_value AS hi, stats_null_count AS nulls FROM parquet_metadata('${file}') ORDER BY rg, col`)).getRowObjectsJson();
    const byGroup = (rg: number, col: string) => meta.find((m) => Number(m['rg']) === rg && m['col'] === col) as Record<string, unknown>;
    for (let rg = 0; rg * 64 < rows.length; rg++) {
      const part = rows.slice(rg * 64, rg * 64 + 64);
      const ls = part.map((r) => r['l'] as number);
      assert.equal(Number(byGroup(rg, 'l')['lo']), Math.min(...ls));
      assert.equal(Number(byGroup(rg, 'l')['hi']), Math.max(...ls));
      assert.equal(Number(byGroup(rg, 'i')['nulls']), part.filter((r) => r['i'] === null).length);
      const ss = part.map((r) => r['s'] as string).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
      assert.equal(byGroup(rg, 's')['lo'], ss[0]);
      assert.equal(byGroup(rg, 's')['hi'], ss[ss.length - 1]);
      assert.equal(byGroup(rg, 'bin')['lo'], null);
    }
    // Filters DuckDB can prune with statistics must still count exactly what the data holds.
    const count = async (where: string): Promise<number> =>
      Number((await c.runAndReadAll(`SELECT count(*) AS n FROM read_parquet('${file}') WHERE ${where}`)).getRowObjectsJson()[0]?.['n']);
    const checks: Array<[string, (r: Row) => boolean]> = [
      ['l > 400', (r) => (r['l'] as number) > 400],
      ['i < -450', (r) => r['i'] !== null && (r['i'] as number) < -450],
      // NaN sorts above every number (Spark and DuckDB): the NaN row sits in a group whose other values are < 9.
      ['d >= 9', (r) => Number.isNaN(r['d']) || (r['d'] as number) >= 9],
      ["s < 'k2'", (r) => Buffer.compare(Buffer.from(r['s'] as string), Buffer.from('k2')) < 0],
      ["ts < TIMESTAMPTZ '1970-01-05 00:00:00+00'", (r) => (r['ts'] as number) < 4 * 86_400_000_000],
      ["dt > DATE '1970-06-01'", (r) => (r['dt'] as number) > 151],
      ['dec < -19.5', (r) => Number(r['dec']) < -19.5],
      ['b', (r) => r['b'] === true],
    ];
    for (const [where, pred] of checks) assert.equal(await count(where), rows.filter(pred).length, where);
  });

  it('writes an empty batch as a valid file with the schema', async () => {
    const schema = StructType.fromDDL('a INT, b STRING');
    const file = path.join(tmp, 'empty.parquet');
    fs.writeFileSync(file, await parquet.write(rowBatch(schema, [])));
    assert.deepEqual(await duckTypes(file), { a: 'INTEGER', b: 'VARCHAR' });
    assert.deepEqual(await duckRows(file), []);
    assert.deepEqual(await parquet.read(fs.readFileSync(file)), { schema, rows: [] });
  });

  it('rejects values that do not fit the schema with PARQUET_VALUE_INVALID', async () => {
    const cases: Array<[string, Row]> = [
      ['a INT', { a: 2 ** 31 }],
      ['a TINYINT', { a: 200 }],
      ['a STRING', { a: 5 }],
      ['a DECIMAL(5,2)', { a: '1.234' }],
      ['a DECIMAL(5,2)', { a: '12345.6' }],
      ['a BIGINT NOT NULL', { a: null }],
      ['a BIGINT', { a: 2 ** 60 }],
    ];
    for (const [ddl, row] of cases) {
      await assert.rejects(parquet.write(rowBatch(StructType.fromDDL(ddl), [row])), (e) => WeirError.hasCode(e, 'PARQUET_VALUE_INVALID'), ddl);
    }
  });

  it('reads files DuckDB writes (dictionary pages, nulls, nested, snappy/gzip/uncompressed, page v1 and v2) as DuckDB reads them', async () => {
    const c = await duck();
    const select = `SELECT i::BIGINT AS id, CASE WHEN i % 7 = 0 THEN NULL ELSE 'station-' || (i % 11) END AS station,
      (i * 1.25)::DOUBLE AS temp, (i % 2 = 0) AS flag, (TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_microseconds(i * 1000003)) AS ts,
      (DATE '1969-12-25' + (i % 40)::INTEGER) AS d, (i / 3)::DECIMAL(9,3) AS dec, [i, i + 1] AS arr, {'a': i, 'b': 'x' || i} AS st
      FROM range(0, 3000) t(i)`;
    for (const opts of ["COMPRESSION 'snappy'", "COMPRESSION 'gzip'", "COMPRESSION 'uncompressed'", "COMPRESSION 'snappy', PARQUET_VERSION 'V2'"]) {
      const file = path.join(tmp, `duck-${opts.replace(/\W+/g, '-')}.parquet`);
      await c.run(`COPY (${select}) TO '${file}' (FORMAT parquet, ${opts}, ROW_GROUP_SIZE 1000)`);
      const batch = await parquet.read(fs.readFileSync(file));
      assert.equal(batch.rows.length, 3000);
      assert.deepEqual(comparableRows(batch.schema, batch.rows), await duckRows(file), opts);
    }
  });

  it('fails on corrupt or truncated bytes with PARQUET_CORRUPT, never with partial rows', async () => {
    const bytes = await parquet.write(rowBatch(ALL_TYPES, ALL_ROWS));
    const inputs = [new Uint8Array(0), new TextEncoder().encode('not parquet at all'), bytes.subarray(0, bytes.length - 20), bytes.subarray(10)];
    const flipped = bytes.slice();
    for (let i = bytes.length - 200; i < bytes.length - 8; i++) flipped[i] = (flipped[i] as number) ^ 0xa5;
    inputs.push(flipped);
    for (const input of inputs) {
      await assert.rejects(parquet.read(input), (e) => WeirError.hasCode(e, 'PARQUET_CORRUPT'));
    }
    await assert.rejects(parquet.readMetadata(inputs[1] as Uint8Array), (e) => WeirError.hasCode(e, 'PARQUET_CORRUPT'));
  });
});

const GOLDEN = path.resolve(import.meta.dirname, '../../../../shared/testdata/delta');
const parquetFiles = (dir: string): string[] =>
  fs.readdirSync(path.join(GOLDEN, dir)).filter((f) => f.endsWith('.parquet')).map((f) => path.join(GOLDEN, dir, f));

/** Every `.parquet` under the golden tree, at most `perDirectory` from each directory. */
function sampleGoldenParquet(perDirectory: number): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
    let taken = 0;
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.parquet') && taken < perDirectory) {
        out.push(p);
        taken++;
      }
    }
  };
  walk(GOLDEN);
  return out;
}

describe('NodeParquetHandler on golden Delta files written by Spark', () => {
  it('reads dat/all_primitive_types (INT96 timestamps, INT_8/INT_16, decimal) as DuckDB reads the expected table content', async () => {
    const [data] = parquetFiles('dat/all_primitive_types/delta');
    const expected = parquetFiles('dat/all_primitive_types/expected/latest/table_content');
    assert.ok(data !== undefined && expected.length > 0);
    const batch = await parquet.read(fs.readFileSync(data));
    assert.equal(batch.rows.length, 5);
    assert.deepEqual(
      batch.schema,
      StructType.fromDDL('utf8 STRING, int64 BIGINT, int32 INT, int16 SMALLINT, int8 TINYINT, float32 FLOAT, float64 DOUBLE, bool BOOLEAN, binary BINARY, decimal DECIMAL(5,3), date32 DATE, timestamp TIMESTAMP'),
    );
    const oracle: typeof batch.rows[number][] = [];
    for (const f of expected) oracle.push(...(await duckRows(f)));
    assert.deepEqual(sortRows(comparableRows(batch.schema, batch.rows)), sortRows(oracle));
    assert.deepEqual(comparableRows(batch.schema, batch.rows), await duckRows(data));
  });

  it('reads dat/nested_types (struct, list, map) as DuckDB does', async () => {
    for (const f of parquetFiles('dat/nested_types/delta')) {
      const batch = await parquet.read(fs.readFileSync(f));
      assert.deepEqual(comparableRows(batch.schema, batch.rows), await duckRows(f));
      assert.ok(batch.rows.length > 0);
    }
  });

  it('reads Spark, delta-rs and kernel files (data files, checkpoints, sidecars; up to 2 per directory) exactly as DuckDB does', async () => {
    const files = sampleGoldenParquet(2).filter((f) => !/variant/i.test(f) && !f.endsWith('.zstd.parquet'));
    assert.ok(files.length > 100, `only ${files.length} golden files found`);
    for (const f of files) {
      const batch = await parquet.read(fs.readFileSync(f));
      assert.deepEqual(comparableRows(batch.schema, batch.rows), await duckRows(f), f);
    }
  });

  it('refuses ZSTD-compressed files with PARQUET_CODEC_NOT_SUPPORTED (Node 20 has no zstd)', async () => {
    const zstd = sampleGoldenParquet(1).filter((f) => f.endsWith('.zstd.parquet'));
    assert.ok(zstd.length > 0);
    for (const f of zstd) await assert.rejects(parquet.read(fs.readFileSync(f)), (e) => WeirError.hasCode(e, 'PARQUET_CODEC_NOT_SUPPORTED'));
  });
});

describe('NodeParquetHandler with column names Object.prototype also has', () => {
  // `__proto__` set by plain assignment would become a row's prototype and the column would vanish.
  const SCHEMA = StructType.fromDDL(
    '`__proto__` BIGINT, `constructor` STRING, `toString` DECIMAL(30,4), s STRUCT<`__proto__`: INT, `valueOf`: STRING>, ' +
      'a ARRAY<STRUCT<`__proto__`: BIGINT>>, m MAP<STRING, INT>',
  );
  // Computed keys: a literal `__proto__: v` key would set the literal's prototype, not a field.
  const row = (fields: Record<string, unknown>): Row => {
    const r: Row = {};
    for (const [k, v] of Object.entries(fields)) setRowField(r, k, v);
    return r;
  };
  const ROWS: Row[] = [
    row({ ['__proto__']: 7, constructor: 'c', toString: '1.5000', s: row({ ['__proto__']: 3, valueOf: 'v' }), a: [row({ ['__proto__']: 2 ** 40 }), null], m: new Map([['__proto__', 1]]) }),
    row({ ['__proto__']: null, constructor: null, toString: null, s: null, a: null, m: null }),
    row({ ['__proto__']: -1, constructor: '', toString: '-0.0001', s: row({ ['__proto__']: null, valueOf: null }), a: [], m: new Map() }),
  ];
  const own = (r: Row, k: string): unknown => (Object.prototype.hasOwnProperty.call(r, k) ? r[k] : 'MISSING');

  it('reads them back as own fields, top level and nested, whole and projected, as DuckDB reads the file', async () => {
    const bytes = await parquet.write(rowBatch(SCHEMA, ROWS), { rowGroupSize: 2 });
    const back = await parquet.read(bytes);
    assert.deepEqual(back.schema, SCHEMA);
    for (const r of back.rows) assert.equal(Object.getPrototypeOf(r), Object.prototype);
    assert.deepEqual(back.rows.map((r) => own(r, '__proto__')), [7, null, -1]);
    assert.deepEqual(back.rows.map((r) => (r['s'] === null ? null : own(r['s'] as Row, '__proto__'))), [3, null, null]);
    assert.deepEqual(back.rows, ROWS);
    const projected = await parquet.read(bytes, { columns: ['toString', '__proto__'] });
    assert.deepEqual(projected.rows.map((r) => Object.keys(r)), [['toString', '__proto__'], ['toString', '__proto__'], ['toString', '__proto__']]);
    assert.deepEqual(projected.rows.map((r) => own(r, '__proto__')), [7, null, -1]);

    const file = path.join(tmp, 'proto-names.parquet');
    fs.writeFileSync(file, bytes);
    const c = await duck();
    const got = await c.runAndReadAll(
      `SELECT CAST("__proto__" AS DOUBLE), "constructor", CAST("toString" AS VARCHAR), to_json(s)::VARCHAR FROM read_parquet('${file}')`,
    );
    assert.deepEqual(
      got.getRowsJson(),
      back.rows.map((r) => [own(r, '__proto__'), r['constructor'], r['toString'], r['s'] === null ? null : JSON.stringify(r['s'])]),
    );
  });
});
