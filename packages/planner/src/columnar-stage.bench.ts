// Columnar vs row map stage: CPU per row (process.cpuUsage, user+system), interleaved rounds, medians.
// Not part of the test suite. Run:
//   node --conditions=@weir/source --import tsx packages/planner/src/columnar-stage.bench.ts [rows] [rounds]
// Each round runs every query through the row stage (row objects in, row objects out) and the
// columnar stage (the same rows as column chunks in, chunks out), chunked as a reader would
// (CHUNK rows per push), several times; the medians over the rounds are printed.
//
// Measured 2026-11-28 on the shared 2-core box (noisy; three runs of 11 rounds, ns per input row):
//   clean step (filter 2% nulls, x*1.8+32, int->double): rows 31-38,  columnar 38-64
//   + round + upper (filter ~80% kept):                  rows 65-66 (one run 482), columnar 77-137
//   filter only, ~80% kept, 8 columns gathered:          rows 15-22,  columnar 108-132
//   filter keeping every row (input chunk returned):     rows 16-20,  columnar 3.7-4.5
// The stage alone is not where the columnar path wins: a filter-only row stage re-emits its input
// row objects (nothing to copy), while columns must be gathered (a fresh typed array per column,
// memory-bound here). The win is upstream and downstream (no row object from the reader, none for
// the Parquet writer to take apart); in the ingest probe the columnar stage costs ~0.03 CPU-s per
// 1M rows (every row passes, so the input chunk is handed on). The row stage's 482 ns run is V8
// allocation-site pretenuring of the output row literal (gone with --no-allocation-site-pretenuring).
//
// Aggregations (issue #8; 200,000 rows, three runs of 9 rounds, ns per input row, rows -> columnar):
//   tumbling 1 min x 1000 stations (every row a new group):  861/1072/1162 -> 818/1031/1143
//   tumbling 10 min x 5 conditions (many rows per group):    112/99/116    -> 91/98/122
//   sliding 10/5 min x station, filter:                      1330/1715/1559 -> 1528/1593/1664
// Equal within the noise: the map side of an aggregation is the fold into the sink (the same
// generated `add` either way), not the reading of rows. What the columnar stage removes is
// upstream: the reader no longer builds a row object per record just to hand its fields over.
import { StructType, columnChunkFromRows, columnChunkToRows, type ColumnChunk, type Row } from '@weir/core';
import { DataFrame } from './dataframe.js';
import { avg, col, count, lit, max, round, upper, window } from './functions.js';
import { deepStrictEqual } from 'node:assert/strict';
import { planQuery, type QueryPlan } from './plan-query.js';
import { openMapStage } from './runtime.js';
import { openColumnarMapStage } from './columnar-stage.js';

const N = Number(process.argv[2] ?? 100_000);
const ROUNDS = Number(process.argv[3] ?? 9);
const REPS = 5;
/** `ONLY=rows` or `ONLY=columnar` runs one side (to see whether the other disturbs it). */
const ONLY = process.env['ONLY'] ?? '';
const CHUNK = 8192;
const schema = StructType.fromDDL(
  'station_id STRING, event_time TIMESTAMP, temperature_c DOUBLE, humidity DOUBLE, pressure_hpa DOUBLE, wind_speed_ms DOUBLE, wind_dir_deg INT, condition STRING',
);
const CONDITIONS = ['clear', 'cloudy', 'rain', 'snow', 'fog'];
let seed = 7;
const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
const stations = Array.from({ length: 1000 }, (_, i) => `ST-${String(i).padStart(4, '0')}`);
const rows: Row[] = Array.from({ length: N }, (_, i) => ({
  station_id: stations[i % 1000] as string,
  event_time: 1_767_225_600_000_000 + i * 1_000_000,
  temperature_c: Math.round((rnd() * 50 - 10) * 10) / 10,
  humidity: i % 50 === 0 ? null : rnd(),
  pressure_hpa: 950 + rnd() * 100,
  wind_speed_ms: rnd() * 30,
  wind_dir_deg: Math.floor(rnd() * 360),
  condition: CONDITIONS[i % 5] as string,
}));
const rowChunks: Row[][] = [];
const colChunks: ColumnChunk[] = [];
for (let at = 0; at < N; at += CHUNK) {
  rowChunks.push(rows.slice(at, at + CHUNK));
  colChunks.push(columnChunkFromRows(schema, rows.slice(at, at + CHUNK)));
}

