import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { StructType, WeirError, field, rowBatch, struct, type DataType, type Row } from '@weir/core';
import { NodeParquetHandler, type NodeParquetHandlerOptions } from '@weir/node';
import { comparableRows, duck, duckRows } from './duckdb-oracle.js';
import { batchArb } from './parquet-arbitraries.js';

const seed = Number(process.env['FC_SEED'] ?? 42);
const runs = (local: number, ci: number, soak: number): number => (process.env['WEIR_SOAK'] ? soak : process.env['CI'] ? ci : local);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'weir-node-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));
let fileNo = 0;
const tmpFile = (bytes: Uint8Array): string => {
  const file = path.join(tmp, `w-${fileNo++}.parquet`);
  fs.writeFileSync(file, bytes);
  return file;
};

const batches = batchArb();

/** Writer settings small enough that pages, row groups and dictionary fallbacks all happen within a few dozen rows. */
const configArb = fc.record(
  {
    pageSize: fc.integer({ min: 1, max: 20 }),
    dataPageBytes: fc.integer({ min: 1, max: 600 }),
    dictionaryPageSize: fc.oneof(fc.integer({ min: 1, max: 300 }), fc.constant(1 << 20)),
    enableDictionary: fc.boolean(),
    compression: fc.constantFrom('snappy' as const, 'gzip' as const, 'uncompressed' as const),
  },
  { noNullPrototype: true },
);

/** Rows as the reader returns them: INT64 values are numbers (bigints written as such come back rounded). */
function asRead<T>(v: T): T {
  if (typeof v === 'bigint') return Number(v) as T;
  if (Array.isArray(v)) return v.map(asRead) as T;
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [k, asRead(x)])) as T;
  if (v !== null && typeof v === 'object' && !(v instanceof Uint8Array)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, asRead(x)])) as T;
  return v;
}

/** Splits `rows` at the given cut points (any order, duplicates allowed: empty chunks happen). */
function chunked(rows: readonly Row[], cuts: readonly number[]): Row[][] {
  const points = [...new Set(cuts.map((c) => Math.min(rows.length, c)))].sort((a, b) => a - b);
  const out: Row[][] = [];
  let from = 0;
  for (const p of points) {
    out.push(rows.slice(from, p));
    from = p;
  }
  out.push(rows.slice(from));
  return out;
}

async function writeChunked(parquet: NodeParquetHandler, schema: StructType, chunks: readonly Row[][], rowGroupSize: number): Promise<Uint8Array> {
  const writer = parquet.openWriter(schema, { rowGroupSize });
  let n = 0;
  for (const c of chunks) {
    await writer.append(c);
    n += c.length;
    assert.equal(writer.numRows, n);
  }
  return writer.finish();
}

