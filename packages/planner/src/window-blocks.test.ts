import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StructType, type Row, type StateStoreView } from '@weir/core';
import { DataFrame } from './dataframe.js';
import { avg, col, count, window } from './functions.js';
import { planQuery } from './plan-query.js';
import { openMapStage, runMapStage, runStatefulPartition } from './runtime.js';
import { expandWindowBlock } from './window-blocks.js';

const schema = StructType.fromDDL('station STRING, t TIMESTAMP, v DOUBLE');
const MIN = 60_000_000;

describe('window blocks on the map side', () => {
  it('spread a window\'s groups evenly over the state partitions, and a station over windows', () => {
    const df = DataFrame.fromSource({ index: 0, format: 'memory', schema }).withWatermark('t', '10 minutes').groupBy(window(col('t'), '1 minute'), col('station')).agg(avg('v').alias('a'));
    const plan = planQuery(df.plan, { sourceSchemas: [schema], outputMode: 'append', shufflePartitions: 8 });
    const rows: Row[] = [];
    for (let m = 0; m < 16; m++) for (let s = 0; s < 1000; s++) rows.push({ station: `ST-${String(s).padStart(4, '0')}`, t: m * MIN + s, v: s });
    const stage = openMapStage(plan, 0, { batchTimestampMs: 0, watermarkMs: 0 });
    stage.push(rows);
    const partials = stage.finish().partials!;
    const perWindow = new Map<string, number[]>();
    const partitionsOfST7 = new Set<number>();
    partials.forEach((p, i) => {
      for (const [key, block] of p) {
        const groups = expandWindowBlock(key, block)!;
        (perWindow.get(key) ?? perWindow.set(key, new Array<number>(8).fill(0)).get(key)!)[i]! += groups.length;
        if (groups.some(([g]) => g.endsWith('["ST-0007"]'))) partitionsOfST7.add(i);
      }
    });
    assert.equal(perWindow.size, 16);
    for (const counts of perWindow.values()) {
      assert.equal(counts.reduce((a, b) => a + b, 0), 1000);
      for (const c of counts) assert.ok(c > 80 && c < 170, `a partition got ${c} of 1000 groups`);
    }
    assert.ok(partitionsOfST7.size >= 4, `one station's 16 windows land in ${partitionsOfST7.size} partitions`);
  });

  it('send one block per (window, partition), groups sorted, every group once', () => {
    const df = DataFrame.fromSource({ index: 0, format: 'memory', schema }).withWatermark('t', '10 minutes').groupBy(window(col('t'), '5 minutes'), col('station')).agg(count('*').alias('n'));
    const plan = planQuery(df.plan, { sourceSchemas: [schema], outputMode: 'update', shufflePartitions: 3 });
    const rows: Row[] = ['c', 'a', 'b', 'a', 'd', 'c'].map((station, i) => ({ station, t: i * MIN, v: 1 }));
    const partials = openMapStage(plan, 0, { batchTimestampMs: 0, watermarkMs: 0 });
    partials.push(rows);
    const all: Array<[string, unknown[]]> = [];
    for (const p of partials.finish().partials!) {
      assert.equal(new Set(p.map(([k]) => k)).size, p.length, 'a window at most once per partition');
      for (const [key, block] of p) {
        const groups = expandWindowBlock(key, block)!;
        const texts = groups.map(([g]) => g);
        assert.deepEqual(texts, [...texts].sort());
        all.push(...groups);
      }
    }
    all.sort(([a], [b]) => (a < b ? -1 : 1));
    assert.deepEqual(all, [
      ['0000000300000000|["a"]', [2]],
      ['0000000300000000|["b"]', [1]],
      ['0000000300000000|["c"]', [1]],
      ['0000000300000000|["d"]', [1]],
      ['0000000600000000|["c"]', [1]],
    ]);
  });

  it('emit one frozen window struct per window, shared by its rows (rows are immutable)', () => {
    const df = DataFrame.fromSource({ index: 0, format: 'memory', schema }).withWatermark('t', '1 minute').groupBy(window(col('t'), '5 minutes'), col('station')).agg(count('*').alias('n'));
    const plan = planQuery(df.plan, { sourceSchemas: [schema], outputMode: 'append', shufflePartitions: 1 });
    const m = new Map<string, unknown>();
    const store: StateStoreView = { get: (k) => m.get(k), put: (k, v) => void m.set(k, v), remove: (k) => void m.delete(k), entries: () => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : 1)), size: 0 };
    const ctx = { batchTimestampMs: 0, outputMode: 'append' as const };
    runStatefulPartition(plan, runMapStage(plan, 0, ['a', 'b', 'c'].map((station, i) => ({ station, t: i * 1000, v: 1 })), { batchTimestampMs: 0, watermarkMs: 0 }).partials![0]!, store, { ...ctx, watermarkMs: 0 });
    const rows = runStatefulPartition(plan, [], store, { ...ctx, watermarkMs: 10 * 60_000 }).rows;
    assert.deepEqual(rows.map((r) => r['station']), ['a', 'b', 'c']);
    assert.deepEqual(rows[0]!['window'], { start: 0, end: 5 * MIN });
    assert.ok(rows.every((r) => r['window'] === rows[0]!['window']));
    assert.ok(Object.isFrozen(rows[0]!['window']));
    assert.throws(() => {
      (rows[1]!['window'] as { start: number }).start = 1;
    }, TypeError);
  });
});
