/**
 * Benchmark (script; one timed run — a 1M-row append is too long for benchmark.js's sampling):
 * append throughput of 1,000,000 weather rows (DESIGN.md §4 schema) through `table.write`
 * (schema enforcement + writeDataFiles: Parquet encode, stats, put + one commit). Run:
 *   node --conditions=@weir/source --import tsx packages/delta-log/src/append-throughput.bench.ts
 */
import { DeltaTable } from './index.js';
import { WEATHER_SCHEMA as schema, benchDir, benchEngine, removeBenchDir, weatherRows } from '../tests/support/weather-bench.js';

const ROWS = Number(process.env.ROWS ?? 1_000_000);
const FILE_ROWS = Number(process.env.FILE_ROWS ?? 250_000);
const rows = weatherRows(ROWS);

const engine = benchEngine();
const dir = benchDir('append');
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
removeBenchDir(dir);