describe('NodeParquetHandler.openWriter', () => {
  it('any chunking gives the bytes of the one-shot write, and both read back as the input (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(batches, configArb, fc.integer({ min: 1, max: 30 }), fc.array(fc.nat({ max: 80 }), { maxLength: 6 }), async ({ schema, rows }, config, rowGroupSize, cuts) => {
        const parquet = new NodeParquetHandler(config);
        const oneShot = await parquet.write(rowBatch(schema, rows), { rowGroupSize });
        const streamed = await writeChunked(parquet, schema, chunked(rows, cuts), rowGroupSize);
        assert.deepEqual(Buffer.from(streamed), Buffer.from(oneShot));
        const back = await parquet.read(streamed);
        assert.deepEqual(back.schema, schema);
        assert.deepEqual(back.rows, asRead(rows));
      }),
      { seed, numRuns: runs(80, 400, 5000) },
    );
  });

  it('DuckDB reads chunked writes as the input, with the footer statistics of the one-shot write (fast-check)', async () => {
    const c = await duck();
    const stats = async (file: string): Promise<unknown[]> =>
      (await c.runAndReadAll(`SELECT row_group_id, row_group_num_rows, path_in_schema, encodings, stats_min_value, stats_max_value, stats_null_count, num_values FROM parquet_metadata('${file}') ORDER BY row_group_id, column_id`)).getRowObjectsJson();
    await fc.assert(
      fc.asyncProperty(batches.filter((b) => b.duck), configArb, fc.integer({ min: 1, max: 30 }), fc.array(fc.nat({ max: 80 }), { maxLength: 6 }), async ({ schema, rows }, config, rowGroupSize, cuts) => {
        const parquet = new NodeParquetHandler(config);
        const streamedFile = tmpFile(await writeChunked(parquet, schema, chunked(rows, cuts), rowGroupSize));
        const oneShotFile = tmpFile(await parquet.write(rowBatch(schema, rows), { rowGroupSize }));
        assert.deepEqual(await duckRows(streamedFile), comparableRows(schema, rows));
        assert.deepEqual(await stats(streamedFile), await stats(oneShotFile));
      }),
      { seed, numRuns: runs(25, 100, 500) },
    );
  });

  it('footer min/max/null counts equal DuckDB aggregates over each row group, across dictionary fallback and page cuts', async () => {
    const schema = StructType.fromDDL('s STRING, l BIGINT, i INT, d DOUBLE, f FLOAT, b BOOLEAN, ts TIMESTAMP, dt DATE, dec DECIMAL(12,2)');
    // Strings: a few frequent values, then a run of distinct ones that overflows a small dictionary mid-chunk.
    const rows: Row[] = Array.from({ length: 3000 }, (_, k) => ({
      s: k % 11 === 0 ? null : k < 1200 ? `st-${k % 7}` : `uniq-${(k * 7919) % 100_003}-é`,
      l: k % 13 === 0 ? null : ((k * 104_729) % 2_000_003) - 1_000_000,
      i: k % 5 === 0 ? null : -k * 3,
      d: k % 17 === 0 ? null : Math.sin(k) * 1000,
      f: Math.fround(k / 7),
      b: k % 3 === 0,
      ts: 1_700_000_000_000_000 - k * 3_600_000_001,
      dt: k % 400 - 200,
      dec: `${(k % 97) - 48}.${String(k % 100).padStart(2, '0')}`,
    }));
    const rowGroupSize = 1000;
    const parquet = new NodeParquetHandler({ pageSize: 128, dictionaryPageSize: 2048 });
    const file = tmpFile(await writeChunked(parquet, schema, chunked(rows, [1, 333, 999, 1000, 2500]), rowGroupSize));
    const c = await duck();
    const meta = (await c.runAndReadAll(`SELECT row_group_id AS rg, path_in_schema AS col, stats_min_value AS lo, stats_max_value AS hi, stats_null_count AS nulls, dictionary_page_offset AS dict FROM parquet_metadata('${file}')`)).getRowObjectsJson();
    for (const name of StructType.fieldNames(schema)) {
      const q = `SELECT file_row_number // ${rowGroupSize} AS rg, CAST(min(${name}) AS VARCHAR) AS lo, CAST(max(${name}) AS VARCHAR) AS hi, count(*) - count(${name}) AS nulls
        FROM read_parquet('${file}', file_row_number = true) GROUP BY ALL ORDER BY rg`;
      for (const agg of (await c.runAndReadAll(q)).getRowObjectsJson()) {
        const m = meta.find((x) => Number(x['rg']) === Number(agg['rg']) && x['col'] === name) as Record<string, unknown>;
        assert.equal(Number(m['nulls']), Number(agg['nulls']), `${name} null count, group ${agg['rg']}`);
        if (name === 'ts' || name === 'd' || name === 'f') {
          // Compare as values: DuckDB's metadata text and its cast text differ in format for these.
          const cast = name === 'ts' ? 'TIMESTAMPTZ' : 'DOUBLE';
          const same = (await c.runAndReadAll(`SELECT CAST('${m['lo']}' AS ${cast}) = CAST('${agg['lo']}' AS ${cast}) AND CAST('${m['hi']}' AS ${cast}) = CAST('${agg['hi']}' AS ${cast}) AS ok`)).getRowObjectsJson();
          assert.equal(same[0]?.['ok'], true, `${name} min/max, group ${agg['rg']}: ${m['lo']}..${m['hi']} vs ${agg['lo']}..${agg['hi']}`);
        } else {
          assert.equal(m['lo'], agg['lo'], `${name} min, group ${agg['rg']}`);
          assert.equal(m['hi'], agg['hi'], `${name} max, group ${agg['rg']}`);
        }
      }
    }
    // Group 0 stays dictionary-encoded; group 1 falls back mid-chunk (dictionary page kept); group 2 never pays off.
    const dict = (rg: number): unknown => meta.find((x) => Number(x['rg']) === rg && x['col'] === 's')?.['dict'];
    assert.notEqual(dict(0), null);
    assert.notEqual(dict(1), null);
    assert.deepEqual(await duckRows(file), comparableRows(schema, rows));
    assert.deepEqual((await parquet.read(fs.readFileSync(file))).rows, rows);
  });

  it('dictionary-encodes repetitive numbers (parquet-mr does) and keeps -0 and 0, NaN and bigints apart', async () => {
    const schema = StructType.fromDDL('i INT, l BIGINT, d DOUBLE, f FLOAT, dt DATE, dec DECIMAL(12,2), sh SMALLINT, ts TIMESTAMP');
    const rows: Row[] = Array.from({ length: 5000 }, (_, k) => ({
      i: k % 9 === 0 ? null : (k % 40) - 20,
      l: k % 4 === 0 ? BigInt(k % 3) * 2n ** 40n : (k % 3) * 2 ** 40,
      d: [0, -0, 1.5, NaN, -2.25, Infinity][k % 6] as number,
      f: (k % 5) / 4,
      dt: 19_000 + (k % 30),
      dec: `${k % 50}.25`,
      sh: 50 - (k % 100),
      ts: 1_700_000_000_000_000 + k, // all distinct: gives the dictionary up on the first page
    }));
    const parquet = new NodeParquetHandler({ pageSize: 700 });
    const file = tmpFile(await writeChunked(parquet, schema, chunked(rows, [17, 2048, 4000]), 2500));
    const c = await duck();
    const meta = (await c.runAndReadAll(`SELECT path_in_schema AS col, encodings FROM parquet_metadata('${file}') WHERE row_group_id = 0`)).getRowObjectsJson();
    const encodings = Object.fromEntries(meta.map((m) => [m['col'], m['encodings']]));
    for (const col of ['i', 'l', 'd', 'f', 'dt', 'dec', 'sh']) assert.match(String(encodings[col]), /RLE_DICTIONARY/, col);
    assert.doesNotMatch(String(encodings['ts']), /RLE_DICTIONARY/);
    assert.deepEqual(await duckRows(file), comparableRows(schema, asRead(rows)));
    assert.deepEqual((await parquet.read(fs.readFileSync(file))).rows, asRead(rows));
  });

  it('writes a record larger than a page (a 30k-element array) whole, pages ending on record boundaries', async () => {
    const schema = StructType.fromDDL('id INT, xs ARRAY<BIGINT>, tags ARRAY<STRING>');
    const rows: Row[] = [
      { id: 1, xs: [1, 2], tags: ['a'] },
      { id: 2, xs: Array.from({ length: 30_000 }, (_, k) => (k % 3 === 0 ? null : k * 1_000_003)), tags: Array.from({ length: 30_000 }, (_, k) => `t${k % 250}`) },
      { id: 3, xs: null, tags: [] },
      { id: 4, xs: [], tags: null },
    ];
    const parquet = new NodeParquetHandler({ pageSize: 1000, dictionaryPageSize: 1000 });
    const file = tmpFile(await writeChunked(parquet, schema, chunked(rows, [1, 2, 3]), 3));
    assert.deepEqual(await duckRows(file), comparableRows(schema, rows));
    assert.deepEqual((await parquet.read(fs.readFileSync(file))).rows, rows);
  });

  it('does not retain appended rows: mutating them after append changes nothing in the file', async () => {
    const schema = StructType.fromDDL('s STRING, n BIGINT, arr ARRAY<INT>, st STRUCT<a: DOUBLE>');
    const make = (): Row[] => Array.from({ length: 50 }, (_, k) => ({ s: `v${k % 4}`, n: k, arr: [k, k + 1], st: { a: k / 2 } }));
    const rows = make();
    const parquet = new NodeParquetHandler({ pageSize: 8 });
    const writer = parquet.openWriter(schema);
    await writer.append(rows.slice(0, 20));
    await writer.append(rows.slice(20));
    for (const r of rows) {
      r['s'] = 'changed';
      r['n'] = -1;
      (r['arr'] as number[]).push(99);
      (r['st'] as Row)['a'] = NaN;
    }
    const back = await parquet.read(await writer.finish());
    assert.deepEqual(back.rows, make());
  });

  it('fails an append with a value that does not fit with PARQUET_VALUE_INVALID, and stays failed', async () => {
    const cases: Array<[string, unknown]> = [
      ['a INT', 2 ** 31], ['a INT', 1.5], ['a INT', '1'], ['a TINYINT', 200], ['a SMALLINT', -40_000], ['a STRING', 5],
      ['a DOUBLE', '1.0'], ['a FLOAT', true], ['a BOOLEAN', 1], ['a BIGINT', 2 ** 60], ['a BIGINT', 2n ** 64n], ['a BIGINT', 1.5],
      ['a TIMESTAMP', 'x'], ['a DECIMAL(5,2)', '1.234'], ['a BINARY', 'x'], ['a BIGINT NOT NULL', null], ['a STRING NOT NULL', undefined],
      ['a ARRAY<INT>', [1, 'x']], ['a STRUCT<b: STRING NOT NULL>', { b: null }],
    ];
    const nonNullElements = struct([field('a', { type: 'array', elementType: 'integer', containsNull: false } as DataType, true)]);
    for (const [ddl, bad] of [...cases, [nonNullElements, [1, null]] as const]) {
      const schema = typeof ddl === 'string' ? StructType.fromDDL(ddl) : ddl;
      const writer = new NodeParquetHandler().openWriter(schema);
      const isInvalid = (e: unknown): boolean => WeirError.hasCode(e, 'PARQUET_VALUE_INVALID');
      await assert.rejects(writer.append([{ a: bad }]), isInvalid, `${JSON.stringify(schema)} ← ${String(bad)}`);
      await assert.rejects(writer.append([]), isInvalid, `${ddl}: append after a failure`);
      await assert.rejects(writer.finish(), isInvalid, `${ddl}: finish after a failure`);
      // The one-shot write refuses the same value with the same code.
      await assert.rejects(new NodeParquetHandler().write(rowBatch(schema, [{ a: bad }])), isInvalid, `${ddl} (write)`);
    }
  });

  it('refuses use after finish', async () => {
    const writer = new NodeParquetHandler().openWriter(StructType.fromDDL('a INT'));
    await writer.append([{ a: 1 }]);
    await writer.finish();
    await assert.rejects(writer.append([{ a: 2 }]), (e) => WeirError.hasCode(e, 'INTERNAL_ERROR'));
    await assert.rejects(writer.finish(), (e) => WeirError.hasCode(e, 'INTERNAL_ERROR'));
  });

  it('writes a file with no appended rows as a valid empty file', async () => {
    const schema = StructType.fromDDL('a INT, s STRING, arr ARRAY<STRING>');
    const writer = new NodeParquetHandler().openWriter(schema);
    await writer.append([]);
    const file = tmpFile(await writer.finish());
    assert.deepEqual(await duckRows(file), []);
    assert.deepEqual(await new NodeParquetHandler().read(fs.readFileSync(file)), { schema, rows: [] });
  });
});
