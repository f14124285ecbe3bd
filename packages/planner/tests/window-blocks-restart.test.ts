import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StructType, type OutputMode, type Row } from '@weir/core';
import { createNodeEngine } from '@weir/node';
import { StateStoreProvider, readStateRows } from '@weir/state-store';
import { DataFrame, avg, col, count, expandWindowBlock, first, max, min, openMapStage, planQuery, runStatefulPartition, stddev, sum, window, type QueryPlan } from '@weir/planner';

// Window-blocked state through the real state store (FsStorage files, the MsgpackCodec): a query
// that restarts mid-stream (fresh providers, state read back from the delta/snapshot files)
// emits exactly what an uninterrupted run emits, with the same metrics; the state reader's rows
// expand into the groups; state of the earlier per-group layout is refused by name.

const engine = createNodeEngine();
after(() => engine.tasks.close());
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'weir-planner-'));

const schema = StructType.fromDDL('station STRING, t TIMESTAMP, v DOUBLE');
const MIN = 60_000_000;
const T0 = Date.parse('2026-01-01T00:00:00Z') * 1000;
let seed = 11;
const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
/** 6 batches of 300 readings of 20 stations, up to 3 minutes out of order, some values -0/null/fractional. */
const batches: Row[][] = Array.from({ length: 6 }, (_, b) =>
  Array.from({ length: 300 }, (_, i) => {
    const r = rnd();
    return { station: `ST-${String(Math.floor(rnd() * 20)).padStart(2, '0')}`, t: T0 + (b * 300 + i) * 2_000_000 - Math.floor(rnd() * 3 * MIN), v: r < 0.05 ? null : r < 0.1 ? -0 : Math.round(r * 400) / 10 };
  }),
);

const PARTITIONS = 3;
const TASKS = 2;

interface BatchOut {
  rows: string[];
  metrics: Array<{ updated: number; removed: number; groups: number | undefined; storeKeys: number }>;
}

/** Runs batches [from, to) over `providers`, loading version = batch id and committing each. */
async function runBatches(plan: QueryPlan, providers: StateStoreProvider[], from: number, to: number, state: { wmMs: number; maxUs: number }, mode: OutputMode): Promise<BatchOut[]> {
  const out: BatchOut[] = [];
  for (let b = from; b < to; b++) {
    const rows = batches[b] ?? [];
    const parts: [string, unknown][][] = Array.from({ length: PARTITIONS }, () => []);
    for (let t = 0; t < TASKS; t++) {
      const stage = openMapStage(plan, 0, { batchTimestampMs: 0, watermarkMs: state.wmMs });
      stage.push(rows.filter((_, i) => i % TASKS === t));
      const m = stage.finish();
      if (m.eventTime) state.maxUs = Math.max(state.maxUs, m.eventTime.max);
      m.partials!.forEach((p, i) => p.length > 0 && parts[i]!.push(...(engine.codec.decode(engine.codec.encode(p)) as [string, unknown][])));
    }
    const res: BatchOut = { rows: [], metrics: [] };
    for (let p = 0; p < PARTITIONS; p++) {
      const store = await providers[p]!.load(b);
      const r = runStatefulPartition(plan, parts[p]!, store, { batchTimestampMs: 0, watermarkMs: state.wmMs, outputMode: mode });
      await store.commit();
      res.rows.push(...r.rows.map((x) => JSON.stringify(x)));
      res.metrics.push({ updated: r.numRowsUpdated, removed: r.numRowsRemoved, groups: r.numStateRows, storeKeys: store.metrics().numRowsTotal });
    }
    out.push(res);
    state.wmMs = Math.max(state.wmMs, Math.floor(state.maxUs / 1000) - 5 * 60_000);
  }
  return out;
}

const providersFor = (dir: string) => Array.from({ length: PARTITIONS }, (_, partition) => new StateStoreProvider(engine, { checkpointLocation: dir, operatorId: 0, partition, minDeltasForSnapshot: 2 }));

