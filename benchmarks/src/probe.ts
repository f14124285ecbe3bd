import { ensureDataset } from './dataset.js';
import { weirIngest, weirAggregate } from './scenarios/weir-pipelines.js';
import { rmSync, mkdirSync } from 'node:fs';
const work = new URL('../.work', import.meta.url).pathname;
const [files, rpf] = (process.env.DS ?? '50x10000').split('x').map(Number);
const data = await ensureDataset(work, files!, rpf!);
const which = (process.env.WHICH ?? 'ingest').split(',');
const threads = (process.env.T ?? '1,2').split(',').map(Number);
const fpb = Number(process.env.FPB ?? Math.ceil(files! / 4));
for (const w of which) for (const t of threads) {
  const dir = `${work}/probe-${w}-${t}${process.env.TAG ?? ""}`; rmSync(dir, { recursive: true, force: true }); mkdirSync(dir, { recursive: true });
  const c0 = process.cpuUsage();
  const warmData = process.env.JIT_WARM ? await ensureDataset(work, Number(process.env.WARM_FILES ?? 4), 10000) : undefined;
  const r = w === 'ingest' ? await weirIngest(data.dir, dir, t, fpb, warmData?.dir) : await weirAggregate(data.dir, dir, t, fpb, warmData?.dir);
  console.log(w, 'threads', t, 'rows', r.rowsOut, 's', r.seconds.toFixed(2), 'in rows/s', Math.round(data.rows / r.seconds), 'batches', r.batches, 'start s', r.startSeconds.toFixed(2), 'run cpu s', r.cpuSeconds.toFixed(2), 'batch s', r.batchSeconds.map((x) => x.toFixed(2)).join(' '));
}
process.exit(0);
