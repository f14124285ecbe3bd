// Continuous mode on a controllable clock: files land when the clock reaches each period's end,
// a duration ends the run, and an abort stops cleanly (held-back late rows land in a last file).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock, Engine } from '@weir/core';
import { createNodeEngine } from '@weir/node';
import { simulate } from '@weir/weather-sim';

/** A clock whose sleep advances virtual time at once (and honours aborts). */
class VirtualClock implements Clock {
  t: number;
  readonly sleeps: number[] = [];
  constructor(t: number) {
    this.t = t;
  }
  now(): number {
    return this.t;
  }
  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw signal.reason;
    this.sleeps.push(ms);
    this.t += ms;
  }
}

const T0 = Date.UTC(2026, 5, 1, 12, 0, 0, 250);
function engineWith(clock: Clock): Engine {
  return { ...createNodeEngine(), clock };
}
const tmp = (): string => mkdtempSync(join(tmpdir(), 'weir-weather-sim-cont-'));

describe('simulate: continuous mode', () => {
  it('one file per interval at the given rate, event times from the clock, ending after duration', async () => {
    const clock = new VirtualClock(T0);
    const out = tmp();
    const m = await simulate({ engine: engineWith(clock), out, rate: 50, fileInterval: '2s', duration: '10s', stations: 5 });
    assert.equal(m.counts.files, 5);
    assert.equal(m.rowsPerFile, 100);
    assert.equal(m.startTime, new Date(T0).toISOString());
    assert.deepEqual(clock.sleeps, [2000, 2000, 2000, 2000, 2000]);
    const files = readdirSync(out).sort();
    files.forEach((f, k) => {
      const times = readFileSync(join(out, f), 'utf8').trim().split('\n').map((l) => Date.parse((JSON.parse(l) as { event_time: string }).event_time));
      assert.equal(times.length, 100);
      // File k holds the readings of [T0 + 2k s, T0 + 2(k+1) s), 20 ms apart.
      assert.equal(times[0], T0 + 2000 * k);
      assert.equal(times[99], T0 + 2000 * k + 99 * 20);
    });
  });

  it('an abort stops before the next file; held-back late rows land in a last file; interrupted is reported', async () => {
    const clock = new VirtualClock(T0);
    const controller = new AbortController();
    const out = tmp();
    const m = await simulate({
      engine: engineWith(clock),
      out,
      rate: 100,
      fileInterval: '1s',
      lateFraction: 0.3,
      maxLateness: '3s',
      signal: controller.signal,
      onFile: (p) => {
        if (p.filesWritten === 4) controller.abort();
      },
    });
    assert.equal(m.interrupted, true);
    // The regular files (the one being written when the abort came still lands whole), plus
    // one last file with the rows held back for later files.
    const regular = m.counts.files - 1;
    assert.ok(regular === 4 || regular === 5, `regular files: ${regular}`);
    assert.equal(readdirSync(out).length, m.counts.files);
    const total = readdirSync(out).reduce((n, f) => n + readFileSync(join(out, f), 'utf8').trim().split('\n').length, 0);
    assert.equal(total, m.counts.rows);
    assert.equal(m.counts.rows, regular * 100, 'every generated reading landed exactly once');
    const ids = new Set<string>();
    for (const f of readdirSync(out)) for (const l of readFileSync(join(out, f), 'utf8').trim().split('\n')) ids.add(l);
    assert.equal(ids.size, regular * 100);
    assert.ok(m.counts.late > 0);
  });
});
