import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { MemoryStream, StructType, type Row } from '@weir/core';
import { createSession, type StreamingQueryProgress } from '@weir/streaming';

// Spark's ad-monetisation example (Structured Streaming guide, "Inner Joins with optional
// Watermarking"): impressions and clicks, both watermarked, joined on the ad id with a
// time-range condition; DuckDB's join of every accepted row is the oracle.
const impressionSchema = StructType.fromDDL('adId STRING, impressionTime TIMESTAMP, campaign STRING');
const clickSchema = StructType.fromDDL('adId STRING, clickTime TIMESTAMP, user STRING');
const MIN = 60_000_000;
const T0 = Date.parse('2024-01-01T12:00:00Z') * 1000;
const at = (m: number) => T0 + m * MIN;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'weir-streaming-join-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const CONDITION = 'clickTime BETWEEN impressionTime AND impressionTime + interval 20 minutes';

/**
 * Deterministic batches: event time advances 10 minutes a batch, rows arrive up to 20 minutes
 * out of order (some late, most not), and each batch has one click 40 minutes old (always late
 * once a watermark exists).
 */
function makeBatches(): { impressions: Row[]; clicks: Row[] }[] {
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const ads = ['a1', 'a2', 'a3'];
  return Array.from({ length: 10 }, (_, b) => ({
    impressions: Array.from({ length: 8 }, (_, i) => ({
      adId: ads[Math.floor(rnd() * ads.length)] as string,
      impressionTime: at(10 * b - 20 + Math.floor(rnd() * 26)),
      campaign: `c${b}.${i}`,
    })),
    clicks: [
      ...Array.from({ length: 8 }, (_, i) => ({
        adId: ads[Math.floor(rnd() * ads.length)] as string,
        clickTime: at(10 * b - 20 + Math.floor(rnd() * 31)),
        user: `u${b}.${i}`,
      })),
      { adId: ads[b % ads.length] as string, clickTime: at(10 * b - 40), user: `late${b}` },
    ],
  }));
}

interface RunResult {
  rows: Row[];
  late: Row[];
  progress: StreamingQueryProgress[];
}

async function runQuery(name: string, conf: Record<string, string | number>, restartAfter: number | null): Promise<RunResult> {
  const session = createSession({ conf: { 'weir.executor.threads': 0, ...conf } });
  const late: Row[] = [];
  const progress: StreamingQueryProgress[] = [];
  session.streams.addListener({ onQueryProgress: (e) => progress.push(e.progress) });
  try {
    const impressions = new MemoryStream(impressionSchema);
    const clicks = new MemoryStream(clickSchema);
    const start = async () => {
      const df = session.readStream
        .memory(impressions)
        .withWatermark('impressionTime', '10 minutes')
        .join(session.readStream.memory(clicks).withWatermark('clickTime', '15 minutes'), 'adId', 'inner', { condition: CONDITION });
      return df.writeStream
        .format('memory')
        .outputMode('append')
        .queryName(name)
        .option('checkpointLocation', path.join(tmp, name))
        .onLateData((rows) => void late.push(...rows))
        .start();
    };
    let q = await start();
    const batches = makeBatches();
    for (const [i, b] of batches.entries()) {
      impressions.addData(b.impressions);
      clicks.addData(b.clicks);
      await q.processAllAvailable();
      if (restartAfter === i) {
        await q.stop();
        if (q.exception) throw q.exception;
        q = await start();
      }
    }
    await q.stop();
    if (q.exception) throw q.exception;
    return { rows: session.table(name).rows, late, progress };
  } finally {
    await session.close();
  }
}

const show = (r: Row) => JSON.stringify([r['adId'], r['impressionTime'], r['campaign'], r['clickTime'], r['user']]);

async function duckJoin(impressions: Row[], clicks: Row[]): Promise<string[]> {
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  const vals = (rows: Row[], t: string, s: string) => rows.map((r) => `('${String(r['adId'])}', make_timestamp(${String(r[t])}::BIGINT), '${String(r[s])}')`).join(',\n');
  await conn.run(`CREATE TABLE i(adId VARCHAR, impressionTime TIMESTAMP, campaign VARCHAR); INSERT INTO i VALUES ${vals(impressions, 'impressionTime', 'campaign')};`);
  await conn.run(`CREATE TABLE c(adId VARCHAR, clickTime TIMESTAMP, "user" VARCHAR); INSERT INTO c VALUES ${vals(clicks, 'clickTime', 'user')};`);
  const reader = await conn.runAndReadAll(`
    SELECT i.adId, epoch_us(i.impressionTime) AS it, i.campaign, epoch_us(c.clickTime) AS ct, c."user"
    FROM i JOIN c ON i.adId = c.adId
     AND c.clickTime BETWEEN i.impressionTime AND i.impressionTime + INTERVAL 20 MINUTES`);
  const out = reader.getRowObjectsJS().map((r) => JSON.stringify([r['adId'], Number(r['it']), r['campaign'], Number(r['ct']), r['user']]));
  conn.closeSync();
  return out.sort();
}

