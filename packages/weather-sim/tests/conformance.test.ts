// @weir/testkit's Source conformance suite, on the clock-paced (`realTime`) mode: a ManualClock
// advance of one `advanceMillisPerBatch` is one "unit" of new data.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Offset, Row, SourceContext } from '@weir/core';
import { createTestEngine, describeSource, ManualClock, MemoryStorage, readPartitions } from '@weir/testkit';
import { weatherSimSource } from '@weir/weather-sim';

const START = Date.UTC(2026, 0, 1);
const options = { rowsPerBatch: '40', numPartitions: '2', numStations: '3', seed: '8', advanceMillisPerBatch: '5000', startTimestamp: String(START), realTime: 'true' };

describeSource(
  'weather-sim (realTime)',
  async () => {
    const clock = new ManualClock(START);
    const engine = createTestEngine({ clock });
    const ctx: SourceContext = { engine, metadataPath: 'ckpt/sources/0', conf: {}, log: () => undefined };
    // The rows of batches [from, to), read through a separate instance's plan (rows depend on the offset only).
    const reference = await weatherSimSource.createSource({ ...options, realTime: 'false' }, ctx);
    let fed = 0;
    return {
      engine,
      source: await weatherSimSource.createSource(options, ctx),
      restart: async () => weatherSimSource.createSource(options, ctx),
      feed: async (units: number): Promise<readonly Row[]> => {
        const rows = await readPartitions(engine, await reference.planInputPartitions({ v: 1, batch: fed }, { v: 1, batch: fed + units }));
        fed += units;
        clock.advance(units * 5000);
        return rows;
      },
    };
  },
  { oneUnitLimit: { maxRows: 40 } },
);

describe('weather-sim realTime without startTimestamp', () => {
  it('records its start under the metadata path, so a restarted source continues the same batches', async () => {
    const clock = new ManualClock(START + 123);
    const storage = new MemoryStorage();
    const engine = createTestEngine({ clock, storage });
    const ctx: SourceContext = { engine, metadataPath: 'ckpt/sources/0', conf: {}, log: () => undefined };
    const opts = { rowsPerBatch: '10', realTime: 'true' };
    const a = await weatherSimSource.createSource(opts, ctx);
    assert.equal(await a.latestOffset(null, {}), null);
    clock.advance(2500);
    const end = (await a.latestOffset(null, {})) as Offset;
    assert.deepEqual(end, { v: 1, batch: 2 });
    const rows = await readPartitions(engine, await a.planInputPartitions(null, end));
    assert.equal(rows[0]!['event_time'], (START + 123) * 1000);
    clock.advance(60_000);
    const b = await weatherSimSource.createSource(opts, ctx);
    assert.deepEqual(await readPartitions(engine, await b.planInputPartitions(null, end)), rows);
    assert.deepEqual(await b.latestOffset(end, { maxRows: 25 }), { v: 1, batch: 4 });
  });
});
