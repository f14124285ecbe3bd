import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MsgpackCodec } from '@weir/node';
import { createStateStoreProvider, type StateStore } from '@weir/state-store';
import { ManualClock, MemoryStorage } from '@weir/testkit';

const runs = { seed: Number(process.env.FC_SEED ?? 42), numRuns: process.env.CI ? 120 : 25 };
const codec = new MsgpackCodec();
/** The oracle order: UTF-8 bytes (Buffer.compare), independent of the store's comparator. */
const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

// A pool large enough that a store spans several key chunks (1,024 keys each), with window-like
// prefixes (so evictions remove runs at the front) and the keys where UTF-16 and UTF-8 order differ.
const POOL = [
  ...Array.from({ length: 3000 }, (_, i) => `[[${1000 + Math.floor(i / 300)}],"s${(i * 7919) % 300}"]`),
  '\u{1F600}',
  '\uFFFD',
  'a\u{1F600}',
  'a\uFFFD',
  '',
];
/** A run of pool indices: `count` keys from `from`, every `stride`-th (wrapping). */
const keyRun = fc
  .record({ from: fc.nat(POOL.length - 1), count: fc.nat(1600), stride: fc.integer({ min: 1, max: 7 }) }, { noNullPrototype: true })
  .map(({ from, count, stride }) => Array.from({ length: count }, (_, j) => (from + j * stride) % POOL.length));

type Op =
  | { readonly kind: 'puts'; readonly keys: readonly number[]; readonly tag: number }
  | { readonly kind: 'removes'; readonly keys: readonly number[] }
  | { readonly kind: 'scan'; readonly stopAfter: number; readonly evictEvery: number }
  | { readonly kind: 'commit' }
  | { readonly kind: 'abort' }
  | { readonly kind: 'reopen' }
  | { readonly kind: 'second' };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('puts' as const), keys: keyRun, tag: fc.nat(1000) }, { noNullPrototype: true }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('removes' as const), keys: keyRun }, { noNullPrototype: true }) },
  {
    weight: 4,
    arbitrary: fc.record(
      { kind: fc.constant('scan' as const), stopAfter: fc.oneof(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 3500 })), evictEvery: fc.integer({ min: 0, max: 3 }) },
      { noNullPrototype: true },
    ),
  },
  { weight: 3, arbitrary: fc.constant({ kind: 'commit' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'abort' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'reopen' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'second' as const }) },
);

describe('StateStore entries() (ordered, lazy, early break) against a sorted model', () => {
  it('yields the model in UTF-8 order; an early break and evicting yielded keys mid-iteration keep it exact, across commits, aborts, reloads and a second store on the same version', async () => {
    let scans = 0;
    let earlyBreaks = 0;
    let multiChunk = 0;
    let seconds = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 25 }), fc.integer({ min: 1, max: 4 }), async (ops, minDeltasForSnapshot) => {
        const storage = new MemoryStorage();
        const open = () =>
          createStateStoreProvider(
            { storage, codec, clock: new ManualClock() },
            { checkpointLocation: '/chk', operatorId: 0, partition: 0, minDeltasForSnapshot },
          );
        let provider = open();
        let version = 0;
        let committed = new Map<string, unknown>();
        let model = new Map(committed);
        let store: StateStore = await provider.load(0);
        for (const o of ops) {
          if (o.kind === 'puts') {
            for (const i of o.keys) {
              const k = POOL[i] as string;
              const v = [o.tag, i];
              // Read-modify-write on some keys (the store reuses the value its last get found).
              if ((i + o.tag) % 3 !== 0) assert.deepEqual(store.get(k), model.get(k), `get(${k})`);
              if ((i + o.tag) % 5 === 0) {
                store.remove(k);
                model.delete(k);
              }
              store.put(k, v);
              model.set(k, v);
            }
          } else if (o.kind === 'removes') {
            for (const i of o.keys) {
              store.remove(POOL[i] as string);
              model.delete(POOL[i] as string);
            }
          } else if (o.kind === 'scan') {
            scans++;
            const expected = [...model.keys()].sort(byBytes);
            const seen: string[] = [];
            for (const [k, v] of store.entries()) {
              if (seen.length >= o.stopAfter) break;
              assert.deepEqual(v, model.get(k), `value of ${k}`);
              seen.push(k);
              // Evict some keys as they are yielded (what an append-mode aggregation does).
              if (o.evictEvery > 0 && seen.length % o.evictEvery === 0) {
                store.remove(k);
                model.delete(k);
              }
            }
            if (seen.length < expected.length) earlyBreaks++;
            if (expected.length > 1024) multiChunk++;
            assert.deepEqual(seen, expected.slice(0, Math.min(o.stopAfter, expected.length)));
            assert.equal(store.size, model.size);
          } else if (o.kind === 'commit') {
            version = await store.commit();
            committed = new Map(model);
            store = await provider.load(version);
          } else if (o.kind === 'abort') {
            store.abort();
            model = new Map(committed);
            store = await provider.load(version);
          } else if (o.kind === 'second') {
            // A second store on the same version (a retried task while the first is open) sees the
            // committed version, not the first store's uncommitted in-place changes.
            seconds++;
            const other = await provider.load(version);
            assert.deepEqual(
              [...other.entries()],
              [...committed.keys()].sort(byBytes).map((k) => [k, committed.get(k)]),
            );
            other.put(POOL[0] as string, ['other']);
            other.abort();
            assert.equal(store.size, model.size);
          } else {
            // A restart: a fresh provider rebuilds the committed version from the files.
            store.abort();
            model = new Map(committed);
            provider = open();
            store = await provider.load(version);
          }
        }
        const all = [...store.entries()];
        assert.deepEqual(
          all.map(([k]) => k),
          [...model.keys()].sort(byBytes),
        );
        store.abort();
      }),
      runs,
    );
    assert.ok(
      scans > 0 && earlyBreaks > 0 && multiChunk > 0 && seconds > 0,
      `coverage: ${scans} scans, ${earlyBreaks} early breaks, ${multiChunk} multi-chunk, ${seconds} second stores`,
    );
  });
});
