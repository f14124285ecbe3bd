/**
 * State store batch-cycle benchmark (a script, not a unit test): the shape of a windowed
 * aggregation in append mode where every input row is its own key (1-minute tumbling windows per
 * station, watermark a few batches behind), per version:
 *
 *   load(v) → PUTS × (get miss + put new key) → entries() with an early break at the watermark,
 *   remove every closed key (≈ PUTS removes) → commit (delta; a snapshot every 10 versions)
 *
 *   node --expose-gc --conditions=@weir/source --import tsx packages/state-store/bench/batch-cycle.bench.ts
 *   PUTS=250000 RETAIN=4 VERSIONS=24 ORDER=random|sorted  (defaults 100000, 4, 14, random)
 *
 * Reports CPU ms (process.cpuUsage, user+system: this machine is shared, so wall time is noisy)
 * per phase as the median over the steady versions (after the first RETAIN fill the store),
 * snapshot versions apart; keys/s = (puts + removes) per CPU second of the whole cycle; and the
 * memory per key: the heap the hot store holds (after GC, hot minus closed) and the store's own
 * `memoryUsedBytes` estimate, each divided by the number of keys.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FsStorage, MsgpackCodec, SystemClock } from '@weir/node';
import { createStateStoreProvider } from '@weir/state-store';

const PUTS = Number(process.env.PUTS ?? 100_000);
const RETAIN = Number(process.env.RETAIN ?? 4);
const VERSIONS = Number(process.env.VERSIONS ?? 14);
const ORDER = process.env.ORDER ?? 'random';
const WINDOWS_PER_VERSION = 5;
const STATIONS = Math.ceil(PUTS / WINDOWS_PER_VERSION);
const MINUTE_US = 60_000_000;
const T0 = 1_700_000_000_000_000;
const gc = (globalThis as { gc?: () => void }).gc;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weir-state-cycle-')).split(path.sep).join('/');
const engine = { storage: new FsStorage(), codec: new MsgpackCodec(), clock: new SystemClock() };
const provider = createStateStoreProvider(engine, { checkpointLocation: dir, operatorId: 0, partition: 0 });

/** The planner's ordered aggregation key of (window, station): `<window end, 16 digits>|<JSON of the other keys>`. */
const keyOf = (window: number, station: number) => `${T0 + (window + 1) * MINUTE_US}|${JSON.stringify([`ST-${String(station).padStart(6, '0')}`])}`;
/** Keys of every window < `window` sort before this prefix. */
const windowPrefix = (window: number) => `${T0 + (window + 1) * MINUTE_US}|`;

let seed = 42;
const random = () => ((seed = (seed * 1_103_515_245 + 12_345) >>> 0) / 2 ** 32);

function keysOfVersion(v: number): string[] {
  const keys: string[] = [];
  for (let w = 0; w < WINDOWS_PER_VERSION; w++) for (let s = 0; s < STATIONS && keys.length < PUTS; s++) keys.push(keyOf(v * WINDOWS_PER_VERSION + w, s));
  if (ORDER === 'random') {
    for (let i = keys.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [keys[i], keys[j]] = [keys[j] as string, keys[i] as string];
    }
  }
  return keys;
}

const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
type Sample = { put: number; evict: number; commit: number; total: number; removed: number; snapshot: boolean };
const samples: Sample[] = [];
let version = 0;
let removedTotal = 0;
for (let v = 1; v <= VERSIONS; v++) {
  const keys = keysOfVersion(v);
  const c0 = cpu();
  const store = await provider.load(version);
  for (const k of keys) {
    if (store.get(k) === undefined) store.put(k, [[20 + (k.length % 7) * 0.5, 1]]);
  }
  const c1 = cpu();
  const closedBefore = windowPrefix((v - RETAIN + 1) * WINDOWS_PER_VERSION);
  const evict: string[] = [];
  for (const [k] of store.entries()) {
    if (k >= closedBefore) break;
    evict.push(k);
  }
  for (const k of evict) store.remove(k);
  const c2 = cpu();
  version = await store.commit();
  const c3 = cpu();
  removedTotal += evict.length;
  samples.push({ put: c1 - c0, evict: c2 - c1, commit: c3 - c2, total: c3 - c0, removed: evict.length, snapshot: version % 10 === 0 });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? (s[(s.length - 1) / 2] as number) : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
};
const steady = samples.slice(RETAIN);
const plain = steady.filter((s) => !s.snapshot);
const snaps = steady.filter((s) => s.snapshot);
const fmt = (n: number) => n.toFixed(0).padStart(6);
console.log(`puts ${PUTS}/version (${ORDER} order), keys kept ≈ ${RETAIN} versions, ${VERSIONS} versions, FsStorage (${os.tmpdir()})`);
console.log(`CPU ms per version, median of ${plain.length} steady versions (and of ${snaps.length} with a snapshot):`);
console.log(`  get+put   ${fmt(median(plain.map((s) => s.put)))}`);
console.log(`  entries+remove ${fmt(median(plain.map((s) => s.evict)))}  (${median(plain.map((s) => s.removed))} removes)`);
console.log(`  commit    ${fmt(median(plain.map((s) => s.commit)))}   snapshot versions: ${fmt(median(snaps.map((s) => s.commit)))}`);
console.log(`  total     ${fmt(median(plain.map((s) => s.total)))}   snapshot versions: ${fmt(median(snaps.map((s) => s.total)))}`);
const perKey = median(steady.map((s) => s.total / (PUTS + s.removed)));
console.log(`  → ${Math.round(1000 / perKey).toLocaleString('en-US')} keys/CPU-s (puts + removes, all steady versions incl. snapshots); ${removedTotal} removed overall`);

// In a function so no reference to the store outlives it: closing the provider must free the state.
const { size, estimate } = await (async () => {
  const last = await provider.load(version);
  const m = { size: last.size, estimate: last.metrics().memoryUsedBytes };
  last.abort();
  return m;
})();
gc?.();
gc?.();
const hotHeap = process.memoryUsage().heapUsed;
provider.close();
gc?.();
gc?.();
const closedHeap = process.memoryUsage().heapUsed;
console.log(
  `memory per key (${size} keys): heap ${gc ? ((hotHeap - closedHeap) / size).toFixed(0) : '(run with --expose-gc)'} B, memoryUsedBytes ${(estimate / size).toFixed(0)} B`,
);
fs.rmSync(dir, { recursive: true, force: true });
