/**
 * Benchmark (script): CPU seconds per 1M rows of writing Delta data files, the worker's hot path.
 * Measures process CPU (user + system, `process.cpuUsage`) around the write only — the input rows
 * are generated beforehand — and repeats, printing every run and the median. Run:
 *   node --conditions=@weir/source --import tsx packages/delta-log/src/write/write-data-files.bench.ts
 * Env: ROWS (1e6), REPEAT (3), CHUNK (0 = one writeDataFiles call; n = openDataFileWriter fed
 * n-row chunks, as a streaming map task does), PART (none | station: 500 partition directories),
 * STATS=1 (only the statistics: computeFileStats vs the compiled builder), COLUMNS=1 (the same rows as
 * core ColumnChunks of CHUNK rows, built beforehand, fed to `writeColumns` / the builder's
 * `addColumns`: the columnar path against the row path on the same data), IMPL (a module exporting
 * `writeDataFiles`, e.g. a copy of the previous implementation, to compare before/after).
 */
import { columnChunkFromRows, type ColumnChunk } from '@weir/core';
import { computeFileStats } from './file-stats.js';
import { fileStatsBuilderFactory } from './stats-builder.js';
import { openDataFileWriter } from './data-file-writer.js';
import type { writeDataFiles as WriteDataFiles } from './write-data-files.js';
import { WEATHER_SCHEMA as schema, benchDir, benchEngine, removeBenchDir, weatherRows } from '../../tests/support/weather-bench.js';

const ROWS = Number(process.env.ROWS ?? 1_000_000);
const REPEAT = Number(process.env.REPEAT ?? 3);
const CHUNK = Number(process.env.CHUNK ?? 0);
const PART = process.env.PART ?? 'none';
const rows = weatherRows(ROWS);
const COLUMNS = process.env.COLUMNS === '1';
const chunks: ColumnChunk[] = [];
if (COLUMNS) for (let i = 0; i < rows.length; i += CHUNK > 0 ? CHUNK : rows.length) chunks.push(columnChunkFromRows(schema, rows.slice(i, i + (CHUNK > 0 ? CHUNK : rows.length))));

const impl: typeof WriteDataFiles = (await import(process.env.IMPL ?? './write-data-files.js')).writeDataFiles;
const engine = benchEngine();
const partitionColumns = PART === 'station' ? ['station_id'] : [];

async function once(dir: string): Promise<void> {
  if (process.env.STATS === '1') {
    if (COLUMNS) {
      const b = fileStatsBuilderFactory(schema)();
      for (const c of chunks) b.addColumns(c);
    } else if (process.env.IMPL) computeFileStats(schema, rows);
    else fileStatsBuilderFactory(schema)().add(rows);
    return;
  }
  if (COLUMNS) {
    const w = openDataFileWriter(engine, dir, schema, { partitionColumns });
    for (const c of chunks) await w.writeColumns(c);
    await w.finish();
    return;
  }
  if (CHUNK <= 0) {
    await impl(engine, dir, { schema, rows }, { partitionColumns });
    return;
  }
  const w = openDataFileWriter(engine, dir, schema, { partitionColumns });
  for (let i = 0; i < rows.length; i += CHUNK) await w.write(rows.slice(i, i + CHUNK));
  await w.finish();
}

const cpu: number[] = [];
for (let r = 0; r < REPEAT; r++) {
  const dir = benchDir('write-bench');
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await once(dir);
  const c = process.cpuUsage(c0);
  const secs = (c.user + c.system) / 1e6;
  cpu.push(secs);
  console.log(`run ${r + 1}: ${(secs / (ROWS / 1e6)).toFixed(3)} CPU-s per 1M rows (wall ${((performance.now() - t0) / 1000).toFixed(2)} s)`);
  removeBenchDir(dir);
}
const median = [...cpu].sort((a, b) => a - b)[Math.floor(cpu.length / 2)] as number;
console.log(
  `${process.env.STATS === '1' ? 'stats only' : 'writeDataFiles'}${COLUMNS ? ' (columns)' : ''} ${process.env.IMPL ? `(IMPL ${process.env.IMPL})` : '(current)'} ` +
    `CHUNK=${CHUNK} PART=${PART}: median ${(median / (ROWS / 1e6)).toFixed(3)} CPU-s per 1M rows`,
);
