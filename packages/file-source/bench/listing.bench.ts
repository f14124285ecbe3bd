// Discovery in a directory of N files (default 100,000) on the real file system (FsStorage), or
// in memory with --memory. Phases: the first trigger (full listing, one log entry for the whole
// backlog), then triggers where 5 new files land each time — with full listing (the default) and
// with cloudFiles.useIncrementalListing=true — and a restart (log load).
// Run: node --conditions=@weir/source --import tsx packages/file-source/bench/listing.bench.ts [files] [--memory]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StructType, type Engine, type Offset, type Source } from '@weir/core';
import { createNodeEngine } from '@weir/node';
import { cloudFilesSource } from '@weir/file-source';
import { MemoryFs } from '../tests/helpers/memory-fs.js';

const files = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 100_000);
const memory = process.argv.includes('--memory');
const root = memory ? '/bench' : fs.mkdtempSync(path.join(os.tmpdir(), 'weir-file-source-bench-'));
const input = `${root}/in`;
const mem = new MemoryFs();
let landed = 0;
const land = () => {
  const i = landed++;
  const name = `${input}/part-${String(i).padStart(7, '0')}.json`;
  if (memory) mem.write(name, `{"id":${i}}\n`, 1_700_000_000_000 + i);
  else fs.writeFileSync(name, `{"id":${i}}\n`);
};
let t = performance.now();
if (!memory) fs.mkdirSync(input, { recursive: true });
for (let i = 0; i < files; i++) land();
console.log(`setup: ${files} files in ${(performance.now() - t).toFixed(0)} ms (${memory ? 'memory' : 'fs'})`);

const engine: Engine = memory ? createNodeEngine({ storage: mem }) : createNodeEngine();
const open = (extra: Record<string, string> = {}): Promise<Source> =>
  Promise.resolve(
    cloudFilesSource.createSource(
      { 'cloudFiles.format': 'json', ...extra },
      { engine, metadataPath: `${root}/ckpt/sources/0`, path: input, conf: {}, log: () => {}, userSchema: StructType.fromDDL('id BIGINT') },
    ),
  );

let source = await open();
t = performance.now();
let start: Offset | null = await source.latestOffset(null, {});
await source.commit(start!);
console.log(`first trigger: listed and admitted ${files} files in one batch in ${(performance.now() - t).toFixed(0)} ms`);

async function triggers(label: string, n: number): Promise<void> {
  const times: number[] = [];
  for (let k = 0; k < n; k++) {
    for (let j = 0; j < 5; j++) land();
    const t0 = performance.now();
    const end: Offset | null = await source.latestOffset(start, source.getDefaultReadLimit());
    times.push(performance.now() - t0);
    if (end === null || JSON.stringify(end) === JSON.stringify(start)) throw new Error('new files not found');
    await source.commit(end);
    start = end;
  }
  times.sort((a, b) => a - b);
  const q = (p: number) => (times[Math.min(times.length - 1, Math.floor(p * times.length))] as number).toFixed(1);
  console.log(`${label}: 5 new files per trigger among ${landed}: median ${q(0.5)} ms, p90 ${q(0.9)} ms per latestOffset (${n} triggers)`);
}

await triggers('full listing', 12);
t = performance.now();
source = await open({ 'cloudFiles.useIncrementalListing': 'true' });
console.log(`restart: source log loaded in ${(performance.now() - t).toFixed(0)} ms`);
await triggers('incremental listing (first trigger lists fully)', 1);
await triggers('incremental listing', 12);
const logFiles = memory ? [...mem.files.keys()].filter((p) => p.startsWith(`${root}/ckpt/`)).map((p) => p.slice(p.lastIndexOf('/') + 1)) : fs.readdirSync(`${root}/ckpt/sources/0`);
console.log(`source log: ${logFiles.length} files after 26 batches: ${logFiles.sort().join(' ')}`);
if (!memory) fs.rmSync(root, { recursive: true, force: true });
