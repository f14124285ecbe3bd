import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStream, StructType, WeirError, utf8Decode } from '@weir/core';
import { createNodeEngine } from '@weir/node';
import { createSession, defaultRegistry } from '../session/weir-session.js';
import { writeStream } from '../session/data-stream-writer.js';
import { nextBatchTime, normalizeTrigger } from './trigger.js';
import { ManualClock, MemoryStorage } from '@weir/testkit';
import { limitedMemorySource } from '../testing/limited-memory-source.js';

const schema = StructType.fromDDL('id LONG');
const tick = (): Promise<void> => new Promise((r) => setImmediate(r));
/** Yields until `cond()` holds (bounded by real time, not by the manual clock). */
async function until(cond: () => boolean, what = 'condition'): Promise<void> {
  const deadline = performance.now() + 10_000;
  while (!cond()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await tick();
  }
}

function setup(opts: { maxFiles?: number; batchCost?: number } = {}) {
  const clock = new ManualClock(1_000_000);
  const storage = new MemoryStorage();
  const stream = new MemoryStream(schema);
  const logs: string[] = [];
  const session = createSession({
    engine: createNodeEngine({ storage, clock }),
    conf: { 'weir.executor.threads': 0 },
    registry: defaultRegistry({ sources: [limitedMemorySource(stream)] }),
    log: (m) => logs.push(m),
  });
  const reader = session.readStream.format('mem');
  if (opts.maxFiles) reader.option('maxFilesPerTrigger', opts.maxFiles);
  const batches: Array<{ batchId: number; ids: number[]; at: number }> = [];
  const writer = writeStream(reader.load())
    .option('checkpointLocation', '/chk')
    .foreachBatch(async (b, batchId) => {
      batches.push({ batchId, ids: b.rows.map((r) => r['id'] as number), at: clock.now() });
      // A batch that "takes" batchCost ms of (manual) time.
      if (opts.batchCost) clock.advance(opts.batchCost);
    });
  return { clock, storage, stream, session, writer, batches, logs };
}

describe('trigger parsing', () => {
  it('parses Spark trigger forms and rejects others with INVALID_TRIGGER', () => {
    assert.deepEqual(normalizeTrigger({ processingTime: '5 seconds' }), { kind: 'processingTime', intervalMs: 5000 });
    assert.deepEqual(normalizeTrigger({ once: true }), { kind: 'once' });
    assert.deepEqual(normalizeTrigger({ availableNow: true }), { kind: 'availableNow' });
    assert.throws(() => normalizeTrigger({ processingTime: -1 }), (e) => WeirError.hasCode(e, 'INVALID_TRIGGER'));
    assert.throws(() => normalizeTrigger({} as never), (e) => WeirError.hasCode(e, 'INVALID_TRIGGER'));
  });

  it('nextBatchTime is the next interval boundary (Spark ProcessingTimeExecutor)', () => {
    assert.equal(nextBatchTime(0, 100), 100);
    assert.equal(nextBatchTime(99, 100), 100);
    assert.equal(nextBatchTime(100, 100), 200);
    assert.equal(nextBatchTime(123, 0), 123);
  });
});

describe('processingTime trigger (ManualClock, no sleeps)', () => {
  it('runs one batch per interval boundary and waits in between', async () => {
    const t = setup({ maxFiles: 1 });
    t.stream.addData([{ id: 1 }]);
    t.stream.addData([{ id: 2 }]);
    const q = await t.writer.trigger({ processingTime: '10 seconds' }).start();
    await until(() => t.batches.length === 1 && t.clock.pendingSleepers > 0, 'first batch, then the wait');
    assert.deepEqual(t.batches.map((b) => b.ids), [[1]]);
    t.clock.advance(5_000);
    await until(() => t.clock.pendingSleepers > 0);
    assert.equal(t.batches.length, 1, 'no batch before the boundary');
    t.clock.advance(5_000);
    await until(() => t.batches.length === 2, 'second batch');
    assert.deepEqual(t.batches.map((b) => b.ids), [[1], [2]]);
    assert.equal(t.batches[1]!.at, 1_010_000, 'second batch at the 10 s boundary');
    await q.stop();
  });

  it('starts the next batch immediately when a batch overruns the interval', async () => {
    const t = setup({ maxFiles: 1, batchCost: 15_000 });
    for (let i = 1; i <= 3; i++) t.stream.addData([{ id: i }]);
    const q = await t.writer.trigger({ processingTime: '10 seconds' }).start();
    await until(() => t.batches.length === 3, 'three batches');
    // Each batch takes 15 s > 10 s: no waiting between them.
    assert.deepEqual(t.batches.map((b) => b.at), [1_000_000, 1_015_000, 1_030_000]);
    assert.ok(t.logs.some((l) => l.includes('falling behind')));
    await q.stop();
  });
});

