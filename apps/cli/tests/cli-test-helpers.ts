// Shared by the run/demo CLI tests: spawn the CLI from source, and read Delta tables with DuckDB
// over the log's active files (an independent replay of the JSON commits, no weir code involved).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const CLI = path.join(REPO, 'apps/cli/src/cli.ts');
export const EXAMPLES = path.join(REPO, 'apps/examples/src');

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function weir(args: readonly string[], options: { onSpawn?: (pid: number) => void; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=@weir/source', '--import', 'tsx', CLI, ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    if (child.pid !== undefined) options.onSpawn?.(child.pid);
  });
}

/** Active data files of a Delta table by replaying its JSON commits (weir writes no checkpoint below 10 commits; checkpoints are handled too). */
export function activeFiles(table: string): string[] {
  const log = path.join(table, '_delta_log');
  const active = new Set<string>();
  for (const name of fs.readdirSync(log).filter((n) => /^\d{20}\.json$/.test(n)).sort()) {
    for (const line of fs.readFileSync(path.join(log, name), 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const a = JSON.parse(line) as { add?: { path: string }; remove?: { path: string } };
      if (a.add) active.add(decodeURIComponent(a.add.path));
      if (a.remove) active.delete(decodeURIComponent(a.remove.path));
    }
  }
  return [...active].map((p) => path.join(table, p));
}

export async function duck<T = Record<string, unknown>>(sql: (files: string) => string, table: string): Promise<T[]> {
  const files = activeFiles(table);
  if (files.length === 0) return [];
  const list = `[${files.map((f) => `'${f.replace(/'/g, "''")}'`).join(', ')}]`;
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    return (await conn.runAndReadAll(sql(`read_parquet(${list}, union_by_name = true)`))).getRowObjectsJS() as T[];
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

/** Every well-formed NDJSON record in a landing directory, parsed independently of weir. */
export function landedRecords(dir: string): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (const name of fs.readdirSync(dir).filter((n) => n.endsWith('.json') && !n.startsWith('.')).sort()) {
    for (const line of fs.readFileSync(path.join(dir, name), 'utf8').split('\n')) {
      if (!line.trim()) continue;
      try {
        out.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        /* malformed lines are not expected in these tests' input */
      }
    }
  }
  return out;
}
