import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { StreamingQueryProgress } from '@weir/streaming';
import { QueryHistory } from './query-history.js';

const RUNS = ['r0', 'r1', 'r2'] as const;
const idOf = (run: string) => `q${Number(run.slice(1)) % 2}`; // r0 and r2 are two runs of one query

function progress(runId: string, batchId: number): StreamingQueryProgress {
  return { id: idOf(runId), runId, name: null, timestamp: `t${batchId}`, batchId } as unknown as StreamingQueryProgress;
}

type Ev = { kind: 'start' | 'progress' | 'end' | 'fail'; run: (typeof RUNS)[number] };

describe('QueryHistory', () => {
  it('keeps, per run, exactly the last historySize progress updates in order, and the latest state', () => {
    const event = fc.record({ kind: fc.constantFrom('start', 'progress', 'progress', 'progress', 'end', 'fail'), run: fc.constantFrom(...RUNS) }) as fc.Arbitrary<Ev>;
    fc.assert(
      fc.property(fc.array(event, { maxLength: 60 }), fc.integer({ min: 1, max: 6 }), (events, size) => {
        const h = new QueryHistory(size);
        const model = new Map<string, { batches: number[]; state: string; next: number; order: number }>();
        let order = 0;
        for (const e of events) {
          const m = model.get(e.run) ?? { batches: [], state: 'active', next: 0, order: order++ };
          model.set(e.run, m);
          if (e.kind === 'start') {
            h.onQueryStarted({ id: idOf(e.run), runId: e.run, name: null, timestamp: 'x' });
            m.state = 'active';
          } else if (e.kind === 'progress') {
            h.onQueryProgress({ progress: progress(e.run, m.next) });
            m.batches.push(m.next++);
          } else {
            h.onQueryTerminated({ id: idOf(e.run), runId: e.run, exception: e.kind === 'fail' ? 'boom' : null, errorClassOnException: e.kind === 'fail' ? 'X' : null });
            m.state = e.kind === 'fail' ? 'failed' : 'terminated';
          }
        }
        for (const [run, m] of model) {
          const d = h.detail(run);
          assert.ok(d !== undefined);
          assert.deepEqual(d.recentProgress.map((p) => p.batchId), m.batches.slice(-size));
          assert.equal(d.lastProgress?.batchId ?? null, m.batches.length === 0 ? null : m.batches[m.batches.length - 1]);
          assert.equal(d.state, m.state);
        }
        // Active runs first; within a group, the newest run first.
        const listed = h.summaries().map((s) => s.runId);
        const expected = [...model].sort((a, b) => (a[1].state === 'active' ? 0 : 1) - (b[1].state === 'active' ? 0 : 1) || b[1].order - a[1].order).map(([r]) => r);
        assert.deepEqual(listed, expected);
        // By query id: the latest run of that query.
        for (const id of new Set([...model.keys()].map(idOf))) {
          const runs = [...model].filter(([r]) => idOf(r) === id).sort((a, b) => a[1].order - b[1].order);
          assert.equal(h.detail(id)?.runId, runs[runs.length - 1]?.[0]);
        }
      }),
    );
  });

  it('keeps every active run and only the newest retainedQueries ended runs', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 1, maxLength: 30 }), fc.integer({ min: 0, max: 5 }), (ends, retained) => {
        const h = new QueryHistory(10, retained);
        const ended: string[] = [];
        const active: string[] = [];
        ends.forEach((end, i) => {
          const runId = `run-${i}`;
          h.onQueryStarted({ id: `q${i}`, runId, name: null, timestamp: 'x' });
          if (end) {
            h.onQueryTerminated({ id: `q${i}`, runId, exception: null, errorClassOnException: null });
            ended.push(runId);
          } else active.push(runId);
        });
        const listed = new Set(h.summaries().map((s) => s.runId));
        for (const r of active) assert.ok(listed.has(r), `active ${r} dropped`);
        assert.deepEqual(ended.filter((r) => listed.has(r)), ended.slice(Math.max(0, ended.length - retained)));
      }),
    );
  });

  it('seeds from queries already running without duplicating what the listener later repeats', () => {
    const h = new QueryHistory(10);
    const p0 = progress('r0', 0);
    const p1 = progress('r0', 1);
    h.seed([{ id: 'q0', runId: 'r0', name: 'early', isActive: true, exception: null, recentProgress: [p0, p1] } as never]);
    h.onQueryProgress({ progress: p1 });
    h.onQueryProgress({ progress: progress('r0', 2) });
    const d = h.detail('r0');
    assert.deepEqual(d?.recentProgress.map((p) => p.batchId), [0, 1, 2]);
    assert.equal(d?.name, 'early');
    assert.equal(d?.state, 'active');
  });
});
