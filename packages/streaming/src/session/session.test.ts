import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStream, StructType, WeirError, utf8Decode } from '@weir/core';
import { createSession } from './weir-session.js';
import { writeStream } from './data-stream-writer.js';
import { MemoryStorage, createTestEngine } from '@weir/testkit';
import { InThreadTaskExecutor } from '@weir/node';
import type { TaskExecutor } from '@weir/core';
import type { StreamingQueryProgress } from '../progress.js';

const schema = StructType.fromDDL('id LONG, name STRING');

describe('memory stream → memory sink', () => {
  it('delivers every added row once, batch by batch, with progress per batch', async () => {
    const storage = new MemoryStorage();
    const session = createSession({ engine: createTestEngine({ storage }), conf: { 'weir.executor.threads': 0 } });
    const stream = new MemoryStream(schema);
    const progress: StreamingQueryProgress[] = [];
    session.streams.addListener({ onQueryProgress: (e) => progress.push(e.progress) });
    const q = await writeStream(session.readStream.memory(stream)).format('memory').queryName('out').option('checkpointLocation', '/cp/q1').start();
    stream.addData([{ id: 1, name: 'a' }, { id: 2, name: 'b' }]);
    await q.processAllAvailable();
    stream.addData([{ id: 3, name: 'c' }]);
    await q.processAllAvailable();
    await q.stop();
    assert.deepEqual(session.table('out').rows, [{ id: 1, name: 'a' }, { id: 2, name: 'b' }, { id: 3, name: 'c' }]);
    assert.deepEqual(progress.map((p) => [p.batchId, p.numInputRows]), [[0, 2], [1, 1]]);
    assert.ok(progress[0]!.durationMs.triggerExecution !== undefined && progress[0]!.durationMs.walCommit !== undefined);
    assert.equal(utf8Decode(await storage.read('/cp/q1/commits/1')), 'v1\n{"nextBatchWatermarkMs":0}');
    assert.equal(q.isActive, false);
    assert.equal(q.exception, null);
  });

  it('rejects unknown sink options at start() with INVALID_OPTION', async () => {
    const session = createSession({ engine: createTestEngine(), conf: { 'weir.executor.threads': 0 } });
    const stream = new MemoryStream(schema);
    await assert.rejects(
      writeStream(session.readStream.memory(stream)).format('console').option('numRowz', 3).start(),
      (e) => WeirError.hasCode(e, 'INVALID_OPTION'),
    );
    await assert.rejects(
      writeStream(session.readStream.memory(stream)).format('console').option('numRows', 'many').start(),
      (e) => WeirError.hasCode(e, 'INVALID_OPTION'),
    );
  });
});

describe('session.warmUp', () => {
  it('runs one warm-up task pinned to each worker slot, once per session', async () => {
    const calls: Array<[string, number | undefined]> = [];
    const inner = new InThreadTaskExecutor();
    const tasks: TaskExecutor = {
      parallelism: 3,
      run: (task, options) => {
        calls.push([task.handler, options?.affinity]);
        return inner.run(task, options);
      },
      close: () => inner.close(),
    };
    const session = createSession({ engine: createTestEngine({ tasks }), conf: { 'weir.executor.threads': 0 } });
    await session.warmUp();
    await session.warmUp();
    assert.deepEqual(calls, [
      ['warmUp', 0],
      ['warmUp', 1],
      ['warmUp', 2],
    ]);
    await session.close();
  });
});
