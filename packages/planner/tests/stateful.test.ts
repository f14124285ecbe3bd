import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StructType, type Row } from '@weir/core';
import {
  DataFrame,
  col,
  count,
  sum,
  avg,
  min,
  max,
  first,
  last,
  stddev,
  approx_count_distinct,
  window,
  session_window,
  planQuery,
  runMapStage,
} from '@weir/planner';
import { hm, runStream, sortRows } from './harness.js';

const schema = StructType.fromDDL('user STRING, ts TIMESTAMP, v INT');
const src = DataFrame.fromSource({ index: 0, format: 'memory', schema });
const ev = (t: string, user: string, v = 1): Row => ({ user, ts: hm(t), v });
const win = (s: string, e: string) => ({ start: hm(s), end: hm(e) });

describe('session windows', () => {
  const sessions = src
    .withWatermark('ts', '10 minutes')
    .groupBy(session_window(col('ts'), '5 minutes'), col('user'))
    .agg(count('*').alias('n'), sum('v').alias('total'));
  it('merges events within the gap, across batches, and emits a session once the watermark passes its end', () => {
    const batches = [
      [ev('12:00', 'a'), ev('12:03', 'a'), ev('12:20', 'b')],
      [ev('12:07', 'a', 10), ev('12:30', 'b')], // extends a's session to 12:12; b's 12:20-12:25 stays separate
      [ev('12:50', 'c')], // watermark after this batch: 12:40
      [],
    ];
    for (const shufflePartitions of [1, 5]) {
      const { results } = runStream(sessions, [schema], batches, { outputMode: 'append', shufflePartitions, tasks: 2 });
      assert.deepEqual(results[0]!.rows, []);
      // Batch 2 uses watermark 12:10 (12:20 - 10 min): no session has ended by then (a ends 12:12).
      assert.deepEqual(results[1]!.rows, []);
      // Batch 3 uses watermark 12:20: a's session [12:00, 12:12) closed.
      assert.deepEqual(results[2]!.rows, [{ session_window: win('12:00', '12:12'), user: 'a', n: 3, total: 12 }]);
      // Batch 4 uses watermark 12:40: b's two sessions closed.
      assert.deepEqual(sortRows(results[3]!.rows), sortRows([
        { session_window: win('12:20', '12:25'), user: 'b', n: 1, total: 1 },
        { session_window: win('12:30', '12:35'), user: 'b', n: 1, total: 1 },
      ]));
    }
  });
  it('an event bridging two open sessions merges them', () => {
    const batches = [[ev('12:00', 'a'), ev('12:08', 'a')], [ev('12:04', 'a')], [ev('13:00', 'z')], []];
    const { results } = runStream(sessions, [schema], batches, { outputMode: 'append', shufflePartitions: 2 });
    const all = results.flatMap((r) => r.rows).filter((r) => r['user'] === 'a');
    assert.deepEqual(all, [{ session_window: win('12:00', '12:13'), user: 'a', n: 3, total: 3 }]);
  });
});

describe('sliding windows', () => {
  it('a row is counted in every window that contains it, including windows before the epoch', () => {
    const s2 = StructType.fromDDL('t TIMESTAMP');
    const df = DataFrame.fromSource({ index: 0, format: 'memory', schema: s2 }).groupBy(window(col('t'), '10 minutes', '5 minutes')).count();
    const minute = 60_000_000;
    const { results } = runStream(df, [s2], [[{ t: -1 }, { t: 0 }, { t: 7 * minute }]], { outputMode: 'complete', shufflePartitions: 3 });
    const w = (a: number, b: number) => ({ start: a * minute, end: b * minute });
    assert.deepEqual(sortRows(results[0]!.rows), sortRows([
      { window: w(-10, 0), count: 1 },
      { window: w(-5, 5), count: 2 },
      { window: w(0, 10), count: 2 },
      { window: w(5, 15), count: 1 },
    ]));
  });
});

