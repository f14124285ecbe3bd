import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { StructType, type OutputMode, type Row } from '@weir/core';
import { PlannerErrors } from './errors.js';
import { DataFrame } from './dataframe.js';
import { avg, col, count, first, max, session_window, sum, window } from './functions.js';
import { planQuery } from './plan-query.js';
import { openMapStage, runMapStage, type MapStageResult } from './runtime.js';

// A map task streams its partition through the stage chunk by chunk: any chunking MUST give the
// result of one push of the whole partition (stateless: the chunks' rows concatenated; stateful:
// the same partials, event-time statistics, drop count and late rows). Rows are generated around
// the watermark so both dropped and kept rows occur.
const schema = StructType.fromDDL('k STRING, t TIMESTAMP, v INT');
const MIN = 60_000_000;

const QUERIES = ['filter', 'project', 'tumbling', 'sliding', 'session', 'key', 'dedup', 'dedupWithin'] as const;
type Query = (typeof QUERIES)[number];

function build(q: Query): { df: DataFrame; mode: OutputMode } {
  const base = DataFrame.fromSource({ index: 0, format: 'memory', schema }).withWatermark('t', '5 minutes');
  const aggs = [count('*').alias('n'), sum('v').alias('s'), avg('v').alias('a'), max('v').alias('hi'), first('v').alias('f')] as const;
  switch (q) {
    case 'filter':
      return { df: base.where(col('v').gt(0)), mode: 'append' };
    case 'project':
      return { df: base.select(col('k'), col('t'), col('v').multiply(2).alias('w')), mode: 'append' };
    case 'tumbling':
      return { df: base.groupBy(window(col('t'), '10 minutes'), col('k')).agg(...aggs), mode: 'append' };
    case 'sliding':
      return { df: base.groupBy(window(col('t'), '10 minutes', '4 minutes'), col('k')).agg(...aggs), mode: 'update' };
    case 'session':
      return { df: base.groupBy(session_window(col('t'), '3 minutes'), col('k')).agg(...aggs), mode: 'append' };
    case 'key':
      return { df: base.groupBy(col('t'), col('k')).agg(...aggs), mode: 'append' };
    case 'dedup':
      return { df: base.dropDuplicates(['k', 't']), mode: 'append' };
    case 'dedupWithin':
      return { df: base.dropDuplicatesWithinWatermark(['k']), mode: 'append' };
  }
}

const scenario = fc.record(
  {
    rows: fc.array(
      fc.record(
        {
          k: fc.constantFrom('a', 'b', 'c'),
          t: fc.option(fc.integer({ min: -40, max: 40 }).map((x) => x * (MIN / 2)), { freq: 8, nil: null }),
          v: fc.option(fc.integer({ min: -5, max: 5 }), { freq: 6, nil: null }),
        },
        { noNullPrototype: true },
      ),
      { maxLength: 50 },
    ),
    cuts: fc.array(fc.nat(50), { maxLength: 6 }),
    query: fc.constantFrom(...QUERIES),
    watermarkMs: fc.constantFrom(0, 60_000, -600_000, 600_000),
    partitions: fc.integer({ min: 1, max: 4 }),
  },
  { noNullPrototype: true },
);

describe('openMapStage (property)', () => {
  it('any chunking of a partition gives the result of one push', () => {
    fc.assert(
      fc.property(scenario, ({ rows, cuts, query, watermarkMs, partitions }) => {
        const { df, mode } = build(query);
        const plan = planQuery(df.plan, { sourceSchemas: [schema], outputMode: mode, shufflePartitions: partitions });
        const ctx = { batchTimestampMs: 7, watermarkMs, collectLateRows: true };
        const whole: MapStageResult = runMapStage(plan, 0, rows, ctx);
        const bounds = [...new Set([0, ...cuts.map((c) => Math.min(c, rows.length)), rows.length])].sort((a, b) => a - b);
        const run = openMapStage(plan, 0, ctx);
        const pushed: Row[] = [];
        for (let b = 0; b + 1 < bounds.length; b++) pushed.push(...run.push(rows.slice(bounds[b], bounds[b + 1])));
        const chunked = run.finish();
        assert.equal(chunked.rows, undefined);
        if (plan.stateful === null) {
          assert.deepEqual(pushed, whole.rows);
          assert.equal(whole.partials, undefined);
        } else {
          assert.deepEqual(pushed, []);
          assert.deepEqual(chunked.partials, whole.partials);
          assert.deepEqual(chunked.lateRows, whole.lateRows);
        }
        assert.deepEqual(chunked.eventTime, whole.eventTime);
        assert.equal(chunked.numRowsDroppedByWatermark, whole.numRowsDroppedByWatermark);
        // The statistics are those of the rows, whatever the chunking (oracle: a plain loop).
        const ts = rows.map((r) => r.t).filter((t): t is number => t !== null);
        assert.deepEqual(whole.eventTime, ts.length === 0 ? null : { min: Math.min(...ts), max: Math.max(...ts), sum: ts.reduce((a, b) => a + b, 0), count: ts.length });
      }),
      { seed: Number(process.env['FC_SEED'] ?? 42), numRuns: process.env['CI'] ? 600 : 150 },
    );
  });

  it('a finished stage refuses more work', () => {
    const plan = planQuery(build('filter').df.plan, { sourceSchemas: [schema], outputMode: 'append', shufflePartitions: 1 });
    const run = openMapStage(plan, 0, { batchTimestampMs: 0, watermarkMs: 0 });
    assert.deepEqual(run.push([{ k: 'a', t: 0, v: 1 }]), [{ k: 'a', t: 0, v: 1 }]);
    run.finish();
    assert.throws(() => run.push([]), { code: PlannerErrors.PLANNER_INTERNAL_ERROR.code });
  });
});
