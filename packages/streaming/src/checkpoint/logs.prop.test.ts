import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { utf8Decode, utf8Encode, WeirError } from '@weir/core';
import { MemoryStorage } from '@weir/testkit';
import { OffsetSeqLog, type OffsetSeq } from './offset-seq-log.js';
import { CommitLog } from './commit-log.js';
import { readOrCreateStreamMetadata } from './stream-metadata.js';

const runs = process.env['CI'] ? 200 : 50;
const seed = Number(process.env['FC_SEED'] ?? 42);

const offsetArb = fc.oneof(
  fc.constant(null),
  fc.record({ v: fc.constant(1), index: fc.nat(), file: fc.string() }, { noNullPrototype: true }),
  fc.record({ v: fc.constant(1), version: fc.nat(), index: fc.integer({ min: -1, max: 1000 }), isStartingVersion: fc.boolean() }, { noNullPrototype: true }),
);
const seqArb: fc.Arbitrary<OffsetSeq> = fc.record(
  {
    offsets: fc.array(offsetArb, { minLength: 1, maxLength: 4 }),
    metadata: fc.record(
      {
        batchWatermarkMs: fc.nat(),
        batchTimestampMs: fc.nat(),
        conf: fc.dictionary(fc.constantFrom('weir.sql.shuffle.partitions', 'weir.sql.streaming.multipleWatermarkPolicy', 'x'), fc.string(), { noNullPrototype: true }),
      },
      { noNullPrototype: true },
    ),
  },
  { noNullPrototype: true },
);

describe('OffsetSeqLog', () => {
  it('round-trips any offset sequence through add/get', async () => {
    await fc.assert(
      fc.asyncProperty(seqArb, fc.nat({ max: 1000 }), async (seq, batchId) => {
        const log = new OffsetSeqLog(new MemoryStorage(), '/cp/offsets');
        assert.equal(await log.add(batchId, seq), true);
        assert.deepEqual(await log.get(batchId), seq);
      }),
      { seed, numRuns: runs },
    );
  });

  it('writes Spark\'s text layout: v1, metadata line, one offset line per source, "-" for none', async () => {
    const storage = new MemoryStorage();
    const log = new OffsetSeqLog(storage, '/cp/offsets');
    await log.add(0, { offsets: [{ v: 1, index: 3 }, null], metadata: { batchWatermarkMs: 5, batchTimestampMs: 7, conf: { a: 'b' } } });
    const text = utf8Decode(await storage.read('/cp/offsets/0'));
    assert.deepEqual(text.split('\n'), ['v1', '{"batchTimestampMs":7,"batchWatermarkMs":5,"conf":{"a":"b"}}', '{"index":3,"v":1}', '-']);
  });

  it('add returns false for an existing batch and leaves it unchanged', async () => {
    const log = new OffsetSeqLog(new MemoryStorage(), '/cp/offsets');
    const a: OffsetSeq = { offsets: [{ v: 1, index: 1 }], metadata: { batchWatermarkMs: 0, batchTimestampMs: 1, conf: {} } };
    const b: OffsetSeq = { offsets: [{ v: 1, index: 2 }], metadata: { batchWatermarkMs: 0, batchTimestampMs: 2, conf: {} } };
    assert.equal(await log.add(0, a), true);
    assert.equal(await log.add(0, b), false);
    assert.deepEqual(await log.get(0), a);
  });

  it('getLatest/getRange order batch ids numerically (10 after 9), purge drops ids below the threshold', async () => {
    const log = new CommitLog(new MemoryStorage(), '/cp/commits');
    for (let i = 0; i <= 12; i++) await log.add(i, { nextBatchWatermarkMs: i * 10 });
    assert.deepEqual(await log.getLatest(), [12, { nextBatchWatermarkMs: 120 }]);
    assert.deepEqual((await log.getRange(8, 11)).map(([id]) => id), [8, 9, 10, 11]);
    await log.purge(10);
    assert.deepEqual(await log.listBatchIds(), [10, 11, 12]);
    assert.equal(await log.get(3), undefined);
  });

  it('refuses a log file written by a newer version with INVALID_LOG_VERSION, and garbage with MALFORMED_LOG_FILE', async () => {
    const storage = new MemoryStorage();
    const log = new CommitLog(storage, '/cp/commits');
    await storage.put('/cp/commits/0', utf8Encode('v2\n{"nextBatchWatermarkMs":0}'));
    await assert.rejects(log.get(0), (e) => WeirError.hasCode(e, 'INVALID_LOG_VERSION'));
    await storage.put('/cp/commits/1', utf8Encode('v1\n{"nextBatch'));
    await assert.rejects(log.get(1), (e) => WeirError.hasCode(e, 'MALFORMED_LOG_FILE'));
    await storage.put('/cp/commits/2', utf8Encode('hello'));
    await assert.rejects(log.get(2), (e) => WeirError.hasCode(e, 'MALFORMED_LOG_FILE'));
  });
});

describe('CommitLog', () => {
  it('round-trips nextBatchWatermarkMs', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.nat({ max: 10_000 }), async (wm, id) => {
        const storage = new MemoryStorage();
        const log = new CommitLog(storage, '/cp/commits');
        await log.add(id, { nextBatchWatermarkMs: wm });
        assert.deepEqual(await log.get(id), { nextBatchWatermarkMs: wm });
        assert.equal(utf8Decode(await storage.read(`/cp/commits/${id}`)), `v1\n{"nextBatchWatermarkMs":${wm}}`);
      }),
      { seed, numRuns: runs },
    );
  });
});

describe('checkpoint metadata', () => {
  it('creates {"id"} once and returns the same id on the next start', async () => {
    const storage = new MemoryStorage();
    const first = await readOrCreateStreamMetadata(storage, '/cp', () => 'id-1');
    const second = await readOrCreateStreamMetadata(storage, '/cp', () => 'id-2');
    assert.equal(first.id, 'id-1');
    assert.equal(second.id, 'id-1');
    assert.equal(utf8Decode(await storage.read('/cp/metadata')), '{"id":"id-1"}');
  });

  it('refuses a checkpoint with logs but no metadata: STREAMING_CHECKPOINT_MISSING_METADATA_FILE', async () => {
    const storage = new MemoryStorage();
    await new CommitLog(storage, '/cp/commits').add(0, { nextBatchWatermarkMs: 0 });
    await assert.rejects(
      readOrCreateStreamMetadata(storage, '/cp', () => 'x'),
      (e) => WeirError.hasCode(e, 'STREAMING_CHECKPOINT_MISSING_METADATA_FILE'),
    );
  });
});
