import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { StructType, type OutputMode, type Row, type StateStoreView } from '@weir/core';
import { initState, mergeStates, stateResult, updateState, type AggSpec } from './aggregates.js';
import type { AggregateFunctionName } from './expression.js';
import { DataFrame } from './dataframe.js';
import { approx_count_distinct, avg, col, count, first, last, max, min, stddev, sum, window } from './functions.js';
import { planQuery } from './plan-query.js';
import { openMapStage, runMapStage, runStatefulPartition } from './runtime.js';
import { analyze } from './analyzer.js';
import { executeBatch } from './reference.js';

// The generated aggregation kernel (flat states, compiled fold/merge/emit) against the generic
// per-function state code of `aggregates.ts` (what the reference interpreter runs), and the
// ordered keys' early-stopping eviction against the reference GROUP BY, including times that
// fall back to the unordered `!` form (fractional, beyond 2^53) next to ordered ones.

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
  *entries() {
    yield* [...this.m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }
  get size() {
    return this.m.size;
  }
}

const runs = (fewer: number, more: number) => ({ seed: Number(process.env['FC_SEED'] ?? 42), numRuns: process.env['CI'] ? more : fewer });
const FNS: AggregateFunctionName[] = ['count', 'sum', 'avg', 'min', 'max', 'first', 'last', 'stddev', 'approx_count_distinct'];
const build = { count, sum, avg, min, max, first, last, stddev, approx_count_distinct } as const;

describe('aggregate kernel (property)', () => {
  const schema = StructType.fromDDL('k STRING, v DOUBLE, g INT, s STRUCT<a: INT, b: STRING>');
  const GROUPINGS: readonly (readonly string[])[] = [['k'], [], ['k', 'g'], ['s'], ['g', 's', 'k']];
  it('folds, merges and finishes every aggregate function exactly as the generic state code', () => {
    const value = fc.option(fc.oneof(fc.integer({ min: -50, max: 50 }), fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.constantFrom(NaN, -0, 0.1)), { freq: 4, nil: null });
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...FNS), { minLength: 1, maxLength: 5 }),
        fc.array(
          fc.array(
            fc.record(
              {
                k: fc.constantFrom('a', 'b', 'c'),
                v: value,
                g: fc.option(fc.integer({ min: -1, max: 1 }), { nil: null }),
                s: fc.option(fc.record({ a: fc.integer({ min: 0, max: 1 }), b: fc.constantFrom('x', 'y"') }, { noNullPrototype: true }), { nil: null }),
              },
              { noNullPrototype: true },
            ),
            { maxLength: 12 },
          ),
          { minLength: 1, maxLength: 3 },
        ),
        fc.boolean(),
        fc.constantFrom(...GROUPINGS),
        (fns, tasks, star, grouping) => {
          const aggs = fns.map((fn, i) => (fn === 'count' && star ? count('*') : build[fn](col('v'))).alias(`a${i}`));
          const df = DataFrame.fromSource({ index: 0, format: 'memory', schema }).groupBy(...grouping.map((g) => col(g))).agg(...aggs);
          const plan = planQuery(df.plan, { sourceSchemas: [schema], outputMode: 'complete', shufflePartitions: 1 });
          const partials = tasks.flatMap((rows) => runMapStage(plan, 0, rows, { batchTimestampMs: 0, watermarkMs: 0 }).partials![0]!);
          const out = runStatefulPartition(plan, partials, new Store(), { batchTimestampMs: 0, watermarkMs: 0, outputMode: 'complete' }).rows;
          // Oracle: per task, generic fold in row order; then merge task states in task order.
          const specs: AggSpec[] = fns.map((fn) => ({ fn, star: fn === 'count' && star }));
          const expected = new Map<string, unknown[]>();
          for (const rows of tasks) {
            const local = new Map<string, unknown[]>();
            for (const r of rows) {
              const gk = JSON.stringify(grouping.map((g) => r[g as keyof typeof r]));
              const s = local.get(gk) ?? specs.map(initState);
              local.set(gk, s.map((x, i) => updateState(specs[i]!, x, specs[i]!.star ? null : r.v)));
            }
            for (const [k, s] of local) {
              const prev = expected.get(k);
              expected.set(k, prev === undefined ? s : prev.map((x, i) => mergeStates(specs[i]!, x, s[i])));
            }
          }
          const want = [...expected.keys()].map((gk) => ({
            ...Object.fromEntries(grouping.map((g, i) => [g, (JSON.parse(gk) as unknown[])[i]])),
            ...Object.fromEntries(specs.map((sp, i) => [`a${i}`, stateResult(sp, expected.get(gk)![i])])),
          }));
          const canon = (rows: readonly Row[]) => rows.map((r) => JSON.stringify(r, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v))).sort();
          assert.deepEqual(canon(out), canon(want));
        },
      ),
      runs(300, 3000),
    );
  });

  it('early-stopping eviction over ordered and fallback keys equals the reference GROUP BY', () => {
    const schemaT = StructType.fromDDL('k STRING, t TIMESTAMP, v INT');
    const MIN = 60_000_000;
    const HUGE = Math.ceil(2 ** 53 / MIN) * MIN;
    const time = fc.oneof(
      // Whole minutes: watermarks (max - 2 minutes) often land exactly on a window end or a key's time.
      fc.integer({ min: -15, max: 25 }).map((x) => x * MIN),
      fc.integer({ min: -15, max: 25 }).map((x) => x * MIN + 0.5), // fractional µs: `!` keys
      // Beyond safe integers (`!` keys); whole minutes there are still exact doubles.
      fc.integer({ min: 0, max: 12 }).map((x) => HUGE + x * MIN),
      fc.constantFrom(-HUGE - 2 * MIN, 2 ** 60),
    );
    fc.assert(
      fc.property(
        fc.array(fc.record({ k: fc.constantFrom('a', 'b'), t: time, v: fc.integer({ min: -9, max: 9 }) }, { noNullPrototype: true }), { maxLength: 40 }),
        fc.array(fc.nat(40), { maxLength: 3 }),
        fc.constantFrom<OutputMode>('append', 'update'),
        fc.boolean(),
        fc.integer({ min: 1, max: 3 }),
        (rows, cuts, mode, windowed, partitions) => {
          const base = DataFrame.fromSource({ index: 0, format: 'memory', schema: schemaT }).withWatermark('t', '2 minutes');
          const df = base.groupBy(windowed ? window(col('t'), '5 minutes') : col('t'), col('k')).agg(count('*').alias('n'), sum('v').alias('s'));
          const plan = planQuery(df.plan, { sourceSchemas: [schemaT], outputMode: mode, shufflePartitions: partitions });
          const stores = Array.from({ length: partitions }, () => new Store());
          const sortedRows = [...rows].sort((x, y) => x.t - y.t);
          const bounds = [...new Set([0, ...cuts.map((c) => Math.min(c, rows.length)), rows.length])].sort((a, b) => a - b);
          const emitted: Row[] = [];
          let wm = 0;
          let maxUs = -Infinity;
          let removed = 0;
          const wms: number[] = [];
          const batch = (slice: readonly Row[], watermarkMs: number) => {
            wms.push(watermarkMs > 0 ? watermarkMs * 1000 : -Infinity);
            const stage = openMapStage(plan, 0, { batchTimestampMs: 0, watermarkMs });
            stage.push(slice);
            const m = stage.finish();
            // Rows arrive in event-time order, so the watermark (max - 2 minutes) never passes one.
            assert.equal(m.numRowsDroppedByWatermark, 0);
            if (m.eventTime) maxUs = Math.max(maxUs, m.eventTime.max);
            m.partials!.forEach((p, i) => {
              const r = runStatefulPartition(plan, p, stores[i]!, { batchTimestampMs: 0, watermarkMs, outputMode: mode });
              emitted.push(...r.rows);
              // Append: a group is emitted in the first batch whose watermark reaches its event time.
              if (mode === 'append') {
                for (const row of r.rows) {
                  const e = windowed ? (row['window'] as { end: number }).end : (row['t'] as number);
                  assert.ok(wms.at(-1)! >= e && (wms.length === 1 || wms.at(-2)! < e), `emitted when its time ${e} closed`);
                }
              }
              removed += r.numRowsRemoved;
            });
          };
          for (let b = 0; b + 1 < bounds.length; b++) {
            batch(sortedRows.slice(bounds[b], bounds[b + 1]), wm);
            if (maxUs > -Infinity) wm = Math.max(wm, Math.floor(maxUs / 1000) - 2 * 60_000);
          }
          batch([], 2 ** 62 / 1000); // past every event: every group closes
          const expected = executeBatch(analyze(df.plan, { sourceSchemas: [schemaT] }), new Map([[0, rows]]), { nowUs: 0 });
          const keyOf = (r: Row) => JSON.stringify([r['window'] ?? r['t'], r['k']]);
          const latest = new Map<string, Row>();
          for (const r of emitted) latest.set(keyOf(r), r);
          if (mode === 'append') assert.equal(emitted.length, latest.size, 'append emits each group once');
          const sorted = (xs: Iterable<Row>) => [...xs].map((r) => JSON.stringify(r)).sort();
          assert.deepEqual(sorted(latest.values()), sorted(expected));
          assert.equal(removed, expected.length, 'every group evicted once');
          assert.equal(stores.reduce((n, s) => n + s.size, 0), 0);
        },
      ),
      runs(200, 2000),
    );
  });
});

