import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createRegistry } from './registry.js';
import { MemoryStream, memorySourcePlugin, readMemoryPartition } from './memory-source.js';
import { canonicalJSON, offsetEquals, isReadAllAvailable } from './offset.js';
import { StructType } from '../schema/struct-type.js';
import { WeirError } from '../errors/weir-error.js';
import type { SinkPlugin } from './sink.js';

const FC = { seed: Number(process.env['FC_SEED'] ?? 42), numRuns: process.env['CI'] ? 300 : 100 };
const schema = StructType.fromDDL('id LONG, v STRING');
const consoleSink: SinkPlugin = Object.freeze({ name: 'console', options: [], outputModes: ['append'] as const, createSink: () => ({ addBatch: async () => {}, close: async () => {} }) });

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return (e as WeirError).code;
  }
  return undefined;
}

describe('createRegistry', () => {
  it('finds plugins case-insensitively, as format() does', () => {
    const r = createRegistry({ sources: [memorySourcePlugin(new MemoryStream(schema))], sinks: [consoleSink] });
    assert.equal(r.source('MEMORY').name, 'memory');
    assert.equal(r.sink('Console').name, 'console');
  });
  it('refuses duplicates with PLUGIN_ALREADY_REGISTERED and unknown formats with DATA_SOURCE_NOT_FOUND', () => {
    const p = memorySourcePlugin(new MemoryStream(schema));
    assert.equal(code(() => createRegistry({ sources: [p, memorySourcePlugin(new MemoryStream(schema), 'Memory')] })), 'PLUGIN_ALREADY_REGISTERED');
    const r = createRegistry({ sources: [p] });
    assert.equal(code(() => r.source('kafka')), 'DATA_SOURCE_NOT_FOUND');
    assert.equal(code(() => r.with({ sources: [p] })), 'PLUGIN_ALREADY_REGISTERED');
    assert.equal(r.with({ sinks: [consoleSink] }).sink('console'), consoleSink);
  });
});

describe('MemoryStream', () => {
  it('admits whole addData units under maxFiles and replays (start, end) to the same rows', async () => {
    const s = new MemoryStream(schema);
    assert.equal(await s.latestOffset(null, {}), null);
    s.addData([{ id: 1, v: 'a' }]);
    s.addData([{ id: 2, v: 'b' }, { id: 3, v: 'c' }]);
    s.addData([{ id: 4, v: 'd' }]);
    const first = await s.latestOffset(null, { maxFiles: 2 });
    assert.deepEqual(first, { v: 1, index: 2 });
    const parts = await s.planInputPartitions(null, first!);
    const rows = (await Promise.all(parts.map((p) => readMemoryPartition(structuredClone(p.data), {} as never)))).flatMap((b) => b.rows);
    assert.deepEqual(rows.map((r) => r['id']), [1, 2, 3]);
    const again = await s.planInputPartitions(null, first!);
    assert.deepEqual(again, parts);
    assert.deepEqual(await s.latestOffset(first, {}), { v: 1, index: 3 });
  });
});

describe('offsets', () => {
  it('canonicalJSON is insensitive to key order, so equal offsets compare equal', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue(), { noNullPrototype: true }), (d) => {
        const reversed = Object.fromEntries(Object.entries(d).reverse());
        assert.equal(canonicalJSON(d), canonicalJSON(reversed));
        assert.ok(offsetEquals({ v: 1, ...d }, { v: 1, ...reversed }));
      }),
      FC,
    );
    assert.equal(offsetEquals({ v: 1, a: 1 }, { v: 1, a: 2 }), false);
    assert.equal(offsetEquals(null, { v: 1 }), false);
    assert.ok(isReadAllAvailable({}));
    assert.equal(isReadAllAvailable({ maxBytes: 10 }), false);
  });
});
