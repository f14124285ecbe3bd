import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const tmp = (): string => mkdtempSync(join(tmpdir(), 'weir-cli-simulate-'));

/**
 * Runs `weir simulate <args>` through main() for each argument list, in ONE child process (so
 * the test runner's own stdout is never touched), capturing exit code, stdout and stderr.
 */
async function runMany(argLists: string[][]): Promise<Array<{ code: number; stdout: string; stderr: string }>> {
  const script = `
    const { main } = await import('@weir/cli');
    const results = [];
    const out = process.stdout.write.bind(process.stdout);
    for (const args of ${JSON.stringify(argLists)}) {
      let stdout = '', stderr = '';
      process.stdout.write = (s) => ((stdout += String(s)), true);
      process.stderr.write = (s) => ((stderr += String(s)), true);
      const code = await main(['node', 'weir', 'simulate', ...args]);
      results.push({ code, stdout, stderr });
    }
    process.stdout.write = out;
    out(JSON.stringify(results));
  `;
  const child = spawn(process.execPath, ['--conditions=@weir/source', '--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let text = '';
  child.stdout.on('data', (d) => (text += String(d)));
  await new Promise((res) => child.on('close', res));
  return JSON.parse(text) as Array<{ code: number; stdout: string; stderr: string }>;
}

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return (await runMany([args]))[0]!;
}

/** Spawns the dev CLI as a child process. */
function spawnCli(args: string[]) {
  return spawn(process.execPath, ['--conditions=@weir/source', '--import', 'tsx', join(repoRoot, 'apps/cli/src/cli.ts'), 'simulate', ...args], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

describe('weir simulate', () => {
  it('--help lists the issue flags and exits 0', async () => {
    const r = await run(['--help']);
    assert.equal(r.code, 0);
    for (const flag of ['--out', '--format', '--stations', '--seed', '--files', '--rows-per-file', '--rate', '--file-interval', '--duration', '--start-time', '--late-fraction', '--max-lateness', '--duplicate-fraction', '--malformed-fraction', '--drift-at-file', '--partition-by-date', '--manifest']) {
      assert.ok(r.stdout.includes(flag), `help mentions ${flag}`);
    }
  });

  const invalid: Array<[string, string[]]> = [
    ['a missing --out', ['--files', '1']],
    ['an unknown flag', ['--out', '/tmp/x', '--bogus']],
    ['a bad fraction', ['--out', '/tmp/x', '--late-fraction', '1.5']],
    ['a bad rate', ['--out', '/tmp/x', '--rate', 'fast']],
    ['a bad duration', ['--out', '/tmp/x', '--file-interval', 'soon']],
    ['a bad format', ['--out', '/tmp/x', '--format', 'xml']],
    ['a bad start time', ['--out', '/tmp/x', '--start-time', 'yesterday']],
    ['bounded and continuous flags together', ['--out', '/tmp/x', '--files', '2', '--duration', '1m']],
    ['malformed rows with parquet', ['--out', '/tmp/x', '--format', 'parquet', '--malformed-fraction', '0.1']],
    ['fractions over 1 in total', ['--out', '/tmp/x', '--malformed-fraction', '0.6', '--missing-fraction', '0.6']],
  ];
  it('rejects invalid flags and values with one error line and exit 2', async () => {
    const results = await runMany(invalid.map(([, args]) => args));
    results.forEach((r, k) => {
      const name = invalid[k]![0];
      assert.equal(r.code, 2, name);
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, `${name}: ${r.stderr}`);
      assert.match(lines[0] as string, /^error: /, name);
    });
  });

  it('bounded mode writes the files and a manifest that matches them', async () => {
    const dir = tmp();
    const out = join(dir, 'landing');
    const manifestPath = join(dir, 'manifest.json');
    const r = await run(['--out', out, '--files', '3', '--rows-per-file', '200', '--format', 'csv', '--seed', '4', '--duplicate-fraction', '0.05', '--drift-at-file', '2', '--manifest', manifestPath]);
    assert.equal(r.code, 0, r.stderr);
    const m = JSON.parse(readFileSync(manifestPath, 'utf8')) as { counts: Record<string, number>; files: Array<{ path: string }> };
    const files = readdirSync(out).sort();
    assert.equal(files.length, 3);
    assert.deepEqual(m.files.map((f) => f.path.split('/').pop()), files);
    const dataLines = files.reduce((n, f) => n + readFileSync(join(out, f), 'utf8').trim().split('\n').length - 1, 0);
    assert.equal(m.counts['rows'], dataLines);
    assert.ok((m.counts['duplicates'] as number) > 0);
    assert.equal(m.counts['drifted'], readFileSync(join(out, files[2] as string), 'utf8').trim().split('\n').length - 1);
    assert.match(r.stdout, /wrote 3 csv file\(s\)/);
  });

  it('continuous mode paces files by --rate and --file-interval and stops after --duration', async () => {
    const dir = tmp();
    const child = spawnCli(['--out', dir, '--rate', '40/s', '--file-interval', '500ms', '--duration', '2s', '--manifest', join(dir, '..', `${dir.split('/').pop()}.json`)]);
    const started = Date.now();
    const code = await new Promise<number | null>((res) => child.on('close', res));
    const elapsed = Date.now() - started;
    assert.equal(code, 0);
    const files = readdirSync(dir).sort();
    assert.equal(files.length, 4);
    for (const f of files) assert.equal(readFileSync(join(dir, f), 'utf8').trim().split('\n').length, 20);
    assert.ok(elapsed >= 1500, `took ${elapsed} ms: files land in real time`);
  });

  it('SIGINT stops cleanly: exit 0, whole files only, no temp files, interrupted manifest', async () => {
    const dir = tmp();
    const manifestPath = `${dir}.manifest.json`;
    const child = spawnCli(['--out', dir, '--rate', '2000/s', '--file-interval', '200ms', '--late-fraction', '0.2', '--max-lateness', '1s', '--manifest', manifestPath]);
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += String(d)));
    // Wait for a few files, then interrupt.
    for (let k = 0; k < 300 && readdirSync(dir).filter((f) => !f.startsWith('.')).length < 3; k++) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((res) => child.on('close', res));
    assert.equal(code, 0, stderr);
    const names = readdirSync(dir);
    assert.deepEqual(names.filter((n) => n.startsWith('.') || n.startsWith('_')), []);
    assert.ok(existsSync(manifestPath));
    const m = JSON.parse(readFileSync(manifestPath, 'utf8')) as { interrupted: boolean; counts: { rows: number; files: number } };
    assert.equal(m.interrupted, true);
    assert.equal(m.counts.files, names.length);
    let rows = 0;
    for (const n of names) {
      const text = readFileSync(join(dir, n), 'utf8');
      assert.ok(text.endsWith('\n'));
      for (const line of text.trim().split('\n')) JSON.parse(line);
      rows += text.trim().split('\n').length;
    }
    assert.equal(m.counts.rows, rows);
  });
});
