import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StructType } from '@weir/core';
import { DataFrame, col, count, window } from '@weir/planner';
import { hm, runStream, sortRows } from './harness.js';

// The Structured Streaming Programming Guide's "Handling Late Data and Watermarking" example:
// words.withWatermark("timestamp", "10 minutes").groupBy(window(timestamp, "10 minutes", "5 minutes"), word).count()
// Triggers every 5 minutes; the watermark after a trigger is max(event time) - 10 minutes.
const schema = StructType.fromDDL('word STRING, timestamp TIMESTAMP');
const words = DataFrame.fromSource({ index: 0, format: 'memory', schema });
const windowed = words
  .withWatermark('timestamp', '10 minutes')
  .groupBy(window(col('timestamp'), '10 minutes', '5 minutes'), col('word'))
  .count();
const ev = (t: string, word: string) => ({ word, timestamp: hm(t) });
const batches = [
  [ev('12:07', 'dog'), ev('12:08', 'owl')], // trigger 12:10
  [ev('12:14', 'dog'), ev('12:09', 'cat')], // trigger 12:15
  [ev('12:15', 'cat'), ev('12:08', 'dog'), ev('12:13', 'owl'), ev('12:21', 'owl')], // trigger 12:20
  [ev('12:17', 'owl'), ev('12:04', 'donkey')], // trigger 12:25: watermark is 12:11
  [], // a no-data batch: the watermark advanced to 12:11 → 12:07
];
const win = (s: string, e: string) => ({ start: hm(s), end: hm(e) });

describe("Spark guide's windowed word count with watermark", () => {
  for (const shufflePartitions of [1, 8]) {
    for (const tasks of [1, 3]) {
      it(`append mode emits 12:00-12:10 once, after the watermark passes 12:10 (partitions=${shufflePartitions}, tasks=${tasks})`, () => {
        const { results } = runStream(windowed, [schema], batches, { outputMode: 'append', shufflePartitions, tasks });
        // Watermarks used by each batch: 0, then max(event time) - 10 minutes of the batches before.
        assert.deepEqual(results.map((r) => r.watermarkMs), [0, hm('11:58') / 1000, hm('12:04') / 1000, hm('12:11') / 1000, hm('12:11') / 1000]);
        // Nothing is final before the watermark reaches 12:10.
        assert.deepEqual(results[0]!.rows, []);
        assert.deepEqual(results[1]!.rows, []);
        assert.deepEqual(results[2]!.rows, []);
        // Watermark 12:11 (set at the end of the 12:20 trigger): 12:00-12:10 is complete.
        // 12:08 dog arrived when the watermark was 12:04, within the delay: it is counted.
        assert.deepEqual(sortRows(results[3]!.rows), sortRows([
          { window: win('12:00', '12:10'), word: 'cat', count: 1 },
          { window: win('12:00', '12:10'), word: 'dog', count: 2 },
          { window: win('12:00', '12:10'), word: 'owl', count: 1 },
        ]));
        // 12:04 donkey is older than the watermark (12:11) in every window → dropped and counted, not aggregated.
        assert.equal(results[3]!.numRowsDroppedByWatermark, 1);
        assert.deepEqual(results[3]!.lateRows, [ev('12:04', 'donkey')]);
        // Each window is emitted exactly once over the whole run.
        const all = results.flatMap((r) => r.rows.map((x) => JSON.stringify([x['window'], x['word']])));
        assert.equal(new Set(all).size, all.length);
      });
    }
  }

  it('no row within the delay is ever dropped, and a row beyond it is dropped and counted', () => {
    const { results } = runStream(windowed, [schema], batches, { outputMode: 'update', shufflePartitions: 2 });
    const dropped = results.reduce((s, r) => s + r.numRowsDroppedByWatermark, 0);
    assert.equal(dropped, 1);
    // The 12:08 dog (batch 3, watermark 12:04) is within the delay: update mode shows its windows updated.
    const b2 = results[2]!.rows.filter((r) => r['word'] === 'dog');
    assert.deepEqual(sortRows(b2), sortRows([
      { window: win('12:00', '12:10'), word: 'dog', count: 2 },
      { window: win('12:05', '12:15'), word: 'dog', count: 3 },
    ]));
  });

  it('update mode emits only the keys changed in the batch', () => {
    const { results } = runStream(windowed, [schema], batches, { outputMode: 'update', shufflePartitions: 2 });
    assert.deepEqual(sortRows(results[0]!.rows), sortRows([
      { window: win('12:00', '12:10'), word: 'dog', count: 1 },
      { window: win('12:05', '12:15'), word: 'dog', count: 1 },
      { window: win('12:00', '12:10'), word: 'owl', count: 1 },
      { window: win('12:05', '12:15'), word: 'owl', count: 1 },
    ]));
    assert.deepEqual(sortRows(results[1]!.rows), sortRows([
      { window: win('12:05', '12:15'), word: 'dog', count: 2 },
      { window: win('12:10', '12:20'), word: 'dog', count: 1 },
      { window: win('12:00', '12:10'), word: 'cat', count: 1 },
      { window: win('12:05', '12:15'), word: 'cat', count: 1 },
    ]));
    assert.deepEqual(results[4]!.rows, []);
  });

  it('complete mode emits every window each batch and never evicts', () => {
    const byWord = DataFrame.fromSource({ index: 0, format: 'memory', schema }).groupBy('word').agg(count('*').alias('n'));
    const { results } = runStream(byWord, [schema], batches, { outputMode: 'complete', shufflePartitions: 3 });
    assert.deepEqual(sortRows(results[3]!.rows), sortRows([
      { word: 'cat', n: 2 },
      { word: 'dog', n: 3 },
      { word: 'owl', n: 4 },
      { word: 'donkey', n: 1 },
    ]));
    assert.deepEqual(sortRows(results[4]!.rows), sortRows(results[3]!.rows));
  });
});

describe('complete mode ignores the watermark', () => {
  it('late rows are still aggregated and nothing is evicted', () => {
    const { results } = runStream(windowed, [schema], batches, { outputMode: 'complete', shufflePartitions: 2 });
    assert.equal(results.reduce((s, r) => s + r.numRowsDroppedByWatermark, 0), 0);
    const last = results[4]!.rows;
    assert.ok(last.some((r) => r['word'] === 'donkey'), 'the 12:04 donkey is counted');
    assert.ok(last.some((r) => JSON.stringify(r['window']) === JSON.stringify(win('12:00', '12:10'))), 'closed windows stay');
  });
});
