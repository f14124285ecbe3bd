// Atomic landing: a reader polling the landing directory from ANOTHER process while the
// simulator writes must never see a partial file (names starting with '.' or '_' are temp files,
// as for Auto Loader, and are skipped).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNodeEngine } from '@weir/node';
import { simulate } from '@weir/weather-sim';

const POLLER = `
const fs = require('node:fs');
const [dir, stopFile, rowsPerFile] = process.argv.slice(1);
const verified = new Set();
let polls = 0, partial = 0, tempSeen = 0;
const problems = [];
for (;;) {
  // Read the stop flag BEFORE polling, so the pass after the writer's last file still happens.
  const stop = fs.existsSync(stopFile);
  polls++;
  let names = [];
  try { names = fs.readdirSync(dir); } catch { if (stop) break; continue; }
  for (const name of names) {
    if (name.startsWith('.') || name.startsWith('_')) { tempSeen++; continue; }
    if (verified.has(name)) continue;
    let text;
    try { text = fs.readFileSync(dir + '/' + name, 'utf8'); } catch (e) { problems.push(name + ': ' + e.code); continue; }
    const lines = text.endsWith('\\n') ? text.slice(0, -1).split('\\n') : null;
    let ok = lines !== null && lines.length === Number(rowsPerFile);
    if (ok) for (const l of lines) { try { JSON.parse(l); } catch { ok = false; break; } }
    if (!ok) { partial++; problems.push(name + ': ' + text.length + ' bytes'); }
    verified.add(name);
  }
  if (stop) break;
}
process.stdout.write(JSON.stringify({ polls, seen: verified.size, partial, tempSeen, problems }));
`;

describe('atomic landing', () => {
  it('a concurrent reader loop never sees a partial file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'weir-weather-sim-atomic-'));
    const out = join(dir, 'landing');
    const stopFile = join(dir, 'stop');
    const rowsPerFile = 12_000; // ~2.3 MB per file: many polls fall inside a write
    const poller = spawn(process.execPath, ['-e', POLLER, out, stopFile, String(rowsPerFile)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let report = '';
    poller.stdout.on('data', (d) => (report += String(d)));
    const m = await simulate({ engine: createNodeEngine(), out, files: 10, rowsPerFile, seed: 5 });
    writeFileSync(stopFile, '');
    await new Promise((res) => poller.on('close', res));
    const r = JSON.parse(report) as { polls: number; seen: number; partial: number; tempSeen: number; problems: string[] };
    assert.equal(r.partial, 0, r.problems.join('; '));
    assert.equal(r.seen, m.counts.files);
    assert.ok(r.polls > 1);
  });
});
