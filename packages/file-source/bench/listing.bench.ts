// Discovery in a directory of N files (default 100,000): the first listing, draining the backlog
// at maxFilesPerTrigger=1000, then incremental triggers where a few new files land each time.
// Run: node --conditions=@weir/source --import tsx packages/file-source/bench/listing.bench.ts [files] [--memory]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Offset, Storage } from '@weir/core';
import { createNodeEngine } from '@weir/node';
import { cloudFilesSource } from '@weir/file-source';
import { StructType } from '@weir/core';
import { MemoryFs } from '../tests/helpers/memory-fs.js';

const files = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 100_000);
const memory = process.argv.includes('--memory');
const root = memory ? '/bench' : fs.mkdtempSync(path.join(os.tmpdir(), 'weir-file-source-bench-'));
const input = `${root}/in`;
const mem = new MemoryFs();
const name = (i: number) => `${input}/part-${String(i).padStart(7, '0')}.json`;
const land = (i: number) => {
  if (memory) mem.write(name(i), `{"id":${i}}\n`, 1_700_000_000_000 + i);
  else fs.writeFileSync(name(i), `{"id":${i}}\n`);
};
let t = performance.now();
if (!memory) fs.mkdirSync(input, { recursive: true });
for (let i = 0; i < files; i++) land(i);
console.log(`setup: ${files} files in ${(performance.now() - t).toFixed(0)} ms (${memory ? 'memory' : 'fs'})`);

const engine = memory ? createNodeEngine({ storage: mem as Storage }) : createNodeEngine();
const source = await cloudFilesSource.createSource(
  { 'cloudFiles.format': 'json' },
  { engine, metadataPath: `${root}/ckpt/sources/0`, path: input, conf: {}, log: () => {}, userSchema: StructType.fromDDL('id BIGINT') },
);
const limit = source.getDefaultReadLimit();
let start: Offset | null = null;
t = performance.now();
let batches = 0;
const first = performance.now();
let firstMs = 0;
for (;;) {
  const end: Offset | null = await source.latestOffset(start, limit);
  if (batches === 0) firstMs = performance.now() - first;
  if (end === null || JSON.stringify(end) === JSON.stringify(start)) break;
  await source.commit(end);
  start = end;
  batches++;
}
const drainMs = performance.now() - t;
console.log(`backlog: ${batches} batches of ≤1000 files in ${drainMs.toFixed(0)} ms (first latestOffset ${firstMs.toFixed(0)} ms; ${(drainMs / batches).toFixed(1)} ms per trigger)`);

const times: number[] = [];
for (let k = 0; k < 20; k++) {
  for (let j = 0; j < 5; j++) land(files + k * 5 + j);
  const t0 = performance.now();
  const end = await source.latestOffset(start, limit);
  times.push(performance.now() - t0);
  await source.commit(end!);
  start = end;
}
times.sort((a, b) => a - b);
console.log(`incremental: 5 new files per trigger over ${files} known: median ${times[10]!.toFixed(1)} ms, p90 ${times[18]!.toFixed(1)} ms per latestOffset`);
const logFiles = memory ? [...mem.files.keys()].filter((p) => p.startsWith(`${root}/ckpt/`)).length : fs.readdirSync(`${root}/ckpt/sources/0`).length;
console.log(`source log: ${logFiles} files after ${batches + 20} batches`);
if (!memory) fs.rmSync(root, { recursive: true, force: true });
