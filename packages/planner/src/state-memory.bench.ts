// State memory per group of the windowed aggregation (not part of the test suite): the probe's
// aggregate query (1-minute tumbling avg per station, 1,000 stations, append mode) over `rows`
// rows in one batch with no watermark yet, so every (window, station) group is held in state.
// The partials go through msgpackr as the shuffle does, the store keeps what it is given (a
// Map, like the state store's hot map), and the heap is measured after a full GC before and
// after (JS heap + ArrayBuffer backing stores); `--expose-gc` is required. Run:
//   node --expose-gc --conditions=@weir/source --import tsx packages/planner/src/state-memory.bench.ts [rows]
// Measured (200k groups): per-group state 187 bytes/group (200k store keys); window blocks
// 29 bytes/group (200 store keys: one per window).
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

const N = Number(process.argv[2] ?? 200_000);
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with --expose-gc');

class MapStore implements StateStoreView {
  readonly m = new Map<string, unknown>();
  get(k: string): unknown {
    return this.m.get(k);
  }
  put(k: string, v: unknown): void {
    this.m.set(k, v);
  }
  remove(k: string): void {
    this.m.delete(k);
  }
  *entries(): Iterable<readonly [string, unknown]> {
    for (const k of [...this.m.keys()].sort()) yield [k, this.m.get(k)];
  }
  get size(): number {
    return this.m.size;
  }
}

const schema = StructType.fromDDL('station_id STRING, event_time TIMESTAMP, temperature_c DOUBLE');
const base = Date.parse('2026-01-01T00:00:00Z') * 1000;
const df = DataFrame.fromSource({ index: 0, format: 'memory', schema })
  .withWatermark('event_time', '10 minutes')
  .groupBy(window(col('event_time'), '1 minute'), col('station_id'))
  .agg(avg('temperature_c').alias('avg_temperature_c'));
const plan = planQuery(df.plan, { sourceSchemas: [schema], outputMode: 'append', shufflePartitions: 1 });

function blocks(from: number, to: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let t = from; t < to; t += 10_000) {
    const rows: Row[] = [];
    for (let i = t; i < Math.min(to, t + 10_000); i++) rows.push({ station_id: `ST-${String((i % 1000) + 1).padStart(4, '0')}`, event_time: base + i * 60_000, temperature_c: (i % 400) / 10 });
    const stage = openMapStage(plan, 0, { batchTimestampMs: 0, watermarkMs: 0 });
    stage.push(rows);
    const p = stage.finish().partials![0]!;
    if (p.length > 0) out.push(pack(p));
  }
  return out;
}

const encoded = blocks(0, N);
const store = new MapStore();
gc();
gc();
const mem = () => {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers; // typed arrays' backing stores live outside the JS heap
};
const before = mem();
const partials = function* () {
  for (const b of encoded) yield* unpack(b) as Array<[string, unknown]>;
};
const r = runStatefulPartition(plan, partials(), store, { batchTimestampMs: 0, watermarkMs: 0, outputMode: 'append' });
gc();
gc();
const after = mem();
console.log(`groups ${r.numRowsUpdated}, store keys ${store.size}, heap bytes per group ${((after - before) / r.numRowsUpdated).toFixed(1)}`);
