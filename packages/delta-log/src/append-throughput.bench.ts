/**
 * Benchmark (script; one timed run — a 1M-row append is too long for benchmark.js's sampling):
 * append throughput of 1,000,000 weather rows (DESIGN.md §4 schema) through `table.write`
 * (schema enforcement + writeDataFiles: Parquet encode, stats, put + one commit). Run:
 *   node --conditions=@weir/source --import tsx packages/delta-log/src/append-throughput.bench.ts
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StructType, type Row } from '@weir/core';
import { createNodeEngine } from '@weir/node';
import { DeltaTable } from './index.js';

const ROWS = Number(process.env.ROWS ?? 1_000_000);
const FILE_ROWS = Number(process.env.FILE_ROWS ?? 250_000);
const schema = StructType.fromDDL(
  'station_id STRING, event_time TIMESTAMP, temperature_c DOUBLE, humidity DOUBLE, pressure_hpa DOUBLE, wind_speed_ms DOUBLE, wind_dir_deg INT, condition STRING',
);
const CONDITIONS = ['clear', 'cloudy', 'rain', 'snow', 'fog'];

// A seeded LCG: deterministic data, no global randomness.
let seed = 42;
const rnd = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
const rows: Row[] = new Array(ROWS);
for (let i = 0; i < ROWS; i++) {
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

const engine = createNodeEngine();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weir-delta-append-'));
const table = DeltaTable.forPath(engine, dir);
const t0 = performance.now();
const r = await table.write({ schema, rows }, { targetFileRows: FILE_ROWS });
const secs = (performance.now() - t0) / 1000;
const snap = await table.snapshot();
const bytes = snap.files.reduce((n, f) => n + f.size, 0);
console.log(
  `append ${ROWS} weather rows: ${secs.toFixed(2)} s, ${Math.round(ROWS / secs).toLocaleString('en-US')} rows/s, ` +
    `${snap.files.length} files, ${(bytes / 1_048_576).toFixed(1)} MiB, commit ${r.kind}`,
);
fs.rmSync(dir, { recursive: true, force: true });