describe('aggregation state of an earlier format', () => {
  const schemaT = StructType.fromDDL('k STRING, t TIMESTAMP, v DOUBLE');
  const src = DataFrame.fromSource({ index: 0, format: 'memory', schema: schemaT });
  const ctx = { batchTimestampMs: 0, watermarkMs: 10 ** 9, outputMode: 'append' as OutputMode };
  it('JSON window keys (before event-time ordering) are refused, not silently kept', () => {
    const plan = planQuery(src.withWatermark('t', '1 minute').groupBy(window(col('t'), '1 minute'), col('k')).agg(count('*').alias('n')).plan, { sourceSchemas: [schemaT], outputMode: 'append', shufflePartitions: 1 });
    const store = new Store();
    store.put('[[0,60000000],"a"]', [1]);
    assert.throws(() => runStatefulPartition(plan, [], store, ctx), { code: 'STATE_STORE_KEY_SCHEMA_NOT_COMPATIBLE' });
  });
  it('nested per-function states (before flat states) are refused', () => {
    const plan = planQuery(src.groupBy(col('k')).agg(avg('v').alias('a')).plan, { sourceSchemas: [schemaT], outputMode: 'complete', shufflePartitions: 1 });
    const store = new Store();
    store.put('["a"]', [[3, 2]]);
    assert.throws(() => runStatefulPartition(plan, [], store, { ...ctx, outputMode: 'complete' }), { code: 'STATE_STORE_VALUE_SCHEMA_NOT_COMPATIBLE' });
    const m = runMapStage(plan, 0, [{ k: 'a', t: 0, v: 1 }], { batchTimestampMs: 0, watermarkMs: 0 });
    assert.throws(() => runStatefulPartition(plan, m.partials![0]!, store, { ...ctx, outputMode: 'complete' }), { code: 'STATE_STORE_VALUE_SCHEMA_NOT_COMPATIBLE' });
  });
});
