// Parquet writing through NodeParquetHandler: one-shot `write` of 100k weather rows versus the
// streaming `openWriter` → 10 × `append(10k)` → `finish`, benchmark.js ops/s plus CPU seconds
// per run (process.cpuUsage, a fairer figure than wall time on a shared machine).
//
// Standalone: node --conditions=@weir/source --import tsx benchmarks/src/micro/parquet-write.bench.ts [--quick]
// Against another implementation (e.g. a snapshot of the old writer), for before/after numbers:
//   PARQUET_HANDLER_MODULE=/abs/path/node-parquet-handler.ts node … parquet-write.bench.ts
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { StructType, rowBatch, type ParquetHandler, type Row } from '@weir/core';
import { NodeParquetHandler } from '@weir/node';
import { runSuite, type MicroResult } from './run-suite.js';

const ROWS = 100_000;
const CHUNK = 10_000;
const SCHEMA = StructType.fromDDL(
  'station_id STRING, event_time TIMESTAMP, temperature_c DOUBLE, humidity DOUBLE, pressure_hpa DOUBLE, wind_speed_ms DOUBLE, wind_dir_deg INT, condition STRING',
);
const CONDITIONS = ['clear', 'cloudy', 'rain', 'snow', 'fog', 'storm'];

/** Weather-simulator-shaped rows: 500 stations, 1 s apart, a few nulls in `condition`. */
export function weatherRows(n: number): Row[] {
  return Array.from({ length: n }, (_, i) => ({
    station_id: `ST-${String(i % 500).padStart(4, '0')}`,
    event_time: 1_700_000_000_000_000 + i * 1_000_000,
    temperature_c: Math.round((10 + Math.sin(i / 100) * 15) * 100) / 100,
    humidity: (i % 100) / 100,
    pressure_hpa: 1000 + (i % 50) / 2,
    wind_speed_ms: (i % 30) / 2,
    wind_dir_deg: i % 360,
    condition: i % 17 === 0 ? null : CONDITIONS[i % 6],
  }));
}

async function handler(): Promise<ParquetHandler> {
  const module = process.env['PARQUET_HANDLER_MODULE'];
  if (module === undefined) return new NodeParquetHandler();
  const loaded = (await import(pathToFileURL(module).href)) as { NodeParquetHandler: new () => ParquetHandler };
  return new loaded.NodeParquetHandler();
}

/** The chunked path; without `openWriter` a caller buffers every chunk and writes once (the fallback the contract names). */
async function writeInChunks(parquet: ParquetHandler, chunks: readonly Row[][]): Promise<Uint8Array> {
  if (parquet.openWriter === undefined) return parquet.write(rowBatch(SCHEMA, chunks.flat()));
  const writer = parquet.openWriter(SCHEMA);
  for (const c of chunks) await writer.append(c);
  return writer.finish();
}

export async function parquetWriteBenchmarks(quick: boolean): Promise<MicroResult[]> {
  const parquet = await handler();
  const rows = weatherRows(ROWS);
  const batch = rowBatch(SCHEMA, rows);
  const chunks = Array.from({ length: ROWS / CHUNK }, (_, k) => rows.slice(k * CHUNK, (k + 1) * CHUNK));
  const oneShot = await parquet.write(batch);
  const chunked = await writeInChunks(parquet, chunks);
  console.log(`  parquet file for ${ROWS} rows: ${oneShot.length} B one-shot, ${chunked.length} B chunked (snappy)`);
  const deferred = (run: () => Promise<unknown>) => (d: { resolve(): void }) => void run().then(() => d.resolve());
  const results = await runSuite('parquet write (100k weather rows)', [
    { name: 'one-shot write (snappy)', defer: true, fn: deferred(() => parquet.write(batch)) },
    { name: `openWriter + ${ROWS / CHUNK} × append(${CHUNK}) + finish (snappy)`, defer: true, fn: deferred(() => writeInChunks(parquet, chunks)) },
    { name: 'one-shot write (uncompressed)', defer: true, fn: deferred(() => parquet.write(batch, { compression: 'uncompressed' })) },
  ], quick);
  // CPU seconds per 1M rows, both paths interleaved, median of the repetitions.
  const reps = quick ? 3 : 9;
  const cpu = { oneShot: [] as number[], chunked: [] as number[] };
  for (let i = 0; i < reps; i++) {
    let t = process.cpuUsage();
    await parquet.write(batch);
    let u = process.cpuUsage(t);
    cpu.oneShot.push(((u.user + u.system) / 1e6) * (1_000_000 / ROWS));
    t = process.cpuUsage();
    await writeInChunks(parquet, chunks);
    u = process.cpuUsage(t);
    cpu.chunked.push(((u.user + u.system) / 1e6) * (1_000_000 / ROWS));
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  console.log(`  CPU s per 1M rows (median of ${reps}): one-shot ${median(cpu.oneShot).toFixed(3)}, chunked ${median(cpu.chunked).toFixed(3)}`);
  await retainedMemory(parquet);
  return results;
}

/**
 * What a map task keeps alive while it writes a 250k-row split arriving in 10k-row chunks: an
 * open writer (encoded pages so far) versus the fallback that buffers every row until `write`.
 * Chunks are generated fresh and dropped after use, as a streaming task's are.
 */
async function retainedMemory(parquet: ParquetHandler): Promise<void> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const used = (): number => {
    const m = process.memoryUsage();
    return m.heapUsed + m.external + m.arrayBuffers;
  };
  const settle = async (): Promise<void> => {
    for (let i = 0; i < 3; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      gc();
    }
  };
  const retained = async (run: () => Promise<unknown>): Promise<number> => {
    await settle();
    const before = used();
    const kept = await run();
    await settle();
    const after = used();
    void kept;
    return (after - before) / 2 ** 20;
  };
  const splitRows = 250_000;
  const streaming = await retained(async () => {
    if (parquet.openWriter === undefined) return null;
    const writer = parquet.openWriter(SCHEMA);
    for (let k = 0; k < splitRows / CHUNK; k++) await writer.append(weatherRows(CHUNK));
    return writer;
  });
  const buffered = await retained(async () => {
    const rows: Row[][] = [];
    for (let k = 0; k < splitRows / CHUNK; k++) rows.push(weatherRows(CHUNK));
    return rows;
  });
  const open = parquet.openWriter === undefined ? 'n/a (no openWriter)' : `${streaming.toFixed(1)} MiB`;
  console.log(`  memory retained while writing ${splitRows.toLocaleString('en-US')} rows in ${CHUNK.toLocaleString('en-US')}-row chunks: open writer ${open}, buffered rows ${buffered.toFixed(1)} MiB`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const results = await parquetWriteBenchmarks(process.argv.includes('--quick'));
  for (const r of results) console.log(`${r.name}: ${(r.hz * ROWS).toLocaleString('en-US', { maximumFractionDigits: 0 })} rows/s (±${r.rme.toFixed(1)}%)`);
}
