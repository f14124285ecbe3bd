import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import fc from 'fast-check';
import { StructType, type Engine, type ParquetFileWriter, type ParquetHandler, type Row } from '@weir/core';
import { createTestEngine } from '@weir/testkit';
import { encodePartitionValue, openDataFileWriter, writeDataFiles, parseStats, resolveDataFilePath, type AddAction } from '@weir/delta-log';
import { duck, quoteLiteral } from './support/duckdb-oracle.js';
import { fsEngine, tempDir } from './support/engines.js';

const SEED = Number(process.env.FC_SEED ?? 42);
const RUNS = process.env.CI ? 100 : 15;
const UUID = () => '00000000-0000-4000-8000-000000000000';
const SCHEMA = StructType.fromDDL('id BIGINT, p STRING, q INT, v DOUBLE, s STRING, ts TIMESTAMP');

/** The ParquetHandler without `openWriter`: exercises the writer's buffering fallback. */
function withoutOpenWriter(base: Engine): Engine {
  const p = base.parquet;
  const parquet: ParquetHandler = { write: (b, o) => p.write(b, o), read: (d, o) => p.read(d, o), readMetadata: (d) => p.readMetadata(d) };
  return Object.freeze({ ...base, parquet });
}

/**
 * A minimal `openWriter` over `write` (copies each appended row, as the contract allows), so the
 * streaming path is exercised whatever the installed handler offers; it also checks that the
 * rows handed to `append` are exactly the file's rows (no partition values leak into other files).
 */
function withCopyingOpenWriter(base: Engine): Engine {
  const p = base.parquet;
  const parquet: ParquetHandler = {
    write: (b, o) => p.write(b, o),
    read: (d, o) => p.read(d, o),
    readMetadata: (d) => p.readMetadata(d),
    openWriter(schema, options): ParquetFileWriter {
      const rows: Row[] = [];
      return {
        get numRows() {
          return rows.length;
        },
        async append(rs) {
          for (const r of rs) rows.push({ ...r });
        },
        finish: () => p.write({ schema, rows }, options),
      };
    },
  };
  return Object.freeze({ ...base, parquet });
}

const ENGINES: ReadonlyArray<readonly [string, () => Engine]> = [
  ['installed ParquetHandler', () => createTestEngine()],
  ['buffering fallback (no openWriter)', () => withoutOpenWriter(createTestEngine())],
  ['copying openWriter', () => withCopyingOpenWriter(createTestEngine())],
];

const rowArb: fc.Arbitrary<Row> = fc.record(
  {
    id: fc.integer({ min: -1000, max: 1000 }),
    p: fc.option(fc.constantFrom('a', 'b', 'c=d', 'é'), { nil: null }),
    q: fc.option(fc.integer({ min: 0, max: 2 }), { nil: null }),
    v: fc.option(fc.double({ noNaN: true }), { nil: null }),
    s: fc.option(fc.string({ maxLength: 40 }), { nil: null }),
    ts: fc.option(fc.integer({ min: 0, max: 4e15 }), { nil: null }),
  },
  { noNullPrototype: true },
);

function splitAt(rows: readonly Row[], points: readonly number[]): Row[][] {
  const ps = [...new Set(points.map((x) => x % (rows.length + 1)))].sort((a, b) => a - b);
  const out: Row[][] = [];
  let from = 0;
  for (const p of [...ps, rows.length]) {
    out.push(rows.slice(from, p));
    from = p;
  }
  return out;
}

/**
 * The files Spark's writer makes, computed independently: rows grouped by partition values in
 * first-seen order, each group cut every `target` rows, partition columns dropped.
 */
function expectedFiles(rows: readonly Row[], partitionColumns: readonly string[], target: number): Row[][] {
  const groups = new Map<string, Row[]>();
  for (const r of rows) {
    const key = JSON.stringify(partitionColumns.map((c) => r[c] ?? null));
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    const data: Row = {};
    for (const f of SCHEMA.fields) if (!partitionColumns.includes(f.name)) data[f.name] = r[f.name] ?? null;
    g.push(data);
  }
  const files: Row[][] = [];
  for (const g of groups.values()) {
    const size = target > 0 ? target : g.length;
    for (let i = 0; i < g.length; i += size) files.push(g.slice(i, i + size));
  }
  return files;
}

async function fileRows(engine: Engine, tablePath: string, add: AddAction): Promise<Row[]> {
  const batch = await engine.parquet.read(await engine.storage.read(resolveDataFilePath(tablePath, add.path)));
  return batch.rows.map((r) => ({ ...r }));
}