describe('aggregate functions', () => {
  it('count/sum/avg/min/max/first/last/stddev per key, merged across tasks and batches', () => {
    const df = src.groupBy('user').agg(
      count('v').alias('c'),
      sum('v').alias('s'),
      avg('v').alias('a'),
      min('v').alias('lo'),
      max('v').alias('hi'),
      first('v').alias('f'),
      last('v').alias('l'),
      stddev('v').alias('sd'),
    );
    const rows = [ev('12:00', 'x', 2), ev('12:01', 'x', 4), ev('12:02', 'x', 4), ev('12:03', 'x', null as unknown as number), ev('12:04', 'x', 5), ev('12:05', 'x', 5), ev('12:06', 'x', 7), ev('12:07', 'x', 9), ev('12:08', 'y', 1)];
    const { results } = runStream(df, [schema], [rows.slice(0, 4), rows.slice(4)], { outputMode: 'complete', shufflePartitions: 2, tasks: 1 });
    const out = sortRows(results[1]!.rows);
    // x: 2,4,4,5,5,7,9 (the null is skipped) → sample stddev over n - 1.
    const xs = [2, 4, 4, 5, 5, 7, 9];
    const mean = 36 / 7;
    const sd = Math.sqrt(xs.reduce((acc, x) => acc + (x - mean) ** 2, 0) / 6);
    const { sd: gotSd, ...rest } = out[0] as Row;
    assert.deepEqual(rest, { user: 'x', c: 7, s: 36, a: mean, lo: 2, hi: 9, f: 2, l: 9 });
    assert.ok(Math.abs((gotSd as number) - sd) < 1e-12, `stddev ${String(gotSd)} ≈ ${sd}`);
    assert.equal((out[1] as Row)['sd'], null, 'stddev of one value is null');
  });
  it('approx_count_distinct is within 5% of the exact count (HyperLogLog, p = 9)', () => {
    const s2 = StructType.fromDDL('k STRING, id STRING');
    const df = DataFrame.fromSource({ index: 0, format: 'memory', schema: s2 }).groupBy('k').agg(approx_count_distinct('id').alias('d'));
    const rows: Row[] = [];
    for (let i = 0; i < 20000; i++) rows.push({ k: 'all', id: `id-${i % 5000}` });
    for (let i = 0; i < 50; i++) rows.push({ k: 'few', id: `x${i % 10}` });
    const { results } = runStream(df, [s2], [rows.slice(0, 7000), rows.slice(7000)], { outputMode: 'complete', shufflePartitions: 2, tasks: 3 });
    const out = Object.fromEntries(results[1]!.rows.map((r) => [r['k'], r['d']]));
    assert.ok(Math.abs((out['all'] as number) - 5000) / 5000 < 0.05, `estimate ${String(out['all'])}`);
    assert.equal(out['few'], 10);
  });
});

describe('deduplication', () => {
  it('dropDuplicates without watermark keeps the first row per key forever', () => {
    const df = src.dropDuplicates(['user']);
    const { results } = runStream(df, [schema], [[ev('12:00', 'a', 1), ev('12:01', 'a', 2), ev('12:00', 'b', 3)], [ev('12:05', 'a', 4), ev('12:06', 'c', 5)]], { outputMode: 'append', shufflePartitions: 3 });
    assert.deepEqual(sortRows(results[0]!.rows), sortRows([ev('12:00', 'a', 1), ev('12:00', 'b', 3)]));
    assert.deepEqual(results[1]!.rows, [ev('12:06', 'c', 5)]);
  });
  it('dropDuplicates with the event time as a key evicts state behind the watermark and drops late rows', () => {
    const df = src.withWatermark('ts', '10 minutes').dropDuplicates(['user', 'ts']);
    const { results } = runStream(
      df,
      [schema],
      [[ev('12:00', 'a'), ev('12:00', 'a', 2)], [ev('12:30', 'b')], [ev('12:00', 'a', 3), ev('12:25', 'b', 4), ev('12:30', 'b', 5)]],
      { outputMode: 'append', shufflePartitions: 2 },
    );
    assert.deepEqual(results[0]!.rows, [ev('12:00', 'a')]);
    // Batch 3 runs with watermark 12:20: (a, 12:00) is late → dropped and counted; (b, 12:30) is a duplicate.
    assert.deepEqual(results[2]!.rows, [ev('12:25', 'b', 4)]);
    assert.equal(results[2]!.numRowsDroppedByWatermark, 1);
  });
  it('dropDuplicatesWithinWatermark drops duplicates until first event time + delay passes the watermark', () => {
    const df = src.withWatermark('ts', '10 minutes').dropDuplicatesWithinWatermark(['user']);
    const { results } = runStream(
      df,
      [schema],
      // The empty batch is Spark's no-data batch, run because the watermark advanced: it evicts.
      [[ev('12:00', 'a', 1)], [ev('12:05', 'a', 2), ev('12:25', 'z')], [], [ev('12:30', 'a', 3)], [ev('12:40', 'a', 4)]],
      { outputMode: 'append', shufflePartitions: 2 },
    );
    assert.deepEqual(results[0]!.rows, [ev('12:00', 'a', 1)]);
    assert.deepEqual(results[1]!.rows, [ev('12:25', 'z')], 'a at 12:05 is a duplicate (expires 12:10)');
    // The no-data batch runs with watermark 12:15 ≥ 12:10 and evicts a's entry, so 12:30 a is new again.
    assert.deepEqual(results[2]!.rows, []);
    assert.deepEqual(results[3]!.rows, [ev('12:30', 'a', 3)]);
    assert.deepEqual(results[4]!.rows, [], '12:40 a is within 12:30 + 10 minutes');
  });
});

