import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { StructType, rowBatch, type BatchInfo, type Engine, type Sink, type SinkContext, type TaskContext, type WriterTaskInput } from '@weir/core';
import { createNodeEngine } from '@weir/node';
import { deltaSinkPlugins, readDeltaTable, writeDeltaBatch, readFileSinkOutput } from '@weir/streaming';
import { duckRows, tempDir, txnVersions } from './delta-test-helpers.js';

const schema = StructType.fromDDL('station_id STRING, temperature_c DOUBLE, n LONG');
const info: BatchInfo = { schema, outputMode: 'append' };
const plugin = (name: string) => deltaSinkPlugins.find((p) => p.name === name)!;

function ctx(engine: Engine, p: string, over: Partial<SinkContext> = {}): SinkContext {
  return { engine, path: p, queryId: 'q-1', outputMode: 'append', partitionBy: [], conf: {}, log: () => {}, ...over };
}

const rows = (from: number, count: number, station = 'ST-0001') =>
  Array.from({ length: count }, (_, i) => ({ station_id: station, temperature_c: (from + i) / 2, n: from + i }));

/** Runs a batch the way the engine does on the worker path: factory → handler per task → commitBatch. */
async function runViaWriterFactory(sink: Sink, engine: Engine, batchId: number, tasks: ReturnType<typeof rows>[], bi: BatchInfo = info) {
  const factory = sink.createWriterFactory!(batchId, bi)!;
  const mod = (await import(factory.module)) as { taskHandlers: Record<string, (i: WriterTaskInput, c: TaskContext) => Promise<unknown>> };
  const messages = [];
  for (let taskId = 0; taskId < tasks.length; taskId++) {
    messages.push(await mod.taskHandlers[factory.handler]!({ options: factory.options, batchId, taskId, batch: rowBatch(bi.schema, tasks[taskId]!) }, { engine }));
  }
  await sink.commitBatch!(batchId, messages, bi);
}

