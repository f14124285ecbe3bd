import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { WeirError } from '@weir/core';
import { listAll } from '@weir/core';
import { MsgpackCodec } from '@weir/node';
import { createStateStoreProvider, type StateStore, type StateStoreProvider } from '@weir/state-store';
import { ManualClock, MemoryStorage, type FaultPlan } from '@weir/testkit';

const runs = { seed: Number(process.env.FC_SEED ?? 42), numRuns: process.env.CI ? 300 : 60 };
const codec = new MsgpackCodec();
const CHECKPOINT = '/chk';
// Coverage of the interesting paths, asserted after each property so a generator change cannot silently skip them.
const seen = { crashes: 0, crashesInCommit: 0, ioErrors: 0, corruptDetected: 0 };

type Op =
  | { readonly kind: 'put'; readonly key: string; readonly value: unknown }
  | { readonly kind: 'remove'; readonly key: string }
  | { readonly kind: 'commit' }
  | { readonly kind: 'abort' }
  | { readonly kind: 'reload' }
  | { readonly kind: 'maintenance'; readonly retain: number };

const key = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'key with space', '\u{1F600}', '\uFFFD', '');
const value = fc.oneof(
  fc.integer(),
  fc.string(),
  fc.record({ sum: fc.integer(), count: fc.nat(), tags: fc.array(fc.string(), { maxLength: 3 }) }, { noNullPrototype: true }),
  fc.constant(null),
  fc.boolean(),
);
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('put' as const), key, value }, { noNullPrototype: true }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('remove' as const), key }, { noNullPrototype: true }) },
  { weight: 4, arbitrary: fc.constant({ kind: 'commit' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'abort' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'reload' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('maintenance' as const), retain: fc.integer({ min: 1, max: 6 }) }, { noNullPrototype: true }) },
);

function isCode(err: unknown, code: string): boolean {
  return WeirError.is(err) && err.code === code;
}

/**
 * Drives a provider through `ops` like a stateful operator would, on a testkit MemoryStorage with
 * a fault plan (one crash, injected EIO/ENOSPC). After a crash the "query restarts" on
 * `storage.restart()`: a fresh provider re-runs the in-flight batch with the same changes, as the
 * micro-batch loop does; after an I/O error the task is retried the same way on the same provider.
 * Returns the model (version → map) and the oldest version maintenance promised to keep.
 */
