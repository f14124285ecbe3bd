import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStream, StructType, WeirError } from '@weir/core';
import { col, window } from '@weir/planner';
import { createSession } from '@weir/streaming';
import { createTestEngine } from '@weir/testkit';

const at = (hhmm: string): number => Date.parse(`2024-01-01T${hhmm}:00Z`) * 1000;

describe('stateful output written by the state tasks through a WriterFactory (Delta sink)', () => {
  for (const mode of ['complete', 'append'] as const) {
    it(`${mode} mode: the table read back holds the expected window counts`, async () => {
      const session = createSession({ engine: createTestEngine(), conf: { 'weir.executor.threads': 0, 'weir.sql.shuffle.partitions': 3 } });
      const stream = new MemoryStream(StructType.fromDDL('word STRING, ts TIMESTAMP'));
      const df = session.readStream.memory(stream).withWatermark('ts', '10 minutes').groupBy(window(col('ts'), '10 minutes'), col('word')).count();
      const q = await df.writeStream.format('delta').outputMode(mode).option('checkpointLocation', '/chk').start('/tables/counts');
      stream.addData([{ word: 'dog', ts: at('12:07') }, { word: 'cat', ts: at('12:08') }]);
      await q.processAllAvailable();
      stream.addData([{ word: 'dog', ts: at('12:09') }, { word: 'owl', ts: at('12:21') }]);
      await q.processAllAvailable();
      await q.stop();
      if (q.exception) throw q.exception;
      const rows = (await session.read.format('delta').load('/tables/counts')).rows.map((r) => `${r['word']}:${r['count']}`).sort();
      const expected = {
        // complete: the whole result table, overwritten each batch.
        complete: ['cat:1', 'dog:2', 'owl:1'],
        // append: only windows closed by the watermark (12:21 − 10 min = 12:11 > 12:10).
        append: ['cat:1', 'dog:2'],
      }[mode];
      assert.deepEqual(rows, expected);
    });
  }

  it('update mode is refused by the Delta sink, as in Spark (OUTPUT_MODE_UNSUPPORTED_BY_SINK at start)', async () => {
    const session = createSession({ engine: createTestEngine(), conf: { 'weir.executor.threads': 0 } });
    const stream = new MemoryStream(StructType.fromDDL('word STRING, ts TIMESTAMP'));
    const df = session.readStream.memory(stream).withWatermark('ts', '10 minutes').groupBy(window(col('ts'), '10 minutes'), col('word')).count();
    await assert.rejects(
      df.writeStream.format('delta').outputMode('update').option('checkpointLocation', '/chk').start('/tables/u'),
      (e) => WeirError.hasCode(e, 'OUTPUT_MODE_UNSUPPORTED_BY_SINK'),
    );
  });
});