describe('stream-stream inner join through @weir/streaming', () => {
  it('equals DuckDB over the accepted rows, drops late clicks, bounds state, and a restart from the checkpoint, 1 or 8 partitions, 0 or 2 threads change nothing', async () => {
    const straight = await runQuery('join_straight', { 'weir.sql.shuffle.partitions': 8 }, null);
    const restarted = await runQuery('join_restart', { 'weir.sql.shuffle.partitions': 8 }, 3);
    const single = await runQuery('join_single', { 'weir.sql.shuffle.partitions': 1 }, null);
    const threaded = await runQuery('join_threads', { 'weir.sql.shuffle.partitions': 8, 'weir.executor.threads': 2 }, null);

    const batches = makeBatches();
    const lateIds = new Set(straight.late.map((r) => String(r['user'] ?? r['campaign'])));
    assert.equal(straight.late.length, lateIds.size);
    // Late: the 40-minute-old clicks once a watermark exists (from batch 1 on), and the rows
    // behind the watermark.
    for (let b = 1; b < batches.length; b++) assert.ok(lateIds.has(`late${b}`), `late${b} dropped`);
    assert.ok(!lateIds.has('late0'), 'nothing is late before the first watermark');
    assert.ok(lateIds.size > batches.length, `some out-of-order rows are late too (${lateIds.size})`);
    assert.deepEqual(restarted.late.map((r) => String(r['user'] ?? r['campaign'])).sort(), [...lateIds].sort());
    const dropped = straight.progress.reduce((n, p) => n + (p.stateOperators[0]?.numRowsDroppedByWatermark ?? 0), 0);
    assert.equal(dropped, straight.late.length, 'numRowsDroppedByWatermark counts each late row');

    const expected = await duckJoin(
      batches.flatMap((b) => b.impressions).filter((r) => !lateIds.has(r['campaign'] as string)),
      batches.flatMap((b) => b.clicks).filter((r) => !lateIds.has(r['user'] as string)),
    );
    assert.ok(expected.length > 10, `the data joins (${expected.length} pairs)`);
    assert.deepEqual(straight.rows.map(show).sort(), expected);
    assert.deepEqual(restarted.rows.map(show).sort(), expected, 'restart from the checkpoint');
    assert.deepEqual(single.rows.map(show).sort(), expected, 'shuffle partitions 1');
    assert.deepEqual(threaded.rows.map(show).sort(), expected, '2 worker threads');

    // Each side has its own delay (impressions 10 minutes, clicks 15): the watermark a batch uses
    // is min(max impression time − 10 min, max click time − 15 min) over the earlier batches.
    const seen = new Set(straight.progress.map((p) => p.eventTime['watermark']));
    for (let b = 1; b < batches.length; b++) {
      const maxOf = (rows: Row[], c: string) => Math.max(...rows.map((r) => r[c] as number)) / 1000;
      const earlier = batches.slice(0, b);
      const wm = Math.min(maxOf(earlier.flatMap((x) => x.impressions), 'impressionTime') - 10 * 60_000, maxOf(earlier.flatMap((x) => x.clicks), 'clickTime') - 15 * 60_000);
      assert.ok(seen.has(new Date(wm).toISOString()), `batch ${b} uses watermark ${new Date(wm).toISOString()} (seen: ${[...seen].join(', ')})`);
    }

    // State is evicted once the watermark passes the range: it stops growing with the input.
    const ops = straight.progress.filter((p) => p.stateOperators.length > 0).map((p) => p.stateOperators[0]);
    assert.equal(ops[0]?.operatorName, 'symmetricHashJoin');
    assert.ok(ops.reduce((n, o) => n + (o?.numRowsRemoved ?? 0), 0) > 0, 'some state rows were evicted');
  });
});