describe('once and availableNow', () => {
  it('once: one batch with all data (ignoring maxFilesPerTrigger), a deprecation warning, then the query stops', async () => {
    const t = setup({ maxFiles: 1 });
    for (let i = 1; i <= 3; i++) t.stream.addData([{ id: i }]);
    const q = await t.writer.trigger({ once: true }).start();
    assert.equal(await q.awaitTermination(), true);
    assert.deepEqual(t.batches.map((b) => b.ids), [[1, 2, 3]]);
    assert.ok(t.logs.some((l) => /deprecated/i.test(l)));
    assert.equal(q.isActive, false);
  });

  it('availableNow: everything available at start in rate-limited batches, then stop; later data is not read', async () => {
    const t = setup({ maxFiles: 2 });
    for (let i = 1; i <= 5; i++) t.stream.addData([{ id: i }]);
    const q = await t.writer.trigger({ availableNow: true }).start();
    t.stream.addData([{ id: 99 }]);
    assert.equal(await q.awaitTermination(), true);
    assert.deepEqual(t.batches.map((b) => b.ids), [[1, 2], [3, 4], [5]]);
  });
});

describe('restart semantics', () => {
  it('re-runs batch N with the same offsets when offsets/N exists without commits/N', async () => {
    const t = setup({ maxFiles: 1 });
    t.stream.addData([{ id: 1 }]);
    t.stream.addData([{ id: 2 }]);
    const q = await t.writer.trigger({ availableNow: true }).start();
    await q.awaitTermination();
    const offsets1 = utf8Decode(await t.storage.read('/chk/offsets/1'));
    // Simulate a crash after the WAL write of batch 1 but before its commit.
    await t.storage.delete('/chk/commits/1');
    t.stream.addData([{ id: 3 }]);
    const again: number[][] = [];
    const session2 = createSession({
      engine: createNodeEngine({ storage: t.storage, clock: t.clock }),
      conf: { 'weir.executor.threads': 0, 'weir.sql.shuffle.partitions': 3 },
      registry: defaultRegistry({ sources: [limitedMemorySource(t.stream)] }),
    });
    const q2 = await writeStream(session2.readStream.format('mem').option('maxFilesPerTrigger', 1).load())
      .option('checkpointLocation', '/chk')
      .foreachBatch((b, id) => void again.push([id, ...b.rows.map((r) => r['id'] as number)]))
      .trigger({ availableNow: true })
      .start();
    await q2.awaitTermination();
    assert.deepEqual(again, [[1, 2], [2, 3]], 'batch 1 replayed with id 1 and the same row, then batch 2');
    assert.equal(utf8Decode(await t.storage.read('/chk/offsets/1')), offsets1);
    assert.equal(q2.id, q.id, 'query id is stable across restarts');
    assert.notEqual(q2.runId, q.runId);
    // Frozen conf: the first run's shuffle partitions (8) win over the new session's 3.
    assert.match(utf8Decode(await t.storage.read('/chk/offsets/2')), /"weir.sql.shuffle.partitions":"8"/);
  });

  it('purges offsets/commits beyond minBatchesToRetain', async () => {
    const t = setup({ maxFiles: 1 });
    for (let i = 0; i < 6; i++) t.stream.addData([{ id: i }]);
    t.session.setConf('weir.sql.streaming.minBatchesToRetain', 2);
    const q = await writeStream(t.session.readStream.format('mem').option('maxFilesPerTrigger', 1).load())
      .option('checkpointLocation', '/chk2')
      .foreachBatch(() => undefined)
      .trigger({ availableNow: true })
      .start();
    await q.awaitTermination();
    const offsets = [...t.storage.snapshot().keys()].filter((k) => k.startsWith('/chk2/offsets/')).sort();
    // Spark keeps minBatchesToRetain + 1 entries: purge(5 − 2) deletes batches below 3.
    assert.deepEqual(offsets, ['/chk2/offsets/3', '/chk2/offsets/4', '/chk2/offsets/5']);
  });

  it('refuses a second active query on the same checkpoint', async () => {
    const t = setup();
    const q = await t.writer.start();
    await assert.rejects(
      writeStream(t.session.readStream.format('mem').load()).option('checkpointLocation', '/chk').foreachBatch(() => undefined).start(),
      (e) => WeirError.hasCode(e, 'STREAMING_QUERY_ALREADY_ACTIVE'),
    );
    assert.equal(t.session.streams.active.length, 1);
    await q.stop();
    assert.equal(t.session.streams.active.length, 0);
  });
});
