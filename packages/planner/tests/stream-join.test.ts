import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { pack, unpack } from 'msgpackr';
import { StructType, type Row } from '@weir/core';
import { DataFrame, col, planQuery, runMapStage, runStatefulPartition, type QueryPlan } from '@weir/planner';
import { MemoryStateStore } from './harness.js';

const leftSchema = StructType.fromDDL('ad STRING, lt TIMESTAMP, lv INT');
const rightSchema = StructType.fromDDL('ad STRING, rt TIMESTAMP, rv INT');
const MIN = 60_000_000; // µs

interface Batch {
  readonly left: readonly Row[];
  readonly right: readonly Row[];
}

/**
 * The engine's batch loop in miniature for two sources: map tasks per side (rows split into
 * `tasks` chunks), msgpackr-encoded shuffle, stateful stage per partition, then the watermark
 * = min over sources that have seen data of (max event time − delay), never decreasing.
 */
function runJoin(plan: QueryPlan, batches: readonly Batch[], tasks: number) {
  const stores = Array.from({ length: plan.shufflePartitions }, () => new MemoryStateStore());
  const maxBySource = new Map<number, number>();
  let watermarkMs = 0;
  const out: Row[] = [];
  const late: Row[] = [];
  let dropped = 0;
  const stateSizes: number[] = [];
  batches.forEach((b, batchId) => {
    const partials: [string, unknown][][] = Array.from({ length: plan.shufflePartitions }, () => []);
    for (const [source, rows] of [[0, b.left], [1, b.right]] as const) {
      const split: Row[][] = Array.from({ length: tasks }, () => []);
      rows.forEach((r, i) => (split[i % tasks] as Row[]).push(r));
      for (const chunk of split) {
        const m = runMapStage(plan, source, chunk, { batchTimestampMs: batchId * 1000, watermarkMs, collectLateRows: true });
        assert.equal(m.rows, undefined);
        if (m.eventTime) maxBySource.set(source, Math.max(maxBySource.get(source) ?? -Infinity, m.eventTime.max));
        dropped += m.numRowsDroppedByWatermark;
        late.push(...(m.lateRows ?? []));
        m.partials?.forEach((p, i) => (partials[i] as [string, unknown][]).push(...(unpack(pack(p)) as [string, unknown][])));
      }
    }
    partials.forEach((p, i) => {
      const r = runStatefulPartition(plan, p, stores[i] as MemoryStateStore, { batchTimestampMs: batchId * 1000, watermarkMs, outputMode: 'append' });
      out.push(...r.rows);
    });
    stateSizes.push(stores.reduce((n, s) => n + [...s.entries()].reduce((m, [, v]) => m + (v as unknown[]).length, 0), 0));
    if (plan.watermarks.length > 0 && maxBySource.size > 0) {
      const delay = new Map(plan.watermarks.map((w) => [w.sourceIndex, w.delayMs]));
      const candidates = [...maxBySource].map(([s, us]) => Math.floor(us / 1000) - (delay.get(s) ?? 0));
      watermarkMs = Math.max(watermarkMs, Math.min(...candidates));
    }
  });
  return { out, late, dropped, stateSizes, watermarkMs };
}

/** Naive nested-loop inner join: ad equal (nulls never match) and lt − rt within [lo, hi] (minutes). */
function referenceJoin(left: readonly Row[], right: readonly Row[], loMin: number | null, hiMin: number | null): string[] {
  const res: string[] = [];
  for (const l of left) {
    for (const r of right) {
      if (l['ad'] === null || l['ad'] !== r['ad']) continue;
      if (loMin !== null && hiMin !== null) {
        const d = (l['lt'] as number) - (r['rt'] as number);
        if (!(d >= loMin * MIN && d <= hiMin * MIN)) continue;
      }
      res.push(show({ ad: l['ad'], lt: l['lt'], lv: l['lv'], rt: r['rt'], rv: r['rv'] }));
    }
  }
  return res.sort();
}

const show = (r: Row) => JSON.stringify([r['ad'], r['lt'], r['lv'], r['rt'], r['rv']]);

const leftStream = (wm: boolean) => {
  const s = DataFrame.fromSource({ index: 0, format: 'memory', schema: leftSchema });
  return wm ? s.withWatermark('lt', '10 minutes') : s;
};
const rightStream = (wm: boolean, delay = '10 minutes') => {
  const s = DataFrame.fromSource({ index: 1, format: 'memory', schema: rightSchema });
  return wm ? s.withWatermark('rt', delay) : s;
};

