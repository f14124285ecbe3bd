// ParquetFileWriter.appendColumns against its definition: the file of append(columnChunkToRows(chunk)),
// byte for byte, for any chunking; the same errors for the same bad values; DuckDB reads it as the input.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import {
  StructType,
  WeirError,
  columnChunkFromRows,
  columnChunkToRows,
  type ColumnChunk,
  type ColumnVector,
  type ParquetFileWriter,
  type Row,
} from '@weir/core';
import { NodeParquetHandler } from '@weir/node';
import { comparableRows, duck, duckRows } from './duckdb-oracle.js';
import { batchArb } from './parquet-arbitraries.js';

const seed = Number(process.env['FC_SEED'] ?? 42);
const runs = (local: number, ci: number, soak: number): number => (process.env['WEIR_SOAK'] ? soak : process.env['CI'] ? ci : local);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'weir-node-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));
let fileNo = 0;
const tmpFile = (bytes: Uint8Array): string => {
  const file = path.join(tmp, `c-${fileNo++}.parquet`);
  fs.writeFileSync(file, bytes);
  return file;
};

// A Float64Vector cannot hold a bigint: `long` values are numbers here.
const batches = batchArb({ bigintLongs: false });

const configArb = fc.record(
  {
    pageSize: fc.integer({ min: 1, max: 20 }),
    dataPageBytes: fc.integer({ min: 1, max: 600 }),
    dictionaryPageSize: fc.oneof(fc.integer({ min: 1, max: 300 }), fc.constant(1 << 20)),
    enableDictionary: fc.boolean(),
    compression: fc.constantFrom('snappy' as const, 'uncompressed' as const),
  },
  { noNullPrototype: true },
);

/** Column chunks of `rows` split at the cut points (empty chunks included). */
function chunksOf(schema: StructType, rows: readonly Row[], cuts: readonly number[]): ColumnChunk[] {
  const points = [...new Set(cuts.map((c) => Math.min(rows.length, c)))].sort((a, b) => a - b);
  const out: ColumnChunk[] = [];
  let from = 0;
  for (const p of [...points, rows.length]) {
    out.push(columnChunkFromRows(schema, rows.slice(from, p)));
    from = p;
  }
  return out;
}

async function viaRows(writer: ParquetFileWriter, chunks: readonly ColumnChunk[]): Promise<Uint8Array> {
  for (const c of chunks) await writer.append(columnChunkToRows(c));
  return writer.finish();
}

async function viaColumns(writer: ParquetFileWriter, chunks: readonly ColumnChunk[]): Promise<Uint8Array> {
  assert.equal(typeof writer.appendColumns, 'function');
  let n = 0;
  for (const c of chunks) {
    await writer.appendColumns!(c);
    n += c.numRows;
    assert.equal(writer.numRows, n);
  }
  return writer.finish();
}

/** The error code a promise rejects with (null when it resolves). */
async function codeOf(p: Promise<unknown>): Promise<string | null> {
  try {
    await p;
    return null;
  } catch (e) {
    assert.ok(e instanceof WeirError, String(e));
    return e.code;
  }
}

const f64 = (values: number[], nullAt: number[] = []): ColumnVector => {
  const nulls = new Uint8Array(values.length);
  for (const i of nullAt) nulls[i] = 1;
  return { kind: 'float64', values: Float64Array.from(values), nulls: nullAt.length > 0 ? nulls : null };
};