describe('delta sink', () => {
  it('appends batches once each, skipping a replayed batch by its txn version (DuckDB reads the result)', async () => {
    const engine = createNodeEngine();
    const table = path.join(tempDir(), 'out');
    const sink = await plugin('delta').createSink({}, ctx(engine, table));
    await sink.addBatch(0, rowBatch(schema, rows(0, 3)), info);
    await sink.addBatch(1, rowBatch(schema, rows(3, 2)), info);
    await sink.addBatch(1, rowBatch(schema, rows(3, 2)), info); // replay after a crash before commits/1
    await sink.addBatch(0, rowBatch(schema, rows(0, 3)), info);
    const duck = await duckRows(table, 'n, temperature_c, station_id', 'n');
    assert.deepEqual(duck.map((r) => Number(r['n'])), [0, 1, 2, 3, 4]);
    assert.deepEqual(txnVersions(table).get('q-1'), [0, 1]);
    const back = await readDeltaTable(engine, table);
    assert.equal(back.rows.length, 5);
  });

  it('writes in tasks through the WriterFactory and commits all task files in one commit', async () => {
    const engine = createNodeEngine();
    const table = path.join(tempDir(), 'out');
    const sink = await plugin('delta').createSink({}, ctx(engine, table));
    await runViaWriterFactory(sink, engine, 0, [rows(0, 2), rows(2, 2), []]);
    await runViaWriterFactory(sink, engine, 0, [rows(0, 2), rows(2, 2), []]); // replay: orphans only
    await runViaWriterFactory(sink, engine, 1, [rows(4, 1)]);
    const commits = fs.readdirSync(path.join(table, '_delta_log')).filter((n) => n.endsWith('.json'));
    assert.equal(commits.length, 2);
    const duck = await duckRows(table, 'n', 'n');
    assert.deepEqual(duck.map((r) => Number(r['n'])), [0, 1, 2, 3, 4]);
  });

  it('complete mode overwrites the table each batch', async () => {
    const engine = createNodeEngine();
    const table = path.join(tempDir(), 'out');
    const sink = await plugin('delta').createSink({}, ctx(engine, table, { outputMode: 'complete' }));
    const ci: BatchInfo = { schema, outputMode: 'complete' };
    await sink.addBatch(0, rowBatch(schema, rows(0, 3)), ci);
    await sink.addBatch(1, rowBatch(schema, rows(10, 2)), ci);
    const duck = await duckRows(table, 'n', 'n');
    assert.deepEqual(duck.map((r) => Number(r['n'])), [10, 11]);
  });

  it('partitionBy writes Hive directories that DuckDB reads back as the partition column', async () => {
    const engine = createNodeEngine();
    const table = path.join(tempDir(), 'out');
    const sink = await plugin('delta').createSink({}, ctx(engine, table, { partitionBy: ['station_id'] }));
    await sink.addBatch(0, rowBatch(schema, [...rows(0, 2, 'ST-0001'), ...rows(2, 1, 'ST/2')]), info);
    assert.ok(fs.existsSync(path.join(table, 'station_id=ST-0001')));
    assert.ok(fs.existsSync(path.join(table, 'station_id=ST%2F2')));
    const back = await readDeltaTable(engine, table);
    assert.deepEqual(back.rows.map((r) => [r['n'], r['station_id']]).sort(), [[0, 'ST-0001'], [1, 'ST-0001'], [2, 'ST/2']]);
  });

  it('refuses a batch with a new column unless mergeSchema is set', async () => {
    const engine = createNodeEngine();
    const table = path.join(tempDir(), 'out');
    const wider = StructType.fromDDL('station_id STRING, temperature_c DOUBLE, n LONG, uv_index DOUBLE');
    const sink = await plugin('delta').createSink({}, ctx(engine, table));
    await sink.addBatch(0, rowBatch(schema, rows(0, 1)), info);
    await assert.rejects(sink.addBatch(1, rowBatch(wider, [{ ...rows(1, 1)[0], uv_index: 3 }]), { schema: wider, outputMode: 'append' }), {
      code: 'DELTA_SCHEMA_MISMATCH',
    });
    const merging = await plugin('delta').createSink({ mergeSchema: 'true' }, ctx(engine, table));
    await merging.addBatch(1, rowBatch(wider, [{ ...rows(1, 1)[0], uv_index: 3 }]), { schema: wider, outputMode: 'append' });
    const back = await readDeltaTable(engine, table);
    assert.deepEqual(back.schema.fields.map((f) => f.name), ['station_id', 'temperature_c', 'n', 'uv_index']);
    assert.deepEqual(back.rows.map((r) => r['uv_index']).sort(), [3, null]);
  });

  it('rejects unknown options and half-given txn options with coded errors', async () => {
    const engine = createNodeEngine();
    const table = path.join(tempDir(), 'out');
    await assert.rejects(async () => plugin('delta').createSink({ bogus: '1' }, ctx(engine, table)), { code: 'INVALID_OPTION' });
    await assert.rejects(async () => plugin('delta').createSink({ txnAppId: 'x' }, ctx(engine, table)), { code: 'DELTA_TXN_OPTIONS_INCOMPLETE' });
    // a stream's idempotency key is (queryId, batchId): txn options belong to writeDeltaBatch
    await assert.rejects(async () => plugin('delta').createSink({ txnAppId: 'x', txnVersion: '1' }, ctx(engine, table)), { code: 'INVALID_OPTION' });
  });

  it('writeDeltaBatch with txnAppId/txnVersion is idempotent (the foreachBatch pattern)', async () => {
    const engine = createNodeEngine();
    const table = path.join(tempDir(), 'out');
    assert.equal(await writeDeltaBatch(engine, table, rowBatch(schema, rows(0, 2)), { txnAppId: 'app', txnVersion: 5 }), 'committed');
    assert.equal(await writeDeltaBatch(engine, table, rowBatch(schema, rows(0, 2)), { txnAppId: 'app', txnVersion: 5 }), 'skipped');
    assert.equal(await writeDeltaBatch(engine, table, rowBatch(schema, rows(0, 2)), { txnAppId: 'app', txnVersion: 4 }), 'skipped');
    assert.equal(await writeDeltaBatch(engine, table, rowBatch(schema, rows(2, 1)), { txnAppId: 'app', txnVersion: 6 }), 'committed');
    const duck = await duckRows(table, 'n', 'n');
    assert.deepEqual(duck.map((r) => Number(r['n'])), [0, 1, 2]);
  });

  it('time travel: readDeltaTable versionAsOf', async () => {
    const engine = createNodeEngine();
    const table = path.join(tempDir(), 'out');
    await writeDeltaBatch(engine, table, rowBatch(schema, rows(0, 2)));
    await writeDeltaBatch(engine, table, rowBatch(schema, rows(2, 2)));
    assert.equal((await readDeltaTable(engine, table, { versionAsOf: 0 })).rows.length, 2);
    assert.equal((await readDeltaTable(engine, table)).rows.length, 4);
  });
});

describe('parquet file sink', () => {
  it('logs each batch in _weir_metadata once; readers see only logged files', async () => {
    const engine = createNodeEngine();
    const out = path.join(tempDir(), 'out');
    const sink = await plugin('parquet').createSink({}, ctx(engine, out));
    await runViaWriterFactory(sink, engine, 0, [rows(0, 2), rows(2, 1)]);
    await runViaWriterFactory(sink, engine, 0, [rows(0, 2), rows(2, 1)]); // replay
    await sink.addBatch(1, rowBatch(schema, rows(3, 2)), info);
    await sink.addBatch(1, rowBatch(schema, rows(3, 2)), info);
    // an orphan from a crashed batch 2 (files written, never logged)
    fs.copyFileSync(
      path.join(out, fs.readdirSync(out).find((n) => n.endsWith('.parquet'))!),
      path.join(out, 'part-00000-orphan.c000.snappy.parquet'),
    );
    assert.deepEqual(fs.readdirSync(path.join(out, '_weir_metadata')).sort(), ['0', '1']);
    const back = await readFileSinkOutput(engine, out);
    assert.deepEqual(back.map((r) => r['n']).sort(), [0, 1, 2, 3, 4]);
  });
});
