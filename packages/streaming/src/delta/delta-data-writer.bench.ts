/**
 * Benchmark (script): one map task's sink write, streamed vs gathered. Feeds ROWS weather rows,
 * made fresh per 8192-row chunk (as a stage's output is), either to `dataWriters.writeDeltaFiles`
 * chunk by chunk (the streaming DataWriter) or gathered into one array and handed to
 * `taskHandlers.writeDeltaFiles` (what a task did before DataWriters). Prints CPU seconds
 * (`process.cpuUsage`) and the peak heap seen after each chunk, per variant, interleaved. Run:
 *   node --conditions=@weir/source --import tsx packages/streaming/src/delta/delta-data-writer.bench.ts
 * Env: ROWS (250000: one 25-file task of the ingest probe), REPEAT (3), PART (none | station).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StructType, type Row, type TaskContext } from '@weir/core';
import { createNodeEngine } from '@weir/node';
import { dataWriters, taskHandlers } from './delta-tasks.js';

const ROWS = Number(process.env.ROWS ?? 250_000);
const REPEAT = Number(process.env.REPEAT ?? 3);
const CHUNK = 8192;
const partitionColumns = process.env.PART === 'station' ? ['station_id'] : [];
const schema = StructType.fromDDL(
  'station_id STRING, event_time TIMESTAMP, temperature_c DOUBLE, humidity DOUBLE, pressure_hpa DOUBLE, wind_speed_ms DOUBLE, wind_dir_deg INT, condition STRING',
);
const CONDITIONS = ['clear', 'cloudy', 'rain', 'snow', 'fog'];
const engine = createNodeEngine();
const ctx: TaskContext = { engine };

function chunk(from: number, to: number): Row[] {
  const out: Row[] = [];
  for (let i = from; i < to; i++) {
    out.push({
      station_id: `ST${String(i % 50).padStart(4, '0')}`,
      event_time: 1_700_000_000_000_000 + i * 1_000_000,
      temperature_c: -20 + ((i * 7919) % 5500) / 100,
      humidity: ((i * 31) % 100) / 100,
      pressure_hpa: 950 + ((i * 13) % 1000) / 10,
      wind_speed_ms: ((i * 17) % 300) / 10,
      wind_dir_deg: (i * 11) % 360,
      condition: CONDITIONS[i % 5] as string,
    });
  }
  return out;
}

async function streamed(dir: string, peak: { heap: number }): Promise<void> {
  const w = await dataWriters.writeDeltaFiles({ options: { path: dir, partitionColumns }, batchId: 0, taskId: 0, schema }, ctx);
  for (let i = 0; i < ROWS; i += CHUNK) {
    await w.write(chunk(i, Math.min(ROWS, i + CHUNK)));
    peak.heap = Math.max(peak.heap, process.memoryUsage().heapUsed);
  }
  await w.commit();
}

async function gathered(dir: string, peak: { heap: number }): Promise<void> {
  const rows: Row[] = [];
  for (let i = 0; i < ROWS; i += CHUNK) {
    for (const r of chunk(i, Math.min(ROWS, i + CHUNK))) rows.push(r);
    peak.heap = Math.max(peak.heap, process.memoryUsage().heapUsed);
  }
  await taskHandlers.writeDeltaFiles({ options: { path: dir, partitionColumns }, batchId: 0, taskId: 0, batch: { schema, rows } }, ctx);
}

const results: Record<string, number[][]> = { streamed: [], gathered: [] };
for (let r = 0; r < REPEAT; r++) {
  for (const [name, run] of [['streamed', streamed], ['gathered', gathered]] as const) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weir-delta-writer-bench-'));
    (globalThis as { gc?: () => void }).gc?.();
    const base = process.memoryUsage().heapUsed;
    const peak = { heap: base };
    const c0 = process.cpuUsage();
    await run(dir, peak);
    const c = process.cpuUsage(c0);
    results[name]!.push([(c.user + c.system) / 1e6, (peak.heap - base) / 1_048_576]);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
for (const [name, rs] of Object.entries(results)) {
  console.log(
    `${name} ${ROWS} rows PART=${process.env.PART ?? 'none'}: median ${median(rs.map((x) => x[0]!)).toFixed(3)} CPU-s ` +
      `(${rs.map((x) => x[0]!.toFixed(2)).join(', ')}), median peak heap growth ${median(rs.map((x) => x[1]!)).toFixed(0)} MiB`,
  );
}