describe('ParquetFileWriter.appendColumns (NodeParquetHandler)', () => {
  it('gives the bytes of append(columnChunkToRows(chunk)) for random schemas, values, nulls and chunkings (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(batches, configArb, fc.integer({ min: 1, max: 30 }), fc.array(fc.nat({ max: 80 }), { maxLength: 6 }), async ({ schema, rows }, config, rowGroupSize, cuts) => {
        const parquet = new NodeParquetHandler(config);
        const chunks = chunksOf(schema, rows, cuts);
        const expected = await viaRows(parquet.openWriter(schema, { rowGroupSize }), chunks);
        const actual = await viaColumns(parquet.openWriter(schema, { rowGroupSize }), chunks);
        assert.deepEqual(Buffer.from(actual), Buffer.from(expected));
      }),
      { seed, numRuns: runs(80, 400, 5000) },
    );
  });

  it('mixing append and appendColumns on one writer gives the one-shot file (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(batches, configArb, fc.array(fc.nat({ max: 80 }), { maxLength: 6 }), fc.array(fc.boolean(), { minLength: 7, maxLength: 7 }), async ({ schema, rows }, config, cuts, columnar) => {
        const parquet = new NodeParquetHandler(config);
        const oneShot = await parquet.write({ schema, rows: columnChunkToRows(columnChunkFromRows(schema, rows)) }, { rowGroupSize: 13 });
        const writer = parquet.openWriter(schema, { rowGroupSize: 13 });
        const chunks = chunksOf(schema, rows, cuts);
        for (let i = 0; i < chunks.length; i++) {
          const c = chunks[i] as ColumnChunk;
          if (columnar[i]) await writer.appendColumns!(c);
          else await writer.append(columnChunkToRows(c));
        }
        assert.deepEqual(Buffer.from(await writer.finish()), Buffer.from(oneShot));
      }),
      { seed, numRuns: runs(40, 200, 2000) },
    );
  });

  it('DuckDB reads the columnar-written file as the input rows (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(batches.filter((b) => b.duck), configArb, fc.array(fc.nat({ max: 80 }), { maxLength: 4 }), async ({ schema, rows }, config, cuts) => {
        const parquet = new NodeParquetHandler(config);
        const file = tmpFile(await viaColumns(parquet.openWriter(schema, { rowGroupSize: 17 }), chunksOf(schema, rows, cuts)));
        assert.deepEqual(await duckRows(file), comparableRows(schema, columnChunkToRows(columnChunkFromRows(schema, rows))));
      }),
      { seed, numRuns: runs(20, 100, 500) },
    );
  });

  it('special doubles and floats (NaN, ±0, ±Infinity, subnormals) give the same bytes through both paths, dictionary on and off', async () => {
    const schema = StructType.fromDDL('d DOUBLE, f FLOAT, x DOUBLE NOT NULL');
    const specials = [NaN, -0, 0, Infinity, -Infinity, 5e-324, -5e-324, 1.5, Number.MAX_VALUE, -Number.MAX_VALUE, 3.4028235e38, 1e39];
    const rows: Row[] = Array.from({ length: 600 }, (_, k) => ({
      d: k % 7 === 0 ? null : specials[k % specials.length],
      f: k % 5 === 0 ? null : specials[(k * 3) % specials.length],
      x: specials[(k * 5) % specials.length],
    }));
    for (const enableDictionary of [true, false]) {
      const parquet = new NodeParquetHandler({ enableDictionary, pageSize: 50 });
      const chunks = chunksOf(schema, rows, [1, 100, 333]);
      const expected = await viaRows(parquet.openWriter(schema, { rowGroupSize: 250 }), chunks);
      const actual = await viaColumns(parquet.openWriter(schema, { rowGroupSize: 250 }), chunks);
      assert.deepEqual(Buffer.from(actual), Buffer.from(expected), `dictionary ${enableDictionary}`);
    }
  });

  it('string min/max statistics are UTF-8 byte order (DuckDB min/max) with ASCII, U+E000+ and astral strings mixed, both paths, PLAIN pages (fast-check)', async () => {
    const schema = StructType.fromDDL('s STRING');
    const c = await duck();
    const unit = fc.constantFrom('a', 'b', 'Z', '~', '\u00e9', '\ue000', '\uffff', '\u{1F600}', '\u{10000}');
    await fc.assert(
      fc.asyncProperty(fc.array(fc.option(fc.string({ unit, maxLength: 4 }), { nil: null, freq: 6 }), { minLength: 1, maxLength: 40 }), async (values) => {
        const rows: Row[] = values.map((s) => ({ s }));
        const parquet = new NodeParquetHandler({ enableDictionary: false, pageSize: 7 });
        for (const columnar of [false, true]) {
          const chunks = chunksOf(schema, rows, [5, 17]);
          const file = tmpFile(await (columnar ? viaColumns : viaRows)(parquet.openWriter(schema, { rowGroupSize: 1000 }), chunks));
          const meta = (await c.runAndReadAll(`SELECT stats_min_value AS lo, stats_max_value AS hi FROM parquet_metadata('${file}')`)).getRowObjectsJson()[0] as Record<string, unknown>;
          const agg = (await c.runAndReadAll(`SELECT min(s) AS lo, max(s) AS hi FROM read_parquet('${file}')`)).getRowObjectsJson()[0] as Record<string, unknown>;
          assert.deepEqual([meta['lo'] ?? null, meta['hi'] ?? null], [agg['lo'] ?? null, agg['hi'] ?? null], `columnar ${columnar}`);
        }
      }),
      { seed, numRuns: runs(20, 100, 500) },
    );
  });

  it('NaNs with other payloads than the canonical one give the same bytes through both paths', async () => {
    const schema = StructType.fromDDL('d DOUBLE');
    const values = new Float64Array(64);
    const words = new Uint32Array(values.buffer);
    for (let i = 0; i < 64; i++) {
      if (i % 3 === 0) values[i] = i / 4;
      else {
        words[2 * i] = i * 2654435761; // a quiet NaN with a payload in the low word
        words[2 * i + 1] = 0x7ff80000 | (i % 7);
      }
    }
    const chunk: ColumnChunk = { schema, numRows: 64, vectors: [{ kind: 'float64', values, nulls: null }] };
    for (const enableDictionary of [true, false]) {
      const parquet = new NodeParquetHandler({ enableDictionary });
      const expected = await viaRows(parquet.openWriter(schema), [chunk]);
      const actual = await viaColumns(parquet.openWriter(schema), [chunk]);
      assert.deepEqual(Buffer.from(actual), Buffer.from(expected), `dictionary ${enableDictionary}`);
    }
  });

  it('a chunk whose fields are in another order than the writer schema goes by name (as its rows would)', async () => {
    const schema = StructType.fromDDL('a INT, b STRING, c DOUBLE');
    const other = StructType.fromDDL('c DOUBLE, a INT, b STRING');
    const rows: Row[] = Array.from({ length: 40 }, (_, k) => ({ a: k, b: `s${k % 3}`, c: k / 4 }));
    const parquet = new NodeParquetHandler();
    const chunk = columnChunkFromRows(other, rows);
    const expected = await viaRows(parquet.openWriter(schema), [chunk]);
    const actual = await viaColumns(parquet.openWriter(schema), [chunk]);
    assert.deepEqual(Buffer.from(actual), Buffer.from(expected));
    assert.deepEqual((await parquet.read(actual)).rows, rows);
  });

  // Each case: a schema and a chunk holding one value the column cannot take. The row path is the oracle.
  const bad: Array<[string, string, ColumnVector[]]> = [
    ['fraction in INT', 'i INT', [f64([1, 2.5])]],
    ['INT out of range', 'i INT', [f64([1, 2 ** 31])]],
    ['SMALLINT out of range', 'i SMALLINT', [f64([-32769])]],
    ['TINYINT out of range', 'i TINYINT', [f64([0, 128])]],
    ['NaN in INT', 'i INT', [f64([NaN])]],
    ['fraction in BIGINT', 'l BIGINT', [f64([3, 0.5])]],
    ['unsafe integer in BIGINT', 'l BIGINT', [f64([2 ** 60])]],
    ['Infinity in TIMESTAMP', 't TIMESTAMP', [f64([1, Infinity])]],
    ['NaN in TIMESTAMP', 't TIMESTAMP', [f64([NaN])]],
    ['fraction in DATE', 'd DATE', [f64([1.25])]],
    ['null in a NOT NULL DOUBLE', 'x DOUBLE NOT NULL', [f64([1, 2], [1])]],
    ['null in a NOT NULL BIGINT (dictionary off page)', 'x BIGINT NOT NULL', [f64([7, 8, 9], [2])]],
    ['null in a NOT NULL BOOLEAN', 'b BOOLEAN NOT NULL', [{ kind: 'boolean', values: new Uint8Array([1, 0]), nulls: new Uint8Array([0, 1]) }]],
    ['null in a NOT NULL STRING', 's STRING NOT NULL', [{ kind: 'values', values: ['a', null] }]],
    ['number in a STRING column', 's STRING', [{ kind: 'values', values: ['a', 3] }]],
    ['bad decimal text', 'x DECIMAL(5,2)', [{ kind: 'values', values: ['1.5', '1.234'] }]],
    ['decimal over precision', 'x DECIMAL(5,2)', [{ kind: 'values', values: ['1000.00'] }]],
    ['null in a NOT NULL struct', 's STRUCT<a: INT> NOT NULL', [{ kind: 'values', values: [{ a: 1 }, null] }]],
    ['string in an ARRAY<INT>', 'xs ARRAY<INT>', [{ kind: 'values', values: [[1], ['x']] }]],
    ['second column bad, first fine', 'a STRING, i INT', [{ kind: 'values', values: ['a', 'b'] }, f64([1, 1.5])]],
  ];
  for (const [name, ddl, vectors] of bad) {
    it(`rejects what append rejects, with the same code: ${name}`, async () => {
      const schema = StructType.fromDDL(ddl);
      const numRows = Math.min(...vectors.map((v) => v.values.length));
      const chunk: ColumnChunk = { schema, numRows, vectors };
      const parquet = new NodeParquetHandler({ pageSize: 2 });
      const rowsWriter = parquet.openWriter(schema);
      const expected = await codeOf(rowsWriter.append(columnChunkToRows(chunk)));
      assert.notEqual(expected, null, 'the row path must reject this chunk');
      const writer = parquet.openWriter(schema);
      assert.equal(await codeOf(writer.appendColumns!(chunk)), expected);
      // The writer is failed from now on, as after a failed append.
      assert.equal(await codeOf(writer.finish()), expected);
    });
  }
});
