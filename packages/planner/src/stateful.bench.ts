// The windowed-aggregation hot path in isolation (not part of the test suite): the probe's
// aggregate scenario (1-minute tumbling avg per station, 10-minute watermark, append mode;
// 1,000 stations reading once a minute, so every row is its own (station, minute) group) as
// weir runs it, minus I/O: per batch, map tasks of 10k rows (openMapStage → push → finish), the
// partials shuffled through msgpackr (as the Codec does), then runStatefulPartition per state
// partition over a small sorted in-memory store. Reports process CPU seconds per phase (median
// of the repeats) and the output row count. Run:
//   node --conditions=@weir/source --import tsx packages/planner/src/stateful.bench.ts [rows] [repeats]
// Measured (1M rows, 2 partitions, CPU s, medians): per-group state (before issue #8's window
// blocks) map 0.88-1.67, stateful 4.5-5.2, total 6.0-6.7; window blocks map 0.35-0.43, stateful
// 0.64-0.72 (mostly materialising the 989k output rows), total 1.0-1.2. Same output and checksum.
import { Packr } from 'msgpackr';

// The engine Codec's msgpackr configuration (@weir/node MsgpackCodec): typed arrays and Maps survive.
const packr = new Packr({ moreTypes: true, useRecords: true, int64AsType: 'number' });
const pack = (v: unknown): Uint8Array => Uint8Array.prototype.slice.call(packr.pack(v)); // own copy: pack reuses its arena
const unpack = (b: Uint8Array): unknown => packr.unpack(b);
import { StructType, type Row, type StateStoreView } from '@weir/core';
import { DataFrame } from './dataframe.js';
import { avg, col, window } from './functions.js';
import { planQuery } from './plan-query.js';
import { openMapStage, runStatefulPartition } from './runtime.js';

const N = Number(process.argv[2] ?? 1_000_000);
const REPEATS = Number(process.argv[3] ?? 5);
const ROWS_PER_BATCH = 250_000;
const ROWS_PER_TASK = 10_000;
const PARTITIONS = 2;

/** Map + keys sorted on demand (new keys re-sort; removed keys are skipped), entries lazy. */
class SortedStore implements StateStoreView {
  readonly #m = new Map<string, unknown>();
  #sorted: string[] = [];
  #dirty = false;
  get(k: string): unknown {
    return this.#m.get(k);
  }
  put(k: string, v: unknown): void {
    if (!this.#m.has(k)) this.#dirty = true;
    this.#m.set(k, v);
  }
  remove(k: string): void {
    this.#m.delete(k);
  }
  *entries(): Iterable<readonly [string, unknown]> {
    if (this.#dirty) {
      this.#sorted = [...this.#m.keys()].sort();
      this.#dirty = false;
    }
    for (const k of this.#sorted) {
      const v = this.#m.get(k);
      if (v !== undefined) yield [k, v];
    }
  }
  get size(): number {
    return this.#m.size;
  }
}

const schema = StructType.fromDDL('station_id STRING, event_time TIMESTAMP, temperature_c DOUBLE');
const base = Date.parse('2026-01-01T00:00:00Z') * 1000;
let seed = 7;
const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
function rowsOf(from: number, to: number): Row[] {
  const out: Row[] = [];
  for (let i = from; i < to; i++) {
    out.push({ station_id: `ST-${String((i % 1000) + 1).padStart(4, '0')}`, event_time: base + i * 60_000, temperature_c: Math.round((rnd() * 50 - 10) * 10) / 10 });
  }
  return out;
}

const df = DataFrame.fromSource({ index: 0, format: 'memory', schema })
  .withWatermark('event_time', '10 minutes')
  .groupBy(window(col('event_time'), '1 minute'), col('station_id'))
  .agg(avg('temperature_c').alias('avg_temperature_c'));
const plan = planQuery(df.plan, { sourceSchemas: [schema], outputMode: 'append', shufflePartitions: PARTITIONS });

const cpu = (from: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1e6;
};

function runOnce(): { map: number; shuffle: number; stateful: number; out: number; check: number } {
  const stores = Array.from({ length: PARTITIONS }, () => new SortedStore());
  let map = 0;
  let shuffle = 0;
  let stateful = 0;
  let out = 0;
  let check = 0;
  let watermarkMs = 0;
  let maxUs = -Infinity;
  const run = (from: number, to: number) => {
    const blocks: Uint8Array[][] = Array.from({ length: PARTITIONS }, () => []);
    for (let t = from; t < to; t += ROWS_PER_TASK) {
      const rows = rowsOf(t, Math.min(to, t + ROWS_PER_TASK));
      let c = process.cpuUsage();
      const stage = openMapStage(plan, 0, { batchTimestampMs: 0, watermarkMs });
      stage.push(rows);
      const res = stage.finish();
      map += cpu(c);
      if (res.eventTime) maxUs = Math.max(maxUs, res.eventTime.max);
      c = process.cpuUsage();
      res.partials?.forEach((p, i) => p.length > 0 && blocks[i]!.push(pack(p)));
      shuffle += cpu(c);
    }
    for (let p = 0; p < PARTITIONS; p++) {
      let c = process.cpuUsage();
      const partials = function* () {
        for (const b of blocks[p]!) yield* unpack(b) as Array<[string, unknown]>;
      };
      shuffle += cpu(c);
      c = process.cpuUsage();
      const r = runStatefulPartition(plan, partials(), stores[p]!, { batchTimestampMs: 0, watermarkMs, outputMode: 'append' });
      stateful += cpu(c);
      out += r.rows.length;
      for (const row of r.rows) check += row['avg_temperature_c'] as number;
    }
    if (maxUs > -Infinity) watermarkMs = Math.max(watermarkMs, Math.floor(maxUs / 1000) - 10 * 60_000);
  };
  for (let b = 0; b < N; b += ROWS_PER_BATCH) run(b, Math.min(N, b + ROWS_PER_BATCH));
  run(N, N); // a no-data batch: the watermark moved past the last batch's closed windows
  return { map, shuffle, stateful, out, check: Math.round(check) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
runOnce(); // warm-up (compilation, JIT)
const runs = Array.from({ length: REPEATS }, runOnce);
console.log(
  `rows ${N}, out ${runs[0]!.out}, checksum ${runs[0]!.check}; CPU s (median of ${REPEATS}): map ${median(runs.map((r) => r.map)).toFixed(3)}, shuffle ${median(runs.map((r) => r.shuffle)).toFixed(3)}, stateful ${median(runs.map((r) => r.stateful)).toFixed(3)}, total ${median(runs.map((r) => r.map + r.shuffle + r.stateful)).toFixed(3)}`,
);
