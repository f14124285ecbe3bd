import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStream, StructType } from '@weir/core';
import { createSession } from '@weir/streaming';
import { createTestEngine } from '@weir/testkit';

describe('stream-static join through the session', () => {
  it('enriches each streamed row from a static DataFrame (inner and left outer)', async () => {
    const session = createSession({ engine: createTestEngine(), conf: { 'weir.executor.threads': 0 } });
    const stations = session.createDataFrame(
      [
        { station_id: 'KSEA', city: 'Seattle' },
        { station_id: 'KPDX', city: 'Portland' },
      ],
      'station_id STRING, city STRING',
    );
    const stream = new MemoryStream(StructType.fromDDL('station_id STRING, temp DOUBLE'));
    const readings = session.readStream.memory(stream);
    const inner = await readings.join(stations, 'station_id').writeStream.format('memory').queryName('inner').start();
    const left = await readings.join(stations, 'station_id', 'left_outer').writeStream.format('memory').queryName('left').start();
    stream.addData([
      { station_id: 'KSEA', temp: 11.5 },
      { station_id: 'KSFO', temp: 15 },
    ]);
    await inner.processAllAvailable();
    await left.processAllAvailable();
    await inner.stop();
    await left.stop();
    const show = (rows: readonly Record<string, unknown>[]) => rows.map((r) => `${r['station_id']}|${r['temp']}|${r['city']}`).sort();
    assert.deepEqual(show(session.table('inner').rows), ['KSEA|11.5|Seattle']);
    assert.deepEqual(show(session.table('left').rows), ['KSEA|11.5|Seattle', 'KSFO|15|null']);
  });
});

describe('streaming deduplication through the session', () => {
  it('dropDuplicates keeps the first row per key across batches and restarts', async () => {
    const engine = createTestEngine();
    const stream = new MemoryStream(StructType.fromDDL('id LONG, v STRING'));
    const out: string[] = [];
    const run = async () => {
      const session = createSession({ engine, conf: { 'weir.executor.threads': 0, 'weir.sql.shuffle.partitions': 4 } });
      const q = await session.readStream
        .memory(stream)
        .dropDuplicates(['id'])
        .writeStream.option('checkpointLocation', '/chk-dedup')
        .foreachBatch((b) => void out.push(...b.rows.map((r) => `${r['id']}:${r['v']}`)))
        .start();
      await q.processAllAvailable();
      await q.stop();
      if (q.exception) throw q.exception;
    };
    stream.addData([{ id: 1, v: 'a' }, { id: 1, v: 'b' }, { id: 2, v: 'c' }]);
    await run();
    stream.addData([{ id: 2, v: 'd' }, { id: 3, v: 'e' }]);
    await run();
    assert.deepEqual(out.sort(), ['1:a', '2:c', '3:e']);
  });
});
