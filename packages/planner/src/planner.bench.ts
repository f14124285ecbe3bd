// Planner micro-benchmarks (benchmark.js). Not part of the test suite. Run:
//   node --conditions=@weir/source --import tsx packages/planner/src/planner.bench.ts [rows]
// 1. project + filter + cast over weather rows: compiled stage vs the naive reference interpreter;
// 2. partial aggregation (1-minute tumbling avg per station, 1,000 stations) in the map stage.
import Benchmark from 'benchmark';
import { StructType, type Row } from '@weir/core';
import { DataFrame } from './dataframe.js';
import { avg, col, count, max, round, to_timestamp, upper, window } from './functions.js';
import { planQuery } from './plan-query.js';
import { runMapStage } from './runtime.js';
import { analyze } from './analyzer.js';
import { executeBatch } from './reference.js';

const N = Number(process.argv[2] ?? 1_000_000);
const schema = StructType.fromDDL(
  'station_id STRING, event_time STRING, temperature_c DOUBLE, humidity DOUBLE, pressure_hpa DOUBLE, wind_speed_ms DOUBLE, wind_dir_deg INT, condition STRING',
);
const CONDITIONS = ['clear', 'cloudy', 'rain', 'snow', 'fog'];
let seed = 7;
const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
const base = Date.parse('2026-01-01T00:00:00Z');
const rows: Row[] = Array.from({ length: N }, (_, i) => ({
  station_id: `ST${String(i % 1000).padStart(4, '0')}`,
  event_time: new Date(base + i * 60).toISOString(),
  temperature_c: Math.round((rnd() * 50 - 10) * 10) / 10,
  humidity: rnd(),
  pressure_hpa: 950 + rnd() * 100,
  wind_speed_ms: rnd() * 30,
  wind_dir_deg: Math.floor(rnd() * 360),
  condition: CONDITIONS[i % 5] as string,
}));
const src = DataFrame.fromSource({ index: 0, format: 'weather-sim', schema });
const ctx = { batchTimestampMs: 0, watermarkMs: 0 };

// Stateless: the "clean/cast/filter" step of an ingest pipeline.
const clean = src
  .where(col('temperature_c').gt(0).and(col('humidity').isNotNull()))
  .select(
    col('station_id'),
    col('event_time').cast('timestamp').alias('event_time'),
    round(col('temperature_c').multiply(9 / 5).plus(32), 1).alias('temperature_f'),
    col('humidity').multiply(100).cast('int').alias('humidity_pct'),
    col('wind_dir_deg').cast('double').alias('wind_dir'),
    upper(col('condition')).alias('condition'),
  );
const cleanPlan = planQuery(clean.plan, { sourceSchemas: [schema], outputMode: 'append', shufflePartitions: 8 });
const cleanAnalyzed = analyze(clean.plan, { sourceSchemas: [schema] });
const inputs = new Map([[0, rows]]);

// Cheaper cast-only variant (no ISO parsing), to see the code generation overhead alone.
const light = src.where(col('temperature_c').gt(0)).select(col('station_id'), col('temperature_c').cast('float').alias('t'), col('wind_dir_deg').cast('long').alias('d'));
const lightPlan = planQuery(light.plan, { sourceSchemas: [schema], outputMode: 'append', shufflePartitions: 8 });
const lightAnalyzed = analyze(light.plan, { sourceSchemas: [schema] });

// Stateful map stage: partial aggregation per (1-minute window, station).
const tsSchema = StructType.fromDDL('station_id STRING, event_time TIMESTAMP, temperature_c DOUBLE');
const tsRows: Row[] = rows.map((r, i) => ({ station_id: r['station_id'], event_time: (base + Math.floor(i / 1000) * 60) * 1000, temperature_c: r['temperature_c'] }));
const agg = DataFrame.fromSource({ index: 0, format: 'memory', schema: tsSchema })
  .withWatermark('event_time', '1 minute')
  .groupBy(window(col('event_time'), '1 minute'), col('station_id'))
  .agg(avg('temperature_c').alias('avg'), max('temperature_c').alias('max'), count('*').alias('n'));
const aggPlan = planQuery(agg.plan, { sourceSchemas: [tsSchema], outputMode: 'append', shufflePartitions: 8 });
const keyOnly = DataFrame.fromSource({ index: 0, format: 'memory', schema: tsSchema }).groupBy('station_id').agg(avg('temperature_c').alias('avg'));
const keyOnlyPlan = planQuery(keyOnly.plan, { sourceSchemas: [tsSchema], outputMode: 'update', shufflePartitions: 8 });

const sanity = runMapStage(cleanPlan, 0, rows.slice(0, 1000), ctx).rows ?? [];
const reference = executeBatch(cleanAnalyzed, new Map([[0, rows.slice(0, 1000)]]), { nowUs: 0 });
if (JSON.stringify(sanity) !== JSON.stringify(reference)) throw new Error('compiled and reference disagree');

const suite = new Benchmark.Suite(`planner, ${N.toLocaleString('en-US')} rows per op`);
suite
  .add('clean/cast/filter compiled', () => runMapStage(cleanPlan, 0, rows, ctx))
  .add('clean/cast/filter naive interpreter', () => executeBatch(cleanAnalyzed, inputs, { nowUs: 0 }))
  .add('project+filter+cast (no string parsing) compiled', () => runMapStage(lightPlan, 0, rows, ctx))
  .add('project+filter+cast (no string parsing) naive interpreter', () => executeBatch(lightAnalyzed, inputs, { nowUs: 0 }))
  .add('partial aggregation, 1-min windows x 1,000 stations', () => runMapStage(aggPlan, 0, tsRows, ctx))
  .add('partial aggregation, 1,000 station keys', () => runMapStage(keyOnlyPlan, 0, tsRows, ctx))
  .on('cycle', (e: Benchmark.Event) => {
    const b = e.target as unknown as Benchmark;
    const hz = b.hz ?? 0;
    console.log(`${String(b.name).padEnd(60)} ${((hz * N) / 1e6).toFixed(2).padStart(7)} M rows/s  (±${(b.stats?.rme ?? 0).toFixed(1)}%, ${b.stats?.sample.length ?? 0} runs)`);
  })
  .on('error', (e: Benchmark.Event) => console.error('benchmark failed:', (e.target as unknown as Benchmark & { error?: unknown }).error))
  .run({ async: false });
