// `weir run` end to end through the example pipelines: 01 (simulator) lands files, 02 (Auto Loader
// ingest) keeps every well-formed row and adds only metadata columns, 08 streams that Delta table
// into another; failures print `CODE: message` with a non-zero exit; SIGTERM stops gracefully.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EXAMPLES, duck, landedRecords, weir } from './cli-test-helpers.js';

const WEATHER_COLUMNS = ['station_id', 'event_time', 'temperature_c', 'humidity', 'pressure_hpa', 'wind_speed_ms', 'wind_dir_deg', 'condition'];
const IN_THREAD = ['--conf', 'weir.executor.threads=0'];

describe('weir run', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weir-cli-run-'));
  const landing = path.join(dir, 'landing');
  const bronze = path.join(dir, 'bronze');

  it('01 lands simulator files; 02 ingests every well-formed row once, adding only metadata columns (DuckDB oracle)', async () => {
    const sim = await weir(['run', path.join(EXAMPLES, '01-simulator.ts'), '--set', `output=${landing}`, '--set', 'files=3', '--set', 'rowsPerFile=100']);
    assert.equal(sim.code, 0, sim.stderr);
    const records = landedRecords(landing);
    assert.equal(records.length, 300);
    const ingest = await weir([
      'run', path.join(EXAMPLES, '02-auto-loader-ingest.ts'),
      '--set', `input=${landing}`, '--set', `output=${bronze}`, '--set', `checkpoint=${path.join(dir, 'chk', 'bronze')}`,
      '--trigger', 'availableNow', ...IN_THREAD,
    ]);
    assert.equal(ingest.code, 0, ingest.stderr);
    const rows = await duck((t) => `SELECT station_id, epoch_ms(event_time)::DOUBLE AS t, temperature_c, wind_dir_deg, condition FROM ${t}`, bronze);
    const key = (s: unknown, t: number) => `${s}@${t}`;
    assert.deepEqual(
      rows.map((r) => key(r['station_id'], Number(r['t']))).sort(),
      records.map((r) => key(r['station_id'], Date.parse(String(r['event_time'])))).sort(),
    );
    const byKey = new Map(records.map((r) => [key(r['station_id'], Date.parse(String(r['event_time']))), r]));
    for (const r of rows) {
      const src = byKey.get(key(r['station_id'], Number(r['t'])))!;
      assert.equal(r['temperature_c'], src['temperature_c']);
      assert.equal(r['wind_dir_deg'], src['wind_dir_deg']);
      assert.equal(r['condition'], src['condition']);
    }
    const columns = (await duck((t) => `DESCRIBE SELECT * FROM ${t}`, bronze)).map((c) => String(c['column_name']));
    for (const c of WEATHER_COLUMNS) assert.ok(columns.includes(c), `missing ${c}`);
    const extra = columns.filter((c) => !WEATHER_COLUMNS.includes(c));
    assert.ok(extra.length > 0 && extra.every((c) => c.startsWith('_')), `extra columns must be metadata: ${extra}`);
  });

  it('08 streams the bronze Delta table into silver; a second run with no new commits adds nothing', async () => {
    const silver = path.join(dir, 'silver');
    const args = ['run', path.join(EXAMPLES, '08-delta-stream-to-stream.ts'), '--set', `input=${bronze}`, '--set', `output=${silver}`, '--set', `checkpoint=${path.join(dir, 'chk', 'silver')}`, '--trigger', 'availableNow', ...IN_THREAD];
    const first = await weir([...args, '--dashboard', '0']);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stderr, /^weir run: dashboard: http:\/\/127\.0\.0\.1:\d+\/$/m, 'with --dashboard the run serves and names the dashboard');
    const again = await weir(args);
    assert.doesNotMatch(again.stderr, /dashboard/);
    assert.equal(again.code, 0, again.stderr);
    const [count] = await duck((t) => `SELECT count(*)::INTEGER AS n, count(DISTINCT (station_id, event_time))::INTEGER AS d FROM ${t}`, silver);
    const expected = landedRecords(landing).filter((r) => r['temperature_c'] !== null && r['temperature_c'] !== undefined).length;
    assert.equal(count!['n'], expected);
    assert.equal(count!['d'], expected);
  });

  it('a failing pipeline prints CODE: message and exits 1; a bad --trigger is a usage error (exit 2)', async () => {
    const missing = await weir(['run', path.join(EXAMPLES, '08-delta-stream-to-stream.ts'), '--set', `input=${path.join(dir, 'nope')}`, ...IN_THREAD]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^DELTA_STREAMING_SOURCE_TABLE_NOT_FOUND: /m);
    const usage = await weir(['run', path.join(EXAMPLES, '02-auto-loader-ingest.ts'), '--trigger', 'sometimes']);
    assert.equal(usage.code, 2);
  });

  it('SIGTERM stops a processingTime query gracefully: exit 0, every planned batch committed', async () => {
    const chk = path.join(dir, 'chk', 'sig');
    let pid = 0;
    const running = weir(
      ['run', path.join(EXAMPLES, '06-checkpoint-recovery.ts'), '--set', `input=${landing}`, '--set', `output=${path.join(dir, 'clean')}`, '--set', `checkpoint=${chk}`, '--trigger', 'processingTime=200 ms', ...IN_THREAD],
      { onSpawn: (p) => (pid = p) },
    );
    for (let i = 0; i < 240 && !fs.existsSync(path.join(chk, 'commits', '0')); i++) await new Promise((r) => setTimeout(r, 250));
    assert.ok(fs.existsSync(path.join(chk, 'commits', '0')), 'the query never committed a batch');
    process.kill(pid, 'SIGTERM');
    const result = await running;
    assert.equal(result.code, 0, result.stderr);
    const offsets = fs.readdirSync(path.join(chk, 'offsets')).filter((n) => /^\d+$/.test(n)).sort();
    const commits = fs.readdirSync(path.join(chk, 'commits')).filter((n) => /^\d+$/.test(n)).sort();
    assert.deepEqual(commits, offsets);
  });
});
