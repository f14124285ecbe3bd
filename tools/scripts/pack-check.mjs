#!/usr/bin/env node
// Packs every publishable workspace (after `npm run build`), installs all the tarballs together
// into a fresh temp project (so @weir/* dependencies resolve to the tarballs, never to a
// registry), then imports each package by name and runs the installed `weir --help`. This is
// what a user gets from `npm install @weir/x`: it catches missing `files`, bad `exports`,
// dependencies that only resolve inside the monorepo, and source-only imports.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

const publishable = [];
for (const group of ['packages', 'apps']) {
  for (const name of readdirSync(join(root, group)).sort()) {
    const dir = join(root, group, name);
    const pjPath = join(dir, 'package.json');
    if (!existsSync(pjPath)) continue;
    const pj = JSON.parse(readFileSync(pjPath, 'utf8'));
    if (pj.private) continue;
    if (!existsSync(join(dir, 'dist'))) {
      console.error(`pack-check: ${pj.name} has no dist/ — run npm run build first`);
      process.exit(1);
    }
    publishable.push({ dir, pj });
  }
}

const work = mkdtempSync(join(tmpdir(), 'weir-pack-'));
const tarballs = [];
for (const { dir, pj } of publishable) {
  const out = run(npm, ['pack', '--silent', '--pack-destination', work], dir).trim().split('\n').pop();
  tarballs.push(join(work, out));
  console.log(`packed ${pj.name} → ${out}`);
}
const app = join(work, 'app');
run('mkdir', ['-p', app]);
writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'pack-check-app', private: true, type: 'module' }));
run(npm, ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...tarballs], app);

let failed = 0;
for (const { pj } of publishable) {
  const probe = `const m = await import(${JSON.stringify(pj.name)}); const n = Object.keys(m).length; if (n === 0) throw new Error('no exports'); console.log(n);`;
  try {
    const n = run(process.execPath, ['--input-type=module', '-e', probe], app).trim();
    console.log(`ok   ${pj.name}: ${n} exports`);
  } catch (e) {
    failed++;
    console.error(`FAIL ${pj.name}: ${(e.stderr || e.message).split('\n').slice(0, 6).join('\n')}`);
  }
}
const bin = join(app, 'node_modules', '.bin', 'weir');
if (existsSync(bin)) {
  try {
    const help = run(bin, ['--help'], app);
    if (!/Usage: weir/.test(help)) throw new Error(help);
    console.log('ok   weir --help (installed bin)');
  } catch (e) {
    failed++;
    console.error(`FAIL weir --help: ${e.stderr || e.message}`);
  }
}
if (failed === 0) rmSync(work, { recursive: true, force: true });
console.log(failed === 0 ? `pack-check: ${publishable.length} packages ok` : `pack-check: ${failed} failure(s); kept ${work}`);
process.exit(failed === 0 ? 0 : 1);
