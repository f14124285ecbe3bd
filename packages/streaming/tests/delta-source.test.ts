import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { StructType, rowBatch, type Engine, type Offset, type ReadLimit, type Row, type Source, type SourceContext } from '@weir/core';
import { createNodeEngine } from '@weir/node';
import { deltaSourcePlugins, writeDeltaBatch } from '@weir/streaming';
import { tempDir } from './delta-test-helpers.js';

const schema = StructType.fromDDL('station_id STRING, n LONG');
const plugin = deltaSourcePlugins.find((p) => p.name === 'delta')!;
const rows = (...ns: number[]) => ns.map((n) => ({ station_id: `ST-${n % 3}`, n }));

function ctx(engine: Engine, p: string): SourceContext {
  return { engine, path: p, metadataPath: path.join(p, '_chk_unused'), conf: {}, log: () => {} };
}

/** Reads a batch's partitions the way a worker does: import readerModule, call partitionReaders[reader]. */
async function readBatch(engine: Engine, source: Source, start: Offset | null, end: Offset): Promise<number[]> {
  const out: Row[] = [];
  for (const p of await source.planInputPartitions(start, end)) {
    const mod = (await import(p.readerModule)) as { partitionReaders: Record<string, (d: unknown, c: { engine: Engine }) => Promise<{ rows: Row[] }>> };
    out.push(...(await mod.partitionReaders[p.reader]!(p.data, { engine })).rows);
  }
  return out.map((r) => Number(r['n'])).sort((a, b) => a - b);
}

/** Drives latestOffset → planInputPartitions until no new offset; returns each batch's rows. */
async function drain(engine: Engine, source: Source, start: Offset | null, limit: ReadLimit = source.getDefaultReadLimit()) {
  const batches: number[][] = [];
  let current = start;
  for (;;) {
    const end = await source.latestOffset(current, limit);
    if (end === null || JSON.stringify(end) === JSON.stringify(current)) break;
    batches.push(await readBatch(engine, source, current, end));
    current = end;
  }
  return { batches, offset: current };
}

/** Sizes of the table's data files in commit order (the snapshot order for files written one per commit). */
async function fileSizes(table: string): Promise<number[]> {
  const { readdirSync, readFileSync } = await import('node:fs');
  const sizes: number[] = [];
  for (const n of readdirSync(path.join(table, '_delta_log')).filter((x) => x.endsWith('.json')).sort()) {
    for (const line of readFileSync(path.join(table, '_delta_log', n), 'utf8').split('\n')) if (line.includes('"add"')) sizes.push(JSON.parse(line).add.size);
  }
  return sizes;
}

