// Shredding cost per value, column by column: append(rows) versus appendColumns(chunk) into one
// huge page (pageSize 2^20, no compression, the page is never encoded inside the timed call), so
// the figure is the generated loop's (checks, stores, statistics, dictionary) and nothing else.
// Strings are internalized, as the NDJSON scanner's are. CPU time (process.cpuUsage), medians.
// Run: node --conditions=@weir/source --import tsx packages/node/src/parquet/shred-loops.bench.ts
import { StructType, columnChunkFromRows, type ColumnChunk, type Row } from '@weir/core';
import { NodeParquetHandler } from '../node-parquet-handler.js';
const ROWS = 1 << 17;
const CONDITIONS = ['clear', 'cloudy', 'rain', 'snow', 'fog', 'storm'];
const STATIONS = Array.from({ length: 500 }, (_, i) => Object.keys({ [`ST-${String(i).padStart(4, '0')}`]: 1 })[0]!);
const rows: Row[] = Array.from({ length: ROWS }, (_, i) => ({ station_id: STATIONS[i % 500], event_time: 1_767_225_600_000_000 + i * 60_000, temperature_c: Math.round((10 + Math.sin(i / 100) * 15) * 10) / 10, humidity: Math.round((i * 7919 % 1000)) / 1000, wind_dir_deg: i % 360, condition: i % 17 === 0 ? null : CONDITIONS[i % 6] }));
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
for (const [name, type] of <Array<[string, string]>>[['station_id', 'STRING'], ['event_time', 'TIMESTAMP'], ['temperature_c', 'DOUBLE'], ['humidity', 'DOUBLE'], ['wind_dir_deg', 'INT'], ['condition', 'STRING']]) {
  for (const dict of [true, false]) {
    const schema = StructType.fromDDL(`${name} ${type}`);
    const chunk: ColumnChunk = columnChunkFromRows(schema, rows);
    const p = new NodeParquetHandler({ compression: 'uncompressed', pageSize: 1 << 20, dataPageBytes: 1 << 30, enableDictionary: dict });
    const xs: number[] = [], ys: number[] = [];
    for (let k = 0; k < 40; k++) {
      const w = p.openWriter(schema, { rowGroupSize: 1 << 30 });
      const t = process.cpuUsage(); await w.appendColumns!(chunk); const u = process.cpuUsage(t);
      const w2 = p.openWriter(schema, { rowGroupSize: 1 << 30 });
      const t2 = process.cpuUsage(); await w2.append(rows); const u2 = process.cpuUsage(t2);
      if (k >= 10) { xs.push((u.user + u.system) * 1e3 / ROWS); ys.push((u2.user + u2.system) * 1e3 / ROWS); }
    }
    console.log(`${name.padEnd(14)} dict=${dict ? 1 : 0} cols ${med(xs).toFixed(1)} ns/value, rows ${med(ys).toFixed(1)} ns/value`);
  }
}
