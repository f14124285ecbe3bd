// Real kill test: a child process runs the weather pipeline (bounded simulator files → Auto
// Loader → Delta) and is SIGKILLed at random moments ≥ 20 times, restarting each time; the final
// Delta table, read by DuckDB over the log's active files (an independent JSON-log replay), holds
// exactly the rows the simulator's manifest says, once each. WEIR_SOAK=1: more files, more kills,
// worker threads.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createNodeEngine } from '@weir/node';
import { simulate, recordIdOf, type SimulationManifest } from '@weir/weather-sim';
import { DuckDBInstance } from '@duckdb/node-api';
import { activeFilesByReplay, tempDir } from './delta-test-helpers.js';

const SOAK = process.env['WEIR_SOAK'] === '1';
// Enough input that even an idle, fast machine cannot drain it before the last kill (a run
// consumes a few files before its kill fires; 48 files ran out after 14 kills on an idle box).
const FILES = SOAK ? 1000 : 160;
const KILLS = SOAK ? 100 : 20;
const THREADS = SOAK ? '2' : '0';
const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'kill-child.ts');

// A seeded PRNG for the kill delays, so a failing run can be replayed with the same KILL_SEED.
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface ChildRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly batches: number;
  readonly stderr: string;
}

/**
 * Runs the child; with `kill`, SIGKILLs it `afterMs` after it reported `afterBatches` committed
 * batches (0: after its query started), or after its spawn when `fromSpawn` (startup/recovery).
 */
function runChild(args: string[], kill: { afterMs: number; afterBatches: number; fromSpawn: boolean } | null): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=@weir/source', '--import', 'tsx', CHILD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      if (kill && timer === undefined) timer = setTimeout(() => child.kill('SIGKILL'), kill.afterMs);
    };
    if (kill?.fromSpawn) arm();
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const batches = (out.match(/^BATCH /gm) ?? []).length;
      if (kill && out.includes('STARTED') && batches >= kill.afterBatches) arm();
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const guard = setTimeout(() => child.kill('SIGKILL'), 180_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(guard);
      if (timer) clearTimeout(timer);
      resolve({ code, signal, batches: (out.match(/^BATCH /gm) ?? []).length, stderr });
    });
  });
}

async function readTable(table: string): Promise<Array<{ station_id: string; t: number }>> {
  const files = activeFilesByReplay(table);
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    const list = files.map((f) => `'${f.replace(/'/g, "''")}'`).join(', ');
    const reader = await conn.runAndReadAll(`SELECT station_id, epoch_us(event_time)::DOUBLE AS t FROM read_parquet([${list}])`);
    return reader.getRowObjectsJS().map((r) => ({ station_id: String(r['station_id']), t: Number(r['t']) }));
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

describe('SIGKILL the weather pipeline', () => {
  it(`killed ${KILLS} times at random moments, the Delta table ends with exactly the manifest's rows, once each`, { timeout: SOAK ? 3_600_000 : 600_000 }, async (t) => {
    const dir = tempDir('weir-streaming-kill-');
    const landing = path.join(dir, 'landing');
    const table = path.join(dir, 'readings');
    const checkpoint = path.join(dir, 'checkpoint');
    const engine = createNodeEngine();
    const manifest: SimulationManifest = await simulate({ engine, out: landing, files: FILES, rowsPerFile: 100, stations: 7, seed: 11 });
    await engine.tasks.close();
    assert.equal(manifest.counts.rows, FILES * 100);

    const random = mulberry32(Number(process.env['KILL_SEED'] ?? 7));
    const args = [landing, table, checkpoint, THREADS];
    let kills = 0;
    let finished = false;
    let pendingAtKill = 0; // kills that left a planned batch without its commit (re-run on restart)
    let batchesBeforeKill = 0;
    const pending = () => {
      const ids = (sub: string) => (fs.existsSync(path.join(checkpoint, sub)) ? fs.readdirSync(path.join(checkpoint, sub)).filter((n) => /^\d+$/.test(n)).length : 0);
      return ids('offsets') > ids('commits');
    };
    for (let run = 0; run < KILLS * 3 && kills < KILLS; run++) {
      // Mostly kill while batches run (0–300 ms after the query started or after its first
      // batch, so warm worker pools are hit mid-batch too); sometimes during startup/recovery.
      const fromSpawn = random() < 0.15;
      const r = await runChild(args, { afterMs: Math.floor(random() * (fromSpawn ? 3000 : 300)), afterBatches: Math.floor(random() * 2), fromSpawn });
      if (r.signal === 'SIGKILL') {
        kills++;
        batchesBeforeKill += r.batches;
        if (pending()) pendingAtKill++;
      }
      else if (r.code === 0) {
        finished = true; // it finished before the kill fired: nothing left to kill
        break;
      } else assert.fail(`child failed (code ${r.code}): ${r.stderr}`);
    }
    assert.ok(kills >= KILLS, `only ${kills} kills before the input was exhausted (finished: ${finished})`);
    t.diagnostic(`kills: ${kills}, batches committed by killed runs: ${batchesBeforeKill}, kills leaving a pending batch: ${pendingAtKill}`);
    // Run to completion.
    const last = await runChild(args, null);
    assert.equal(last.code, 0, last.stderr);

    const rows = await readTable(table);
    const ids = rows.map((r) => recordIdOf(manifest, { station_id: r.station_id, event_time: r.t }));
    assert.ok(ids.every((id) => id !== null), 'a row that is not on the simulator clock');
    const expected: string[] = [];
    for (let i = 0; i < manifest.counts.rows; i++) expected.push(`ST-${String((i % 7) + 1).padStart(4, '0')}#${Math.floor(i / 7)}`);
    assert.equal(new Set(ids).size, ids.length, 'duplicate rows');
    const got = new Set(ids);
    const missing = expected.filter((id) => !got.has(id));
    assert.deepEqual(missing, [], `${missing.length} of ${expected.length} manifest rows missing (dir ${dir})`);
    assert.equal(ids.length, expected.length);
    // The log has one txn per committed batch, each version once.
    const txns: number[] = [];
    for (const n of fs.readdirSync(path.join(table, '_delta_log')).filter((x) => x.endsWith('.json'))) {
      for (const line of fs.readFileSync(path.join(table, '_delta_log', n), 'utf8').split('\n')) if (line.includes('"txn"')) txns.push(JSON.parse(line).txn.version);
    }
    assert.equal(new Set(txns).size, txns.length);
  });
});
