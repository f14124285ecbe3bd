import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Packr } from 'msgpackr';
import { columnChunkToRows, StructType, type OutputMode, type Row, type StateStoreView } from '@weir/core';
import type { AggregateFunctionName } from './expression.js';
import { DataFrame } from './dataframe.js';
import { approx_count_distinct, avg, col, count, first, last, max, min, stddev, sum, window } from './functions.js';
import { planQuery, type AggregateOperator } from './plan-query.js';
import { openMapStage, runStatefulPartition } from './runtime.js';
import { runStatefulPartitionColumnar } from './columnar-stateful.js';
import { analyze } from './analyzer.js';
import { executeBatch } from './reference.js';
import { aggregateKernel } from './aggregate-kernel.js';
import { encodeKey, timePrefix } from './key-encoding.js';
import { expandWindowBlock, isBlockKey } from './window-blocks.js';

// Window-blocked aggregation state against the reference interpreter's GROUP BY, batch by batch:
// random rows over a few windows and many stations, out of order (so some are late), with null,
// negative, fractional and beyond-2^53 event times (the `!` fallback block) and NaN/±Infinity/-0
// key values; every aggregate function; 0-3 keys besides the event time; append, update and
// complete modes; 1 or 8 state partitions; 1-6 map tasks (so a window gets up to 7 inputs per
// batch: both the pairwise and the indexed merge). At every batch: the emitted rows, their order,
// the metrics, and the state itself (blocks expanded to groups) equal the reference.

const packr = new Packr({ moreTypes: true, useRecords: true, int64AsType: 'number' });

/** Values stored encoded with the engine Codec's msgpackr options; values handed out are checked for mutation after each batch. */
class CodecStore implements StateStoreView {
  readonly m = new Map<string, Uint8Array>();
  handedOut: Array<[Uint8Array, unknown]> = [];
  get(k: string) {
    const b = this.m.get(k);
    if (b === undefined) return undefined;
    const v = packr.unpack(b);
    this.handedOut.push([b, v]);
    return v;
  }
  put(k: string, v: unknown) {
    this.m.set(k, Uint8Array.prototype.slice.call(packr.pack(v)));
  }
  remove(k: string) {
    this.m.delete(k);
  }
  *entries() {
    for (const k of [...this.m.keys()].sort()) {
      const b = this.m.get(k);
      if (b === undefined) continue;
      const v = packr.unpack(b);
      this.handedOut.push([b, v]);
      yield [k, v] as const;
    }
  }
  get size() {
    return this.m.size;
  }
  clone() {
    const c = new CodecStore();
    for (const [k, v] of this.m) c.m.set(k, v);
    return c;
  }
  checkUnmutated() {
    for (const [b, v] of this.handedOut) assert.deepEqual(v, packr.unpack(b), 'a value got from the store was mutated');
    this.handedOut = [];
  }
}

const MIN = 60_000_000;
const HUGE = Math.ceil(2 ** 53 / MIN) * MIN;
const FNS: AggregateFunctionName[] = ['count', 'sum', 'avg', 'min', 'max', 'first', 'last', 'stddev', 'approx_count_distinct'];
// Float64Array blocks: every slot a number (sum/min/max of a numeric input as has-value + value).
const NUMERIC_FNS: AggregateFunctionName[] = ['count', 'avg', 'stddev', 'sum', 'min', 'max'];
const build = { count, sum, avg, min, max, first, last, stddev, approx_count_distinct } as const;
const EXTRA_KEYS: readonly (readonly string[])[] = [[], ['k'], ['k', 'd'], ['g', 's', 'k']];
const schema = StructType.fromDDL('id INT, k STRING, t TIMESTAMP, v DOUBLE, g INT, s STRUCT<a: INT, b: STRING>, d DOUBLE');

/** Numbers as text (NaN/±Infinity distinct; stddev's order-dependent rounding cut at 12 digits), rows sorted. */
const canonRow = (r: Row) => JSON.stringify(r, (_k, v: unknown) => (typeof v === 'number' ? (Number.isFinite(v) ? (Number.isInteger(v) ? v : Number(v.toPrecision(12))) : String(v)) : v));
const canon = (rows: readonly Row[]) => rows.map(canonRow).sort();

const time = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: -12 * 60, max: 20 * 60 }).map((x) => x * 1_000_000) },
  { weight: 1, arbitrary: fc.integer({ min: -12, max: 20 }).map((x) => x * MIN + 0.5) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 6 }).map((x) => HUGE + x * MIN) },
  { weight: 1, arbitrary: fc.constant(null) },
);
const row = fc.record(
  {
    // Some names JSON escapes (a newline: block texts are joined by '\n'), or not (U+2028, a surrogate pair).
    k: fc.oneof({ weight: 12, arbitrary: fc.integer({ min: 0, max: 40 }).map((i) => `ST-${i}`) }, { weight: 1, arbitrary: fc.constantFrom('a\nb', 'q"\\', '\u2028', '\u{1F600}', '') }),
    t: time,
    v: fc.option(fc.oneof({ weight: 10, arbitrary: fc.integer({ min: -20, max: 20 }) }, { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -Infinity, -0) }), { freq: 6, nil: null }),
    g: fc.option(fc.integer({ min: -1, max: 1 }), { nil: null }),
    s: fc.option(fc.record({ a: fc.integer({ min: 0, max: 1 }), b: fc.constantFrom('x', 'y"') }, { noNullPrototype: true }), { nil: null }),
    d: fc.constantFrom(NaN, Infinity, -Infinity, -0, 0, 1.5, null),
  },
  { noNullPrototype: true },
);

