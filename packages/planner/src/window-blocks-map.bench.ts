// The map side of the windowed aggregation alone (not part of the test suite): the probe's
// aggregate query (1-minute tumbling avg per station, 1,000 stations reading once a minute) over
// 100 map tasks of 10k rows (openMapStage → push → finish: fold, then window blocks for 2 state
// partitions). Prints process CPU seconds per 1M rows, median and min of 12 repeats. Run:
//   node --conditions=@weir/source --import tsx packages/planner/src/window-blocks-map.bench.ts
import { StructType, type Row } from '@weir/core';
import { DataFrame } from './dataframe.js';
import { avg, col, window } from './functions.js';
import { planQuery } from './plan-query.js';
import { openMapStage } from './runtime.js';
const schema = StructType.fromDDL('station_id STRING, event_time TIMESTAMP, temperature_c DOUBLE');
const df = DataFrame.fromSource({ index: 0, format: 'memory', schema }).withWatermark('event_time', '10 minutes').groupBy(window(col('event_time'), '1 minute'), col('station_id')).agg(avg('temperature_c').alias('avg_temperature_c'));
const plan = planQuery(df.plan, { sourceSchemas: [schema], outputMode: 'append', shufflePartitions: 2 });
const base = Date.parse('2026-01-01T00:00:00Z') * 1000;
const tasks: Row[][] = [];
for (let t = 0; t < 100; t++) { const rows: Row[] = []; for (let i = t * 10000; i < (t + 1) * 10000; i++) rows.push({ station_id: `ST-${String((i % 1000) + 1).padStart(4, '0')}`, event_time: base + i * 60_000, temperature_c: (i % 400) / 10 }); tasks.push(rows); }
const cpu = () => { const c = process.cpuUsage(); return (c.user + c.system) / 1e6; };
const xs: number[] = [];
for (let rep = 0; rep < 12; rep++) {
  const c0 = cpu();
  let n = 0;
  for (const rows of tasks) { const s = openMapStage(plan, 0, { batchTimestampMs: 0, watermarkMs: 0 }); s.push(rows); n += s.finish().partials!.length; }
  xs.push(cpu() - c0);
}
xs.sort((a, b) => a - b);
console.log('map stage CPU s per 1M rows, median of 12:', xs[6]!.toFixed(3), 'min', xs[0]!.toFixed(3));
