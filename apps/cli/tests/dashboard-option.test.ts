// `weir demo --continuous --dashboard 0`: while the demo streams, its dashboard lists both
// queries with the progress they report; SIGINT stops everything, the dashboard included.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { QuerySummary } from '@weir/dashboard';
import { CLI, REPO } from './cli-test-helpers.js';

describe('weir demo --dashboard', () => {
  it('serves the live queries while the demo streams, and closes with it on SIGINT', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weir-cli-dashboard-'));
    const child = spawn(process.execPath, ['--conditions=@weir/source', '--import', 'tsx', CLI, 'demo', '--continuous', '--dashboard', '0', '--threads', '0', '--stations', '3', '--dir', dir], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const killer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    try {
      const url = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout }).on('line', (line) => {
          const m = /^dashboard: (http:\/\/127\.0\.0\.1:\d+\/)$/.exec(line);
          if (m) resolve(m[1] as string);
        });
        child.on('close', () => reject(new Error(`the demo ended before printing its dashboard address: ${stderr}`)));
      });
      let queries: QuerySummary[] = [];
      for (let i = 0; i < 240; i++) {
        queries = ((await (await fetch(`${url}api/queries`)).json()) as { queries: QuerySummary[] }).queries;
        const names = queries.map((q) => q.name).sort();
        if (names.join() === 'readings_ingest,station_windows' && queries.every((q) => (q.lastProgress?.batchId ?? -1) >= 1)) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      assert.deepEqual(queries.map((q) => q.name).sort(), ['readings_ingest', 'station_windows']);
      for (const q of queries) {
        assert.equal(q.state, 'active');
        assert.ok((q.lastProgress?.batchId ?? -1) >= 1, `${q.name} reported no second batch`);
      }
      const ingest = queries.find((q) => q.name === 'readings_ingest') as QuerySummary;
      const detail = (await (await fetch(`${url}api/queries/${ingest.runId}`)).json()) as { recentProgress: Array<{ numInputRows: number }> };
      assert.ok(detail.recentProgress.reduce((s, p) => s + p.numInputRows, 0) > 0, 'the ingest read no rows');
      assert.match(await (await fetch(url)).text(), /<title>weir · Structured Streaming<\/title>/);

      child.kill('SIGINT');
      assert.equal(await exited, 0, stderr);
      await assert.rejects(fetch(url), 'the dashboard outlived the demo');
    } finally {
      clearTimeout(killer);
      child.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
