// Recovery: SIGKILL the ingest query mid-batch, restart it on the same checkpoint, and time the
// restart until its first new commit (Spark re-runs the uncommitted batch from the offset WAL).
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDataset } from '../dataset.js';

const here = dirname(fileURLToPath(import.meta.url));

interface ChildRun {
  kill(): void;
  readonly events: AsyncIterable<string>;
  readonly spawnedAt: number;
}

function startChild(input: string, work: string): ChildRun {
  const child = spawn(process.execPath, ['--conditions=@weir/source', '--import', 'tsx', join(here, 'recovery-child.ts'), input, work], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return { kill: () => child.kill('SIGKILL'), events: createInterface({ input: child.stdout }), spawnedAt: performance.now() };
}

export async function recoveryScenario(work: string, kills: number): Promise<{ medianMs: number; medianWithStartMs: number }> {
  const data = await ensureDataset(join(work, '..'), 40, 5_000, 100);
  const fromStart: number[] = [];
  const withSpawn: number[] = [];
  // First run: let it commit one batch, then kill it while the next batch is in flight.
  let run = startChild(data.dir, work);
  for (let k = 0; k < kills; k++) {
    for await (const line of run.events) {
      if (line.startsWith('commit')) break;
    }
    await new Promise((r) => setTimeout(r, 40)); // mid-batch
    run.kill();
    run = startChild(data.dir, work);
    let started = NaN;
    for await (const line of run.events) {
      const [kind, , ms] = line.split(' ');
      if (kind === 'started') started = Number(line.split(' ')[1]);
      if (kind === 'commit') {
        fromStart.push(Number(ms) - started);
        withSpawn.push(performance.now() - run.spawnedAt);
        break;
      }
    }
  }
  run.kill();
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
  return { medianMs: Math.round(median(fromStart)), medianWithStartMs: Math.round(median(withSpawn)) };
}