describe('window-blocked state in the real state store', () => {
  it('the engine Codec round-trips a block exactly, -0 and NaN included (msgpack numbers would turn -0 into 0)', () => {
    const states = new Float64Array([-0, NaN, Infinity, -Infinity, 2 ** 60, 0.1, Number.MIN_VALUE]);
    const back = engine.codec.decode(engine.codec.encode([['0000000060000000|', ['weir.wb1', 1, '["a"]', states]]])) as [[string, [string, number, string, Float64Array]]];
    const st = back[0][1][3];
    assert.ok(st instanceof Float64Array);
    assert.deepEqual([...st].map((x) => Object.is(x, -0) ? '-0' : String(x)), [...states].map((x) => Object.is(x, -0) ? '-0' : String(x)));
    assert.equal(st.byteOffset, 0, 'decoded into its own buffer');
  });

  const src = DataFrame.fromSource({ index: 0, format: 'memory', schema }).withWatermark('t', '5 minutes');
  const layouts = {
    // Every slot a number (a numeric max as has-value + value): Float64Array blocks.
    numeric: src.groupBy(window(col('t'), '1 minute'), col('station')).agg(avg('v').alias('a'), count('*').alias('n'), stddev('v').alias('sd'), max('v').alias('hi')),
    // first() and a string max: plain-array blocks.
    mixed: src.groupBy(window(col('t'), '2 minutes'), col('station')).agg(avg('v').alias('a'), min('v').alias('lo'), max('station').alias('hi'), sum('v').alias('s'), first('v').alias('f')),
  };
  for (const [name, df] of Object.entries(layouts)) {
    for (const mode of ['append', 'update'] as const) {
      it(`${name} layout, ${mode}: a restart from the files emits what an uninterrupted run emits`, async () => {
        const plan = planQuery(df.plan, { sourceSchemas: [schema], outputMode: mode, shufflePartitions: PARTITIONS });
        const dirA = tmp();
        const dirB = tmp();
        const a = { wmMs: 0, maxUs: -Infinity };
        const straight = await runBatches(plan, providersFor(dirA), 0, 6, a, mode);
        const b = { wmMs: 0, maxUs: -Infinity };
        const first3 = await runBatches(plan, providersFor(dirB), 0, 3, b, mode);
        // Restart: new providers read versions 3.. back from the files (snapshot + deltas).
        const restarted = providersFor(dirB);
        assert.ok(restarted.every((p) => p.hotVersion === null));
        const rest = await runBatches(plan, restarted, 3, 6, b, mode);
        assert.deepEqual([...first3, ...rest], straight);
        const emitted = straight.flatMap((x) => x.rows).length;
        assert.ok(emitted > 100, `the run emitted rows (${emitted})`);
        // Blocks: far fewer store keys than groups.
        const last = straight.at(-1)!.metrics;
        assert.ok(last.reduce((n, m) => n + (m.groups ?? 0), 0) > last.reduce((n, m) => n + m.storeKeys, 0));
        // The state reader's rows are blocks; expanded, they are the groups held.
        const stateRows = await readStateRows(engine, dirA, 0);
        for (const r of stateRows) assert.equal((r.value as unknown[])[3] instanceof Float64Array, name === 'numeric', 'block states are a Float64Array iff every slot is a number');
        const groups = stateRows.flatMap((r) => expandWindowBlock(r.key, r.value) ?? assert.fail(`not a block: ${r.key}`));
        assert.equal(groups.length, last.reduce((n, m) => n + (m.groups ?? 0), 0));
        for (const [key, st] of groups) {
          assert.match(key, /^\d{16}\|\["ST-\d\d"\]$/);
          assert.equal(st.length, name === 'numeric' ? 2 + 1 + 3 + 2 : 2 + 2 + 1 + 2 + 2);
        }
      });
    }
  }

  it('state of the per-group layout is refused by name, not misread', async () => {
    const plan = planQuery(layouts.numeric.plan, { sourceSchemas: [schema], outputMode: 'append', shufflePartitions: 1 });
    const ctx = { batchTimestampMs: 0, watermarkMs: 0, outputMode: 'append' as OutputMode };
    const stage = openMapStage(plan, 0, { batchTimestampMs: 0, watermarkMs: 0 });
    stage.push(batches[0]!.slice(0, 10));
    const partials = stage.finish().partials![0]!;
    // An ordered per-group key (event time prefix + the other keys), as the previous layout stored.
    const oldKey = `${String(T0 + MIN).padStart(16, '0')}|["ST-01"]`;
    const dir = tmp();
    const [p] = providersFor(dir).slice(0, 1);
    const s0 = await p!.load(0);
    s0.put(oldKey, [21.5, 2, 2, 2, 10.75, 0.5, 1, 11]);
    await s0.commit();
    const s1 = await p!.load(1);
    assert.throws(() => runStatefulPartition(plan, partials, s1, ctx), { code: 'STATE_STORE_KEY_SCHEMA_NOT_COMPATIBLE' });
    s1.abort();
    // A block key holding something else than a block of this layout.
    const blockKey = partials[0]![0];
    const s2 = await new StateStoreProvider(engine, { checkpointLocation: tmp(), operatorId: 0, partition: 0 }).load(0);
    s2.put(blockKey, [21.5, 2]);
    assert.throws(() => runStatefulPartition(plan, partials, s2, ctx), { code: 'STATE_STORE_VALUE_SCHEMA_NOT_COMPATIBLE' });
    s2.abort();
    // A block of another layout (a plain array where this layout keeps a Float64Array).
    const s3 = await new StateStoreProvider(engine, { checkpointLocation: tmp(), operatorId: 0, partition: 0 }).load(0);
    s3.put(blockKey, ['weir.wb1', 1, '["ST-01"]', [1, 2, 3, 4, 5, 6, 7, 8]]);
    assert.throws(() => runStatefulPartition(plan, partials, s3, ctx), { code: 'STATE_STORE_VALUE_SCHEMA_NOT_COMPATIBLE' });
    s3.abort();
    // Window blocks read by an aggregation without an event-time key (the query changed, same checkpoint).
    const unordered = planQuery(DataFrame.fromSource({ index: 0, format: 'memory', schema }).groupBy(col('station')).agg(avg('v').alias('a'), first('v').alias('f')).plan, { sourceSchemas: [schema], outputMode: 'complete', shufflePartitions: 1 });
    const s4 = await new StateStoreProvider(engine, { checkpointLocation: tmp(), operatorId: 0, partition: 0 }).load(0);
    s4.put(blockKey, ['weir.wb1', 1, '["ST-01"]', [1, 2, 3, 4]]);
    assert.throws(() => runStatefulPartition(unordered, [], s4, { ...ctx, outputMode: 'complete' }), { code: 'STATE_STORE_KEY_SCHEMA_NOT_COMPATIBLE' });
    s4.abort();
  });
});
