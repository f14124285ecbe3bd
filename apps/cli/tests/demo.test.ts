// `weir demo` (what `npm start` runs), bounded mode in a temp dir: it ends by itself with exit 0,
// the readings table holds exactly the simulator's rows once each, and every emitted window of
// the aggregation table matches a DuckDB GROUP BY over the readings (count and average).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { duck, landedRecords, weir } from './cli-test-helpers.js';

describe('weir demo', () => {
  it('bounded run: simulator → ingest → Delta → windows → Delta, counts printed and correct', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weir-cli-demo-'));
    const res = await weir(['demo', '--dir', dir, '--files', '3', '--rows-per-file', '200', '--stations', '5', '--threads', '0']);
    assert.equal(res.code, 0, res.stderr);
    const records = landedRecords(path.join(dir, 'landing'));
    assert.equal(records.length, 600);
    assert.match(res.stdout, /done: 600 rows in .*readings \(simulator wrote 600\)/);

    const readings = path.join(dir, 'tables', 'readings');
    const rows = await duck((t) => `SELECT station_id, epoch_ms(event_time)::DOUBLE AS t FROM ${t}`, readings);
    const keys = (list: Array<[unknown, number]>) => list.map(([s, t]) => `${s}@${t}`).sort();
    assert.deepEqual(
      keys(rows.map((r) => [r['station_id'], Number(r['t'])])),
      keys(records.map((r) => [r['station_id'], Date.parse(String(r['event_time']))])),
    );

    const windows = path.join(dir, 'tables', 'station_windows');
    const emitted = await duck(
      (t) => `SELECT station_id, epoch_ms("window".start)::DOUBLE AS ws, epoch_ms("window"."end")::DOUBLE AS we, readings::INTEGER AS n, avg_temperature_c AS a FROM ${t}`,
      windows,
    );
    assert.ok(emitted.length > 0, 'no window was emitted');
    const truth = await duck(
      (t) =>
        `SELECT station_id, epoch_ms(time_bucket(INTERVAL 10 MINUTE, event_time::TIMESTAMP))::DOUBLE AS ws, count(*)::INTEGER AS n, avg(temperature_c) AS a FROM ${t} GROUP BY ALL`,
      readings,
    );
    const truthBy = new Map(truth.map((r) => [`${r['station_id']}@${r['ws']}`, r]));
    for (const w of emitted) {
      assert.equal(Number(w['we']) - Number(w['ws']), 600_000);
      const t = truthBy.get(`${w['station_id']}@${w['ws']}`);
      assert.ok(t, `window ${w['station_id']}@${w['ws']} has no readings`);
      assert.equal(w['n'], t['n']);
      assert.ok(Math.abs(Number(w['a']) - Number(t['a'])) < 1e-9);
    }
    // append mode emits each window once
    assert.equal(new Set(emitted.map((w) => `${w['station_id']}@${w['ws']}`)).size, emitted.length);
  });

  it('a second run in the same directory continues: new files after the old ones, each reading in the table once, each window emitted once', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weir-cli-demo-again-'));
    const args = ['demo', '--dir', dir, '--files', '2', '--rows-per-file', '200', '--stations', '5', '--threads', '0'];
    const first = await weir(args);
    assert.equal(first.code, 0, first.stderr);
    const second = await weir(args);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /continuing after the files already there/);
    assert.match(second.stdout, /done: 800 rows in .*readings \(simulator wrote 400\)/);
    const records = landedRecords(path.join(dir, 'landing'));
    assert.equal(records.length, 800);
    const key = (s: unknown, t: number) => `${String(s)}@${t}`;
    const landed = records.map((r) => key(r['station_id'], Date.parse(String(r['event_time']))));
    assert.equal(new Set(landed).size, 800, 'the second run simulated new readings, not the first run again');
    const rows = await duck((t) => `SELECT station_id, epoch_ms(event_time)::DOUBLE AS t FROM ${t}`, path.join(dir, 'tables', 'readings'));
    assert.deepEqual(rows.map((r) => key(r['station_id'], Number(r['t']))).sort(), landed.sort());
    const emitted = await duck((t) => `SELECT station_id, epoch_ms("window".start)::DOUBLE AS ws FROM ${t}`, path.join(dir, 'tables', 'station_windows'));
    assert.equal(new Set(emitted.map((w) => key(w['station_id'], Number(w['ws'])))).size, emitted.length);
  });
});
