import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MemoryFs } from '../../tests/helpers/memory-fs.js';
import { FileStreamSourceLog } from './file-stream-source-log.js';

const file = (i: number, mtime = i) => ({ path: `/in/f${i}`, size: i, modificationTime: mtime, partitionValues: i % 2 ? { p: String(i) } : {} });

describe('FileStreamSourceLog', () => {
  it('a reload (any number of compactions later) sees the same batches after the last compaction and the same seen set', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 5 }), async (sizes, interval) => {
        const fs = new MemoryFs();
        const log = new FileStreamSourceLog(fs, '/log', { compactInterval: interval });
        await log.load();
        let n = 0;
        for (const size of sizes) {
          const files = Array.from({ length: size }, () => file(n++));
          // The caller's start offset: every earlier batch is committed.
          assert.ok(await log.add({ schemaVersion: 0, files }, log.latestBatchId));
        }
        const again = new FileStreamSourceLog(fs.restart(), '/log', { compactInterval: interval });
        await again.load();
        assert.equal(again.latestBatchId, log.latestBatchId);
        assert.equal(again.size, n);
        for (let i = 0; i < n; i++) assert.equal(again.isNew(file(i), false), false);
        assert.equal(again.isNew(file(n), false), true);
        // The newest batch is never compacted away, and reads back identically.
        const last = log.latestBatchId;
        assert.deepEqual(again.filesBetween(last - 1, last), log.filesBetween(last - 1, last));
      }),
      { seed: Number(process.env['FC_SEED'] ?? 42), numRuns: process.env['CI'] ? 100 : 25 },
    );
  });

  it('returns null (not an error) when another writer already wrote the next entry', async () => {
    const fs = new MemoryFs();
    const a = new FileStreamSourceLog(fs, '/log');
    const b = new FileStreamSourceLog(fs, '/log');
    await a.load();
    await b.load();
    assert.ok(await a.add({ schemaVersion: 0, files: [file(1)] }, -1));
    assert.equal(await b.add({ schemaVersion: 0, files: [file(2)] }, -1), null);
  });

  it('maxFileAge: files older than the newest seen minus the age are not new, even if never seen', async () => {
    const fs = new MemoryFs();
    const log = new FileStreamSourceLog(fs, '/log', { maxFileAgeMs: 100 });
    await log.load();
    await log.add({ schemaVersion: 0, files: [file(1, 1000)] }, -1);
    assert.equal(log.isNew(file(2, 899), false), false);
    assert.equal(log.isNew(file(3, 900), false), true);
  });
});
