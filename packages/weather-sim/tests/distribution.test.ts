// Distribution sanity: physically plausible values per station and a visible diurnal cycle,
// with the statistics computed by DuckDB from the written files.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { createNodeEngine } from '@weir/node';
import { simulate, stationProfile, WEATHER_CONDITIONS } from '@weir/weather-sim';

const STATIONS = 12;
const out = mkdtempSync(join(tmpdir(), 'weir-weather-sim-dist-'));
let conn: Awaited<ReturnType<DuckDBInstance['connect']>>;

async function rows(sql: string): Promise<unknown[][]> {
  if (conn === undefined) {
    // 12 stations, one reading each every 5 minutes, over 6 days in April.
    await simulate({ engine: createNodeEngine(), out, seed: 3, stations: STATIONS, rate: STATIONS / 300, files: 6, rowsPerFile: STATIONS * 288, startTime: '2026-04-10T00:00:00Z' });
    conn = await (await DuckDBInstance.create(':memory:')).connect();
    await conn.run(`CREATE TABLE w AS SELECT * FROM read_json_auto('${out}/*.json')`);
  }
  return (await conn.runAndReadAll(sql)).getRows() as unknown[][];
}

describe('weather distributions', () => {
  it('per-station means and ranges are within physical bounds', async () => {
    const stats = await rows(`SELECT station_id, avg(temperature_c), min(temperature_c), max(temperature_c), avg(humidity), min(humidity), max(humidity),
      avg(pressure_hpa), min(pressure_hpa), max(pressure_hpa), avg(wind_speed_ms), min(wind_speed_ms), max(wind_speed_ms), count(*)::INTEGER
      FROM w GROUP BY station_id ORDER BY station_id`);
    assert.equal(stats.length, STATIONS);
    for (const s of stats) {
      const [id, tAvg, tMin, tMax, hAvg, hMin, hMax, pAvg, pMin, pMax, wAvg, wMin, wMax, n] = s as [string, ...number[]];
      assert.equal(n, 288 * 6, id);
      assert.ok(tAvg! > -45 && tAvg! < 40, `${id} mean temperature ${tAvg}`);
      assert.ok(tMin! > -70 && tMax! < 57, `${id} temperature range ${tMin}…${tMax}`);
      assert.ok(hAvg! > 0.1 && hAvg! < 0.98 && hMin! >= 0 && hMax! <= 1, `${id} humidity ${hMin}/${hAvg}/${hMax}`);
      assert.ok(pAvg! > 985 && pAvg! < 1040 && pMin! > 930 && pMax! < 1070, `${id} pressure ${pMin}/${pAvg}/${pMax}`);
      assert.ok(wAvg! > 0.3 && wAvg! < 20 && wMin! >= 0 && wMax! < 45, `${id} wind ${wMin}/${wAvg}/${wMax}`);
    }
  });

  it('every station has a diurnal cycle: warmest in the local afternoon, ≥ 2 °C between hourly means', async () => {
    const hourly = await rows(`SELECT station_id, hour(event_time)::INTEGER AS h, avg(temperature_c) FROM w GROUP BY ALL ORDER BY ALL`);
    for (let s = 0; s < STATIONS; s++) {
      const p = stationProfile(3, s);
      const means = hourly.filter((r) => r[0] === p.id).map((r) => [r[1] as number, r[2] as number] as const);
      assert.equal(means.length, 24);
      const temps = means.map(([, t]) => t);
      const amplitude = Math.max(...temps) - Math.min(...temps);
      assert.ok(amplitude >= 2, `${p.id} diurnal amplitude ${amplitude.toFixed(2)} °C`);
      const warmestUtc = means.find(([, t]) => t === Math.max(...temps))![0];
      const localHour = (((warmestUtc + p.longitude / 15) % 24) + 24) % 24;
      assert.ok(localHour >= 11 && localHour <= 19, `${p.id} warmest at local ${localHour.toFixed(1)} h`);
    }
  });

  it('variables are coupled plausibly: humid when cool, low pressure when it rains', async () => {
    const [[corr]] = (await rows(`SELECT avg(c) FROM (SELECT corr(temperature_c, humidity) AS c FROM w GROUP BY station_id)`)) as [[number]];
    assert.ok(corr < -0.1, `mean within-station corr(temperature, humidity) = ${corr}`);
    const [[wet, dry]] = (await rows(
      `SELECT avg(pressure_hpa) FILTER (WHERE condition IN ('drizzle','rain','thunderstorm','snow')), avg(pressure_hpa) FILTER (WHERE condition = 'clear') FROM w`,
    )) as [[number, number]];
    assert.ok(wet < dry - 5, `pressure wet ${wet} vs clear ${dry}`);
    const conditions = (await rows(`SELECT DISTINCT condition FROM w`)).map((r) => r[0]);
    for (const c of conditions) assert.ok((WEATHER_CONDITIONS as readonly unknown[]).includes(c), String(c));
    assert.ok(conditions.length >= 5, `conditions seen: ${conditions.join(', ')}`);
  });
});
