import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestEngine } from '@weir/testkit';
import { forgetStateStores, openStateStore } from './state-store-bridge.js';

describe('openStateStore (per-worker provider cache)', () => {
  it('keeps every partition of a run hot in the worker, not only the last one opened', async () => {
    const engine = createTestEngine();
    const ctx = { engine };
    const chk = '/chk-hot';
    forgetStateStores(chk);
    for (const p of [0, 1]) {
      const s = await openStateStore(ctx, 'run-1', chk, 0, p, 0, 1);
      s.view.put(`k${p}`, p + 10);
      assert.equal(await s.commit(), 1);
    }
    // Remove partition 0's delta file: version 1 can now only come from the hot copy.
    const deltas: string[] = [];
    for await (const f of engine.storage.list(`${chk}/state/0/0`)) deltas.push(f.path);
    assert.ok(deltas.length > 0);
    for (const d of deltas) await engine.storage.delete(d);
    const again = await openStateStore(ctx, 'run-1', chk, 0, 0, 1, 1);
    assert.equal(again.view.get('k0'), 10);
    again.abort();
  });

  it('does not trust the cache of an earlier run of the same checkpoint', async () => {
    const engine = createTestEngine();
    const ctx = { engine };
    const chk = '/chk-run';
    forgetStateStores(chk);
    const s = await openStateStore(ctx, 'run-a', chk, 0, 0, 0, 1);
    s.view.put('k', 1);
    await s.commit();
    for await (const f of engine.storage.list(`${chk}/state/0/0`)) await engine.storage.delete(f.path);
    await assert.rejects(openStateStore(ctx, 'run-b', chk, 0, 0, 1, 1), (e: unknown) => (e as { code?: string }).code === 'CANNOT_READ_DELTA_FILE_NOT_EXISTS');
  });
});
