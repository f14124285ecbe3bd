// DataFileWriter.writeColumns against its definition: write(columnChunkToRows(chunk)) — the same
// add actions (paths, partition values, sizes, stats), the same file bytes, the same errors.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  StructType,
  WeirError,
  columnChunkFromRows,
  columnChunkToRows,
  type ColumnChunk,
  type ColumnVector,
  type Engine,
  type ParquetFileWriter,
  type ParquetHandler,
  type Row,
} from '@weir/core';
import { createTestEngine } from '@weir/testkit';
import { computeFileStats, openDataFileWriter, parseStats, resolveDataFilePath, type AddAction, type DataFileWriter } from '@weir/delta-log';

const SEED = Number(process.env.FC_SEED ?? 42);
const RUNS = process.env.CI ? 150 : 25;
const UUID = () => '00000000-0000-4000-8000-000000000000';
const SCHEMA = StructType.fromDDL(
  'id BIGINT, p STRING, q INT, v DOUBLE, s STRING, ts TIMESTAMP, b BOOLEAN, d DATE, f FLOAT, dec DECIMAL(10,2), st STRUCT<x: DOUBLE, y: STRING>, arr ARRAY<INT>',
);

/** The ParquetHandler without `openWriter` (the writer's buffering fallback). */
function withoutOpenWriter(base: Engine): Engine {
  const p = base.parquet;
  const parquet: ParquetHandler = { write: (b, o) => p.write(b, o), read: (d, o) => p.read(d, o), readMetadata: (d) => p.readMetadata(d) };
  return Object.freeze({ ...base, parquet });
}

/** An `openWriter` with only the row form (no `appendColumns`): writeColumns must feed it rows. */
function rowsOnlyOpenWriter(base: Engine): Engine {
  const p = base.parquet;
  const parquet: ParquetHandler = {
    write: (b, o) => p.write(b, o),
    read: (d, o) => p.read(d, o),
    readMetadata: (d) => p.readMetadata(d),
    openWriter(schema, options): ParquetFileWriter {
      const w = (p.openWriter as NonNullable<ParquetHandler['openWriter']>)(schema, options);
      return {
        get numRows() {
          return w.numRows;
        },
        append: (rows) => w.append(rows),
        finish: () => w.finish(),
      };
    },
  };
  return Object.freeze({ ...base, parquet });
}

const ENGINES: ReadonlyArray<readonly [string, () => Engine]> = [
  ['installed ParquetHandler (appendColumns)', () => createTestEngine()],
  ['openWriter without appendColumns', () => rowsOnlyOpenWriter(createTestEngine())],
  ['buffering fallback (no openWriter)', () => withoutOpenWriter(createTestEngine())],
];

const specialDouble = fc.oneof(fc.double(), fc.constantFrom(Infinity, -Infinity, NaN, -0, 0));
/** Strings around the 32-code-point stats truncation, with astral characters (surrogate pairs). */
const statString = fc.oneof(
  fc.constantFrom('a', 'b', 'clear', ''),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', minLength: 28, maxLength: 40 }),
  fc.string({ unit: fc.constantFrom('x', '😀', 'é', '\uffff'), minLength: 30, maxLength: 36 }),
);

const opt = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | null> => fc.option(a, { nil: null });
const rowArb: fc.Arbitrary<Row> = fc.record(
  {
    id: fc.integer({ min: -1000, max: 1000 }),
    p: opt(fc.constantFrom('a', 'b', 'c=d', 'é')),
    q: opt(fc.integer({ min: 0, max: 2 })),
    v: opt(specialDouble),
    s: opt(statString),
    ts: opt(fc.integer({ min: -4e15, max: 4e15 })),
    b: opt(fc.boolean()),
    d: opt(fc.integer({ min: -30_000, max: 30_000 })),
    f: opt(fc.oneof(fc.float(), fc.constantFrom(Infinity, NaN, -0))),
    dec: opt(fc.integer({ min: -99_999_999, max: 99_999_999 }).map((u) => (u / 100).toFixed(2))),
    st: opt(fc.record({ x: opt(specialDouble), y: opt(statString) }, { noNullPrototype: true })),
    arr: opt(fc.array(opt(fc.integer({ min: -5, max: 5 })), { maxLength: 3 })),
  },
  { noNullPrototype: true },
);

function chunksOf(rows: readonly Row[], points: readonly number[]): ColumnChunk[] {
  const ps = [...new Set(points.map((x) => x % (rows.length + 1)))].sort((a, b) => a - b);
  const out: ColumnChunk[] = [];
  let from = 0;
  for (const p of [...ps, rows.length]) {
    out.push(columnChunkFromRows(SCHEMA, rows.slice(from, p)));
    from = p;
  }
  return out;
}

async function codeOf(p: Promise<unknown>): Promise<string | null> {
  try {
    await p;
    return null;
  } catch (e) {
    assert.ok(e instanceof WeirError, String(e));
    return e.code;
  }
}

type Options = Parameters<typeof openDataFileWriter>[3];

/** Writes the chunks through `feed` on a fresh engine; the add actions and every file's bytes. */
async function run(make: () => Engine, options: Options, chunks: readonly ColumnChunk[], feed: (w: DataFileWriter, c: ColumnChunk) => Promise<void>) {
  const engine = make();
  const writer = openDataFileWriter(engine, '/t', SCHEMA, { uuid: UUID, ...options });
  for (const c of chunks) await feed(writer, c);
  const adds = await writer.finish();
  const files = await Promise.all(adds.map(async (a) => Buffer.from(await engine.storage.read(resolveDataFilePath('/t', a.path)))));
  return { adds, files, engine };
}

