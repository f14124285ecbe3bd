import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { StructType, type OutputMode, type Row, type StateStoreView } from '@weir/core';
import { DataFrame } from './dataframe.js';
import { avg, col, count, max, min, session_window, sum, window } from './functions.js';
import { planQuery } from './plan-query.js';
import { runMapStage, runStatefulPartition } from './runtime.js';
import { analyze } from './analyzer.js';
import { executeBatch } from './reference.js';

// Streaming aggregation = batch aggregation: for any split of the input into micro-batches, map
// tasks and state partitions, the streamed result equals the reference interpreter's one-shot
// GROUP BY over all rows (complete mode: the last batch's output; append mode: everything emitted
// once the watermark passes every window). Events are generated with bounded disorder below the
// watermark delay, so none is late.
class Store implements StateStoreView {
  readonly m = new Map<string, unknown>();
  get(k: string) {
    return this.m.get(k);
  }
  put(k: string, v: unknown) {
    this.m.set(k, structuredClone(v));
  }
  remove(k: string) {
    this.m.delete(k);
  }
  entries() {
    return [...this.m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }
  get size() {
    return this.m.size;
  }
}

const schema = StructType.fromDDL('k STRING, t TIMESTAMP, v INT');
const MIN = 60_000_000;
const sortRows = (rows: readonly Row[]) => [...rows].map((r) => JSON.stringify(r)).sort();

const scenario = fc.record(
  {
    events: fc.array(fc.record({ k: fc.constantFrom('a', 'b', 'c', 'd'), at: fc.oneof(fc.integer({ min: -30 * MIN, max: 60 * MIN }), fc.integer({ min: -60, max: 120 }).map((x) => x * 30_000_000), fc.integer({ min: -10, max: 20 }).map((x) => x * 3 * MIN)), jitter: fc.oneof(fc.integer({ min: 0, max: MIN }), fc.constant(0), fc.constantFrom(MIN / 2, MIN)), v: fc.option(fc.integer({ min: -100, max: 100 }), { nil: null }) }, { noNullPrototype: true }), { maxLength: 60 }),
    cuts: fc.array(fc.nat(60), { maxLength: 4 }),
    tasks: fc.integer({ min: 1, max: 3 }),
    partitions: fc.integer({ min: 1, max: 5 }),
    grouping: fc.constantFrom('tumbling', 'sliding', 'session', 'key'),
    mode: fc.constantFrom<OutputMode>('complete', 'append', 'update'),
  },
  { noNullPrototype: true },
);

describe('streaming aggregation equals batch aggregation (property)', () => {
  it('any batches/tasks/partitions split gives the reference GROUP BY result', () => {
    fc.assert(
      fc.property(scenario, ({ events, cuts, tasks, partitions, grouping, mode }) => {
        // Bounded disorder: sorted times, each shifted back by at most a minute (< the 5 minute delay).
        const rows: Row[] = [...events].sort((x, y) => x.at - y.at).map((e) => ({ k: e.k, t: e.at - e.jitter, v: e.v }));
        const base = DataFrame.fromSource({ index: 0, format: 'memory', schema }).withWatermark('t', '5 minutes');
        const key =
          grouping === 'tumbling' ? window(col('t'), '10 minutes') : grouping === 'sliding' ? window(col('t'), '10 minutes', '4 minutes') : grouping === 'session' ? session_window(col('t'), '3 minutes') : col('t');
        const effectiveMode: OutputMode = grouping === 'session' && mode === 'update' ? 'complete' : mode;
        const df = base.groupBy(key, col('k')).agg(count('*').alias('n'), sum('v').alias('s'), min('v').alias('lo'), max('v').alias('hi'), avg('v').alias('a'));
        const plan = planQuery(df.plan, { sourceSchemas: [schema], outputMode: effectiveMode, shufflePartitions: partitions });
        const stores = Array.from({ length: partitions }, () => new Store());
        const bounds = [...new Set([0, ...cuts.map((c) => Math.min(c, rows.length)), rows.length])].sort((a, b) => a - b);
        let wm = 0;
        let maxUs = -Infinity;
        const emitted: Row[] = [];
        let last: Row[] = [];
        const runBatch = (batch: Row[], watermarkMs: number) => {
          const parts: [string, unknown][][] = Array.from({ length: partitions }, () => []);
          for (let t = 0; t < tasks; t++) {
            const m = runMapStage(plan, 0, batch.filter((_, i) => i % tasks === t), { batchTimestampMs: 0, watermarkMs });
            assert.equal(m.numRowsDroppedByWatermark, 0);
            if (m.eventTime) maxUs = Math.max(maxUs, m.eventTime.max);
            m.partials?.forEach((p, i) => parts[i]!.push(...p));
          }
          const out: Row[] = [];
          parts.forEach((p, i) => out.push(...runStatefulPartition(plan, p, stores[i]!, { batchTimestampMs: 0, watermarkMs, outputMode: effectiveMode }).rows));
          return out;
        };
        for (let b = 0; b + 1 < bounds.length; b++) {
          const out = runBatch(rows.slice(bounds[b], bounds[b + 1]), wm);
          emitted.push(...out);
          last = out;
          if (maxUs > -Infinity) wm = Math.max(wm, Math.floor(maxUs / 1000) - 5 * 60_000);
        }
        const expected = executeBatch(analyze(df.plan, { sourceSchemas: [schema] }), new Map([[0, rows]]), { nowUs: 0 });
        if (effectiveMode === 'complete') {
          assert.deepEqual(sortRows(bounds.length > 1 ? last : []), sortRows(rows.length ? expected : []));
        } else if (effectiveMode === 'append') {
          // A final no-data batch with the watermark past every event closes every window.
          emitted.push(...runBatch([], 10 ** 12));
          assert.deepEqual(sortRows(emitted), sortRows(expected));
        } else {
          // Update mode: the latest emitted row per key is the final result.
          const latest = new Map<string, Row>();
          for (const r of emitted) latest.set(JSON.stringify([r['t'] ?? r['window'], r['k']]), r);
          assert.deepEqual(sortRows([...latest.values()]), sortRows(expected));
        }
      }),
      { seed: Number(process.env['FC_SEED'] ?? 42), numRuns: process.env['CI'] ? 400 : 80 },
    );
  });
});
