import { describe, it, after, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { threadId } from 'node:worker_threads';
import { WeirError, type Task } from '@weir/core';
import { createTaskExecutor, decodeShuffleBlock, type PartitionedTaskExecutor } from '@weir/executor';
import { burn } from './fixtures/handlers.js';

const MODULE = new URL('./fixtures/handlers.ts', import.meta.url).href;
const task = (handler: string, input: unknown = {}): Task => ({ module: MODULE, handler, input });
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'weir-executor-'));
let counterSeq = 0;
const counterFile = () => path.join(tmp, `counter-${counterSeq++}`);
const readCounter = (f: string) => Number(fs.readFileSync(f, 'utf8'));

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  assert.fail('expected a rejection');
}

for (const threads of [0, 1, 2]) {
  describe(`createTaskExecutor({ threads: ${threads} })`, () => {
    let tasks: PartitionedTaskExecutor;
    before(() => {
      tasks = createTaskExecutor({ threads, maxFailures: 3 });
    });
    after(() => tasks.close());

    it('gives the same results as computing them directly, in task order', async () => {
      const inputs = Array.from({ length: 12 }, (_, i) => ({ seed: i + 1, iterations: 20_000 }));
      const out = await Promise.all(inputs.map((input) => tasks.run<number>(task('burn', input))));
      assert.deepEqual(out, inputs.map((i) => burn(i.seed, i.iterations)));
      assert.equal(tasks.parallelism, Math.max(1, threads));
    });

    it('hands handlers an engine without tasks', async () => {
      assert.deepEqual(await tasks.run(task('engineKeys')), ['clock', 'codec', 'parquet', 'storage']);
    });

    it('retries a retryable failure and succeeds on a later attempt', async () => {
      const f = counterFile();
      assert.equal(await tasks.run(task('failRetryably', { counterFile: f, failures: 2 })), 3);
    });

    it('gives up after maxFailures attempts with TASK_RETRIES_EXHAUSTED naming the task, the last failure as cause', async () => {
      const f = counterFile();
      const err = await rejection(tasks.run(task('failRetryably', { counterFile: f, failures: 10 })));
      assert.ok(WeirError.hasCode(err, 'TASK_RETRIES_EXHAUSTED'));
      assert.equal(err.details.task, `${MODULE}#failRetryably`);
      assert.equal(err.details.attempts, 3);
      assert.ok(WeirError.hasCode(err.cause, 'EXECUTOR_TEST_FLAKY'));
      assert.equal(err.cause.details.attempt, 3);
      assert.equal(readCounter(f), 3);
    });

    it('raises a non-retryable WeirError at once with its code, details and the stack from where it was thrown', async () => {
      const f = counterFile();
      const err = await rejection(tasks.run(task('throwCoded', { counterFile: f })));
      assert.ok(WeirError.is(err), String(err));
      assert.equal(err.code, 'EXECUTOR_TEST_BOOM');
      assert.deepEqual({ ...err.details }, { column: 'temperature_c', row: 42, strict: true });
      assert.equal(err.domain, 'user');
      assert.match(err.stack ?? '', /fixtures[/\\]handlers\.ts/);
      assert.equal(readCounter(f), 1, 'not retried');
    });

    it('wraps a foreign error as TASK_FAILED with the original stack, without retrying it', async () => {
      const f = counterFile();
      const err = await rejection(tasks.run(task('throwForeign', { counterFile: f })));
      assert.ok(WeirError.hasCode(err, 'TASK_FAILED'));
      assert.match(err.stack ?? '', /TypeError/);
      assert.equal(readCounter(f), 1);
    });

    it('fails a result that cannot cross threads with TASK_RESULT_NOT_SERIALIZABLE naming where, without retrying', async () => {
      const err = await rejection(tasks.run(task('uncloneable')));
      assert.ok(WeirError.hasCode(err, 'TASK_RESULT_NOT_SERIALIZABLE'), String(err));
      assert.equal(err.details.path, '.rows[1].callback');
      assert.equal(err.details.what, 'a function');
    });

    it('reports a missing handler as TASK_HANDLER_NOT_FOUND', async () => {
      const err = await rejection(tasks.run(task('noSuchHandler')));
      assert.ok(WeirError.hasCode(err, 'TASK_HANDLER_NOT_FOUND'));
    });

    it('pins each affinity to one thread and keeps its workerLocal state there', async () => {
      const seen = new Map<number, Set<number>>();
      const batches = new Map<number, number[]>();
      for (let batch = 0; batch < 4; batch++) {
        const out = await Promise.all(
          [0, 1, 2, 3, 4].map((partition) =>
            tasks.run<{ threadId: number; partition: number; batches: number }>(task('whereAmI', { partition }), { affinity: partition }),
          ),
        );
        for (const o of out) {
          seen.set(o.partition, (seen.get(o.partition) ?? new Set()).add(o.threadId));
          batches.set(o.partition, [...(batches.get(o.partition) ?? []), o.batches]);
        }
      }
      for (const [partition, threadIds] of seen) {
        assert.equal(threadIds.size, 1, `partition ${partition} ran on ${[...threadIds].join(',')}`);
        assert.deepEqual(batches.get(partition), [1, 2, 3, 4], 'state stayed hot');
      }
      if (threads === 0) assert.deepEqual([...seen.get(0)!], [threadId]);
      if (threads === 2) {
        const t = (p: number) => [...seen.get(p)!][0];
        assert.equal(t(0), t(2));
        assert.equal(t(0), t(4));
        assert.equal(t(1), t(3));
        assert.notEqual(t(0), t(1));
      }
    });

    it('rejects with an AbortError when aborted while running or before it starts', async () => {
      const ac = new AbortController();
      const running = tasks.run(task(threads === 0 ? 'sleep' : 'spin', { ms: 5_000 }), { signal: ac.signal, affinity: 0 });
      const queued = tasks.run(task('sleep', { ms: 5_000 }), { signal: ac.signal, affinity: 0 });
      const started = Date.now();
      setTimeout(() => ac.abort(), 50);
      for (const p of [running, queued]) {
        const err = await rejection(p);
        assert.equal((err as Error).name, 'AbortError');
      }
      assert.ok(Date.now() - started < 4_000, 'aborted promptly');
      const pre = await rejection(tasks.run(task('square', { x: 2 }), { signal: AbortSignal.abort() }));
      assert.equal((pre as Error).name, 'AbortError');
      assert.equal(await tasks.run(task('square', { x: 3 }), { affinity: 0 }), 9, 'the executor still works');
    });

    it('returns shuffle blocks that decode to the rows the worker encoded', async () => {
      const out = await tasks.run<{ partition: number; block: Uint8Array }>(task('shuffleBlock', { rows: 5000 }));
      assert.ok(out.block instanceof Uint8Array);
      const rows = decodeShuffleBlock<[string, { sum: number; count: number }]>(out.block);
      assert.equal(rows.length, 5000);
      assert.deepEqual(rows[4999], [`key-${4999 % 97}`, { sum: 4999 * 0.5, count: 4999 }]);
    });
  });
}

