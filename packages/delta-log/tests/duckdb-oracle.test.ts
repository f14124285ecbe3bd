/**
 * DuckDB as an independent reader of tables weir writes: the Parquet files (types and values),
 * an independent log replay (read_json over _delta_log + read_parquet of the active files), and
 * the checkpoint's physical column layout compared with a checkpoint written by Delta Spark.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { StructType, type Row } from '@weir/core';
import { DeltaTable } from '@weir/delta-log';
import { TESTDATA, fsEngine, tempDir } from './support/engines.js';
import { duck, duckRows, quoteLiteral, weirRows } from './support/duckdb-oracle.js';

const schema = StructType.fromDDL(
  's STRING, l BIGINT, i INT, sh SMALLINT, b TINYINT, d DOUBLE, f FLOAT, bo BOOLEAN, bin BINARY, dt DATE, ts TIMESTAMP, dec DECIMAL(10,2), station STRING',
);

function row(k: number): Row {
  return {
    s: k % 5 === 0 ? null : `s-${k} é`,
    l: 9_007_199_254_740_000 + k,
    i: -k * 1000,
    sh: k % 300,
    b: (k % 200) - 100,
    d: k / 7,
    f: Math.fround(k / 3),
    bo: k % 2 === 0,
    bin: new Uint8Array([k % 256, 0, 255]),
    dt: -500 + k * 37,
    ts: 1_700_000_000_000_000 + k * 1_234_567,
    dec: `${k * 3}.${String(k % 100).padStart(2, '0')}`,
    station: k % 4 === 0 ? null : k % 4 === 1 ? 'a b/c=d:e' : `st${k % 4}`,
  };
}

async function writeTable(): Promise<{ dir: string; table: DeltaTable; rows: Row[] }> {
  const engine = fsEngine();
  const dir = tempDir();
  const table = DeltaTable.forPath(engine, dir);
  const all: Row[] = [];
  for (let c = 0; c < 3; c++) {
    const rows = Array.from({ length: 20 }, (_, i) => row(c * 20 + i));
    all.push(...rows);
    assert.equal((await table.write({ schema, rows }, { partitionBy: ['station'] })).kind, 'committed');
  }
  return { dir, table, rows: all };
}

describe('DuckDB reads what weir writes', () => {
  it('read_parquet of the active files: same values, Spark physical types (TIMESTAMP WITH TIME ZONE)', async () => {
    const { table, rows } = await writeTable();
    const snap = await table.snapshot();
    const files = snap.scanFiles();
    const c = await duck();
    const d = await c.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${quoteLiteral(files[0]!.path)}, hive_partitioning = false)`);
    const types = Object.fromEntries(d.getRows().map((r) => [String(r[0]), String(r[1])]));
    assert.deepEqual(types, {
      s: 'VARCHAR', l: 'BIGINT', i: 'INTEGER', sh: 'SMALLINT', b: 'TINYINT', d: 'DOUBLE', f: 'FLOAT', bo: 'BOOLEAN',
      bin: 'BLOB', dt: 'DATE', ts: 'TIMESTAMP WITH TIME ZONE', dec: 'DECIMAL(10,2)',
    });
    // values: DuckDB over the files, partition column re-attached from each file's add
    const unions = files.map((f) => `SELECT *, ${f.partitionValues['station'] === null ? 'NULL' : quoteLiteral(String(f.partitionValues['station']))} AS station FROM read_parquet(${quoteLiteral(f.path)}, hive_partitioning = false)`);
    const want = await duckRows(`(${unions.join(' UNION ALL ')})`, schema);
    assert.deepEqual(weirRows(await snap.collect()), want);
    assert.deepEqual(weirRows(rows), want); // and both equal what was written
  });

  it('an independent log replay in DuckDB (read_json + read_parquet) gives the rows scan() gives', async () => {
    const { dir, table } = await writeTable();
    // overwrite one partition's worth: remove everything, add back a subset (exercises removes)
    const keep = Array.from({ length: 10 }, (_, i) => row(100 + i));
    assert.equal((await table.write({ schema, rows: keep }, { mode: 'overwrite' })).kind, 'committed');
    await table.write({ schema, rows: [row(200), row(201)] });
    const c = await duck();
    const log = quoteLiteral(path.join(dir, '_delta_log', '*.json'));
    const active = await c.runAndReadAll(`
      WITH actions AS (
        SELECT CAST(regexp_extract(filename, '(\\d{20})\\.json$', 1) AS BIGINT) AS version, "add", "remove"
        FROM read_json(${log}, filename = true, union_by_name = true, format = 'newline_delimited')
      ),
      adds AS (SELECT version, "add".path AS p, "add".partitionValues.station AS station FROM actions WHERE "add" IS NOT NULL),
      removes AS (SELECT version, "remove".path AS p FROM actions WHERE "remove" IS NOT NULL)
      SELECT url_decode(a.p) AS file, a.station FROM adds a
      WHERE NOT EXISTS (SELECT 1 FROM removes r WHERE r.p = a.p AND r.version >= a.version)`);
    const files = active.getRows().map((r) => ({ file: path.join(dir, String(r[0])), station: r[1] === null ? null : String(r[1]) }));
    assert.ok(files.length > 0);
    const unions = files.map((f) => `SELECT *, ${f.station === null ? 'NULL' : quoteLiteral(f.station)} AS station FROM read_parquet(${quoteLiteral(f.file)}, hive_partitioning = false)`);
    const want = await duckRows(`(${unions.join(' UNION ALL ')})`, schema);
    const got = weirRows(await (await table.snapshot()).collect());
    assert.equal(got.length, 12);
    assert.deepEqual(got, want);
  });

  it('weir checkpoints have exactly the physical column layout of a Delta Spark checkpoint', async () => {
    const engine = fsEngine();
    const dir = tempDir();
    const table = DeltaTable.forPath(engine, dir);
    for (let k = 0; k < 11; k++) await table.write({ schema, rows: [row(k)] }, { partitionBy: ['station'] });
    const snap = await DeltaTable.forPath(engine, dir).snapshot(); // a fresh reader starts from the checkpoint
    assert.equal(snap.logSegment.checkpoint?.version, 10);
    const c = await duck();
    const layout = async (file: string) =>
      (await c.runAndReadAll(`SELECT name, type, converted_type, repetition_type, num_children FROM parquet_schema(${quoteLiteral(file)})`)).getRows().map((r) => r.map(String).join('|'));
    const spark = await layout(path.join(TESTDATA, 'delta-spark-golden/checkpoint/delta/_delta_log/00000000000000000010.checkpoint.parquet'));
    const ours = await layout(path.join(dir, '_delta_log', '00000000000000000010.checkpoint.parquet'));
    assert.deepEqual(ours, spark);
    // and the checkpoint replays to the same state as the log alone
    const fromCheckpoint = weirRows(await snap.collect());
    const logOnly = weirRows(await (await table.snapshot({ version: 9 })).collect());
    assert.equal(fromCheckpoint.length, 11);
    assert.equal(logOnly.length, 10);
  });
});
