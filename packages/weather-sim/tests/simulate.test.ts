import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNodeEngine } from '@weir/node';
import { landingTimeOf, recordIdOf, simulate, weatherRecords, WEATHER_CONDITIONS, type SimulateOptions } from '@weir/weather-sim';
import { observe } from './observe.js';

const engine = createNodeEngine();
const tmp = (): string => mkdtempSync(join(tmpdir(), 'weir-weather-sim-'));

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

function snapshot(dir: string): Map<string, string> {
  return new Map(listFiles(dir).map((p) => [p.slice(dir.length), readFileSync(p).toString('base64')]));
}

describe('simulate: determinism', () => {
  for (const format of ['json', 'csv'] as const) {
    it(`same seed and options twice give byte-identical ${format} files`, async () => {
      const opts: Omit<SimulateOptions, 'out'> = {
        format,
        seed: 42,
        stations: 7,
        files: 3,
        rowsPerFile: 500,
        lateFraction: 0.05,
        duplicateFraction: 0.02,
        malformedFraction: 0.02,
        missingFraction: 0.02,
        outOfOrderFraction: 0.05,
        driftAtFile: 1,
      };
      const a = tmp();
      const b = tmp();
      const ma = await simulate({ engine, out: a, ...opts });
      const mb = await simulate({ engine, out: b, ...opts });
      const sa = snapshot(a);
      assert.equal(sa.size, 3);
      assert.deepEqual(sa, snapshot(b));
      assert.deepEqual({ ...ma, files: [] }, { ...mb, files: [] });
    });
  }

  it('a different seed gives different data', async () => {
    const a = tmp();
    const b = tmp();
    await simulate({ engine, out: a, seed: 1, rowsPerFile: 100 });
    await simulate({ engine, out: b, seed: 2, rowsPerFile: 100 });
    assert.notDeepEqual([...snapshot(a).values()], [...snapshot(b).values()]);
  });
});