const viaRows = (w: DataFileWriter, c: ColumnChunk): Promise<void> => w.write(columnChunkToRows(c));
const viaColumns = (w: DataFileWriter, c: ColumnChunk): Promise<void> => w.writeColumns(c);

describe('DataFileWriter.writeColumns', () => {
  for (const [name, make] of ENGINES) {
    it(`gives the add actions, stats and file bytes of write(columnChunkToRows(chunk)), any split (${name}, fast-check)`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(rowArb, { maxLength: 40 }),
          fc.array(fc.nat(), { maxLength: 5 }),
          fc.constantFrom<readonly string[]>([], [], ['p'], ['p', 'q']),
          fc.constantFrom(0, 0, 1, 3, 7),
          fc.constantFrom(32, 3, 0, -1),
          async (rows, points, partitionColumns, targetFileRows, numIndexedCols) => {
            const chunks = chunksOf(rows, points);
            const options = { partitionColumns, targetFileRows, numIndexedCols, rowGroupSize: 5 };
            const expected = await run(make, options, chunks, viaRows);
            const actual = await run(make, options, chunks, viaColumns);
            assert.deepEqual(actual.adds, expected.adds);
            assert.deepEqual(actual.files, expected.files);
          },
        ),
        { seed: SEED, numRuns: RUNS },
      );
    });
  }

  it('stats follow the row rules: ±Infinity bounds left out, NaN skipped, strings cut at 32 code points, nested leaves, null counts', async () => {
    const rows: Row[] = [
      { id: 1, v: NaN, s: '😀'.repeat(40), ts: 5, f: Infinity, st: { x: -0, y: 'b' }, b: true, arr: [1] },
      { id: 2, v: 2.5, s: 'a'.repeat(33), ts: null, f: 1.5, st: null, b: null, arr: null },
      { id: 3, v: -1, s: 'a', ts: -7, f: -2, st: { x: Infinity, y: null }, b: false, arr: [] },
    ];
    const chunk = columnChunkFromRows(SCHEMA, rows);
    const { adds, files, engine } = await run(() => createTestEngine(), {}, [chunk], viaColumns);
    assert.equal(adds.length, 1);
    const stats = parseStats((adds[0] as AddAction).stats);
    // The independent row-by-row implementation (computeFileStats) over what the file holds.
    const back = await engine.parquet.read(new Uint8Array(files[0] as Buffer));
    assert.deepEqual(JSON.parse(JSON.stringify(stats)), JSON.parse(JSON.stringify(computeFileStats(SCHEMA, back.rows))));
    assert.equal(stats?.numRecords, 3);
    const min = stats?.minValues as Row;
    const max = stats?.maxValues as Row;
    assert.equal(min['v'], -1);
    assert.equal(max['v'], 2.5);
    assert.equal(min['s'], 'a');
    // prefix + U+FFFF would sort BELOW the value in UTF-8 order (an astral code point follows the
    // prefix), so the max grows over the astral code points: here to the whole value.
    assert.equal(max['s'], '😀'.repeat(40));
    assert.equal('f' in min, false, 'a column with an Infinity bound has no min/max');
    assert.equal((min['st'] as Row)['x'], undefined);
    assert.equal((max['st'] as Row)['y'], 'b');
    assert.equal('b' in min, false, 'booleans get null counts only');
    assert.deepEqual((stats?.nullCount as Row)['st'], { x: 1, y: 2 });
    assert.equal((stats?.nullCount as Row)['b'], 1);
    assert.equal((stats?.nullCount as Row)['p'], 3);
  });

  // Values the Parquet writer refuses; the row path is the oracle for the code.
  const bad: Array<[string, number, ColumnVector]> = [
    ['fraction in BIGINT id', 0, { kind: 'float64', values: Float64Array.from([1, 1.5]), nulls: null }],
    ['unsafe integer in TIMESTAMP', 5, { kind: 'float64', values: Float64Array.from([2 ** 60, 0]), nulls: null }],
    ['INT out of range', 2, { kind: 'float64', values: Float64Array.from([0, 2 ** 33]), nulls: null }],
    ['bad decimal text', 9, { kind: 'values', values: ['1.234', null] }],
  ];
  for (const [name, column, vector] of bad) {
    for (const partitionColumns of [[], ['p']]) {
      it(`fails as write fails: ${name} (partitioned by ${JSON.stringify(partitionColumns)})`, async () => {
        const base = columnChunkFromRows(SCHEMA, [{ id: 1, p: 'a', q: 1 }, { id: 2, p: 'b', q: 2 }]);
        const vectors = base.vectors.map((v, i) => (i === column ? vector : v));
        const chunk: ColumnChunk = { schema: SCHEMA, numRows: 2, vectors };
        const expected = await codeOf(openDataFileWriter(createTestEngine(), '/t', SCHEMA, { partitionColumns }).write(columnChunkToRows(chunk)));
        assert.notEqual(expected, null);
        assert.equal(await codeOf(openDataFileWriter(createTestEngine(), '/t', SCHEMA, { partitionColumns }).writeColumns(chunk)), expected);
      });
    }
  }

  it('is refused after finish, as write is', async () => {
    const w = openDataFileWriter(createTestEngine(), '/t', SCHEMA);
    await w.finish();
    assert.equal(await codeOf(w.writeColumns(columnChunkFromRows(SCHEMA, [{ id: 1 }]))), 'DELTA_INVALID_ARGUMENT');
  });
});