describe('stream-static joins', () => {
  const stations = DataFrame.fromRows(StructType.fromDDL('user STRING, name STRING'), [
    { user: 'a', name: 'Alpha' },
    { user: 'b', name: 'Beta' },
    { user: 'b', name: 'Beta2' },
    { user: null, name: 'Nobody' },
  ]);
  const rows = [ev('12:00', 'a', 1), ev('12:00', 'b', 2), ev('12:00', 'c', 3), { user: null, ts: 0, v: 4 }];
  const run = (df: DataFrame) => {
    const plan = planQuery(df.plan, { sourceSchemas: [schema], outputMode: 'append', shufflePartitions: 1 });
    return runMapStage(plan, 0, rows, { batchTimestampMs: 0, watermarkMs: 0 }).rows as Row[];
  };
  it('inner join emits one row per match; null keys never match', () => {
    assert.deepEqual(run(src.join(stations, 'user').select('user', 'v', 'name')), [
      { user: 'a', v: 1, name: 'Alpha' },
      { user: 'b', v: 2, name: 'Beta' },
      { user: 'b', v: 2, name: 'Beta2' },
    ]);
  });
  it('left outer join keeps unmatched stream rows with nulls; output is keys, left, right', () => {
    const out = run(src.join(stations, 'user', 'left'));
    assert.deepEqual(out.map((r) => Object.keys(r)), out.map(() => ['user', 'ts', 'v', 'name']));
    assert.deepEqual(out.map((r) => [r['user'], r['name']]), [['a', 'Alpha'], ['b', 'Beta'], ['b', 'Beta2'], ['c', null], [null, null]]);
  });
  it('a join feeding an aggregation runs in the map stage', () => {
    const df = src.join(stations, 'user').groupBy('name').agg(sum('v').alias('s'));
    const { results } = runStream(df, [schema], [rows], { outputMode: 'complete', shufflePartitions: 2 });
    assert.deepEqual(sortRows(results[0]!.rows), sortRows([{ name: 'Alpha', s: 1 }, { name: 'Beta', s: 2 }, { name: 'Beta2', s: 2 }]));
  });
});

describe('union', () => {
  it('unions two streams by position into one aggregation', () => {
    const s1 = StructType.fromDDL('k STRING, n INT');
    const s2 = StructType.fromDDL('key STRING, n LONG');
    const a = DataFrame.fromSource({ index: 0, format: 'memory', schema: s1 });
    const b = DataFrame.fromSource({ index: 1, format: 'memory', schema: s2 });
    const df = a.union(b).groupBy('k').agg(sum('n').alias('s'));
    const plan = planQuery(df.plan, { sourceSchemas: [s1, s2], outputMode: 'complete', shufflePartitions: 1 });
    assert.deepEqual(plan.sourceIndexes, [0, 1]);
    const m0 = runMapStage(plan, 0, [{ k: 'x', n: 1 }], { batchTimestampMs: 0, watermarkMs: 0 });
    const m1 = runMapStage(plan, 1, [{ key: 'x', n: 5 }], { batchTimestampMs: 0, watermarkMs: 0 });
    assert.equal(m0.partials?.[0]?.[0]?.[0], m1.partials?.[0]?.[0]?.[0], 'both sources produce the same key');
  });
});

describe('grouping keys', () => {
  it('NaN, null, -0/0 and infinities form Spark groups (NaN with NaN, -0 with 0, null apart)', () => {
    const s2 = StructType.fromDDL('x DOUBLE');
    const df = DataFrame.fromSource({ index: 0, format: 'memory', schema: s2 }).groupBy('x').agg(count('*').alias('n'));
    const xs = [NaN, NaN, null, 0, -0, Infinity, -Infinity, Infinity, 1.5];
    const { results } = runStream(df, [s2], [xs.map((x) => ({ x }))], { outputMode: 'complete', shufflePartitions: 3, tasks: 2 });
    const got = new Map(results[0]!.rows.map((r) => [String(r['x']), r['n']]));
    assert.deepEqual(Object.fromEntries([...got].sort()), { '-Infinity': 1, '0': 2, '1.5': 1, Infinity: 2, NaN: 2, null: 1 });
  });
  it('dropDuplicates keeps NaN and null keys apart', () => {
    const s2 = StructType.fromDDL('x DOUBLE');
    const df = DataFrame.fromSource({ index: 0, format: 'memory', schema: s2 }).dropDuplicates(['x']);
    const { results } = runStream(df, [s2], [[{ x: NaN }, { x: null }, { x: NaN }]], { outputMode: 'append', shufflePartitions: 2 });
    assert.equal(results[0]!.rows.length, 2);
  });
});
