import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStream, StructType } from '@weir/core';
import { createSession, valueAtSecond, type QueryStartedEvent, type QueryTerminatedEvent, type StreamingQueryProgress } from '@weir/streaming';

describe('progress and listeners', () => {
  it('reports Spark StreamingQueryProgress field names and fires started/progress/terminated', async () => {
    const session = createSession({ conf: { 'weir.executor.threads': 0 } });
    const stream = new MemoryStream(StructType.fromDDL('x LONG'));
    const started: QueryStartedEvent[] = [];
    const progress: StreamingQueryProgress[] = [];
    const terminated: QueryTerminatedEvent[] = [];
    session.streams.addListener({
      onQueryStarted: (e) => started.push(e),
      onQueryProgress: (e) => progress.push(e.progress),
      onQueryTerminated: (e) => terminated.push(e),
    });
    const q = await session.readStream.memory(stream).writeStream.format('memory').queryName('p').start();
    stream.addData([{ x: 1 }, { x: 2 }, { x: 3 }]);
    await q.processAllAvailable();
    await q.stop();
    await session.close();
    assert.equal(started.length, 1);
    assert.equal(started[0]!.id, q.id);
    assert.equal(terminated.length, 1);
    assert.equal(terminated[0]!.exception, null);
    const p = JSON.parse(JSON.stringify(progress[0])) as Record<string, unknown>;
    for (const k of ['id', 'runId', 'name', 'timestamp', 'batchId', 'numInputRows', 'inputRowsPerSecond', 'processedRowsPerSecond', 'durationMs', 'eventTime', 'stateOperators', 'sources', 'sink']) {
      assert.ok(k in p, `progress has ${k}`);
    }
    for (const k of ['latestOffset', 'walCommit', 'getBatch', 'queryPlanning', 'addBatch', 'commitOffsets', 'triggerExecution']) {
      assert.equal(typeof (p['durationMs'] as Record<string, unknown>)[k], 'number', `durationMs.${k}`);
    }
    assert.equal(p['numInputRows'], 3);
    const src = (p['sources'] as Array<Record<string, unknown>>)[0]!;
    assert.deepEqual(Object.keys(src).sort(), ['description', 'endOffset', 'inputRowsPerSecond', 'latestOffset', 'metrics', 'numInputRows', 'processedRowsPerSecond', 'startOffset'].sort());
    assert.equal((p['sink'] as Record<string, unknown>)['numOutputRows'], 3);
    assert.equal(q.lastProgress?.batchId, 0);
    assert.match(q.explain(), /Source|memory/i);
  });
});

describe('rate source', () => {
  it('valueAtSecond follows Spark (linear after ramp-up, triangular during it)', () => {
    assert.equal(valueAtSecond(0, 10, 0), 0);
    assert.equal(valueAtSecond(3, 10, 0), 30);
    // rampUp 4 s to 10 rows/s: speed steps of floor(10/5)=2 → 2+4+6+8 = 20 by second 4.
    assert.equal(valueAtSecond(4, 10, 4), 20);
    assert.equal(valueAtSecond(6, 10, 4), 40);
  });
});