const src = DataFrame.fromSource({ index: 0, format: 'memory', schema });
const queries: [string, DataFrame][] = [
  [
    'filter+project+cast (ingest clean step)',
    src
      .withWatermark('event_time', '10 minutes')
      .where(col('temperature_c').gt(lit(-50)).and(col('humidity').isNotNull()))
      .withColumn('temp_f', col('temperature_c').multiply(lit(9 / 5)).plus(lit(32)))
      .withColumn('dir', col('wind_dir_deg').cast('double'))
      .select('station_id', 'event_time', 'temp_f', 'dir'),
  ],
  [
    'filter+project+cast+round+upper',
    src
      .where(col('temperature_c').gt(0))
      .select(col('station_id'), col('event_time'), round(col('temperature_c').multiply(9 / 5).plus(32), 1).alias('temperature_f'), col('humidity').multiply(100).cast('int').alias('humidity_pct'), upper(col('condition')).alias('condition')),
  ],
  ['filter only (gather)', src.where(col('temperature_c').gt(0))],
  ['filter keeping every row (pass-through)', src.where(col('temperature_c').gt(-1000))],
  // Aggregations: the map side folds into partials (one window-blocked shuffle per partition at finish).
  [
    'agg: tumbling 1 min x station, count/avg/max',
    src
      .withWatermark('event_time', '10 minutes')
      .groupBy(window(col('event_time'), '1 minute'), col('station_id'))
      .agg(count(), avg('temperature_c'), max(col('humidity'))),
  ],
  [
    'agg: tumbling 10 min x condition, count/avg',
    src
      .withWatermark('event_time', '10 minutes')
      .groupBy(window(col('event_time'), '10 minutes'), col('condition'))
      .agg(count(), avg('temperature_c')),
  ],
  [
    'agg: sliding 10/5 min x station, filter, avg',
    src
      .withWatermark('event_time', '10 minutes')
      .where(col('humidity').isNotNull())
      .groupBy(window(col('event_time'), '10 minutes', '5 minutes'), col('station_id'))
      .agg(avg('temperature_c')),
  ],
];
const ctx = { batchTimestampMs: 0, watermarkMs: 0 };

function runRows(plan: QueryPlan): number {
  const s = openMapStage(plan, 0, ctx);
  let n = 0;
  for (const c of rowChunks) n += s.push(c).length;
  s.finish();
  return n;
}
function runColumns(plan: QueryPlan): number {
  const s = openColumnarMapStage(plan, 0, ctx);
  if (s === null) throw new Error('no columnar stage');
  let n = 0;
  for (const c of colChunks) n += s.push(c).numRows;
  s.finish();
  return n;
}
function cpu(f: () => number): number {
  const t = process.cpuUsage();
  for (let r = 0; r < REPS; r++) f();
  const d = process.cpuUsage(t);
  return ((d.user + d.system) * 1000) / (REPS * N); // ns per input row
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/** `Q=0,2` runs only those queries (by index). */
const picked = process.env['Q']?.split(',').map(Number);
const plans = queries
  .filter((_, i) => picked === undefined || picked.includes(i))
  .map(([name, df]) => [name, planQuery(df.plan, { sourceSchemas: [schema], outputMode: 'append', shufflePartitions: df.plan.kind === 'Aggregate' ? 4 : 1 })] as const);
// Equality check first (the property test is the real one): the same rows either way.
for (const [name, plan] of plans) {
  if (plan.stateful !== null) {
    const r = openMapStage(plan, 0, ctx);
    r.push(rows.slice(0, 2000));
    const c = openColumnarMapStage(plan, 0, ctx) as NonNullable<ReturnType<typeof openColumnarMapStage>>;
    c.push(columnChunkFromRows(schema, rows.slice(0, 2000)));
    deepStrictEqual(c.finish(), r.finish(), `row and columnar stages disagree on ${name}`);
    continue;
  }
  const a = openMapStage(plan, 0, ctx).push(rows.slice(0, 2000));
  const b = columnChunkToRows((openColumnarMapStage(plan, 0, ctx) as NonNullable<ReturnType<typeof openColumnarMapStage>>).push(columnChunkFromRows(schema, rows.slice(0, 2000))));
  if (JSON.stringify(a.map((r) => Object.values(r))) !== JSON.stringify(b.map((r) => Object.values(r)))) throw new Error(`row and columnar stages disagree on ${name}`);
}
const results = plans.map(() => ({ rows: [] as number[], cols: [] as number[] }));
for (let round = 0; round < ROUNDS; round++) {
  plans.forEach(([, plan], i) => {
    const r = results[i] as { rows: number[]; cols: number[] };
    // Alternate which goes first, so neither always runs on a warmer heap.
    const rowsSide = () => ONLY !== 'columnar' && r.rows.push(cpu(() => runRows(plan)));
    const colsSide = () => ONLY !== 'rows' && r.cols.push(cpu(() => runColumns(plan)));
    if (round % 2 === 0) {
      rowsSide();
      colsSide();
    } else {
      colsSide();
      rowsSide();
    }
  });
}
console.log(`map stage CPU per input row, ${N.toLocaleString('en-US')} rows in chunks of ${CHUNK}, median of ${ROUNDS} interleaved rounds (first round included)`);
plans.forEach(([name], i) => {
  const r = results[i] as { rows: number[]; cols: number[] };
  const a = r.rows.length ? median(r.rows) : NaN;
  const b = r.cols.length ? median(r.cols) : NaN;
  console.log(`${name.padEnd(44)} rows ${a.toFixed(1).padStart(6)} ns  columnar ${b.toFixed(1).padStart(6)} ns  (${(a / b).toFixed(1)}x; CPU-s per 1M rows ${(a / 1000).toFixed(3)} -> ${(b / 1000).toFixed(3)})`);
});