async function drive(initial: MemoryStorage, ops: readonly Op[], minDeltasForSnapshot: number) {
  let storage = initial;
  const open = () =>
    createStateStoreProvider(
      { storage, codec, clock: new ManualClock() },
      { checkpointLocation: CHECKPOINT, operatorId: 1, partition: 2, minDeltasForSnapshot, freezeValues: true },
    );
  const models = new Map<number, Map<string, unknown>>([[0, new Map()]]);
  let provider: StateStoreProvider = open();
  let version = 0;
  // At most one injected I/O failure per run: a storage call made outside the op loop retries once.
  const retryIO = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      if (!isCode(err, 'STORAGE_IO_ERROR')) throw err;
      seen.ioErrors++;
      return fn();
    }
  };
  let store: StateStore = await retryIO(() => provider.load(0));
  let pending = new Map<string, unknown>();
  let batchOps: Op[] = [];
  let retainedFrom = 0;
  let crashed = false;

  const apply = (s: StateStore, o: Op) => {
    if (o.kind === 'put') s.put(o.key, o.value);
    else if (o.kind === 'remove') s.remove(o.key);
  };

  for (const o of ops) {
    try {
      switch (o.kind) {
        case 'put':
          apply(store, o);
          pending.set(o.key, o.value);
          batchOps.push(o);
          break;
        case 'remove':
          apply(store, o);
          pending.delete(o.key);
          batchOps.push(o);
          break;
        case 'commit': {
          const v = await store.commit();
          assert.equal(v, version + 1);
          assert.equal(store.metrics().numRowsTotal, pending.size);
          models.set(v, pending);
          version = v;
          pending = new Map(pending);
          batchOps = [];
          store = await provider.load(version);
          break;
        }
        case 'abort':
          store.abort();
          store = await provider.load(version);
          pending = new Map(models.get(version));
          batchOps = [];
          break;
        case 'reload': // the query restarts cleanly: in-flight changes are dropped, the cache is cold
          store.abort();
          provider = open();
          store = await provider.load(version);
          pending = new Map(models.get(version));
          batchOps = [];
          break;
        case 'maintenance':
          // Older versions may lose files as soon as maintenance starts (even if it then crashes).
          retainedFrom = Math.max(retainedFrom, version - o.retain + 1);
          await provider.doMaintenance(o.retain);
          break;
      }
    } catch (err) {
      // Recover like the micro-batch loop would; a recovery attempt may itself hit the other fault.
      let failure: unknown = err;
      for (;;) {
        try {
          await recover(failure, o);
          break;
        } catch (again) {
          // Only the injected faults are recovered from: anything else fails the run (retrying it would spin forever).
          if (!isCode(again, 'SIMULATED_CRASH') && !isCode(again, 'STORAGE_IO_ERROR')) throw again;
          failure = again;
        }
      }
    }
  }

  async function recover(err: unknown, o: Op): Promise<void> {
    if (isCode(err, 'SIMULATED_CRASH')) {
      assert.equal(crashed, false, 'one crash per run');
      crashed = true;
      seen.crashes++;
      if (o.kind === 'commit') seen.crashesInCommit++;
      storage = storage.restart();
      provider = open();
    } else if (isCode(err, 'STORAGE_IO_ERROR')) {
      seen.ioErrors++;
      store.abort(); // the failed task's store; the retry opens a new one on the same provider
    } else {
      throw err;
    }
    const latest = await provider.latestVersion();
    if (o.kind === 'commit') {
      assert.ok(latest === version || latest === version + 1, `after a failure in commit, latest ${latest} for in-flight ${version + 1}`);
      // The batch re-runs: load the last committed version, redo the changes, commit.
      store = await provider.load(version);
      for (const b of batchOps) apply(store, b);
      const v = await store.commit();
      models.set(v, pending);
      version = v;
      pending = new Map(pending);
      batchOps = [];
      store = await provider.load(version);
    } else {
      assert.ok(latest <= version);
      // The in-flight batch continues on a store from the (restarted) provider.
      store = await provider.load(version);
      for (const b of batchOps) apply(store, b);
    }
  }
  store.abort();
  return { models, version, retainedFrom, open, storage: () => storage };
}

async function loadEntries(provider: StateStoreProvider, v: number): Promise<Map<string, unknown>> {
  const s = await provider.load(v);
  try {
    return new Map(s.entries());
  } finally {
    s.abort();
  }
}

