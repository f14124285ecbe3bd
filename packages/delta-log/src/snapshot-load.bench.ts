/**
 * Benchmark (benchmark.js): loading the latest snapshot of a 10,000-commit table with a
 * checkpoint every 10 commits (the checkpoint + at most 9 commits are replayed), against a
 * log-only replay of all 10,000 commits. Run:
 *   node --conditions=@weir/source --import tsx packages/delta-log/src/snapshot-load.bench.ts
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Benchmark from 'benchmark';
import { StructType } from '@weir/core';
import { createNodeEngine } from '@weir/node';
import { DeltaTable, commitFilePath, protocolForSchema, serializeCommit, writeCheckpoint, type Action } from './index.js';

const COMMITS = Number(process.env.COMMITS ?? 10_000);
const engine = createNodeEngine();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weir-delta-bench-'));
const schema = StructType.fromDDL('station_id STRING, event_time TIMESTAMP, temperature_c DOUBLE');

// Build the log directly (one add per commit, like a streaming sink's micro-batches) with a
// Parquet checkpoint every 10 commits, as weir's writer would leave it.
const t0 = performance.now();
for (let v = 0; v < COMMITS; v++) {
  const actions: Action[] = [{ commitInfo: { timestamp: 1_700_000_000_000 + v, operation: v === 0 ? 'CREATE TABLE' : 'STREAMING UPDATE' } }];
  if (v === 0) {
    actions.push({ protocol: protocolForSchema(schema) });
    actions.push({ metaData: { id: 'bench', format: { provider: 'parquet', options: {} }, schemaString: StructType.toJSON(schema), partitionColumns: [], configuration: {}, createdTime: 0 } });
  }
  actions.push({ txn: { appId: 'bench-query', version: v } });
  actions.push({
    add: { path: `part-00000-${String(v).padStart(8, '0')}.c000.snappy.parquet`, partitionValues: {}, size: 1000, modificationTime: 1_700_000_000_000 + v, dataChange: true, stats: '{"numRecords":100}' },
  });
  await engine.storage.put(commitFilePath(dir, v), serializeCommit(actions), { ifAbsent: true });
  if (v > 0 && v % 10 === 0 && v > COMMITS - 200) await writeCheckpoint(engine, dir, v);
}
console.log(`built ${COMMITS} commits in ${((performance.now() - t0) / 1000).toFixed(1)} s at ${dir}`);

const table = DeltaTable.forPath(engine, dir);
const snap = await table.snapshot();
console.log(`latest version ${snap.version}, ${snap.files.length} files, checkpoint ${snap.logSegment.checkpoint?.version}`);

// A handle that already holds the latest snapshot, for the incremental-update case.
const warm = DeltaTable.forPath(engine, dir);
await warm.snapshot();
let next = COMMITS;

const suite = new Benchmark.Suite('delta snapshot load');
suite
  .add(`cold snapshot() of ${COMMITS} commits, with checkpoints (new handle each time)`, {
    defer: true,
    fn: (d: { resolve(): void }) => void DeltaTable.forPath(engine, dir).snapshot().then(() => d.resolve()),
  })
  .add('warm snapshot() after one new commit (incremental update of a held snapshot)', {
    defer: true,
    fn: (d: { resolve(): void }) => {
      const v = next++;
      const actions: Action[] = [
        { commitInfo: { timestamp: 1_700_000_000_000 + v, operation: 'STREAMING UPDATE' } },
        { add: { path: `part-00000-${String(v).padStart(8, '0')}.c000.snappy.parquet`, partitionValues: {}, size: 1000, modificationTime: 1, dataChange: true } },
      ];
      void engine.storage
        .put(commitFilePath(dir, v), serializeCommit(actions), { ifAbsent: true })
        .then(() => warm.snapshot())
        .then(() => d.resolve());
    },
  })
  .add(`cold snapshot({ useCheckpoints: false }) — replays all ${COMMITS}+ commits`, {
    defer: true,
    minSamples: 2,
    maxTime: 5,
    fn: (d: { resolve(): void }) => void table.snapshot({ useCheckpoints: false }).then(() => d.resolve()),
  })
  .on('cycle', (e: { target: unknown }) => console.log(String(e.target)))
  .on('complete', () => {
    fs.rmSync(dir, { recursive: true, force: true });
  })
  .run({ async: true });