describe('openDataFileWriter', () => {
  for (const [name, makeEngine] of ENGINES) {
    it(`${name}: any chunking gives the files of one writeDataFiles call, holding the expected rows`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(rowArb, { maxLength: 60 }),
          fc.array(fc.nat(), { maxLength: 6 }),
          fc.constantFrom<readonly string[]>([], ['p'], ['p', 'q'], ['q']),
          fc.integer({ min: 0, max: 7 }),
          async (rows, points, partitionColumns, targetFileRows) => {
            const engine = makeEngine();
            const options = { partitionColumns, targetFileRows, uuid: UUID };
            const whole = await writeDataFiles(engine, '/one', { schema: SCHEMA, rows }, options);
            const writer = openDataFileWriter(engine, '/chunked', SCHEMA, options);
            for (const chunk of splitAt(rows, points)) {
              // Chunks are handed over as copies and clobbered afterwards: the writer must not keep them.
              const copy = chunk.map((r) => ({ ...r }));
              await writer.write(copy);
              for (const r of copy) for (const k of Object.keys(r)) r[k] = k === 's' ? 'CLOBBERED' : null;
            }
            const chunked = await writer.finish();
            const expected = expectedFiles(rows, partitionColumns, targetFileRows);
            assert.equal(chunked.length, expected.length);
            assert.deepEqual(
              chunked.map((a) => a.path),
              whole.map((a) => a.path),
            );
            assert.deepEqual(
              chunked.map((a) => [a.partitionValues, parseStats(a.stats)]),
              whole.map((a) => [a.partitionValues, parseStats(a.stats)]),
            );
            for (const [i, add] of chunked.entries()) {
              assert.deepEqual(await fileRows(engine, '/chunked', add), expected[i]);
              assert.equal(add.size, (await engine.storage.head(resolveDataFilePath('/chunked', add.path)))?.size);
              assert.equal(parseStats(add.stats)?.numRecords, expected[i]!.length);
            }
          },
        ),
        { seed: SEED, numRuns: RUNS },
      );
    });
  }

  it('stats agree with DuckDB (count, min, max, null count) over every written file', async () => {
    const engine = fsEngine();
    const c = await duck();
    await fc.assert(
      fc.asyncProperty(fc.array(rowArb, { minLength: 1, maxLength: 50 }), fc.array(fc.nat(), { maxLength: 4 }), async (rows, points) => {
        const dir = tempDir();
        try {
          const ascii = rows.map((r) => ({ ...r, s: typeof r.s === 'string' ? r.s.replace(/[^\x20-\x7e]/g, 'x').slice(0, 32) : null }));
          const writer = openDataFileWriter(engine, dir, SCHEMA, { partitionColumns: ['p'], targetFileRows: 20 });
          for (const chunk of splitAt(ascii, points)) await writer.write(chunk);
          const adds = await writer.finish();
          for (const add of adds) {
            const file = quoteLiteral(resolveDataFilePath(dir, add.path));
            const reader = await c.runAndReadAll(
              `SELECT count(*), min(id), max(id), count(*) - count(id), min(q), max(q), count(*) - count(q), min(v), max(v), count(*) - count(v), ` +
                `min(s), max(s), count(*) - count(s), epoch_ms(min(ts)), epoch_ms(max(ts)), count(*) - count(ts) FROM read_parquet(${file})`,
            );
            const [n, ...cells] = (reader.getRows()[0] as unknown[]).map((x) => (typeof x === 'bigint' ? Number(x) : x));
            // Delta stats leave out a column's bounds when one is ±Infinity (not representable in JSON).
            if (typeof cells[6] === 'number' && typeof cells[7] === 'number' && (!Number.isFinite(cells[6]) || !Number.isFinite(cells[7]))) cells[6] = cells[7] = null;
            const parsed = parseStats(add.stats)!;
            const st = { numRecords: parsed.numRecords, minValues: parsed.minValues ?? {}, maxValues: parsed.maxValues ?? {}, nullCount: parsed.nullCount ?? {} };
            const ms = (x: unknown) => (x === undefined ? null : Date.parse(x as string));
            const num = (x: unknown) => (x === undefined ? null : x);
            assert.equal(st.numRecords, n);
            assert.deepEqual(
              [
                num(st.minValues.id), num(st.maxValues.id), st.nullCount.id,
                num(st.minValues.q), num(st.maxValues.q), st.nullCount.q,
                num(st.minValues.v), num(st.maxValues.v), st.nullCount.v,
                num(st.minValues.s), num(st.maxValues.s), st.nullCount.s,
                ms(st.minValues.ts), ms(st.maxValues.ts), st.nullCount.ts,
              ],
              cells,
            );
          }
        } finally {
          fs.rmSync(dir, { recursive: true, force: true });
        }
      }),
      { seed: SEED, numRuns: process.env.CI ? 40 : 8 },
    );
  });

  it('partition values of every type are serialised as encodePartitionValue does, directories in first-seen order', async () => {
    const schema = StructType.fromDDL('x INT, pi INT, pl BIGINT, pb BOOLEAN, pd DATE, pt TIMESTAMP, pf DOUBLE, pc DECIMAL(5,2), ps STRING');
    const cols = ['pi', 'pl', 'pb', 'pd', 'pt', 'pf', 'pc', 'ps'];
    const part = fc.record(
      {
        x: fc.integer(),
        pi: fc.option(fc.integer({ min: -2, max: 2 }), { nil: null }),
        pl: fc.option(fc.constantFrom(0, 2 ** 40, -(2 ** 52)), { nil: null }),
        pb: fc.option(fc.boolean(), { nil: null }),
        pd: fc.option(fc.constantFrom(0, 19_000, -1), { nil: null }),
        pt: fc.option(fc.constantFrom(0, 1_700_000_000_123_456, -1), { nil: null }),
        pf: fc.option(fc.constantFrom(0.1, 1e10, -0, 3), { nil: null }),
        pc: fc.option(fc.constantFrom('1.50', '-0.01', '999.99'), { nil: null }),
        ps: fc.option(fc.constantFrom('a', 'b/c', ''), { nil: null }),
      },
      { noNullPrototype: true },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(part, { minLength: 1, maxLength: 30 }), fc.subarray(cols, { minLength: 1, maxLength: 3 }), fc.array(fc.nat(), { maxLength: 3 }), async (rows, partitionColumns, points) => {
        const engine = withoutOpenWriter(createTestEngine());
        const writer = openDataFileWriter(engine, '/t', schema, { partitionColumns });
        for (const chunk of splitAt(rows, points)) await writer.write(chunk);
        const adds = await writer.finish();
        const expected = new Map<string, { values: Record<string, string | null>; n: number }>();
        for (const r of rows) {
          // Spark's empty2null: an empty partition value is written as null (one default-partition directory).
          const serialised = (c: string) => encodePartitionValue((r as Row)[c], StructType.findField(schema, c)!.type);
          const values = Object.fromEntries(partitionColumns.map((c) => [c, serialised(c) === '' ? null : serialised(c)]));
          const key = JSON.stringify(partitionColumns.map((c) => values[c]));
          const e = expected.get(key);
          if (e) e.n++;
          else expected.set(key, { values, n: 1 });
        }
        assert.deepEqual(
          adds.map((a) => [a.partitionValues, parseStats(a.stats)?.numRecords]),
          [...expected.values()].map((e) => [e.values, e.n]),
        );
      }),
      { seed: SEED, numRuns: RUNS * 2 },
    );
  });

  it('finish with no rows gives no files; use after finish is DELTA_INVALID_ARGUMENT', async () => {
    const writer = openDataFileWriter(createTestEngine(), '/t', SCHEMA, { partitionColumns: ['p'] });
    await writer.write([]);
    assert.deepEqual(await writer.finish(), []);
    await assert.rejects(writer.write([{ id: 1 }]), { code: 'DELTA_INVALID_ARGUMENT' });
    await assert.rejects(writer.finish(), { code: 'DELTA_INVALID_ARGUMENT' });
  });

  it('abort deletes the files it already stored', async () => {
    const engine = createTestEngine();
    const writer = openDataFileWriter(engine, '/t', SCHEMA, { targetFileRows: 2 });
    await writer.write([{ id: 1 }, { id: 2 }, { id: 3 }, { id: 4 }, { id: 5 }]);
    const before: string[] = [];
    for await (const f of engine.storage.list('/t')) before.push(f.path);
    assert.equal(before.length, 2); // two full files stored at once; the fifth row is still open
    await writer.abort();
    const after: string[] = [];
    for await (const f of engine.storage.list('/t')) after.push(f.path);
    assert.deepEqual(after, []);
  });

  it('a value the ParquetHandler rejects fails the write with its code; abort then leaves no files', async () => {
    const schema = StructType.fromJSON({ type: 'struct', fields: [{ name: 'id', type: 'long', nullable: false, metadata: {} }] });
    for (const [name, makeEngine] of ENGINES) {
      const engine = makeEngine();
      const writer = openDataFileWriter(engine, '/t', schema, { targetFileRows: 2 });
      await writer.write([{ id: 1 }, { id: 2 }]); // a full file: stored at once
      const failed = await (async () => {
        await writer.write([{ id: null }]); // streaming handlers fail here
        await writer.finish(); // the buffering fallback only encodes when the file ends
      })().then(
        () => null,
        (e: { code?: string }) => e.code,
      );
      assert.equal(failed, 'PARQUET_VALUE_INVALID', name);
      await writer.abort();
      const left: string[] = [];
      for await (const f of engine.storage.list('/t', { recursive: true })) left.push(f.path);
      assert.deepEqual(left, [], name);
    }
  });

  it('an unknown partition column is DELTA_PARTITION_COLUMN_NOT_FOUND at open', () => {
    assert.throws(() => openDataFileWriter(createTestEngine(), '/t', SCHEMA, { partitionColumns: ['zz'] }), { code: 'DELTA_PARTITION_COLUMN_NOT_FOUND' });
  });
});
