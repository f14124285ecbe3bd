import { describe, it, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FileInfo, ListOptions, PutOptions, Storage } from '@weir/core';
import { WeirError } from '@weir/core';
import { FsStorage, MsgpackCodec, SystemClock } from '@weir/node';
import { createStateStoreProvider, readStateRows, type StateStoreEngine } from '@weir/state-store';

/** FsStorage that counts calls, so the tests can see when a load touched files. */
class CountingStorage implements Storage {
  readonly inner = new FsStorage();
  reads = 0;
  lists = 0;
  puts: string[] = [];
  read(p: string): Promise<Uint8Array> {
    this.reads++;
    return this.inner.read(p);
  }
  head(p: string): Promise<FileInfo | null> {
    return this.inner.head(p);
  }
  list(dir: string, options?: ListOptions): AsyncIterable<FileInfo> {
    this.lists++;
    return this.inner.list(dir, options);
  }
  put(p: string, data: Uint8Array, options?: PutOptions): Promise<void> {
    this.puts.push(p);
    return this.inner.put(p, data, options);
  }
  delete(p: string): Promise<void> {
    return this.inner.delete(p);
  }
}

let dir: string;
let storage: CountingStorage;
let engine: StateStoreEngine;
const codec = new MsgpackCodec();

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weir-state-store-')).split(path.sep).join('/');
  storage = new CountingStorage();
  engine = { storage, codec, clock: new SystemClock() };
});

const provider = (partition = 0, extra: { minDeltasForSnapshot?: number } = {}) =>
  createStateStoreProvider(engine, { checkpointLocation: dir, operatorId: 0, partition, ...extra });

async function rejectsWithCode(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (err: unknown) => WeirError.is(err) && err.code === code);
}

async function commitVersions(p: ReturnType<typeof provider>, n: number, from = 0): Promise<void> {
  for (let v = from; v < from + n; v++) {
    const s = await p.load(v);
    s.put(`k${v % 7}`, { v });
    if (v % 3 === 2) s.remove(`k${(v + 1) % 7}`);
    assert.equal(await s.commit(), v + 1);
  }
}

