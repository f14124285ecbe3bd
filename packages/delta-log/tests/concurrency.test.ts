/**
 * N separate node processes append to one table at the same time: every commit lands exactly
 * once, versions are contiguous, no file is lost (Delta's put-if-absent + blind-append rebase).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { StructType } from '@weir/core';
import { DeltaTable, parseCommitFile } from '@weir/delta-log';
import { fsEngine, tempDir } from './support/engines.js';

const WORKER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'support', 'append-worker.ts');

function runWriter(dir: string, id: number, commits: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=@weir/source', '--import', 'tsx', WORKER, dir, String(id), String(commits)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`writer ${id} exited ${code}: ${err}`))));
  });
}

describe('concurrent writers (separate processes)', () => {
  it('4 processes × 5 appends: contiguous versions, each commit exactly once, no lost file', async () => {
    const writers = Number(process.env.WEIR_SOAK ? 8 : 4);
    const commits = Number(process.env.WEIR_SOAK ? 40 : 5);
    const engine = fsEngine();
    const dir = tempDir();
    const schema = StructType.fromDDL('writer STRING, k INT');
    assert.equal((await DeltaTable.create(engine, dir, { schema })).kind, 'committed');
    const outputs = await Promise.all(Array.from({ length: writers }, (_, i) => runWriter(dir, i, commits)));
    const reports = outputs.flatMap((o) => o.trim().split('\n').map((l) => JSON.parse(l) as { writer: string; k: number; version: number; attempts: number }));
    assert.equal(reports.length, writers * commits);
    // every reported version distinct, and together exactly 1..N*K
    const versions = reports.map((r) => r.version).sort((a, b) => a - b);
    assert.deepEqual(versions, Array.from({ length: writers * commits }, (_, i) => i + 1));
    const logFiles = fs.readdirSync(path.join(dir, '_delta_log')).filter((f) => f.endsWith('.json')).sort();
    assert.equal(logFiles.length, writers * commits + 1);
    // each commit holds exactly one add and the txn of the writer that reported it
    for (const r of reports) {
      const file = path.join(dir, '_delta_log', String(r.version).padStart(20, '0') + '.json');
      const actions = parseCommitFile(fs.readFileSync(file), file);
      const txn = actions.find((a) => 'txn' in a);
      assert.ok(txn && 'txn' in txn && txn.txn.appId === `writer-${r.writer}` && txn.txn.version === r.k);
      assert.equal(actions.filter((a) => 'add' in a).length, 1);
    }
    const snap = await DeltaTable.forPath(engine, dir).snapshot();
    assert.equal(snap.version, writers * commits);
    const rows = await snap.collect();
    assert.equal(rows.length, writers * commits);
    assert.equal(new Set(rows.map((r) => `${r['writer']}/${r['k']}`)).size, writers * commits);
    for (let w = 0; w < writers; w++) assert.equal(snap.getAppTransactionVersion(`writer-${w}`), commits - 1);
    const dataFiles = fs.readdirSync(dir).filter((f) => f.endsWith('.parquet'));
    assert.equal(dataFiles.length, writers * commits);
  });
});
