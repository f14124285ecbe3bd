import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WeirError, listAll, utf8Decode, utf8Encode } from '@weir/core';
import { MemoryStorage } from '@weir/testkit';

const text = (s: string): Uint8Array => utf8Encode(s);
async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return WeirError.is(e) ? e.code : `foreign: ${String(e)}`;
  }
  return 'resolved';
}

describe('MemoryStorage fault plans', () => {
  it('crash before the k-th mutating call: that call has no effect; it and every later call throw SIMULATED_CRASH', async () => {
    const s = new MemoryStorage({ faults: { crash: { atMutation: 3, when: 'before' } } });
    await s.put('t/a', text('a'));
    await s.read('t/a'); // reads do not count as mutations
    await s.delete('t/none');
    assert.equal(await codeOf(s.put('t/b', text('b'))), 'SIMULATED_CRASH');
    assert.ok(s.crashed);
    for (const call of [s.read('t/a'), s.head('t/a'), listAll(s, 't'), s.put('t/c', text('c')), s.delete('t/a')]) {
      assert.equal(await codeOf(call), 'SIMULATED_CRASH');
    }
    const after = s.restart();
    assert.deepEqual([...after.snapshot().keys()], ['t/a']);
    assert.equal(await after.head('t/b'), null);
  });

  it('crash after the k-th mutating call: the call took effect, yet the caller sees SIMULATED_CRASH', async () => {
    const s = new MemoryStorage({ faults: { crash: { atMutation: 2, when: 'after' } } });
    await s.put('t/a', text('a'));
    assert.equal(await codeOf(s.put('t/b', text('b'), { ifAbsent: true })), 'SIMULATED_CRASH');
    assert.equal(await codeOf(s.read('t/b')), 'SIMULATED_CRASH');
    const after = s.restart();
    assert.equal(utf8Decode(await after.read('t/b')), 'b');
    assert.equal(after.crashed, false);
  });

  it('a crash after a delete keeps the delete', async () => {
    const s = new MemoryStorage();
    await s.put('x', text('1'));
    s.arm({ crash: { atMutation: 1, when: 'after' } });
    assert.equal(await codeOf(s.delete('x')), 'SIMULATED_CRASH');
    assert.equal(await s.restart().head('x'), null);
  });

  it('arming restarts the count, so setup writes do not shift crash points', async () => {
    const s = new MemoryStorage();
    for (let i = 0; i < 5; i++) await s.put(`setup/${i}`, text(String(i)));
    s.arm({ crash: { atMutation: 1, when: 'before' } });
    assert.equal(await codeOf(s.put('run/0', text('x'))), 'SIMULATED_CRASH');
    assert.equal((await listAll(s.restart(), 'setup')).length, 5);
  });

  it('an in-flight put is lost when another call crashes first, never half-applied', async () => {
    const s = new MemoryStorage({ faults: { crash: { atMutation: 2, when: 'before' } } });
    const results = await Promise.all([codeOf(s.put('p/1', text('one'))), codeOf(s.put('p/2', text('two')))]);
    assert.deepEqual(results, ['SIMULATED_CRASH', 'SIMULATED_CRASH']);
    assert.deepEqual([...s.restart().snapshot().keys()], []);
  });

  it('injects EIO/ENOSPC on chosen calls as STORAGE_IO_ERROR with details.errno, writing nothing', async () => {
    const s = new MemoryStorage({
      faults: {
        failures: [
          { operation: 'put', nth: 2, errno: 'ENOSPC' },
          { operation: 'read', nth: 1, errno: 'EIO' },
          { when: (c) => c.operation === 'list' && c.path === 'flaky', errno: 'EIO' },
        ],
      },
    });
    await s.put('a', text('a'));
    const err = await s.put('b', text('b')).then(() => null, (e: unknown) => e);
    assert.ok(WeirError.hasCode(err, 'STORAGE_IO_ERROR'));
    assert.equal(err.details['errno'], 'ENOSPC');
    assert.equal(err.retryable, true);
    assert.equal(await s.head('b'), null);
    const readErr = await s.read('a').then(() => null, (e: unknown) => e);
    assert.ok(WeirError.hasCode(readErr, 'STORAGE_IO_ERROR'));
    assert.equal(readErr.details['errno'], 'EIO');
    assert.equal(utf8Decode(await s.read('a')), 'a'); // only the first read failed
    assert.equal(await codeOf(listAll(s, 'flaky')), 'STORAGE_IO_ERROR');
    assert.equal(s.crashed, false);
    assert.deepEqual(s.stats, { calls: 6, mutations: 2 });
  });

  it('refuses a file where a directory is needed, like a file system', async () => {
    const s = new MemoryStorage();
    await s.put('d/f', text('x'));
    const e1 = await s.put('d/f/g', text('y')).then(() => null, (e: unknown) => e);
    assert.ok(WeirError.hasCode(e1, 'STORAGE_IO_ERROR'));
    assert.equal(e1.details['errno'], 'ENOTDIR');
    const e2 = await s.put('d', text('y')).then(() => null, (e: unknown) => e);
    assert.ok(WeirError.hasCode(e2, 'STORAGE_IO_ERROR'));
    assert.equal(e2.details['errno'], 'EISDIR');
  });

  it('crash() stops a view at any point chosen by the test', async () => {
    const s = new MemoryStorage();
    await s.put('k', text('v'));
    s.crash();
    assert.equal(await codeOf(s.head('k')), 'SIMULATED_CRASH');
    assert.equal(utf8Decode(await s.restart().read('k')), 'v');
  });

  it('modification times follow the injected clock', async () => {
    let now = 1000;
    const s = new MemoryStorage({ clock: { now: () => now } });
    await s.put('a', text('a'));
    now = 2000;
    await s.put('b', text('b'));
    assert.equal((await s.head('a'))?.modificationTime, 1000);
    assert.equal((await s.head('b'))?.modificationTime, 2000);
  });
});