describe('delta streaming source', () => {
  it('streams the initial snapshot, then later commits, honouring maxFilesPerTrigger; replays are identical', async () => {
    const engine = createNodeEngine();
    const table = path.join(tempDir(), 't');
    await writeDeltaBatch(engine, table, rowBatch(schema, rows(0, 1)));
    await writeDeltaBatch(engine, table, rowBatch(schema, rows(2)));
    const source = await plugin.createSource({ maxFilesPerTrigger: '1' }, ctx(engine, table));
    assert.deepEqual(await source.latestOffset(null, source.getDefaultReadLimit()), { v: 1, reservoirVersion: 1, index: 0, isStartingVersion: true });
    assert.deepEqual(source.metrics!(null), { numFilesOutstanding: '1', numBytesOutstanding: String((await fileSizes(table))[1]) });
    const first = await drain(engine, source, null);
    assert.deepEqual(first.batches, [[0, 1], [2]]);
    assert.deepEqual(first.offset, { v: 1, reservoirVersion: 1, index: 1, isStartingVersion: true });
    await writeDeltaBatch(engine, table, rowBatch(schema, rows(3, 4)));
    await writeDeltaBatch(engine, table, rowBatch(schema, rows(5)));
    const second = await drain(engine, source, first.offset);
    assert.deepEqual(second.batches, [[3, 4], [5]]);
    assert.deepEqual(second.offset, { v: 1, reservoirVersion: 3, index: 0, isStartingVersion: false });
    // a restarted source replays (start, end) to the same rows
    const again = await plugin.createSource({ maxFilesPerTrigger: '1' }, ctx(engine, table));
    assert.deepEqual(await readBatch(engine, again, first.offset, second.offset), [3, 4, 5]);
    assert.deepEqual(await readBatch(engine, again, null, { v: 1, reservoirVersion: 1, index: 0, isStartingVersion: true }), [0, 1]);
  });

  it('startingVersion reads changes from that version on; "latest" only new ones', async () => {
    const engine = createNodeEngine();
    const table = path.join(tempDir(), 't');
    await writeDeltaBatch(engine, table, rowBatch(schema, rows(0)));
    await writeDeltaBatch(engine, table, rowBatch(schema, rows(1)));
    await writeDeltaBatch(engine, table, rowBatch(schema, rows(2)));
    const fromOne = await plugin.createSource({ startingVersion: '1' }, ctx(engine, table));
    assert.deepEqual((await drain(engine, fromOne, null)).batches, [[1, 2]]);
    const latest = await plugin.createSource({ startingVersion: 'latest' }, ctx(engine, table));
    assert.equal(await latest.latestOffset(null, latest.getDefaultReadLimit()), null);
    await writeDeltaBatch(engine, table, rowBatch(schema, rows(3)));
    assert.deepEqual((await drain(engine, latest, null)).batches, [[3]]);
  });

  it('maxBytesPerTrigger is a soft limit: at least one file per batch', async () => {
    const engine = createNodeEngine();
    const table = path.join(tempDir(), 't');
    for (let i = 0; i < 3; i++) await writeDeltaBatch(engine, table, rowBatch(schema, rows(i)));
    const source = await plugin.createSource({ maxBytesPerTrigger: '1b' }, ctx(engine, table));
    assert.deepEqual((await drain(engine, source, null)).batches, [[0], [1], [2]]);
  });

  it('fails on a delete commit unless ignoreDeletes; fails on an overwrite unless skipChangeCommits', async () => {
    const engine = createNodeEngine();
    const table = path.join(tempDir(), 't');
    await writeDeltaBatch(engine, table, rowBatch(schema, rows(0)));
    const start = { v: 1, reservoirVersion: 1, index: -1, isStartingVersion: false };
    await writeDeltaBatch(engine, table, rowBatch(schema, []), { mode: 'overwrite' }); // v1: delete everything
    await writeDeltaBatch(engine, table, rowBatch(schema, rows(7)));                     // v2: append
    const strict = await plugin.createSource({}, ctx(engine, table));
    await assert.rejects(strict.latestOffset(start, {}), { code: 'DELTA_SOURCE_IGNORE_DELETE' });
    const lenient = await plugin.createSource({ ignoreDeletes: 'true' }, ctx(engine, table));
    assert.deepEqual((await drain(engine, lenient, start)).batches, [[7]]);
    await writeDeltaBatch(engine, table, rowBatch(schema, rows(8)), { mode: 'overwrite' }); // v3: rewrite
    const s3 = { v: 1, reservoirVersion: 3, index: -1, isStartingVersion: false };
    await assert.rejects(lenient.latestOffset(s3, {}), { code: 'DELTA_SOURCE_TABLE_IGNORE_CHANGES' });
    const skipping = await plugin.createSource({ skipChangeCommits: 'true' }, ctx(engine, table));
    assert.equal(await skipping.latestOffset(s3, {}), s3);
  });

  it('refuses a missing table and conflicting starting options with coded errors', async () => {
    const engine = createNodeEngine();
    const dir = tempDir();
    await assert.rejects(async () => plugin.createSource({}, ctx(engine, path.join(dir, 'none'))), { code: 'DELTA_STREAMING_SOURCE_TABLE_NOT_FOUND' });
    const table = path.join(dir, 't');
    await writeDeltaBatch(engine, table, rowBatch(schema, rows(0)));
    await assert.rejects(async () => plugin.createSource({ startingVersion: '0', startingTimestamp: '2024-01-01' }, ctx(engine, table)), {
      code: 'DELTA_STARTING_VERSION_AND_TIMESTAMP_BOTH_SET',
    });
  });
});