const rowArb = (timeCol: 'lt' | 'rt', valCol: 'lv' | 'rv') =>
  fc.record(
    {
      ad: fc.constantFrom('a', 'b', 'c', null),
      // Whole minutes, or one µs past: exercises the inclusive bounds and the `<=` watermark edges.
      [timeCol]: fc.tuple(fc.integer({ min: -20, max: 20 }), fc.integer({ min: 0, max: 1 })).map(([m, e]) => m * MIN + e),
      [valCol]: fc.integer({ min: 0, max: 9 }),
    },
    { noNullPrototype: true },
  ) as fc.Arbitrary<Row>;

// Conditions in Spark's spellings, with the bounds the reference applies to lt − rt (minutes).
const conditions: readonly { text: string; lo: number; hi: number }[] = [
  { text: 'lt BETWEEN rt - interval 5 minutes AND rt + interval 5 minutes', lo: -5, hi: 5 },
  { text: 'lt >= rt AND lt <= rt + interval 15 minutes', lo: 0, hi: 15 },
  { text: 'rt BETWEEN lt - interval 2 minutes AND lt + interval 20 minutes', lo: -20, hi: 2 },
  { text: 'lt <= rt - interval 1 minute AND lt >= rt - interval 30 minutes', lo: -30, hi: -1 },
];

