/**
 * What the delta-log benchmarks share (`src/**\/*.bench.ts`): the weather schema (DESIGN.md §4),
 * deterministic rows for it, the engine and temp directories. Bench support only: outside `src`,
 * so never built or published.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StructType, type Engine, type Row } from '@weir/core';
import { createNodeEngine } from '@weir/node';

export const WEATHER_SCHEMA: StructType = StructType.fromDDL(
  'station_id STRING, event_time TIMESTAMP, temperature_c DOUBLE, humidity DOUBLE, pressure_hpa DOUBLE, wind_speed_ms DOUBLE, wind_dir_deg INT, condition STRING',
);

const CONDITIONS = ['clear', 'cloudy', 'rain', 'snow', 'fog'];

/**
 * `n` weather rows from 500 stations, one second apart. A seeded LCG makes every run (and every
 * benchmark) write the same data: no global randomness.
 */
export function weatherRows(n: number): Row[] {
  let seed = 42;
  const rnd = (): number => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
  const rows: Row[] = new Array(n);
  for (let i = 0; i < n; i++) {
    rows[i] = {
      station_id: `ST${String(i % 500).padStart(4, '0')}`,
      event_time: 1_700_000_000_000_000 + i * 1_000_000,
      temperature_c: -20 + rnd() * 55,
      humidity: rnd(),
      pressure_hpa: 950 + rnd() * 100,
      wind_speed_ms: rnd() * 30,
      wind_dir_deg: Math.floor(rnd() * 360),
      condition: CONDITIONS[i % 5] as string,
    };
  }
  return rows;
}

/** The real Node engine (FsStorage + NodeParquetHandler) the benchmarks write through. */
export function benchEngine(): Engine {
  return createNodeEngine();
}

/** A fresh temp directory; `removeBenchDir` deletes it after the run. */
export function benchDir(name: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `weir-delta-${name}-`));
}

export function removeBenchDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}
