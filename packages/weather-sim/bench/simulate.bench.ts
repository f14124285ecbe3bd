// Generation-rate benchmark: bounded mode to NDJSON (the acceptance number in README.md).
//   node --conditions=@weir/source --import tsx packages/weather-sim/bench/simulate.bench.ts [rows] [files]
// Reports wall-clock rows/s and rows per CPU-second (the machine is shared, so CPU time is the
// steadier figure), for three sinks: a discarding Storage (generation + encoding only), FsStorage
// without fsync, and FsStorage as shipped (temp + fsync + rename + directory fsync).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Engine, FileInfo, Storage } from '@weir/core';
import { createNodeEngine, FsStorage } from '@weir/node';
import { simulate } from '@weir/weather-sim';

const rows = Number(process.argv[2] ?? 2_000_000);
const files = Number(process.argv[3] ?? 20);

class DiscardStorage implements Storage {
  bytes = 0;
  async read(): Promise<Uint8Array> {
    return new Uint8Array();
  }
  async head(): Promise<FileInfo | null> {
    return null;
  }
  async *list(): AsyncIterable<FileInfo> {}
  async put(_path: string, data: Uint8Array): Promise<void> {
    this.bytes += data.byteLength;
  }
  async delete(): Promise<void> {}
}

async function measure(name: string, engine: Engine): Promise<void> {
  const out = mkdtempSync(join(tmpdir(), 'weir-weather-sim-bench-'));
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const m = await simulate({ engine, out, files, rowsPerFile: Math.ceil(rows / files), seed: 1 });
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuSec = (cpu.user + cpu.system) / 1e6;
  const mb = m.files.reduce((n, f) => n + f.bytes, 0) / 1e6;
  console.log(
    `${name.padEnd(26)} ${m.counts.rows} rows, ${mb.toFixed(0)} MB: ${Math.round(m.counts.rows / wall).toLocaleString('en')} rows/s wall, ` +
      `${Math.round(m.counts.rows / cpuSec).toLocaleString('en')} rows/CPU-s, ${(mb / wall).toFixed(0)} MB/s`,
  );
  rmSync(out, { recursive: true, force: true });
}

// Warm up the JIT on a small run first.
await simulate({ engine: { ...createNodeEngine(), storage: new DiscardStorage() }, out: '/warmup', files: 2, rowsPerFile: 50_000 });
await measure('generate+encode (discard)', { ...createNodeEngine(), storage: new DiscardStorage() });
await measure('FsStorage, fsync off', createNodeEngine({ storage: new FsStorage({ fsync: false }) }));
await measure('FsStorage (durable)', createNodeEngine());