{
  // Each lost worker costs a thread start (~1 s on a loaded machine): keep this block small.
  describe('lost workers ({ threads: 2, maxFailures: 2 })', () => {
    let tasks: PartitionedTaskExecutor;
    before(() => {
      tasks = createTaskExecutor({ threads: 2, maxFailures: 2 });
    });
    after(() => tasks.close());

    it('survives process.exit in a task: retried on a fresh worker', async () => {
      const f = counterFile();
      const out = await tasks.run<{ attempt: number }>(task('exitProcess', { counterFile: f, failures: 1 }), { affinity: 0 });
      assert.equal(out.attempt, 2);
      assert.equal(await tasks.run(task('square', { x: 5 }), { affinity: 0 }), 25);
    });

    it('survives an uncaught exception that kills the thread', async () => {
      const f = counterFile();
      assert.equal(await tasks.run(task('crashThread', { counterFile: f, failures: 1 })), 2);
    });

    it('fails with TASK_RETRIES_EXHAUSTED carrying EXECUTOR_LOST when the worker dies every attempt', async () => {
      const f = counterFile();
      const err = await rejection(tasks.run(task('exitProcess', { counterFile: f, failures: 99 })));
      assert.ok(WeirError.hasCode(err, 'TASK_RETRIES_EXHAUSTED'));
      assert.ok(WeirError.hasCode(err.cause, 'EXECUTOR_LOST'));
      assert.equal(readCounter(f), 2);
    });
  });
}

describe('close()', () => {
  it('rejects queued and running tasks with AbortError and refuses new ones', async () => {
    const tasks = createTaskExecutor({ threads: 1 });
    const running = tasks.run(task('spin', { ms: 5_000 }));
    const queued = tasks.run(task('square', { x: 2 }));
    const outcomes = [running, queued].map((p) => rejection(p));
    await new Promise((r) => setTimeout(r, 50));
    await tasks.close();
    for (const err of await Promise.all(outcomes)) assert.equal((err as Error).name, 'AbortError');
    const err = await rejection(tasks.run(task('square', { x: 2 })));
    assert.ok(WeirError.hasCode(err, 'EXECUTOR_CLOSED'));
  });
});
