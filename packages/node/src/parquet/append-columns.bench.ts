// CPU seconds per 1M weather rows: ParquetFileWriter.append(rows) versus appendColumns(chunk),
// the same 200k rows in 8192-row chunks (rows and chunks built before timing), snappy, interleaved
// repetitions, medians. process.cpuUsage, not wall time: the machine is shared.
// Run: node --conditions=@weir/source --import tsx packages/node/src/parquet/append-columns.bench.ts [--quick]
import { StructType, columnChunkFromRows, type ColumnChunk, type Row } from '@weir/core';
import { NodeParquetHandler } from '../node-parquet-handler.js';

const ROWS = 200_000;
const CHUNK = 8192;
const SCHEMA = StructType.fromDDL(
  'station_id STRING, event_time TIMESTAMP, temperature_c DOUBLE, humidity DOUBLE, pressure_hpa DOUBLE, wind_speed_ms DOUBLE, wind_dir_deg INT, condition STRING',
);
const CONDITIONS = ['clear', 'cloudy', 'rain', 'snow', 'fog', 'storm'];
// Internalized, as the NDJSON scanner's strings are (a template literal would make cons strings).
const STATIONS = Array.from({ length: 500 }, (_, i) => Object.keys({ [`ST-${String(i).padStart(4, '0')}`]: 1 })[0] as string);

const rows: Row[] = Array.from({ length: ROWS }, (_, i) => ({
  station_id: STATIONS[i % 500],
  event_time: 1_700_000_000_000_000 + i * 1_000_000,
  temperature_c: Math.round((10 + Math.sin(i / 100) * 15) * 100) / 100,
  humidity: (i % 100) / 100,
  pressure_hpa: 1000 + (i % 50) / 2,
  wind_speed_ms: (i % 30) / 2,
  wind_dir_deg: i % 360,
  condition: i % 17 === 0 ? null : CONDITIONS[i % 6],
}));
const rowChunks: Row[][] = [];
const columnChunks: ColumnChunk[] = [];
for (let i = 0; i < ROWS; i += CHUNK) {
  const slice = rows.slice(i, i + CHUNK);
  rowChunks.push(slice);
  columnChunks.push(columnChunkFromRows(SCHEMA, slice));
}

const parquet = new NodeParquetHandler();

async function viaRows(): Promise<Uint8Array> {
  const w = parquet.openWriter(SCHEMA);
  for (const c of rowChunks) await w.append(c);
  return w.finish();
}

async function viaColumns(): Promise<Uint8Array> {
  const w = parquet.openWriter(SCHEMA);
  for (const c of columnChunks) await w.appendColumns!(c);
  return w.finish();
}

const a = await viaRows();
const b = await viaColumns();
if (Buffer.compare(Buffer.from(a), Buffer.from(b)) !== 0) throw new Error('appendColumns and append wrote different files');
console.log(`${ROWS} weather rows, ${CHUNK}-row chunks: ${a.length} B (snappy), identical bytes through both paths`);

const cpuPerMillion = async (run: () => Promise<unknown>): Promise<number> => {
  const t = process.cpuUsage();
  await run();
  const u = process.cpuUsage(t);
  return ((u.user + u.system) / 1e6) * (1_000_000 / ROWS);
};
const reps = process.argv.includes('--quick') ? 5 : 15;
for (let i = 0; i < 3; i++) {
  await viaRows();
  await viaColumns();
}
const r: number[] = [];
const c: number[] = [];
for (let i = 0; i < reps; i++) {
  r.push(await cpuPerMillion(viaRows));
  c.push(await cpuPerMillion(viaColumns));
}
const median = (xs: number[]): number => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] as number;
console.log(`CPU s per 1M rows (median of ${reps}, interleaved): append(rows) ${median(r).toFixed(3)}, appendColumns ${median(c).toFixed(3)} (${(median(r) / median(c)).toFixed(2)}x)`);