describe('stream-stream inner join (planner runtime)', () => {
  for (const partitions of [1, 8]) {
    it(`equals a nested-loop join over the accepted rows, shuffle partitions ${partitions}`, () => {
      fc.assert(
        fc.property(
          fc.array(fc.record({ left: fc.array(rowArb('lt', 'lv'), { maxLength: 12 }), right: fc.array(rowArb('rt', 'rv'), { maxLength: 12 }) }, { noNullPrototype: true }), { minLength: 1, maxLength: 8 }),
          fc.integer({ min: 0, max: conditions.length }),
          fc.boolean(),
          fc.integer({ min: 1, max: 3 }),
          fc.constantFrom('10 minutes', '3 minutes', '25 minutes'),
          (generated, ci, watermarked, tasks, rightDelay) => {
            // Event time moves forward ~8 minutes a batch, with rows up to 20 minutes early or
            // late, so the watermark advances, some rows are late and state is evicted.
            const shift = (rows: readonly Row[], col: string, i: number) => rows.map((r) => ({ ...r, [col]: (r[col] as number) + (60 + 8 * i) * MIN }));
            const batches = generated.map((b, i) => ({ left: shift(b.left, 'lt', i), right: shift(b.right, 'rt', i) }));
            const cond = conditions[ci];
            const df = leftStream(watermarked).join(rightStream(watermarked, rightDelay), 'ad', 'inner', cond ? { condition: cond.text } : {});
            const plan = planQuery(df.plan, { sourceSchemas: [leftSchema, rightSchema], outputMode: 'append', shufflePartitions: partitions });
            const { out, late, dropped } = runJoin(plan, batches, tasks);
            assert.equal(dropped, late.length);
            const lateSet = new Set(late);
            // Rows crossing the map stage are copies; identify dropped ones by content count.
            const lateCounts = new Map<string, number>();
            for (const r of lateSet) lateCounts.set(JSON.stringify(r), (lateCounts.get(JSON.stringify(r)) ?? 0) + 1);
            const accept = (rows: Row[]) =>
              rows.filter((r) => {
                const k = JSON.stringify(r);
                const n = lateCounts.get(k) ?? 0;
                if (n > 0) {
                  lateCounts.set(k, n - 1);
                  return false;
                }
                return true;
              });
            const acceptedL = accept(batches.flatMap((b) => b.left));
            const acceptedR = accept(batches.flatMap((b) => b.right));
            assert.ok([...lateCounts.values()].every((n) => n === 0), 'every late row is an input row');
            if (!watermarked) assert.equal(dropped, 0);
            assert.deepEqual(out.map(show).sort(), referenceJoin(acceptedL, acceptedR, cond?.lo ?? null, cond?.hi ?? null));
          },
        ),
        { seed: Number(process.env.FC_SEED ?? 42), numRuns: process.env.CI ? 300 : 60 },
      );
    });
  }

  it('evicts state once the watermark passes the time range, and drops and counts late rows', () => {
    const df = leftStream(true).join(rightStream(true), 'ad', 'inner', { condition: 'lt BETWEEN rt - interval 5 minutes AND rt + interval 5 minutes' });
    const plan = planQuery(df.plan, { sourceSchemas: [leftSchema, rightSchema], outputMode: 'append', shufflePartitions: 4 });
    const t = (m: number) => m * MIN;
    const batches: Batch[] = [
      { left: [{ ad: 'a', lt: t(0), lv: 1 }, { ad: 'b', lt: t(1), lv: 2 }], right: [{ ad: 'a', rt: t(3), rv: 1 }] },
      // Max event times 30 (left) and 30 (right) → watermark 20 min for the next batch.
      { left: [{ ad: 'c', lt: t(30), lv: 3 }], right: [{ ad: 'c', rt: t(30), rv: 3 }] },
      // Under watermark 20: the rows at 0..3 min are evictable; a right row at 10 min is late.
      { left: [], right: [{ ad: 'a', rt: t(10), rv: 9 }, { ad: 'c', rt: t(33), rv: 4 }] },
    ];
    const { out, dropped, late, stateSizes } = runJoin(plan, batches, 1);
    assert.deepEqual(stateSizes.slice(0, 2), [3, 5], 'all rows are buffered while no watermark exists');
    assert.equal(stateSizes[2], 3, 'rows at 0, 1, 3 minutes evicted, c rows at 30, 30, 33 kept');
    assert.equal(dropped, 1);
    assert.deepEqual(late, [{ ad: 'a', rt: t(10), rv: 9 }]);
    assert.deepEqual(out.map(show).sort(), [show({ ad: 'a', lt: t(0), lv: 1, rt: t(3), rv: 1 }), show({ ad: 'c', lt: t(30), lv: 3, rt: t(30), rv: 3 }), show({ ad: 'c', lt: t(30), lv: 3, rt: t(33), rv: 4 })].sort());
  });

  it('keeps exactly the state rows a future row can still match (inclusive bounds at the watermark edge)', () => {
    const df = leftStream(true).join(rightStream(true), 'ad', 'inner', { condition: 'lt BETWEEN rt - interval 5 minutes AND rt + interval 5 minutes' });
    const plan = planQuery(df.plan, { sourceSchemas: [leftSchema, rightSchema], outputMode: 'append', shufflePartitions: 3 });
    const t = (m: number, us = 0) => m * MIN + us;
    const batches: Batch[] = [
      // Watermark after this batch: min(30, 30) − 10 = 20 minutes.
      {
        left: [{ ad: 'a', lt: t(15), lv: 1 }, { ad: 'a', lt: t(15, 1), lv: 2 }, { ad: 'z', lt: t(30), lv: 0 }],
        right: [{ ad: 'b', rt: t(15), rv: 1 }, { ad: 'b', rt: t(15, 1), rv: 2 }, { ad: 'z', rt: t(30), rv: 0 }],
      },
      // Watermark 20 stays: left rows with lt <= 20 − 5 and right rows with rt <= 20 − 5 are evicted.
      { left: [], right: [] },
      // Rows just past the watermark (20 min + 1 µs) still match the kept rows at the range edge.
      { left: [{ ad: 'b', lt: t(20, 1), lv: 3 }], right: [{ ad: 'a', rt: t(20, 1), rv: 3 }] },
    ];
    const { out, stateSizes, dropped } = runJoin(plan, batches, 1);
    assert.equal(dropped, 0);
    assert.deepEqual(stateSizes, [6, 4, 6]);
    assert.deepEqual(
      out.map(show).sort(),
      [
        show({ ad: 'z', lt: t(30), lv: 0, rt: t(30), rv: 0 }),
        show({ ad: 'a', lt: t(15, 1), lv: 2, rt: t(20, 1), rv: 3 }),
        show({ ad: 'b', lt: t(20, 1), lv: 3, rt: t(15, 1), rv: 2 }),
      ].sort(),
    );
  });

  it('keeps state forever without a time range (Spark allows it for inner joins)', () => {
    const df = leftStream(true).join(rightStream(true), 'ad');
    const plan = planQuery(df.plan, { sourceSchemas: [leftSchema, rightSchema], outputMode: 'append', shufflePartitions: 2 });
    const batches: Batch[] = [0, 30, 60, 90].map((m) => ({ left: [{ ad: 'a', lt: m * MIN, lv: m }], right: [{ ad: 'b', rt: m * MIN, rv: m }] }));
    const { stateSizes } = runJoin(plan, batches, 1);
    assert.deepEqual(stateSizes, [2, 4, 6, 8]);
  });

  it('explains as StreamingSymmetricHashJoin and applies operators above the join', () => {
    const df = leftStream(true)
      .join(rightStream(true, '3 minutes'), 'ad', 'inner', { condition: 'lt >= rt AND lt <= rt + interval 1 hour' })
      .where(col('lv').gt(col('rv')))
      .select('ad', 'lv', 'rv');
    const plan = planQuery(df.plan, { sourceSchemas: [leftSchema, rightSchema], outputMode: 'append', shufflePartitions: 2 });
    assert.match(plan.explain, /StreamingSymmetricHashJoin \[ad\], \[ad\], Inner, condition=\(\(lt >= rt\) AND \(lt <= rt \+ interval 3600000 milliseconds\)\)/);
    assert.deepEqual(plan.watermarks, [
      { sourceIndex: 0, column: 'lt', delayMs: 600_000 },
      { sourceIndex: 1, column: 'rt', delayMs: 180_000 },
    ]);
    const { out } = runJoin(plan, [{ left: [{ ad: 'a', lt: 10 * MIN, lv: 5 }, { ad: 'a', lt: 11 * MIN, lv: 1 }], right: [{ ad: 'a', rt: 9 * MIN, rv: 3 }] }], 1);
    assert.deepEqual(out, [{ ad: 'a', lv: 5, rv: 3 }]);
  });

  it('casts join keys of different types to their common type (DATE = TIMESTAMP at midnight UTC)', () => {
    const ls = StructType.fromDDL('day DATE, x INT');
    const rs = StructType.fromDDL('day TIMESTAMP, y INT');
    const df = DataFrame.fromSource({ index: 0, format: 'memory', schema: ls }).join(DataFrame.fromSource({ index: 1, format: 'memory', schema: rs }), 'day');
    const plan = planQuery(df.plan, { sourceSchemas: [ls, rs], outputMode: 'append', shufflePartitions: 4 });
    const dayUs = 19_000 * 86_400 * 1_000_000;
    const { out } = runJoin(plan, [{ left: [{ day: 19_000, x: 1 }, { day: 19_001, x: 2 }], right: [{ day: dayUs, y: 3 }, { day: dayUs + 1, y: 4 }] }], 1);
    assert.deepEqual(out, [{ day: dayUs, x: 1, y: 3 }]);
  });

  it('self-joins one source (both sides in one map stage, told apart by side)', () => {
    const src = DataFrame.fromSource({ index: 0, format: 'memory', schema: leftSchema });
    const df = src.join(src.select(col('ad'), col('lt').alias('lt2'), col('lv').alias('lv2')), 'ad', 'inner', { condition: 'lt2 > lt AND lt2 <= lt + interval 10 minutes' });
    const plan = planQuery(df.plan, { sourceSchemas: [leftSchema], outputMode: 'append', shufflePartitions: 2 });
    assert.equal(plan.mapStages.length, 1);
    const rows = [0, 5, 12, 30].map((m, i) => ({ ad: 'a', lt: m * MIN, lv: i }));
    const [first, second] = [rows.slice(0, 2), rows.slice(2)];
    const { out } = runJoin(plan, [{ left: first, right: [] }, { left: second, right: [] }], 2);
    const pairs = out.map((r) => `${(r['lt'] as number) / MIN}->${(r['lt2'] as number) / MIN}`).sort();
    assert.deepEqual(pairs, ['0->5', '5->12']);
  });

  it('rejects outer stream-stream joins, update mode, bad conditions and non-timestamp range columns', () => {
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as { code?: string }).code;
      }
      return 'none';
    };
    const plan = (df: DataFrame, outputMode: 'append' | 'update' = 'append') => planQuery(df.plan, { sourceSchemas: [leftSchema, rightSchema], outputMode, shufflePartitions: 2 });
    assert.equal(code(() => plan(leftStream(true).join(rightStream(true), 'ad', 'left_outer'))), 'UNSUPPORTED_STREAMING_OPERATION');
    assert.equal(code(() => plan(leftStream(true).join(rightStream(true), 'ad'), 'update')), 'STREAMING_OUTPUT_MODE_UNSUPPORTED');
    assert.equal(code(() => leftStream(true).join(rightStream(true), 'ad', 'inner', { condition: 'lt = rt' })), 'INVALID_EXPRESSION');
    assert.equal(code(() => plan(leftStream(true).join(rightStream(true), 'ad', 'inner', { condition: 'lv BETWEEN rv AND rv' }))), 'DATATYPE_MISMATCH');
    assert.equal(code(() => plan(leftStream(true).join(rightStream(true), 'ad', 'inner', { condition: 'lt BETWEEN nope AND nope' }))), 'UNRESOLVED_COLUMN');
  });
});
