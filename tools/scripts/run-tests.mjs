#!/usr/bin/env node
// Runs every workspace's tests on node's test runner (through tsx, resolving @weir/* to source via
// the "@weir/source" condition), sums the TAP reports and ends with ONE line CI can read:
//   tests: N passed, N failed, N skipped
// Exit status is non-zero on any failure. Usage: run-tests.mjs [workspace-dir …] (default: all).
import { spawn } from 'node:child_process';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const WORKSPACE_GLOBS = ['packages', 'apps', 'tools'];

function workspaces() {
  const out = [];
  for (const group of WORKSPACE_GLOBS) {
    const dir = join(repoRoot, group);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).sort()) {
      if (existsSync(join(dir, name, 'package.json'))) out.push(join(dir, name));
    }
  }
  return out;
}

function findTests(dir) {
  const found = [];
  const walk = (d) => {
    for (const name of readdirSync(d).sort()) {
      if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.test\.(ts|mts|js|mjs)$/.test(name)) found.push(p);
    }
  };
  for (const sub of ['src', 'tests']) if (existsSync(join(dir, sub))) walk(join(dir, sub));
  return found;
}

function runPackage(dir, files) {
  return new Promise((resolveRun) => {
    const args = ['--conditions=@weir/source', '--import', 'tsx', '--test', '--test-reporter=tap', ...files];
    const child = spawn(process.execPath, args, { cwd: dir, env: { ...process.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      process.stdout.write(d);
    });
    child.stderr.on('data', (d) => process.stderr.write(d));
    child.on('close', (code) => {
      const count = (key) => {
        const m = new RegExp(`^# ${key} (\\d+)$`, 'm').exec(out);
        return m ? Number(m[1]) : 0;
      };
      const summary = { pass: count('pass'), fail: count('fail'), skipped: count('skipped') + count('todo') };
      // A crashed runner with no TAP summary counts as a failure, never as silence.
      if (code !== 0 && summary.fail === 0) summary.fail = 1;
      resolveRun(summary);
    });
  });
}

const requested = process.argv.slice(2).map((p) => resolve(p));
const targets = requested.length > 0 ? requested : workspaces();
const totals = { pass: 0, fail: 0, skipped: 0 };
const perPackage = [];
for (const dir of targets) {
  const files = findTests(dir);
  if (files.length === 0) continue;
  const name = relative(repoRoot, dir) || '.';
  console.log(`\n### ${name}: ${files.length} test file(s)`);
  const started = Date.now();
  const r = await runPackage(dir, files);
  perPackage.push(`${name}: ${r.pass} passed, ${r.fail} failed, ${r.skipped} skipped (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  totals.pass += r.pass;
  totals.fail += r.fail;
  totals.skipped += r.skipped;
}
console.log('\n' + perPackage.join('\n'));
console.log(`tests: ${totals.pass} passed, ${totals.fail} failed, ${totals.skipped} skipped`);
process.exit(totals.fail > 0 ? 1 : 0);
