import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MemoryStream, StructType, type BatchInfo, type Row, type RowBatch, type Sink, type Source } from '@weir/core';
import { FsStorage } from '@weir/node';
import { MemoryStorage, createTestEngine, describeSink, describeSource, describeStorage, type SinkUnderTest, type TestApi } from '@weir/testkit';

const tmpRoots: string[] = [];
after(() => {
  for (const d of tmpRoots) fs.rmSync(d, { recursive: true, force: true });
});

describeStorage('MemoryStorage', () => new MemoryStorage());
describeStorage('MemoryStorage (after restart)', async () => {
  const s = new MemoryStorage();
  await s.put('seed/file', new Uint8Array([1]));
  return { storage: s.restart(), root: 'fresh' };
});
// FsStorage runs the suite here rather than in @weir/node's tests: @weir/testkit depends on
// @weir/node, and a test import the other way would make a package-graph cycle.
describeStorage('FsStorage', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'weir-testkit-'));
  tmpRoots.push(root);
  return { storage: new FsStorage(), root };
});

const schema = StructType.fromDDL('id BIGINT, name STRING');
describeSource('MemoryStream (core)', async () => {
  const stream = new MemoryStream(schema);
  let next = 0;
  return {
    engine: createTestEngine(),
    source: stream,
    restart: async () => stream, // a memory stream lives in memory: a restart reuses it (Spark's MemoryStream)
    feed: async (units) => {
      const all: Row[] = [];
      for (let u = 0; u < units; u++) {
        const rows = [{ id: next, name: `row-${next}` }, { id: next + 1, name: null }];
        next += 2;
        stream.addData(rows);
        all.push(...rows);
      }
      return all;
    },
  };
});

/** A reference sink: idempotent per batchId through a marker file per batch, as a file sink would be. */
class MarkerSink implements Sink {
  constructor(
    readonly storage: MemoryStorage,
    readonly idempotent = true,
  ) {}
  async addBatch(batchId: number, batch: RowBatch, _info: BatchInfo): Promise<void> {
    const marker = `out/_batches/${batchId}`;
    if (this.idempotent && (await this.storage.head(marker)) !== null) return;
    await this.storage.put(`out/part-${batchId}-${Math.random().toString(36).slice(2)}.json`, new TextEncoder().encode(JSON.stringify(batch.rows)));
    await this.storage.put(marker, new Uint8Array());
  }
  async close(): Promise<void> {}
}

function markerSinkUnderTest(idempotent: boolean): () => Promise<SinkUnderTest> {
  return async () => {
    const storage = new MemoryStorage();
    const engine = createTestEngine({ storage });
    return {
      engine,
      schema,
      sink: new MarkerSink(storage, idempotent),
      rows: (batchId) => [{ id: batchId * 10, name: 'a' }, { id: batchId * 10 + 1, name: 'b' }],
      readAll: async () => {
        const rows: Row[] = [];
        for await (const f of storage.list('out')) rows.push(...(JSON.parse(new TextDecoder().decode(await storage.read(f.path))) as Row[]));
        return rows;
      },
      restart: async () => new MarkerSink(storage, idempotent),
    };
  };
}

describeSink('reference marker-file sink', markerSinkUnderTest(true));

describe('the conformance suites can fail', () => {
  /** Runs a suite with a recording runner and reports which of its tests failed. */
  async function failuresOf(register: (test: TestApi) => void): Promise<string[]> {
    const tests: Array<[string, () => Promise<void>]> = [];
    register({ describe: (_n, fn) => fn(), it: (n, fn) => tests.push([n, fn]) });
    const failed: string[] = [];
    for (const [n, fn] of tests) await fn().catch(() => failed.push(n));
    assert.ok(tests.length > 0);
    return failed;
  }

  it('describeSink flags a sink that writes a replayed batch twice', async () => {
    const failed = await failuresOf((test) => describeSink('duplicating sink', markerSinkUnderTest(false), { test }));
    assert.deepEqual(failed.sort(), ['a batch replayed by a restarted sink is skipped', 're-adding the same batchId writes nothing twice']);
  });

  it('describeStorage flags a storage whose ifAbsent put overwrites', async () => {
    class Overwriting extends MemoryStorage {
      override put(p: string, data: Uint8Array): Promise<void> {
        return super.put(p, data);
      }
    }
    const failed = await failuresOf((test) => describeStorage('overwriting', () => new Overwriting(), { test }));
    assert.ok(failed.some((n) => n.startsWith('put(ifAbsent) fails')), failed.join('; '));
    assert.ok(failed.some((n) => n.includes('concurrent put(ifAbsent)')), failed.join('; '));
  });

  it('describeSource flags a source whose read limit is ignored', async () => {
    const failed = await failuresOf((test) =>
      describeSource(
        'limit-ignoring',
        async () => {
          const stream = new MemoryStream(schema);
          const source: Source = {
            schema: () => stream.schema(),
            getDefaultReadLimit: () => stream.getDefaultReadLimit(),
            latestOffset: (start) => stream.latestOffset(start, {}), // ignores the limit
            planInputPartitions: (start, end) => stream.planInputPartitions(start, end),
            commit: () => stream.commit(),
            close: () => stream.close(),
          };
          let n = 0;
          return {
            engine: createTestEngine(),
            source,
            restart: async () => source,
            feed: async (units) => {
              const all: Row[] = [];
              for (let u = 0; u < units; u++) {
                const rows = [{ id: n++, name: 'x' }];
                stream.addData(rows);
                all.push(...rows);
              }
              return all;
            },
          };
        },
        { test },
      ),
    );
    assert.equal(failed.length, 1, failed.join('; '));
    assert.ok(failed[0]?.startsWith('a read limit'));
  });
});
