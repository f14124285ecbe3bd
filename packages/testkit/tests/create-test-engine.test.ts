import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StructType, rowBatch } from '@weir/core';
import { MemoryStorage, ManualClock, createTestEngine } from '@weir/testkit';

const fixture = new URL('./fixtures/engine-task.ts', import.meta.url).href;

describe('createTestEngine', () => {
  it('wires MemoryStorage, ManualClock, the real Parquet handler and codec', async () => {
    const storage = new MemoryStorage();
    const engine = createTestEngine({ storage });
    assert.equal(engine.storage, storage);
    assert.ok(engine.clock instanceof ManualClock);
    const schema = StructType.fromDDL('id BIGINT, ts TIMESTAMP');
    await engine.storage.put('t/part-0.parquet', await engine.parquet.write(rowBatch(schema, [{ id: 1, ts: 5 }])));
    assert.deepEqual((await engine.parquet.read(await storage.read('t/part-0.parquet'))).rows, [{ id: 1, ts: 5 }]);
    assert.deepEqual(engine.codec.decode(engine.codec.encode(new Map([[1, 'a']]))), new Map([[1, 'a']]));
  });

  it('runs tasks in-thread against the same in-memory storage', async () => {
    const storage = new MemoryStorage();
    const engine = createTestEngine({ storage });
    await engine.tasks.run({ module: fixture, handler: 'writeFile', input: { path: 'from-task/x', text: 'hello' } });
    assert.equal(new TextDecoder().decode(await storage.read('from-task/x')), 'hello');
    assert.equal(await engine.tasks.run({ module: fixture, handler: 'now', input: null }), engine.clock.now());
  });
});