describe('simulate: records', () => {
  it('writes DESIGN.md §4 records: types, ids ST-0001…, time-sortable unique names', async () => {
    const out = tmp();
    const m = await simulate({ engine, out, stations: 12, files: 4, rowsPerFile: 60, startTime: '2026-03-01T10:00:00Z' });
    const files = listFiles(out);
    assert.equal(files.length, 4);
    const names = files.map((f) => f.split('/').pop() as string);
    assert.deepEqual([...names].sort(), names);
    for (const n of names) assert.match(n, /^weather-\d{8}T\d{9}-\d{6}\.json$/);
    // Read back from the names: 4 files of 60 rows over 12 stations, 5 readings (minutes) per station each.
    assert.deepEqual(names.map((n) => landingTimeOf(n, 'weather')), [1, 2, 3, 4].map((k) => Date.parse('2026-03-01T10:00:00Z') + k * 5 * 60_000));
    assert.equal(landingTimeOf(names[0] as string, 'other'), null);
    assert.equal(landingTimeOf('weather-2026-x.json', 'weather'), null);
    assert.deepEqual(m.files.map((f) => f.path), files);
    const recs = files.flatMap((f) => readFileSync(f, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>));
    assert.equal(recs.length, 240);
    assert.equal(m.counts.rows, 240);
    const stations = new Set(recs.map((r) => r['station_id']));
    assert.equal(stations.size, 12);
    assert.ok(stations.has('ST-0001') && stations.has('ST-0012'));
    let prev = '';
    for (const r of recs) {
      assert.deepEqual(Object.keys(r), ['station_id', 'event_time', 'temperature_c', 'humidity', 'pressure_hpa', 'wind_speed_ms', 'wind_dir_deg', 'condition']);
      assert.match(r['event_time'] as string, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      assert.equal(new Date(r['event_time'] as string).toISOString(), r['event_time']);
      assert.ok((r['event_time'] as string) > prev, 'event times advance');
      prev = r['event_time'] as string;
      assert.equal(typeof r['temperature_c'], 'number');
      assert.ok((r['humidity'] as number) >= 0 && (r['humidity'] as number) <= 1);
      assert.ok(Number.isInteger(r['wind_dir_deg']) && (r['wind_dir_deg'] as number) >= 0 && (r['wind_dir_deg'] as number) < 360);
      assert.ok((WEATHER_CONDITIONS as readonly unknown[]).includes(r['condition']));
    }
    assert.equal(recs[0]!['event_time'], '2026-03-01T10:00:00.000Z');
    // Clean rows are in clock order: row k is station k % 12's reading number ⌊k / 12⌋.
    recs.forEach((r, k) => {
      const id = `ST-${String((k % 12) + 1).padStart(4, '0')}#${Math.floor(k / 12)}`;
      assert.equal(recordIdOf(m, r as { station_id: string; event_time: string }), id);
      assert.equal(recordIdOf(m, { station_id: r['station_id'], event_time: Date.parse(r['event_time'] as string) * 1000 }), id);
    });
    assert.equal(recordIdOf(m, { station_id: 'ST-0002', event_time: recs[0]!['event_time'] }), null);
  });

  it('weatherRecords yields the same readings as the files, as rows with µs event times', async () => {
    const out = tmp();
    await simulate({ engine, out, seed: 21, stations: 4, files: 2, rowsPerFile: 50, rate: 2, startTime: '2026-07-01T00:00:00Z' });
    const fromFiles = listFiles(out).flatMap((f) =>
      readFileSync(f, 'utf8').trim().split('\n').map((l) => {
        const r = JSON.parse(l) as Record<string, unknown>;
        return { ...r, event_time: Date.parse(r['event_time'] as string) * 1000 };
      }),
    );
    const rows = [];
    for await (const row of weatherRecords({ seed: 21, stations: 4, rate: 2, startTime: '2026-07-01T00:00:00Z', limit: 100 })) rows.push(row);
    assert.deepEqual(rows, fromFiles);
  });

  it('partitions by landing date under date=YYYY-MM-DD/', async () => {
    const out = tmp();
    // 10 stations, one reading per station per minute: 1440 rows = 2.4 h per file → crosses midnight.
    await simulate({ engine, out, files: 3, rowsPerFile: 1440, startTime: '2026-05-31T20:00:00Z', partitionByDate: true });
    const dirs = listFiles(out).map((f) => f.slice(out.length + 1).split('/')[0]);
    assert.deepEqual(dirs, ['date=2026-05-31', 'date=2026-06-01', 'date=2026-06-01']);
  });

  it('refuses to overwrite landed files (WEATHER_SIM_OUTPUT_EXISTS)', async () => {
    const out = tmp();
    await simulate({ engine, out, rowsPerFile: 10 });
    await assert.rejects(simulate({ engine, out, rowsPerFile: 10 }), { code: 'WEATHER_SIM_OUTPUT_EXISTS' });
  });

  const bad: Array<[string, Partial<SimulateOptions>]> = [
    ['stations 0', { stations: 0 }],
    ['fractional files', { files: 1.5 }],
    ['late fraction > 1', { lateFraction: 1.5 }],
    ['fractions summing over 1', { missingFraction: 0.6, malformedFraction: 0.6 }],
    ['malformed parquet', { format: 'parquet', malformedFraction: 0.1 }],
    ['bad start time', { startTime: 'yesterday' }],
    ['duration without fileInterval', { duration: '1s' }],
    ['bad duration', { fileInterval: 'soon' }],
    ['format', { format: 'xml' as 'json' }],
  ];
  for (const [name, o] of bad) {
    it(`rejects ${name} with INVALID_ARGUMENT`, async () => {
      await assert.rejects(simulate({ engine, out: tmp(), ...o }), { code: 'INVALID_ARGUMENT' });
    });
  }
});

describe('simulate: imperfections', () => {
  const imperfect = {
    seed: 9,
    stations: 5,
    files: 6,
    rowsPerFile: 400,
    rate: 1, // one reading per second: a file spans 400 s
    lateFraction: 0.08,
    maxLateness: '10 minutes',
    duplicateFraction: 0.03,
    malformedFraction: 0.03,
    missingFraction: 0.03,
    outOfOrderFraction: 0.05,
    driftAtFile: 3,
  } as const;

  for (const format of ['json', 'csv'] as const) {
    it(`manifest counts and ids equal an independent parse of every ${format} file`, async () => {
      const out = tmp();
      const m = await simulate({ engine, out, format, ...imperfect });
      const o = observe(listFiles(out), format, m);
      assert.equal(m.counts.rows, o.rows);
      assert.equal(m.counts.malformed, o.malformed);
      assert.equal(m.counts.drifted, o.drifted);
      assert.deepEqual([...m.ids.late].sort(), [...o.late].sort());
      assert.deepEqual([...m.ids.outOfOrder].sort(), [...o.outOfOrder].sort());
      assert.deepEqual([...m.ids.duplicates].sort(), [...o.duplicates].sort());
      assert.deepEqual([...m.ids.missing].sort(), [...o.missing].sort());
      for (const id of o.malformedIds) assert.ok(m.ids.malformed.includes(id), `${id} listed as malformed`);
      assert.equal(m.counts.late, m.ids.late.length);
      // Every kind was actually produced, at roughly the asked-for rate.
      const generated = imperfect.files * imperfect.rowsPerFile;
      assert.equal(m.counts.rows, generated + m.counts.duplicates);
      for (const [k, frac] of [['late', 0.08], ['duplicates', 0.03], ['malformed', 0.03], ['missing', 0.03], ['outOfOrder', 0.05]] as const) {
        assert.ok(m.counts[k] > generated * frac * 0.3 && m.counts[k] < generated * frac * 2, `${k}: ${m.counts[k]}`);
      }
      assert.ok(m.counts.outOfOrder > 0);
      // Late rows stay within maxLateness of what earlier files already showed.
      assert.ok(o.rows > 0);
    });
  }

  it('late rows are never later than maxLateness behind earlier files', async () => {
    const out = tmp();
    const m = await simulate({ engine, out, ...imperfect, duplicateFraction: 0, outOfOrderFraction: 0, malformedFraction: 0 });
    let maxPrev = -Infinity;
    let lateSeen = 0;
    for (const f of listFiles(out)) {
      const times = readFileSync(f, 'utf8').trim().split('\n').map((l) => Date.parse((JSON.parse(l) as { event_time: string }).event_time));
      for (const t of times) {
        if (t < maxPrev) {
          lateSeen++;
          assert.ok(maxPrev - t <= 10 * 60_000, `lateness ${maxPrev - t} ms`);
        }
      }
      maxPrev = Math.max(maxPrev, ...times);
    }
    assert.equal(lateSeen, m.counts.late);
    assert.ok(lateSeen > 0);
  });

  it('schema drift from file K: uv_index and gust_ms appear; optional wind_dir_deg type change', async () => {
    const out = tmp();
    const m = await simulate({ engine, out, files: 4, rowsPerFile: 50, driftAtFile: 2, driftTypeChange: true });
    const files = listFiles(out);
    files.forEach((f, k) => {
      const recs = readFileSync(f, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      for (const r of recs) {
        assert.equal('uv_index' in r && 'gust_ms' in r, k >= 2);
        assert.equal(typeof r['wind_dir_deg'], k >= 2 ? 'string' : 'number');
        if (k >= 2) {
          assert.ok((r['gust_ms'] as number) >= (r['wind_speed_ms'] as number));
          assert.ok((r['uv_index'] as number) >= 0 && (r['uv_index'] as number) <= 12);
        }
      }
    });
    assert.equal(m.counts.drifted, 100);
    assert.deepEqual(m.files.map((f) => f.drifted), [false, false, true, true]);
  });
});
