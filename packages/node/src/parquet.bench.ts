// Parquet throughput on 100k weather-like rows (the simulator's record shape).
// Run: node --conditions=@weir/source --import tsx packages/node/src/parquet.bench.ts
import Benchmark from 'benchmark';
import { StructType, rowBatch, type Row } from '@weir/core';
import { NodeParquetHandler } from './node-parquet-handler.js';

const ROWS = 100_000;
const schema = StructType.fromDDL(
  'station_id STRING, event_time TIMESTAMP, temperature_c DOUBLE, humidity DOUBLE, pressure_hpa DOUBLE, wind_speed_ms DOUBLE, wind_dir_deg INT, condition STRING',
);
const conditions = ['clear', 'cloudy', 'rain', 'snow', 'fog', 'storm'];
const rows: Row[] = Array.from({ length: ROWS }, (_, i) => ({
  station_id: `ST-${String(i % 500).padStart(4, '0')}`,
  event_time: 1_700_000_000_000_000 + i * 1_000_000,
  temperature_c: Math.round((10 + Math.sin(i / 100) * 15) * 100) / 100,
  humidity: (i % 100) / 100,
  pressure_hpa: 1000 + (i % 50) / 2,
  wind_speed_ms: (i % 30) / 2,
  wind_dir_deg: i % 360,
  condition: i % 17 === 0 ? null : conditions[i % 6],
}));
const batch = rowBatch(schema, rows);
const parquet = new NodeParquetHandler();
const snappy = await parquet.write(batch);
const plain = await parquet.write(batch, { compression: 'uncompressed' });
console.log(`file size for ${ROWS} rows: snappy ${snappy.length} B, uncompressed ${plain.length} B`);

const suite = new Benchmark.Suite('parquet');
const add = (name: string, run: () => Promise<unknown>): void => {
  suite.add(name, { defer: true, fn: (d: Benchmark.Deferred) => void run().then(() => d.resolve()) });
};
add('write 100k rows (snappy)', () => parquet.write(batch));
add('write 100k rows (uncompressed)', () => parquet.write(batch, { compression: 'uncompressed' }));
add('read 100k rows (snappy)', () => parquet.read(snappy));
add('read 100k rows, 2 columns (snappy)', () => parquet.read(snappy, { columns: ['station_id', 'temperature_c'] }));
/** CPU time per run (user + system, all threads of this process): a fair figure on a busy machine. */
async function cpuRowsPerSecond(run: () => Promise<unknown>, times = 3): Promise<number> {
  const before = process.cpuUsage();
  for (let i = 0; i < times; i++) await run();
  const used = process.cpuUsage(before);
  return Math.round((ROWS * times) / ((used.user + used.system) / 1e6));
}

suite
  .on('complete', async () => {
    console.log(`CPU-time throughput: write ${(await cpuRowsPerSecond(() => parquet.write(batch))).toLocaleString('en-US')} rows/s, ` +
      `read ${(await cpuRowsPerSecond(() => parquet.read(snappy))).toLocaleString('en-US')} rows/s (snappy)`);
  })
  .on('cycle', (e: Benchmark.Event) => {
    const b = e.target as unknown as Benchmark;
    console.log(`${String(b)}  →  ${Math.round((b.hz ?? 0) * ROWS).toLocaleString('en-US')} rows/s`);
  })
  .run({ async: true });
