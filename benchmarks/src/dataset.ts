// The benchmark input: weather-sim's bounded NDJSON output with a fixed seed, generated once
// per size into benchmarks/.work/ and reused (the manifest records what it holds).
import { existsSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createNodeEngine } from '@weir/node';
import { simulate } from '@weir/weather-sim';

export interface Dataset {
  readonly dir: string;
  readonly files: number;
  readonly rows: number;
  readonly bytes: number;
}

export async function ensureDataset(workDir: string, files: number, rowsPerFile: number, stations = 1000): Promise<Dataset> {
  const dir = join(workDir, `input-${files}x${rowsPerFile}`);
  const marker = `${dir}.json`; // beside, not inside: every engine globs the input directory
  if (existsSync(marker)) return JSON.parse(readFileSync(marker, 'utf8')) as Dataset;
  rmSync(dir, { recursive: true, force: true });
  const engine = createNodeEngine();
  try {
    const manifest = await simulate({ engine, out: dir, files, rowsPerFile, stations, seed: 7 });
    const bytes = manifest.files.reduce((sum, f) => sum + f.bytes, 0);
    const ds: Dataset = { dir, files, rows: manifest.counts.rows, bytes };
    writeFileSync(marker, JSON.stringify(ds));
    return ds;
  } finally {
    await engine.tasks.close();
  }
}