describe('StateStoreProvider', () => {
  it('commit writes <version+1>.delta under state/<op>/<partition> and a fresh provider reads it back', async () => {
    const p = provider(3);
    const s = await p.load(0);
    s.put('b', { count: 2 });
    s.put('a', [1, 2]);
    s.put('gone', 1);
    s.remove('gone');
    assert.equal(s.size, 2);
    assert.equal(await s.commit(), 1);
    assert.ok(fs.existsSync(path.join(dir, 'state', '0', '3', '1.delta')));
    const again = await provider(3).load(1);
    assert.deepEqual([...again.entries()], [
      ['a', [1, 2]],
      ['b', { count: 2 }],
    ]);
    assert.equal(again.get('gone'), undefined);
  });

  it('keeps the committed version hot: loading it next batch reads no files', async () => {
    const p = provider();
    await commitVersions(p, 3);
    const reads = storage.reads;
    const lists = storage.lists;
    const s = await p.load(3);
    assert.deepEqual(s.get('k2'), { v: 2 });
    assert.deepEqual(s.get('k1'), { v: 1 });
    assert.equal(s.size, 3);
    assert.equal(storage.reads, reads);
    assert.equal(storage.lists, lists);
    s.abort();
  });

  it('abort leaves the loaded version untouched', async () => {
    const p = provider();
    await commitVersions(p, 2);
    const s = await p.load(2);
    s.put('k0', 'changed');
    s.remove('k1');
    s.abort();
    const t = await p.load(2);
    assert.deepEqual(t.get('k0'), { v: 0 });
    assert.deepEqual(t.get('k1'), { v: 1 });
    await rejectsWithCode(Promise.resolve().then(() => s.put('x', 1)), 'STATE_STORE_ALREADY_CLOSED');
  });

  it('abort, a failed commit and a second store on the same version all see the loaded version, whatever the op mix', async () => {
    const p = provider();
    const base = await p.load(0);
    for (const k of ['a', 'b', 'c', 'd']) base.put(k, k.toUpperCase());
    assert.equal(await base.commit(), 1);
    const committed = [['a', 'A'], ['b', 'B'], ['c', 'C'], ['d', 'D']];
    const mix = (s: Awaited<ReturnType<typeof p.load>>) => {
      s.remove('a');
      s.put('a', 'a2'); // a loaded key removed, then put again
      s.put('b', 'b2');
      s.put('b', 'b3'); // a loaded key put twice
      s.put('n', 1);
      s.remove('n'); // a new key put, then removed
      s.put('m', 1);
      s.put('m', 2); // a new key put twice
      s.remove('c');
    };
    const s = await p.load(1);
    mix(s);
    assert.deepEqual([...s.entries()], [['a', 'a2'], ['b', 'b3'], ['d', 'D'], ['m', 2]]);
    // A second store on version 1 while the first is open sees version 1, not the open changes.
    const second = await p.load(1);
    assert.deepEqual([...second.entries()], committed);
    second.abort();
    s.abort();
    const t = await p.load(1);
    assert.deepEqual([...t.entries()], committed);
    mix(t);
    // A commit whose delta write fails rolls the hot version back too.
    const failing = createStateStoreProvider(
      { ...engine, storage: Object.assign(Object.create(storage) as Storage, { put: () => Promise.reject(new Error('disk gone')) }) },
      { checkpointLocation: dir, operatorId: 0, partition: 0 },
    );
    const f = await failing.load(1);
    mix(f);
    await assert.rejects(f.commit());
    const g = await failing.load(1);
    assert.deepEqual([...g.entries()], committed);
    g.abort();
    // And the open store commits its changes exactly.
    assert.equal(await t.commit(), 2);
    const after = [['a', 'a2'], ['b', 'b3'], ['d', 'D'], ['m', 2]];
    const hot = await p.load(2);
    assert.deepEqual([...hot.entries()], after);
    hot.abort();
    const fresh = await provider().load(2);
    assert.deepEqual([...fresh.entries()], after);
    assert.deepEqual(t.metrics().numRowsUpdated, 3);
    assert.deepEqual(t.metrics().numRowsRemoved, 1);
  });

  it('writes a snapshot every minDeltasForSnapshot versions and rebuilds every version from files', async () => {
    const p = provider(0, { minDeltasForSnapshot: 4 });
    const model: Array<Map<string, unknown>> = [new Map()];
    for (let v = 0; v < 13; v++) {
      const s = await p.load(v);
      const m = new Map(model[v]);
      s.put(`k${v % 5}`, { v });
      m.set(`k${v % 5}`, { v });
      if (v % 4 === 3) {
        s.remove(`k${(v + 2) % 5}`);
        m.delete(`k${(v + 2) % 5}`);
      }
      await s.commit();
      model.push(m);
    }
    const names = fs.readdirSync(path.join(dir, 'state', '0', '0')).filter((n) => n.endsWith('.snapshot')).sort();
    assert.deepEqual(names, ['12.snapshot', '4.snapshot', '8.snapshot']);
    for (let v = 0; v <= 13; v++) {
      const fresh = provider(0, { minDeltasForSnapshot: 4 });
      const s = await fresh.load(v);
      assert.deepEqual(new Map(s.entries()), model[v], `version ${v}`);
      assert.equal(s.size, model[v]!.size);
    }
  });

  it('missing files raise CANNOT_READ_DELTA_FILE_NOT_EXISTS', async () => {
    await rejectsWithCode(provider().load(1), 'CANNOT_READ_DELTA_FILE_NOT_EXISTS');
    const p = provider();
    await commitVersions(p, 3);
    fs.unlinkSync(path.join(dir, 'state', '0', '0', '2.delta'));
    await rejectsWithCode(provider().load(3), 'CANNOT_READ_DELTA_FILE_NOT_EXISTS');
    assert.equal((await provider().load(1)).size, 1);
  });

  it('staggers snapshots by partition (partition p at versions v with (v + p) % minDeltasForSnapshot == 0), every version still rebuildable', async () => {
    const p = provider(3, { minDeltasForSnapshot: 4 });
    for (let v = 0; v < 10; v++) {
      const s = await p.load(v);
      s.put(`k${v}`, v);
      await s.commit();
    }
    const names = fs.readdirSync(path.join(dir, 'state', '0', '3')).filter((n) => n.endsWith('.snapshot'));
    assert.deepEqual(names.map((n) => Number.parseInt(n, 10)).sort((a, b) => a - b), [1, 5, 9]);
    for (let v = 0; v <= 10; v++) {
      const s = await provider(3, { minDeltasForSnapshot: 4 }).load(v);
      assert.deepEqual([...s.entries()].map(([k]) => k), Array.from({ length: v }, (_, i) => `k${i}`).sort());
      s.abort();
    }
  });

  it('a torn delta raises STATE_STORE_CORRUPT; a torn snapshot falls back to deltas', async () => {
    const p = provider(0, { minDeltasForSnapshot: 2 });
    await commitVersions(p, 4);
    const expected = [...(await provider(0, { minDeltasForSnapshot: 2 }).load(4)).entries()];
    const snap = path.join(dir, 'state', '0', '0', '4.snapshot');
    fs.writeFileSync(snap, fs.readFileSync(snap).subarray(0, 20));
    assert.deepEqual([...(await provider().load(4)).entries()], expected);
    const delta = path.join(dir, 'state', '0', '0', '3.delta');
    const bytes = fs.readFileSync(delta);
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) ^ 0xff;
    fs.writeFileSync(delta, bytes);
    await rejectsWithCode(provider().load(3), 'STATE_STORE_CORRUPT');
    // Version 4 still loads from the 2.snapshot? No: 4.snapshot is torn and 3.delta is corrupt.
    await rejectsWithCode(provider().load(4), 'STATE_STORE_CORRUPT');
  });

  it('a re-run of a committed version with identical changes is accepted as already committed', async () => {
    const p = provider();
    await commitVersions(p, 2);
    const before = fs.readFileSync(path.join(dir, 'state', '0', '0', '2.delta'));
    // A restarted query (fresh provider) re-runs batch 1 and commits version 2 again.
    await commitVersions(provider(), 1, 1);
    assert.deepEqual(fs.readFileSync(path.join(dir, 'state', '0', '0', '2.delta')), before);
  });

  it('a re-run with different changes replaces the delta and drops that version\'s stale snapshot (Spark overwrites)', async () => {
    const p = provider(0, { minDeltasForSnapshot: 2 });
    await commitVersions(p, 2);
    assert.ok(fs.existsSync(path.join(dir, 'state', '0', '0', '2.snapshot')));
    const q = provider(0, { minDeltasForSnapshot: 2 });
    const s = await q.load(1);
    s.put('other', 42);
    await s.commit();
    for (const fresh of [provider(0), q]) {
      const t = await fresh.load(2);
      assert.equal(t.get('other'), 42);
      assert.equal(t.get('k1'), undefined);
      t.abort();
    }
  });

  it('doMaintenance keeps the newest minBatchesToRetain versions loadable and deletes older files', async () => {
    const p = provider(0, { minDeltasForSnapshot: 5 });
    await commitVersions(p, 23);
    const expected = new Map<number, unknown>();
    for (let v = 14; v <= 23; v++) expected.set(v, [...(await provider(0).load(v)).entries()]);
    const deleted = await p.doMaintenance(10);
    assert.ok(deleted.length > 0);
    const left = fs.readdirSync(path.join(dir, 'state', '0', '0'));
    assert.ok(!left.includes('9.delta') && !left.includes('5.snapshot'), left.join(','));
    for (let v = 14; v <= 23; v++) assert.deepEqual([...(await provider(0).load(v)).entries()], expected.get(v), `version ${v}`);
  });

  it('reports metrics: rows total/updated/removed, memory and commit time', async () => {
    const p = provider();
    const s = await p.load(0);
    for (let i = 0; i < 100; i++) s.put(`key-${i}`, { i, name: 'x'.repeat(10) });
    await s.commit();
    const t = await p.load(1);
    t.put('key-1', 0);
    t.put('new', 1);
    t.remove('key-2');
    t.remove('never-there');
    await t.commit();
    const m = t.metrics();
    assert.equal(m.numRowsTotal, 100);
    assert.equal(m.numRowsUpdated, 2);
    assert.equal(m.numRowsRemoved, 1);
    assert.ok(m.memoryUsedBytes > 100 * 20 && m.memoryUsedBytes < 100 * 1000, String(m.memoryUsedBytes));
    assert.ok(m.commitTimeMs >= 0);
  });

  it('entries() is in UTF-8 byte order and reflects uncommitted changes', async () => {
    const p = provider();
    const s = await p.load(0);
    for (const k of ['b', '\uFFFD', 'a', '\u{1F600}', 'B']) s.put(k, k);
    await s.commit();
    const t = await p.load(1);
    [...t.entries()]; // builds the key order, which the next commit must maintain
    t.put('ab', 1);
    t.remove('B');
    const expectedKeys = ['a', 'ab', 'b', '\uFFFD', '\u{1F600}'];
    assert.deepEqual([...t.entries()].map(([k]) => k), expectedKeys);
    await t.commit();
    assert.deepEqual([...(await p.load(2)).entries()].map(([k]) => k), expectedKeys);
    const byBytes = [...expectedKeys].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    assert.deepEqual(expectedKeys, byBytes);
  });

  it('with freezeValues, mutating a stored value in place throws instead of corrupting the hot version', async () => {
    const p = createStateStoreProvider(engine, { checkpointLocation: dir, operatorId: 0, partition: 0, freezeValues: true });
    const s = await p.load(0);
    s.put('a', { n: 1, nested: { m: [1] } });
    await s.commit();
    const t = await p.load(1);
    const got = t.get('a') as { n: number; nested: { m: number[] } };
    assert.throws(() => {
      got.n = 99;
    }, TypeError);
    assert.throws(() => got.nested.m.push(2), TypeError);
    assert.deepEqual(t.get('a'), { n: 1, nested: { m: [1] } });
    t.abort();
    const cold = await createStateStoreProvider(engine, { checkpointLocation: dir, operatorId: 0, partition: 0, freezeValues: true }).load(1);
    assert.ok(Object.isFrozen(cold.get('a')));
  });

  it('readStateRows reads every partition at its latest version, or one partition at a chosen version', async () => {
    for (const partition of [0, 2]) {
      const p = provider(partition);
      for (let v = 0; v < 3; v++) {
        const s = await p.load(v);
        s.put(`p${partition}`, v);
        await s.commit();
      }
    }
    assert.deepEqual(await readStateRows(engine, dir, 0), [
      { partition: 0, version: 3, key: 'p0', value: 2 },
      { partition: 2, version: 3, key: 'p2', value: 2 },
    ]);
    assert.deepEqual(await readStateRows(engine, dir, 0, { partition: 2, version: 1 }), [{ partition: 2, version: 1, key: 'p2', value: 0 }]);
    assert.deepEqual(await readStateRows(engine, dir, 9), []);
    await rejectsWithCode(readStateRows(engine, dir, 0, { partition: 0, version: 7 }), 'CANNOT_READ_DELTA_FILE_NOT_EXISTS');
  });

  it('window blocks (Float64Array states, multi-KB texts) survive commits and a cold reload from deltas and a snapshot', async () => {
    const block = (n: number, seed: number) =>
      ['weir.wb1', n, Array.from({ length: n }, (_, i) => JSON.stringify(`ST-${String((i * 3 + seed) % 10_000).padStart(4, '0')}`)).join('\n'), Float64Array.from({ length: 2 * n }, (_, i) => (i * 0.125 + seed) % 23)] as const;
    const windowKey = (w: number) => `${1_767_225_660_000_000 + w * 60_000_000}|`;
    const p = provider(0, { minDeltasForSnapshot: 3 });
    const model = new Map<string, unknown>();
    for (let v = 0; v < 5; v++) {
      const s = await p.load(v);
      // Each batch: 30 new windows (one large), the previous batch's windows evicted.
      for (let w = 0; w < 30; w++) {
        const k = windowKey(v * 30 + w);
        const b = block(w === 4 ? 5_000 : 250, v * 30 + w);
        s.put(k, b);
        model.set(k, b);
      }
      if (v > 0) for (let w = 0; w < 30; w++) {
        s.remove(windowKey((v - 1) * 30 + w));
        model.delete(windowKey((v - 1) * 30 + w));
      }
      assert.equal(await s.commit(), v + 1);
    }
    assert.ok(fs.readdirSync(`${dir}/state/0/0`).some((f) => f.endsWith('.snapshot')), 'a snapshot was written');
    for (const version of [3, 5]) {
      const cold = await provider(0, { minDeltasForSnapshot: 3 }).load(version);
      const got = new Map(cold.entries());
      cold.abort();
      if (version === 5) assert.deepEqual(got, model);
      assert.equal(got.size, 30);
      for (const v of got.values()) assert.ok((v as unknown[])[3] instanceof Float64Array);
    }
  });
});

