import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MemoryStream, StructType, type Row } from '@weir/core';
import { col, window } from '@weir/planner';
import { createSession, type StreamingQueryProgress } from '@weir/streaming';

const schema = StructType.fromDDL('word STRING, ts TIMESTAMP');
const at = (hhmm: string): number => Date.parse(`2024-01-01T${hhmm}:00Z`) * 1000;
const iso = (us: number): string => new Date(us / 1000).toISOString();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'weir-streaming-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function windowRows(rows: readonly Row[]): string[] {
  return rows
    .map((r) => {
      const w = r['window'] as { start: number; end: number };
      return `${iso(w.start).slice(11, 16)}-${iso(w.end).slice(11, 16)} ${String(r['word'])} ${String(r['count'])}`;
    })
    .sort();
}

async function runSparkWatermarkExample(conf: Record<string, string | number>, outputMode: 'append' | 'update', name: string) {
  const session = createSession({ conf: { 'weir.executor.threads': 0, ...conf } });
  try {
    const stream = new MemoryStream(schema);
    const df = session.readStream
      .memory(stream)
      .withWatermark('ts', '10 minutes')
      .groupBy(window(col('ts'), '10 minutes'), col('word'))
      .count();
    const progress: StreamingQueryProgress[] = [];
    session.streams.addListener({ onQueryProgress: (e) => progress.push(e.progress) });
    const q = await df.writeStream.format('memory').outputMode(outputMode).queryName(name).option('checkpointLocation', path.join(tmp, name)).start();
    stream.addData([{ word: 'dog', ts: at('12:07') }, { word: 'cat', ts: at('12:08') }]);
    await q.processAllAvailable();
    const afterFirst = windowRows(session.table(name).rows);
    stream.addData([{ word: 'owl', ts: at('12:21') }, { word: 'dog', ts: at('12:09') }]);
    await q.processAllAvailable();
    const afterSecond = windowRows(session.table(name).rows);
    // 12:04 is older than the watermark (12:21 − 10 min = 12:11): dropped and counted.
    stream.addData([{ word: 'cat', ts: at('12:04') }]);
    await q.processAllAvailable();
    await q.stop();
    if (q.exception) throw q.exception;
    return { afterFirst, afterSecond, final: windowRows(session.table(name).rows), progress };
  } finally {
    await session.close();
  }
}

describe('late data', () => {
  it('routes rows dropped by the watermark to onLateData with the watermark at drop time', async () => {
    const session = createSession({ conf: { 'weir.executor.threads': 0 } });
    const stream = new MemoryStream(schema);
    const late: Array<{ word: unknown; watermarkMs: number }> = [];
    const df = session.readStream.memory(stream).withWatermark('ts', '10 minutes').groupBy(window(col('ts'), '10 minutes'), col('word')).count();
    const q = await df.writeStream
      .format('memory')
      .outputMode('append')
      .queryName('late')
      .option('checkpointLocation', path.join(tmp, 'late'))
      .onLateData((rows, info) => void late.push(...rows.map((r) => ({ word: r['word'], watermarkMs: info.watermarkMs }))))
      .start();
    stream.addData([{ word: 'owl', ts: at('12:21') }]);
    await q.processAllAvailable();
    stream.addData([{ word: 'cat', ts: at('12:04') }, { word: 'dog', ts: at('12:15') }]);
    await q.processAllAvailable();
    await q.stop();
    await session.close();
    assert.deepEqual(late, [{ word: 'cat', watermarkMs: at('12:11') / 1000 }]);
  });
});

describe('windowed aggregation with watermark (Spark programming guide example)', () => {
  it('append mode emits 12:00-12:10 once, after the watermark passes 12:10, and counts the late row as dropped', async () => {
    const r = await runSparkWatermarkExample({ 'weir.sql.shuffle.partitions': 8 }, 'append', 'append8');
    assert.deepEqual(r.afterFirst, []);
    assert.deepEqual(r.afterSecond, ['12:00-12:10 cat 1', '12:00-12:10 dog 2']);
    assert.deepEqual(r.final, ['12:00-12:10 cat 1', '12:00-12:10 dog 2']);
    const last = r.progress[r.progress.length - 1]!;
    assert.equal(last.stateOperators[0]?.numRowsDroppedByWatermark, 1);
    assert.equal(last.eventTime['watermark'], '2024-01-01T12:11:00.000Z');
    assert.ok(r.progress.some((p) => p.numInputRows === 0), 'a no-data batch ran when the watermark moved');
  });

  it('update mode emits changed windows every batch', async () => {
    const r = await runSparkWatermarkExample({ 'weir.sql.shuffle.partitions': 1 }, 'update', 'update1');
    assert.deepEqual(r.afterFirst, ['12:00-12:10 cat 1', '12:00-12:10 dog 1']);
    assert.deepEqual(r.afterSecond, ['12:00-12:10 cat 1', '12:00-12:10 dog 1', '12:00-12:10 dog 2', '12:20-12:30 owl 1']);
    // State rows are groups (Spark's numRowsTotal), though the store keeps one key per window.
    assert.equal(r.progress[0]?.stateOperators[0]?.numRowsTotal, 2);
    assert.equal(r.progress[0]?.stateOperators[0]?.numRowsUpdated, 2);
  });

  it('gives identical results for threads 0/1/2 and shuffle partitions 1/8', async () => {
    const results = [];
    for (const [threads, parts] of [
      [0, 1],
      [1, 8],
      [2, 1],
    ] as const) {
      const r = await runSparkWatermarkExample({ 'weir.executor.threads': threads, 'weir.sql.shuffle.partitions': parts }, 'append', `t${threads}p${parts}`);
      results.push(r.final);
    }
    for (const r of results) assert.deepEqual(r, results[0]);
    assert.deepEqual(results[0], ['12:00-12:10 cat 1', '12:00-12:10 dog 2']);
  });

  it('a restart keeps the frozen shuffle partitions of the checkpoint even when the session asks for others', async () => {
    const cp = path.join(tmp, 'frozen');
    const stream = new MemoryStream(schema);
    const run = async (partitions: number) => {
      const session = createSession({ conf: { 'weir.executor.threads': 0, 'weir.sql.shuffle.partitions': partitions } });
      const df = session.readStream.memory(stream).withWatermark('ts', '10 minutes').groupBy(window(col('ts'), '10 minutes'), col('word')).count();
      const q = await df.writeStream.format('memory').outputMode('update').queryName('frozen').option('checkpointLocation', cp).start();
      await q.processAllAvailable();
      await q.stop();
      await session.close();
      if (q.exception) throw q.exception;
      return { rows: windowRows(session.table('frozen').rows), progress: q.recentProgress };
    };
    stream.addData([{ word: 'dog', ts: at('12:07') }]);
    await run(8);
    stream.addData([{ word: 'dog', ts: at('12:08') }]);
    const second = await run(3);
    // The second run continues the first run's state (8 partitions): dog's count goes to 2.
    assert.deepEqual(second.rows, ['12:00-12:10 dog 2']);
    assert.equal(second.progress[0]?.stateOperators[0]?.numShufflePartitions, 8);
    assert.ok(fs.readdirSync(path.join(cp, 'state', '0')).length === 8);
  });
});
