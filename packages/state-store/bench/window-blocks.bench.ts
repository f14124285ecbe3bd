/**
 * State-store cost of window-blocked aggregation state (issue #8), a script, not a unit test:
 *
 *   node --conditions=@weir/source --import tsx packages/state-store/bench/window-blocks.bench.ts
 *   QUICK=1 (shorter benchmark.js runs)  WINDOWS=1000 GROUPS=250 (per state partition)  COMMITS=12
 *
 * One state partition of the 10M-row benchmark with 100 files per batch: every batch puts
 * WINDOWS new window blocks (`['weir.wb1', n, group JSON texts joined by '\n', Float64Array]`,
 * GROUPS groups each, avg state = 2 doubles per group) and removes the previous batch's windows
 * (evicted by the watermark), so a delta and a snapshot each hold WINDOWS blocks. Reports
 * benchmark.js ops/s of encodeStateFileParts, crc32 and decodeStateFileParts on one delta's
 * content, and the CPU ms (process.cpuUsage, user + system: this machine is shared) per full
 * commit through FsStorage (real fsync), median over COMMITS commits (snapshots included, one in
 * 10 versions, as in production); every figure also per 1M groups.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Benchmark from 'benchmark';
import { FsStorage, MsgpackCodec, SystemClock } from '@weir/node';
import { createStateStoreProvider, crc32 } from '@weir/state-store';
import { decodeStateFileParts, encodeStateFileParts } from '../src/state-file.js';

const WINDOWS = Number(process.env.WINDOWS ?? 1000);
const GROUPS = Number(process.env.GROUPS ?? 250);
const COMMITS = Number(process.env.COMMITS ?? 12);
const QUICK = process.env.QUICK === '1';
const GROUPS_TOTAL = WINDOWS * GROUPS;
const per1M = (ms: number) => (ms * 1_000_000) / GROUPS_TOTAL;
const MINUTE_US = 60_000_000;
const T0 = 1_767_225_600_000_000;

function windowBlock(groups: number, seed: number): unknown {
  const keys: string[] = new Array<string>(groups);
  for (let i = 0; i < groups; i++) keys[i] = JSON.stringify(`ST-${String((i * 4 + seed) % 10_000).padStart(4, '0')}`);
  const states = new Float64Array(groups * 2);
  for (let i = 0; i < groups; i++) {
    states[2 * i] = 10.5 + ((i * 7 + seed) % 300) / 10;
    states[2 * i + 1] = 1 + (i % 3);
  }
  return ['weir.wb1', groups, keys.join('\n'), states];
}
/** Batch `b`'s block keys (the window end's ordered prefix) and blocks. */
function batchBlocks(b: number): { keys: string[]; values: unknown[] } {
  const keys: string[] = [];
  const values: unknown[] = [];
  for (let w = 0; w < WINDOWS; w++) {
    keys.push(`${T0 + (b * WINDOWS + w + 1) * MINUTE_US}|`);
    values.push(windowBlock(GROUPS, b * WINDOWS + w));
  }
  return { keys, values };
}

const codec = new MsgpackCodec();
const one = batchBlocks(1);
const removes = batchBlocks(0).keys;
const file = encodeStateFileParts(codec, 'delta', 2, one.keys, one.values, removes);
console.log(`${WINDOWS} windows × ${GROUPS} groups per partition: delta ${(file.length / 1e6).toFixed(2)} MB`);

// Full commits through FsStorage: load(v) → put this batch's blocks, remove the last batch's → commit.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weir-state-wb-')).split(path.sep).join('/');
const engine = { storage: new FsStorage(), codec, clock: new SystemClock() };
const provider = createStateStoreProvider(engine, { checkpointLocation: dir, operatorId: 0, partition: 0 });
const batches = Array.from({ length: 3 }, (_, b) => batchBlocks(b));
const commitMs: number[] = [];
let version = 0;
for (let c = 0; c < COMMITS + 2; c++) {
  const now = batches[c % 3] as { keys: string[]; values: unknown[] };
  const prev = batches[(c + 2) % 3] as { keys: string[]; values: unknown[] };
  const store = await provider.load(version);
  const before = process.cpuUsage();
  if (c > 0) for (const k of prev.keys) store.remove(k);
  for (let i = 0; i < now.keys.length; i++) store.put(now.keys[i] as string, now.values[i]);
  version = await store.commit();
  const used = process.cpuUsage(before);
  if (c >= 2) commitMs.push((used.user + used.system) / 1000); // the first two fill the store
}
fs.rmSync(dir, { recursive: true, force: true });
commitMs.sort((a, b) => a - b);
const median = commitMs[Math.floor(commitMs.length / 2)] as number;
console.log(`put+remove+commit through FsStorage: median ${median.toFixed(1)} CPU ms (${per1M(median).toFixed(1)} per 1M groups), min ${(commitMs[0] as number).toFixed(1)}, max ${(commitMs[commitMs.length - 1] as number).toFixed(1)}`);

const payload = file.subarray(16);
const suite = new Benchmark.Suite('state-store window blocks');
const opts = { maxTime: QUICK ? 0.5 : 3, minSamples: QUICK ? 3 : 10 };
suite.add('encodeStateFileParts (codec + header + crc32)', () => void encodeStateFileParts(codec, 'delta', 2, one.keys, one.values, removes), opts);
suite.add('crc32 of the payload', () => void crc32(payload), opts);
suite.add('decodeStateFileParts (crc32 + codec)', () => void decodeStateFileParts(codec, 'bench', file, { kind: 'delta', version: 2 }), opts);
suite
  .on('cycle', (e: Benchmark.Event) => {
    const b = e.target as unknown as Benchmark;
    const ms = 1000 / (b.hz ?? 1);
    const extra = b.name?.startsWith('crc32') ? `, ${((payload.length / 1e6) * (b.hz ?? 0)).toFixed(0)} MB/s` : '';
    console.log(`${String(b)}  →  ${ms.toFixed(2)} ms/op, ${per1M(ms).toFixed(1)} ms per 1M groups${extra}`);
  })
  .run({ async: false });
