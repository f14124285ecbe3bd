/**
 * State store benchmark (a script, not a unit test):
 *
 *   node --expose-gc --conditions=@weir/source --import tsx packages/state-store/bench/commit.bench.ts
 *
 * 1. Commit throughput: batches that update UPDATES keys of a store of KEYS keys (an aggregation
 *    over 1,000 stations × windows), on FsStorage in a temp dir: keys/s through put+commit, ms/commit.
 * 2. Memory per key: heap growth (after GC) of a hot store holding KEYS keys with `{ sum, count }`
 *    values, next to the store's own `memoryUsedBytes` estimate.
 * 3. Cold load: rebuilding the newest version from snapshot + deltas in a fresh provider.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FsStorage, MsgpackCodec, SystemClock } from '@weir/node';
import { createStateStoreProvider } from '@weir/state-store';

const KEYS = Number(process.env.KEYS ?? 100_000);
const UPDATES = Number(process.env.UPDATES ?? 10_000);
const BATCHES = Number(process.env.BATCHES ?? 30);
const gc = (globalThis as { gc?: () => void }).gc;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weir-state-bench-')).split(path.sep).join('/');
const engine = { storage: new FsStorage(), codec: new MsgpackCodec(), clock: new SystemClock() };
const provider = createStateStoreProvider(engine, { checkpointLocation: dir, operatorId: 0, partition: 0 });
const keyOf = (i: number) => JSON.stringify([`station-${i % 1000}`, 1_700_000_000_000_000 + Math.floor(i / 1000) * 60_000_000]);

console.log(`keys ${KEYS}, ${UPDATES} updates/batch, ${BATCHES} batches, storage: FsStorage (${os.tmpdir()})\n`);

// Fill.
gc?.();
const heapBefore = process.memoryUsage().heapUsed;
let t0 = performance.now();
let store = await provider.load(0);
for (let i = 0; i < KEYS; i++) store.put(keyOf(i), { sum: i * 0.5, count: 1 });
await store.commit();
const fillMs = performance.now() - t0;
store = await provider.load(1);
const estimate = store.metrics().memoryUsedBytes;
store.abort();
gc?.();
const heapAfter = process.memoryUsage().heapUsed;
console.log(`fill ${KEYS} keys + first commit: ${fillMs.toFixed(0)} ms (${Math.round(KEYS / (fillMs / 1000)).toLocaleString('en-US')} keys/s)`);
console.log(
  `memory per key: heap ${gc ? ((heapAfter - heapBefore) / KEYS).toFixed(0) : '(run with --expose-gc)'} B, estimate (memoryUsedBytes) ${(estimate / KEYS).toFixed(0)} B`,
);

// Update batches: get + put (an aggregation's read-modify-write) then commit.
let version = 1;
let putMs = 0;
let commitMs = 0;
for (let b = 0; b < BATCHES; b++) {
  const s = await provider.load(version);
  t0 = performance.now();
  for (let j = 0; j < UPDATES; j++) {
    const k = keyOf((b * UPDATES + j * 7) % KEYS);
    const old = s.get(k) as { sum: number; count: number };
    s.put(k, { sum: old.sum + 1, count: old.count + 1 });
  }
  const t1 = performance.now();
  version = await s.commit();
  const t2 = performance.now();
  putMs += t1 - t0;
  commitMs += t2 - t1;
}
const perBatch = (putMs + commitMs) / BATCHES;
console.log(
  `update batches: ${perBatch.toFixed(1)} ms/batch (get+put ${(putMs / BATCHES).toFixed(1)} ms, commit ${(commitMs / BATCHES).toFixed(1)} ms incl. ${Math.floor(BATCHES / 10)} snapshot(s)); ${Math.round((UPDATES * BATCHES) / ((putMs + commitMs) / 1000)).toLocaleString('en-US')} updated keys/s`,
);

// Cold load of the newest version (snapshot + deltas) in a fresh provider.
t0 = performance.now();
const cold = await createStateStoreProvider(engine, { checkpointLocation: dir, operatorId: 0, partition: 0 }).load(version);
console.log(`cold load of version ${version} (${cold.size} keys): ${(performance.now() - t0).toFixed(0)} ms`);
cold.abort();
const bytesOnDisk = fs.readdirSync(path.join(dir, 'state/0/0')).reduce((n, f) => n + fs.statSync(path.join(dir, 'state/0/0', f)).size, 0);
console.log(`files: ${fs.readdirSync(path.join(dir, 'state/0/0')).length}, ${(bytesOnDisk / 1e6).toFixed(1)} MB`);
fs.rmSync(dir, { recursive: true, force: true });