describe('state store against a model map (property)', () => {
  it('load(v) equals the model at every retained version, through commits, aborts, reloads, maintenance and a crash', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(op, { minLength: 1, maxLength: 60 }),
        fc.option(fc.record({ atMutation: fc.integer({ min: 1, max: 12 }), when: fc.constantFrom('before' as const, 'after' as const) }, { noNullPrototype: true })),
        fc.option(fc.record({ operation: fc.constantFrom('put' as const, 'read' as const, 'list' as const), nth: fc.integer({ min: 1, max: 20 }), errno: fc.constantFrom('EIO' as const, 'ENOSPC' as const) }, { noNullPrototype: true })),
        fc.integer({ min: 1, max: 4 }),
        async (ops, crash, failure, minDeltasForSnapshot) => {
          const faults: FaultPlan = { ...(crash === null ? {} : { crash }), ...(failure === null ? {} : { failures: [failure] }) };
          const run = await drive(new MemoryStorage({ faults }), ops, minDeltasForSnapshot);
          const { models, version, retainedFrom } = run;
          // Verify on a fault-free view of what is durably stored (an unused injected failure must not fire here).
          const durable = run.storage().restart();
          const open = () =>
            createStateStoreProvider({ storage: durable, codec, clock: new ManualClock() }, { checkpointLocation: CHECKPOINT, operatorId: 1, partition: 2 });
          for (const [v, model] of models) {
            const fresh = open();
            if (v >= retainedFrom) {
              assert.deepEqual(await loadEntries(fresh, v), model, `version ${v}`);
            } else {
              // Cleaned up beyond retention: either still rebuildable exactly, or a coded "missing".
              try {
                assert.deepEqual(await loadEntries(fresh, v), model, `version ${v}`);
              } catch (err) {
                assert.ok(isCode(err, 'CANNOT_READ_DELTA_FILE_NOT_EXISTS'), String(err));
              }
            }
            if (v < retainedFrom) continue;
            const s = await fresh.load(v);
            assert.deepEqual([...s.entries()].map(([k]) => k), [...model.keys()].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
            assert.equal(s.size, model.size);
            s.abort();
          }
          assert.equal(await open().latestVersion(), version);
        },
      ),
      runs,
    );
    assert.ok(seen.crashes > 0 && seen.crashesInCommit > 0 && seen.ioErrors > 0, JSON.stringify(seen));
  });

  it('a torn or truncated file is never misread: loads return the model or fail with STATE_STORE_CORRUPT', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(op, { minLength: 5, maxLength: 40 }),
        fc.integer({ min: 1, max: 4 }),
        fc.nat(),
        fc.nat(),
        fc.boolean(),
        async (ops, minDeltasForSnapshot, pick, cut, truncate) => {
          const run = await drive(new MemoryStorage(), [...ops, { kind: 'commit' }], minDeltasForSnapshot);
          const { models, version, retainedFrom, open } = run;
          const storage = run.storage();
          const files = (await listAll(storage, CHECKPOINT, { recursive: true })).map((f) => f.path);
          const victim = files[pick % files.length] as string;
          const bytes = await storage.read(victim);
          let torn: Uint8Array;
          if (truncate) {
            torn = bytes.subarray(0, cut % bytes.length);
          } else {
            torn = bytes.slice();
            const i = cut % torn.length;
            torn[i] = (torn[i] as number) ^ (1 + (cut % 255));
            if (i === 6 || i === 7) return; // reserved header bytes carry no information
          }
          await storage.put(victim, torn); // a torn write the storage did not notice
          const victimVersion = Number(/\/(\d+)\.(delta|snapshot)$/.exec(victim)?.[1]);
          const victimIsDelta = victim.endsWith('.delta');
          for (const [v, model] of models) {
            if (v < retainedFrom) continue;
            try {
              assert.deepEqual(await loadEntries(open(), v), model, `version ${v}`);
              // Succeeding is only possible when the torn file was not needed.
              if (victimIsDelta && v === victimVersion) {
                assert.ok(files.includes(`${CHECKPOINT}/state/1/2/${v}.snapshot`), `read version ${v} without its torn delta?`);
              }
            } catch (err) {
              assert.ok(isCode(err, 'STATE_STORE_CORRUPT') || isCode(err, 'STATE_STORE_UNSUPPORTED_FORMAT_VERSION'), String(err));
              seen.corruptDetected++;
            }
          }
          if (victimIsDelta && victimVersion === version && !files.includes(`${CHECKPOINT}/state/1/2/${version}.snapshot`)) {
            await assert.rejects(loadEntries(open(), version), (err: unknown) => isCode(err, 'STATE_STORE_CORRUPT') || isCode(err, 'STATE_STORE_UNSUPPORTED_FORMAT_VERSION'));
          }
        },
      ),
      runs,
    );
    assert.ok(seen.corruptDetected > 0, JSON.stringify(seen));
  });
});
