// Machine calibration: how much faster do 2 worker threads run than 1 on a purely CPU-bound loop,
// and on a memory-streaming one (an engine reads and writes megabytes per task), right now? On a
// shared or throttled machine these are well below 2, and no engine can scale past them; the
// suite reports weir's 1→2 thread speedup next to these ceilings.
import { Worker } from 'node:worker_threads';

const LOOP = `
const { parentPort, workerData } = require('node:worker_threads');
const end = Date.now() + workerData.ms;
let n = 0, x = 0;
while (Date.now() < end) { for (let i = 0; i < 10000; i++) x = (x * 31 + i) | 0; n++; }
parentPort.postMessage(n + (x & 0));`;

// Sums a 64 MiB buffer (far past any per-core cache) pass after pass: memory bandwidth per thread.
const SCAN = `
const { parentPort, workerData } = require('node:worker_threads');
const buf = new Uint8Array(64 << 20);
for (let i = 0; i < buf.length; i += 4096) buf[i] = i & 255;
const end = Date.now() + workerData.ms;
let n = 0, x = 0;
while (Date.now() < end) { for (let i = 0; i < buf.length; i++) x = (x + buf[i]) | 0; n++; }
parentPort.postMessage(n + (x & 0));`;

async function iterations(threads: number, ms: number, source = LOOP): Promise<number> {
  const runs = Array.from(
    { length: threads },
    () =>
      new Promise<number>((resolve, reject) => {
        const w = new Worker(source, { eval: true, workerData: { ms } });
        w.once('message', (n: number) => {
          resolve(n);
          void w.terminate();
        });
        w.once('error', reject);
      }),
  );
  return (await Promise.all(runs)).reduce((a, b) => a + b, 0);
}

/** Throughput of `threads` busy workers relative to one, over `ms` each (1 → 2 threads: the ceiling for any engine). */
export async function cpuScaling(ms = 1500): Promise<{ oneThread: number; twoThreads: number; speedup: number }> {
  const oneThread = await iterations(1, ms);
  const twoThreads = await iterations(2, ms);
  return { oneThread, twoThreads, speedup: Number((twoThreads / oneThread).toFixed(3)) };
}

/** The same ratio for a memory-streaming loop (summing a 64 MiB buffer): the ceiling for work that moves data. */
export async function memoryScaling(ms = 2500): Promise<{ oneThread: number; twoThreads: number; speedup: number }> {
  const oneThread = await iterations(1, ms, SCAN);
  const twoThreads = await iterations(2, ms, SCAN);
  return { oneThread, twoThreads, speedup: Number((twoThreads / oneThread).toFixed(3)) };
}
