// MsgpackCodec on the shapes weir's hot paths encode: window-blocked aggregation state (issue #8),
// as map tasks ship it to state partitions and as state-store deltas hold it, plus small row
// messages (so the large-value path is not bought with a slower small one).
// Run: node --conditions=@weir/source --import tsx packages/node/src/msgpack-codec.bench.ts
// Env: QUICK=1 (shorter benchmark.js runs), SHAPES=shuffle,big,rows.
// Before/after figures of a change: run this (or a copy importing the old file) in separate
// processes, interleaved, several times, and compare medians: the machine is shared and noisy.
import Benchmark from 'benchmark';
import { MsgpackCodec } from './msgpack-codec.js';

/** A window block as `planner/src/window-blocks.ts` builds it: tag, n, n group JSON texts joined by '\n', n × 2 doubles (avg). */
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

/** Per state partition, `[blockKey, block]` pairs: `windows` windows of `groups` groups each. */
function partitionBlocks(windows: number, groups: number): Array<[string, unknown]> {
  return Array.from({ length: windows }, (_, w) => [`${1_767_225_600_000_000 + (w + 1) * 60_000_000}|`, windowBlock(groups, w)]);
}

function weatherRows(n: number): Record<string, unknown>[] {
  return Array.from({ length: n }, (_, i) => ({
    station_id: `ST-${String(i % 1000).padStart(4, '0')}`,
    event_time: 1_795_000_000_000_000 + i * 1_000_000,
    temperature_c: 10 + (i % 17) * 0.5,
    humidity: 0.5,
    condition: 'clear',
  }));
}

interface Shape {
  readonly name: string;
  /** One value per encode call (a state partition's block list, or a row message). */
  readonly values: readonly unknown[];
  /** Groups (or rows) across `values`: the unit of the per-1M figure. */
  readonly units: number;
}

const SHAPES: Record<string, () => Shape> = {
  // FPB=100 on the weather data: 1,000 one-minute windows × 1,000 stations over 4 state partitions.
  shuffle: () => ({ name: '4 partitions × 1,000 windows × 250 groups', values: Array.from({ length: 4 }, () => partitionBlocks(1000, 250)), units: 1_000_000 }),
  // One window of 1M groups over 4 partitions: the large-string / large-typed-array extreme.
  big: () => ({ name: '4 partitions × 1 window × 250k groups', values: Array.from({ length: 4 }, () => partitionBlocks(1, 250_000)), units: 1_000_000 }),
  // Small messages: 1,000 encodes of 100 rows.
  rows: () => ({ name: '1,000 messages × 100 rows', values: Array.from({ length: 1000 }, () => weatherRows(100)), units: 100_000 }),
};

const codec = new MsgpackCodec();

/** Median CPU ms (user + system) of `f` over `samples` runs: fair on a machine shared with other work. */
function cpuMs(f: () => void, samples = 9): number {
  f();
  const ms: number[] = [];
  for (let s = 0; s < samples; s++) {
    const before = process.cpuUsage();
    f();
    const used = process.cpuUsage(before);
    ms.push((used.user + used.system) / 1000);
  }
  ms.sort((a, b) => a - b);
  return ms[Math.floor(samples / 2)] as number;
}

const quick = process.env['QUICK'] === '1';
const suite = new Benchmark.Suite('msgpack-codec');
const cpuLines: string[] = [];
for (const key of (process.env['SHAPES'] ?? 'shuffle,big,rows').split(',')) {
  const make = SHAPES[key];
  if (make === undefined) throw new Error(`unknown shape ${key}`);
  const shape = make();
  const encoded = shape.values.map((v) => codec.encode(v));
  const bytes = encoded.reduce((n, e) => n + e.byteLength, 0);
  // Results stay alive a while, as shipped blocks do (transferred to another thread, decoded
  // there, committed): memory freed at once would flatter whatever allocates fresh buffers.
  const live: Uint8Array[] = [];
  const encode = () => {
    for (const v of shape.values) {
      live.push(codec.encode(v));
      if (live.length > 3 * shape.values.length) live.shift();
    }
  };
  const decode = () => {
    for (const e of encoded) codec.decode(e);
  };
  const opts = { maxTime: quick ? 0.5 : 3, minSamples: quick ? 3 : 10 };
  suite.add(`encode ${shape.name} (${(bytes / 1e6).toFixed(1)} MB)`, encode, opts);
  suite.add(`decode ${shape.name}`, decode, opts);
  const per = 1_000_000 / shape.units;
  cpuLines.push(`${key}: encode ${(cpuMs(encode) * per).toFixed(1)} CPU ms, decode ${(cpuMs(decode) * per).toFixed(1)} CPU ms per 1M ${key === 'rows' ? 'rows' : 'groups'}`);
}
for (const l of cpuLines) console.log(l);
suite.on('cycle', (e: Benchmark.Event) => console.log(String(e.target))).run({ async: false });
