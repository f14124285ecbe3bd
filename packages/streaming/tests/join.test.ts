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
