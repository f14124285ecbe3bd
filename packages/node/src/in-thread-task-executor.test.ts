import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WeirError } from '@weir/core';
import { InThreadTaskExecutor } from './in-thread-task-executor.js';
import { calls } from './test-fixtures/task-module.js';

const moduleUrl = new URL('./test-fixtures/task-module.ts', import.meta.url).href;

describe('InThreadTaskExecutor', () => {
  it('runs taskHandlers[handler](input, { engine }) from the task module', async () => {
    const ex = new InThreadTaskExecutor();
    const out = await ex.run<{ doubled: number; hasStorage: boolean }>({ module: moduleUrl, handler: 'double', input: 21 });
    assert.deepEqual(out, { doubled: 42, hasStorage: true });
    assert.equal(ex.parallelism, 1);
  });

  it('retries retryable WeirErrors up to maxFailures attempts, then raises the last one', async () => {
    const ex = new InThreadTaskExecutor({ maxFailures: 3 });
    calls.flaky = 0;
    assert.equal(await ex.run({ module: moduleUrl, handler: 'flaky', input: 2 }), 'ok after 3');
    calls.flaky = 0;
    await assert.rejects(ex.run({ module: moduleUrl, handler: 'flaky', input: 5 }), (e) => WeirError.hasCode(e, 'STORAGE_IO_ERROR'));
    assert.equal(calls.flaky, 3);
  });

  it('does not retry non-retryable errors and wraps foreign ones as TASK_FAILED', async () => {
    const ex = new InThreadTaskExecutor({ maxFailures: 4 });
    calls.foreign = 0;
    await assert.rejects(ex.run({ module: moduleUrl, handler: 'foreign', input: null }), (e) => WeirError.hasCode(e, 'TASK_FAILED'));
    assert.equal(calls.foreign, 1);
  });

  it('reports a missing handler as TASK_HANDLER_NOT_FOUND', async () => {
    const ex = new InThreadTaskExecutor();
    await assert.rejects(ex.run({ module: moduleUrl, handler: 'nope', input: null }), (e) => WeirError.hasCode(e, 'TASK_HANDLER_NOT_FOUND'));
  });

  it('rejects promptly with an AbortError when the signal aborts', async () => {
    const ex = new InThreadTaskExecutor();
    const ac = new AbortController();
    const p = ex.run({ module: moduleUrl, handler: 'never', input: null }, { signal: ac.signal });
    setImmediate(() => ac.abort());
    await assert.rejects(p, (e: Error) => e.name === 'AbortError');
    // Aborted while the handler already runs (module cached, so it starts at once).
    const ac2 = new AbortController();
    const p2 = ex.run({ module: moduleUrl, handler: 'never', input: null }, { signal: ac2.signal });
    setTimeout(() => ac2.abort(), 20);
    await assert.rejects(p2, (e: Error) => e.name === 'AbortError');
  });
});
