import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { WeirError, listAll, type Storage } from '@weir/core';
import { FsStorage } from '@weir/node';
import { MemoryStorage } from '@weir/testkit';

const seed = Number(process.env['FC_SEED'] ?? 42);
const numRuns = process.env['WEIR_SOAK'] ? 2000 : process.env['CI'] ? 150 : 25;
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'weir-testkit-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

// Directories and file names chosen so no path is both a file and a directory.
const DIRS = ['t', 't/_delta_log', 't/state/0', 'u'];
const NAMES = ['00000000000000000000.json', '00000000000000000001.json', 'part-0.parquet', '.tmp', 'é'];
type Op = { kind: 'put'; path: string; content: number; ifAbsent: boolean } | { kind: 'delete'; path: string };
const pathArb = fc.tuple(fc.constantFrom(...DIRS), fc.constantFrom(...NAMES)).map(([d, n]) => `${d}/${n}`);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('put' as const), path: pathArb, content: fc.nat(1000), ifAbsent: fc.boolean() }, { noNullPrototype: true }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), path: pathArb }, { noNullPrototype: true }) },
);
const bytesOf = (op: { path: string; content: number }): Uint8Array => new TextEncoder().encode(`${op.path}#${op.content}#`.repeat(1 + (op.content % 50)));

async function apply(s: Storage, base: string, op: Op): Promise<string> {
  try {
    if (op.kind === 'put') await s.put(`${base}${op.path}`, bytesOf(op), { ifAbsent: op.ifAbsent });
    else await s.delete(`${base}${op.path}`);
    return 'ok';
  } catch (e) {
    return WeirError.is(e) ? e.code : `foreign: ${String(e)}`;
  }
}

/** Everything visible under `base`, as relative path → text. */
async function visible(s: Storage, base: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const f of await listAll(s, base.replace(/\/$/, ''), { recursive: true })) {
    out[f.path.slice(base.length)] = new TextDecoder().decode(await s.read(f.path));
  }
  return out;
}

let run = 0;

describe('FsStorage and MemoryStorage agree under crashes', () => {
  it('random op sequences with a crash before/after the k-th mutation leave the same visible files', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 25 }), fc.nat(), fc.constantFrom('before' as const, 'after' as const), async (ops, k0, when) => {
        const k = (k0 % ops.length) + 1; // crash at the k-th mutation (every op mutates)
        const base = path.join(root, `run-${run++}`) + '/';
        const fsStorage = new FsStorage();
        const mem = new MemoryStorage({ faults: { crash: { atMutation: k, when } } });
        // The fs "process" stops at the crash point: ops before k, plus op k itself when crashing after it.
        const fsOutcomes: string[] = [];
        for (let i = 0; i < ops.length && i < (when === 'after' ? k : k - 1); i++) fsOutcomes.push(await apply(fsStorage, base, ops[i] as Op));
        const memOutcomes: string[] = [];
        for (const op of ops) memOutcomes.push(await apply(mem, '', op));
        // Outcomes agree up to the crash; from the crashing call on, the memory view only says SIMULATED_CRASH.
        assert.deepEqual(memOutcomes.slice(0, k - 1), fsOutcomes.slice(0, k - 1));
        assert.ok(memOutcomes.slice(k - 1).every((o) => o === 'SIMULATED_CRASH'), memOutcomes.join(','));
        assert.deepEqual(await visible(mem.restart(), ''), await visible(fsStorage, base));
      }),
      { seed, numRuns },
    );
  });

  it('without crashes, every outcome and the final state agree (reads included)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { maxLength: 30 }), async (ops) => {
        const base = path.join(root, `run-${run++}`) + '/';
        const fsStorage = new FsStorage();
        const mem = new MemoryStorage();
        for (const op of ops) {
          assert.equal(await apply(mem, '', op), await apply(fsStorage, base, op), JSON.stringify(op));
          const probe = `${op.path}`;
          const [a, b] = [await mem.head(probe), await fsStorage.head(base + probe)];
          assert.equal(a?.size ?? null, b?.size ?? null);
        }
        for (const dir of DIRS) {
          const m = (await listAll(mem, dir)).map((f) => f.path);
          const f = (await listAll(fsStorage, base + dir)).map((x) => x.path.slice(base.length));
          assert.deepEqual(m, f, dir);
        }
        assert.deepEqual(await visible(mem, ''), await visible(fsStorage, base));
      }),
      { seed, numRuns },
    );
  });

  it('readers polling during concurrent large puts only ever see whole contents (FsStorage)', async () => {
    const s = new FsStorage();
    const dir = path.join(root, 'polling');
    const file = `${dir}/big.bin`;
    const size = 1 << 20;
    const versions = Array.from({ length: 6 }, (_, v) => new Uint8Array(size).fill(v + 1));
    await s.put(file, versions[0] as Uint8Array);
    let writing = true;
    const writers = Promise.all(
      versions.map(async (bytes, v) => {
        await s.put(file, bytes);
        await s.put(`${dir}/once-${v % 2}`, bytes, { ifAbsent: true }).catch((e: unknown) => {
          if (!WeirError.hasCode(e, 'FILE_ALREADY_EXISTS')) throw e;
        });
      }),
    ).finally(() => (writing = false));
    let reads = 0;
    while (writing || reads === 0) {
      for (const f of await listAll(s, dir)) {
        if (f.path.slice(dir.length + 1).startsWith('.')) continue; // temp files: callers skip them
        const b = await s.read(f.path);
        assert.equal(b.length, size, `partial ${f.path}`);
        assert.ok(b.every((x) => x === b[0]), `mixed content in ${f.path}`);
        reads++;
      }
    }
    await writers;
    assert.ok(reads > 0);
    assert.deepEqual((await listAll(s, dir)).map((f) => f.path.slice(dir.length + 1)), ['big.bin', 'once-0', 'once-1']);
  });
});
