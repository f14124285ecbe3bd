import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StructType, type Row } from '@weir/core';
import { WEATHER_SCHEMA, weatherRecords } from '@weir/weather-sim';
import { DataFrame, avg, col, count, session_window, window } from '@weir/planner';
import { runStream } from './harness.js';

// Late-data accounting on weather-sim readings delivered out of order: every record is either
// aggregated (counted in exactly one emitted window) or dropped by the watermark and reported in
// `lateRows` — never both, never neither — and nothing within the delay is ever dropped.
async function readings(limit: number): Promise<Row[]> {
  const out: Row[] = [];
  for await (const r of weatherRecords({ seed: 7, stations: 20, limit })) out.push(r);
  return out;
}

/** Delivers rows in batches of `size` with every `lateEvery`-th row held back `holdBatches` batches. */
function deliver(rows: readonly Row[], size: number, lateEvery: number, holdBatches: number): Row[][] {
  const batches: Row[][] = [];
  rows.forEach((r, i) => {
    const b = Math.floor(i / size) + (i % lateEvery === 0 ? holdBatches : 0);
    while (batches.length <= b) batches.push([]);
    (batches[b] as Row[]).push(r);
  });
  // Then one far-future reading of another station pushes the watermark past every window, and
  // a no-data batch emits them all.
  const last = rows[rows.length - 1] as Row;
  batches.push([{ ...last, station_id: 'ZZ-FLUSH', event_time: (last['event_time'] as number) + 24 * 3_600_000_000 }], []);
  return batches;
}

const schema = StructType.fromJSON(WEATHER_SCHEMA as unknown);
const key = (r: Row) => `${String(r['station_id'])}@${String(r['event_time'])}`;

describe('late weather readings: aggregated or counted, never both, never neither', () => {
  for (const [name, grouping] of [
    ['tumbling 5-minute windows', window(col('event_time'), '5 minutes')],
    ['10-minute session windows', session_window(col('event_time'), '10 minutes')],
  ] as const) {
    it(name, async () => {
      const rows = await readings(3000); // 20 stations × 150 minutes
      const df = DataFrame.fromSource({ index: 0, format: 'weather-sim', schema })
        .withWatermark('event_time', '10 minutes')
        .groupBy(grouping, col('station_id'))
        .agg(count('*').alias('n'), avg('temperature_c').alias('t'));
      const batches = deliver(rows, 200, 7, 4);
      const { results } = runStream(df, [schema], batches, { outputMode: 'append', shufflePartitions: 4, tasks: 2 });
      const emitted = results.reduce((s, r) => s + r.rows.reduce((a, x) => a + (x['n'] as number), 0), 0);
      const late = results.flatMap((r) => r.lateRows);
      const dropped = results.reduce((s, r) => s + r.numRowsDroppedByWatermark, 0);
      assert.equal(dropped, late.length, 'every dropped row is reported');
      assert.ok(dropped > 0, 'the delivery makes some rows late');
      assert.equal(emitted + dropped, rows.length, 'each row is aggregated or dropped: never both, never neither');
      // A dropped row was beyond the delay: its event time is older than the watermark of its batch.
      results.forEach((r) => {
        for (const x of r.lateRows) assert.ok((x['event_time'] as number) <= r.watermarkMs * 1000, `${key(x)} was late`);
      });
      // Rows delivered on time are never dropped.
      const lateKeys = new Set(late.map(key));
      rows.forEach((r, i) => {
        if (i % 7 !== 0) assert.ok(!lateKeys.has(key(r)), `on-time row ${key(r)} kept`);
      });
    });
  }
});