describe('window-blocked aggregation state (property)', () => {
  it('emits, counts and holds exactly the reference GROUP BY at every batch', () => {
    fc.assert(
      fc.property(
        fc.array(row, { maxLength: 80, size: 'medium' }),
        fc.array(fc.nat(80), { maxLength: 4 }),
        fc.oneof(fc.subarray(FNS, { minLength: 1 }), fc.subarray(NUMERIC_FNS, { minLength: 1 })),
        fc.boolean(),
        fc.constantFrom(...EXTRA_KEYS),
        fc.boolean(),
        fc.constantFrom<OutputMode>('append', 'update', 'complete'),
        fc.constantFrom(1, 8),
        fc.integer({ min: 1, max: 6 }),
        fc.boolean(),
        fc.boolean(),
        (raw, cuts, fns, star, extra, windowed, mode, partitions, tasks, narrow, onString) => {
          // Narrow: 2 stations over 10 minutes, so a group gets rows from many tasks and batches.
          const rows: Row[] = raw.map((r, id) => (narrow ? { id, ...r, k: r.k.startsWith('ST-') ? `ST-${Number(r.k.slice(3)) % 2}` : r.k, t: r.t !== null && Number.isSafeInteger(r.t) ? r.t % (10 * MIN) : r.t } : { id, ...r }));
          // min/max/first/last/approx_count_distinct of a STRING input: plain-array blocks.
          const input = (fn: AggregateFunctionName) => (onString && ['min', 'max', 'first', 'last', 'approx_count_distinct'].includes(fn) ? 'k' : 'v');
          const aggs = fns.map((fn, i) => (fn === 'count' && star ? count('*') : build[fn](col(input(fn)))).alias(`a${i}`));
          const et = windowed ? window(col('t'), '5 minutes') : col('t');
          const df = DataFrame.fromSource({ index: 0, format: 'memory', schema })
            .withWatermark('t', '2 minutes')
            .groupBy(et, ...extra.map((x) => col(x)))
            .agg(...aggs);
          const plan = planQuery(df.plan, { sourceSchemas: [schema], outputMode: mode, shufflePartitions: partitions });
          const op = plan.stateful as AggregateOperator;
          const kernel = aggregateKernel(op);
          assert.ok(kernel.ordered);
          const analyzed = analyze(df.plan, { sourceSchemas: [schema] });
          const reference = (rs: readonly Row[]) => executeBatch(analyzed, new Map([[0, rs]]), { nowUs: 0 });
          const etName = windowed ? 'window' : 't';
          const eventTime = (r: Row): number | null => (windowed ? ((r['window'] as { end: number } | null)?.end ?? null) : (r['t'] as number | null));
          const keyOf = (r: Row) => canonRow({ e: r[etName], ...Object.fromEntries(extra.map((x) => [x, r[x]])) });
          const fullKeyOf = (r: Row) => {
            const e = eventTime(r);
            const ev = windowed ? [(r['window'] as { start: number }).start, (r['window'] as { end: number }).end] : r['t'];
            const rest = extra.map((x) => r[x] ?? null);
            const p = timePrefix(e);
            return p !== null ? p + encodeKey(rest) : '!' + encodeKey([ev ?? null, ...rest]);
          };
          const stores = Array.from({ length: partitions }, () => new CodecStore());
          const bounds = [...new Set([0, ...cuts.map((c) => Math.min(c, rows.length)), rows.length])].sort((a, b) => a - b);
          let wmMs = 0;
          let maxUs = -Infinity;
          const aggregated: Row[] = [];
          const emittedKeys = new Set<string>();
          const emitted: Row[] = [];
          let lastOut: Row[] = [];
          const runBatch = (batch: readonly Row[]) => {
            const wmUs = wmMs * 1000;
            const parts: [string, unknown][][] = Array.from({ length: partitions }, () => []);
            const late = new Set<number>();
            // Contiguous task splits: task order is row order, so first/last are exact.
            for (let t = 0; t < tasks; t++) {
              const slice = batch.slice(Math.floor((t * batch.length) / tasks), Math.floor(((t + 1) * batch.length) / tasks));
              const stage = openMapStage(plan, 0, { batchTimestampMs: 0, watermarkMs: wmMs, collectLateRows: true });
              stage.push(slice);
              const m = stage.finish();
              assert.equal(m.numRowsDroppedByWatermark, m.lateRows?.length ?? 0);
              for (const r of m.lateRows ?? []) late.add(r['id'] as number);
              if (m.eventTime) maxUs = Math.max(maxUs, m.eventTime.max);
              // The shuffle: msgpack-encoded per partition, concatenated in task order.
              m.partials!.forEach((p, i) => parts[i]!.push(...(packr.unpack(packr.pack(p)) as [string, unknown][])));
              for (const p of m.partials!) for (const [key] of p) assert.ok(isBlockKey(key), `shuffle key ${key} is a block key`);
            }
            if (mode === 'complete') assert.equal(late.size, 0);
            const kept = batch.filter((r) => !late.has(r['id'] as number));
            aggregated.push(...kept);
            const touched = new Set(reference(kept).map(keyOf));
            const out: Row[] = [];
            let updated = 0;
            let removed = 0;
            let stateRows = 0;
            parts.forEach((p, i) => {
              const twin = stores[i]!.clone();
              const r = runStatefulPartition(plan, p, stores[i]!, { batchTimestampMs: 0, watermarkMs: wmMs, outputMode: mode });
              stores[i]!.checkUnmutated();
              // The columnar form (chunks of 1, 5 or 9 rows): the same rows in the same order, the same metrics, the same state.
              const c = runStatefulPartitionColumnar(plan, p, twin, { batchTimestampMs: 0, watermarkMs: wmMs, outputMode: mode }, 1 + (i % 3) * 4);
              assert.ok(c !== null, 'a window-blocked aggregation has a columnar form');
              assert.deepEqual(c.chunks.flatMap(columnChunkToRows).map(canonRow), r.rows.map(canonRow));
              assert.equal(c.numOutputRows, r.rows.length);
              assert.deepEqual([c.numRowsUpdated, c.numRowsRemoved, c.numStateRows], [r.numRowsUpdated, r.numRowsRemoved, r.numStateRows]);
              assert.deepEqual(twin.m, stores[i]!.m);
              // Deterministic order: each partition's rows sorted by full group key.
              const keys = r.rows.map(fullKeyOf);
              assert.deepEqual(keys, [...keys].sort(), 'rows in key order');
              out.push(...r.rows);
              updated += r.numRowsUpdated;
              removed += r.numRowsRemoved;
              stateRows += r.numStateRows ?? NaN;
            });
            assert.equal(updated, touched.size, 'numRowsUpdated = groups changed');
            const all = reference(aggregated);
            const closed = (r: Row) => mode !== 'complete' && wmUs > 0 && eventTime(r) !== null && (eventTime(r) as number) <= wmUs;
            const closedNow = all.filter((r) => closed(r) && !emittedKeys.has(keyOf(r)));
            if (mode === 'append') assert.deepEqual(canon(out), canon(closedNow));
            else if (mode === 'update') assert.deepEqual(canon(out), canon(all.filter((r) => touched.has(keyOf(r)))));
            else assert.deepEqual(canon(out), canon(all));
            assert.equal(removed, closedNow.length, 'numRowsRemoved = groups evicted');
            for (const r of closedNow) emittedKeys.add(keyOf(r));
            // The state, blocks expanded to groups, is every group not closed.
            const held: Row[] = [];
            for (const s of stores) {
              for (const [key, v] of s.entries()) {
                const groups = expandWindowBlock(key, v);
                assert.ok(groups !== null, `state ${key} is a window block`);
                assert.ok(groups.length > 0, 'no empty block is kept');
                for (const [gk, st] of groups) held.push(kernel.emit(gk, st));
              }
              s.checkUnmutated();
            }
            assert.deepEqual(canon(held), canon(all.filter((r) => !closed(r))));
            assert.equal(stateRows, held.length, 'numStateRows = groups held');
            emitted.push(...out);
            lastOut = out;
            if (maxUs > -Infinity) wmMs = Math.max(wmMs, Math.floor(maxUs / 1000) - 2 * 60_000);
          };
          for (let b = 0; b + 1 < bounds.length; b++) runBatch(rows.slice(bounds[b], bounds[b + 1]));
          const all = reference(aggregated);
          if (mode === 'complete') {
            assert.deepEqual(canon(bounds.length > 1 ? lastOut : []), canon(rows.length > 0 ? all : []));
            return;
          }
          // A no-data batch with the watermark past every event time closes every group that has one.
          maxUs = 2 ** 62;
          wmMs = 2 ** 62 / 1000;
          runBatch([]);
          if (mode === 'append') assert.deepEqual(canon(emitted), canon(all.filter((r) => eventTime(r) !== null)));
          else {
            const latest = new Map<string, Row>();
            for (const r of emitted) latest.set(keyOf(r), r);
            assert.deepEqual(canon([...latest.values()]), canon(all));
          }
        },
      ),
      { seed: Number(process.env['FC_SEED'] ?? 42), numRuns: process.env['CI'] ? 600 : 120 },
    );
  });
});
