import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { StructType, joinPath, type DataWriter, type DataWriterInput, type Engine, type Row, type TaskContext, type WriterTaskInput } from '@weir/core';
import { parseStats, resolveDataFilePath, type AddAction } from '@weir/delta-log';
import { createTestEngine } from '@weir/testkit';
import { dataWriters, partitionChunkReaders, partitionReaders, taskHandlers } from './delta-tasks.js';
import { readDataFileChunks } from './delta-table-access.js';
import type { SinkFileStatus } from './file-sink-log.js';

const SEED = Number(process.env.FC_SEED ?? 42);
const RUNS = process.env.CI ? 60 : 12;
const SCHEMA = StructType.fromDDL('id BIGINT, p STRING, d DATE, v DOUBLE, s STRING');

const rowArb: fc.Arbitrary<Row> = fc.record(
  {
    id: fc.integer({ min: -1000, max: 1000 }),
    p: fc.option(fc.constantFrom('a', 'b', 'x/y'), { nil: null }),
    d: fc.option(fc.integer({ min: 19_000, max: 19_002 }), { nil: null }),
    v: fc.option(fc.double({ noNaN: true }), { nil: null }),
    s: fc.option(fc.string({ maxLength: 8 }), { nil: null }),
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

/** Feeds `rows` to a DataWriter in the given chunks (as copies, clobbered after each write). */
async function viaDataWriter(writer: DataWriter, chunks: readonly Row[][]): Promise<unknown> {
  for (const chunk of chunks) {
    const copy = chunk.map((r) => ({ ...r }));
    await writer.write(copy);
    for (const r of copy) for (const k of Object.keys(r)) r[k] = null;
  }
  return writer.commit();
}

async function readRows(engine: Engine, file: string): Promise<Row[]> {
  return (await engine.parquet.read(await engine.storage.read(file))).rows.map((r) => ({ ...r }));
}

const partitionings = fc.constantFrom<readonly string[]>([], ['p'], ['p', 'd']);

describe('delta-tasks dataWriters', () => {
  it('writeDeltaFiles: chunks through the DataWriter give the adds and file rows of the whole-batch task handler', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(rowArb, { maxLength: 50 }), fc.array(fc.nat(), { maxLength: 5 }), partitionings, async (rows, points, partitionColumns) => {
        const engine = createTestEngine();
        const ctx: TaskContext = { engine };
        const whole = (await taskHandlers.writeDeltaFiles(
          { options: { path: '/whole', partitionColumns }, batchId: 3, taskId: 1, batch: { schema: SCHEMA, rows } } satisfies WriterTaskInput,
          ctx,
        )) as AddAction[];
        const input: DataWriterInput = { options: { path: '/chunked', partitionColumns }, batchId: 3, taskId: 1, schema: SCHEMA };
        const chunked = (await viaDataWriter(await dataWriters.writeDeltaFiles(input, ctx), splitAt(rows, points))) as AddAction[];
        assert.equal(chunked.length, whole.length);
        // File names carry a per-writer job UUID; everything else must agree.
        assert.deepEqual(
          chunked.map((a) => [a.path.replace(/-[0-9a-f-]{36}\./, '.'), a.partitionValues, parseStats(a.stats), a.dataChange]),
          whole.map((a) => [a.path.replace(/-[0-9a-f-]{36}\./, '.'), a.partitionValues, parseStats(a.stats), a.dataChange]),
        );
        for (const [i, add] of chunked.entries()) {
          assert.deepEqual(
            await readRows(engine, resolveDataFilePath('/chunked', add.path)),
            await readRows(engine, resolveDataFilePath('/whole', (whole[i] as AddAction).path)),
          );
        }
        // Every input row is in some file (partition columns aside): nothing lost, nothing doubled.
        const total = chunked.reduce((n, a) => n + (parseStats(a.stats)?.numRecords ?? 0), 0);
        assert.equal(total, rows.length);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('writeParquetFiles: chunks through the DataWriter give the log entries and file rows of the whole-batch task handler', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(rowArb, { maxLength: 50 }), fc.array(fc.nat(), { maxLength: 5 }), partitionings, async (rows, points, partitionColumns) => {
        const engine = createTestEngine();
        const ctx: TaskContext = { engine };
        const options = (path: string) => ({ path, partitionColumns, queryId: 'q1' });
        const whole = (await taskHandlers.writeParquetFiles(
          { options: options('/whole'), batchId: 2, taskId: 7, batch: { schema: SCHEMA, rows } } satisfies WriterTaskInput,
          ctx,
        )) as SinkFileStatus[];
        const input: DataWriterInput = { options: options('/chunked'), batchId: 2, taskId: 7, schema: SCHEMA };
        const chunked = (await viaDataWriter(await dataWriters.writeParquetFiles(input, ctx), splitAt(rows, points))) as SinkFileStatus[];
        const strip = (f: SinkFileStatus) => ({ ...f, modificationTime: 0 });
        assert.deepEqual(chunked.map(strip), whole.map(strip));
        for (const f of chunked) {
          assert.deepEqual(await readRows(engine, joinPath('/chunked', f.path)), await readRows(engine, joinPath('/whole', f.path)));
        }
        // Independent count: rows per directory equal the input rows with those partition values.
        for (const f of chunked) {
          const expected = rows.filter((r) => partitionColumns.every((c) => (r[c] ?? null) === (c === 'd' ? (f.partitionValues[c] === null ? null : Date.parse(f.partitionValues[c] as string) / 86_400_000) : f.partitionValues[c])));
          assert.equal(f.numRecords, expected.length);
        }
        assert.equal(chunked.reduce((n, f) => n + (f.numRecords ?? 0), 0), rows.length);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('deltaFile chunk reader: chunks concatenated = the whole-file reader; all files together = the input rows', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(rowArb, { minLength: 1, maxLength: 50 }), partitionings, fc.integer({ min: 1, max: 12 }), async (rows, partitionColumns, chunkRows) => {
        const engine = createTestEngine();
        const ctx: TaskContext = { engine };
        const adds = (await taskHandlers.writeDeltaFiles(
          { options: { path: '/t', partitionColumns }, batchId: 0, taskId: 0, batch: { schema: SCHEMA, rows } } satisfies WriterTaskInput,
          ctx,
        )) as AddAction[];
        const all: Row[] = [];
        for (const add of adds) {
          const data = { tablePath: '/t', add, schema: SCHEMA, partitionColumns };
          const whole = (await partitionReaders.deltaFile(data, ctx)).rows;
          const exported: Row[] = [];
          for await (const chunk of partitionChunkReaders.deltaFile(data, ctx)) exported.push(...chunk.rows);
          const small: Row[] = [];
          for await (const chunk of readDataFileChunks(engine, '/t', add, SCHEMA, partitionColumns, chunkRows)) {
            assert.ok(chunk.rows.length > 0 && chunk.rows.length <= chunkRows);
            small.push(...chunk.rows);
          }
          assert.deepEqual(exported, whole);
          assert.deepEqual(small, whole);
          for (const r of whole) assert.deepEqual(Object.keys(r), SCHEMA.fields.map((f) => f.name));
          all.push(...whole);
        }
        const canon = (rs: readonly Row[]) => rs.map((r) => JSON.stringify(SCHEMA.fields.map((f) => r[f.name] ?? null))).sort();
        assert.deepEqual(canon(all), canon(rows));
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('an empty task writes nothing: no files, empty commit message', async () => {
    const engine = createTestEngine();
    const w = await dataWriters.writeDeltaFiles({ options: { path: '/t', partitionColumns: ['zz'] }, batchId: 0, taskId: 0, schema: SCHEMA }, { engine });
    await w.write([]);
    assert.deepEqual(await w.commit(), []);
    const p = await dataWriters.writeParquetFiles({ options: { path: '/t', partitionColumns: [], queryId: 'q' }, batchId: 0, taskId: 0, schema: SCHEMA }, { engine });
    assert.deepEqual(await p.commit(), []);
    const listed: string[] = [];
    for await (const f of engine.storage.list('/t')) listed.push(f.path);
    assert.deepEqual(listed, []);
  });
});
