import assert from 'node:assert/strict';
import { WeirError, joinPath, listAll, utf8Decode, utf8Encode, type Storage } from '@weir/core';
import { compareByteOrder } from '@weir/node';
import { NODE_TEST, type TestApi } from './test-api.js';

/** A storage to test, and where in it the suite may write (a fresh, empty directory per test). */
export interface StorageUnderTest {
  readonly storage: Storage;
  /** A directory the test owns (e.g. a new temp dir for FsStorage). Defaults to `conformance`. */
  readonly root?: string;
  readonly cleanup?: () => Promise<void> | void;
}

export type StorageFactory = () => Promise<Storage | StorageUnderTest> | Storage | StorageUnderTest;

export interface DescribeStorageOptions {
  readonly test?: TestApi;
  /** Concurrent `put(ifAbsent)` callers in the race test. Defaults to `16`. */
  readonly racers?: number;
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return WeirError.is(e) ? e.code : `foreign: ${String(e)}`;
  }
  return 'resolved';
}

function isStorage(u: Storage | StorageUnderTest): u is Storage {
  return typeof (u as Storage).put === 'function';
}

/**
 * The `Storage` contract (core's TSDoc) as a test suite. Every Storage implementation runs it:
 *
 * ```ts
 * describeStorage('FsStorage', () => ({ storage: new FsStorage(), root: fs.mkdtempSync(path.join(os.tmpdir(), 'x-')) }));
 * describeStorage('MemoryStorage', () => new MemoryStorage());
 * ```
 */
export function describeStorage(name: string, make: StorageFactory, options: DescribeStorageOptions = {}): void {
  const { describe, it } = options.test ?? NODE_TEST;
  const racers = options.racers ?? 16;

  const withStorage = (title: string, body: (s: Storage, root: string) => Promise<void>): void => {
    it(title, async () => {
      const made = await make();
      const sut = isStorage(made) ? { storage: made } : made;
      try {
        await body(sut.storage, sut.root ?? 'conformance');
      } finally {
        await sut.cleanup?.();
      }
    });
  };

  describe(`Storage conformance: ${name}`, () => {
    withStorage('read of a missing path fails with FILE_NOT_FOUND; head returns null', async (s, root) => {
      assert.equal(await codeOf(s.read(joinPath(root, 'missing.txt'))), 'FILE_NOT_FOUND');
      assert.equal(await s.head(joinPath(root, 'missing.txt')), null);
      assert.equal(await s.head(joinPath(root, 'no/such/dir/file')), null);
    });

    withStorage('put creates parent directories and read returns the exact bytes', async (s, root) => {
      const bytes = new Uint8Array([0, 1, 2, 254, 255, 10, 13]);
      const p = joinPath(root, 'a/b/c/d.bin');
      await s.put(p, bytes);
      assert.deepEqual(new Uint8Array(await s.read(p)), bytes);
      const info = await s.head(p);
      assert.ok(info !== null);
      assert.equal(info.path, p);
      assert.equal(info.size, bytes.length);
      assert.ok(Number.isFinite(info.modificationTime));
      await s.put(joinPath(root, 'empty'), new Uint8Array());
      assert.equal((await s.read(joinPath(root, 'empty'))).length, 0);
    });

    withStorage('stored bytes do not alias the caller’s buffers', async (s, root) => {
      const p = joinPath(root, 'alias');
      const input = utf8Encode('original');
      await s.put(p, input);
      input.fill(0);
      const out = await s.read(p);
      assert.equal(utf8Decode(out), 'original');
      out.fill(0);
      assert.equal(utf8Decode(await s.read(p)), 'original');
      // A Node Buffer view into a larger arena, reused once put resolves (how state files are
      // written): on a Buffer `slice` is a view, so a copy made with it would change with the arena.
      const arena = Buffer.from('xxxxarena-bytesxxxx');
      await s.put(p, arena.subarray(4, 15));
      arena.fill(0x41);
      assert.equal(utf8Decode(await s.read(p)), 'arena-bytes');
    });

    withStorage('put overwrites by default', async (s, root) => {
      const p = joinPath(root, 'f.txt');
      await s.put(p, utf8Encode('one'));
      await s.put(p, utf8Encode('second'));
      assert.equal(utf8Decode(await s.read(p)), 'second');
      assert.equal((await s.head(p))?.size, 6);
    });

    withStorage('put(ifAbsent) fails with FILE_ALREADY_EXISTS on an existing path and leaves it unchanged', async (s, root) => {
      const p = joinPath(root, '_delta_log/00000000000000000000.json');
      await s.put(p, utf8Encode('first'), { ifAbsent: true });
      assert.equal(await codeOf(s.put(p, utf8Encode('second'), { ifAbsent: true })), 'FILE_ALREADY_EXISTS');
      assert.equal(utf8Decode(await s.read(p)), 'first');
    });

    withStorage(`of ${racers} concurrent put(ifAbsent) callers exactly one wins and its content is stored`, async (s, root) => {
      const p = joinPath(root, 'race/commit');
      const results = await Promise.all(
        Array.from({ length: racers }, (_, i) => codeOf(s.put(p, utf8Encode(`writer-${i}`), { ifAbsent: true }))),
      );
      const winners = results.flatMap((r, i) => (r === 'resolved' ? [i] : []));
      assert.equal(winners.length, 1, `winners: ${winners.join(',')}; results: ${results.join(',')}`);
      assert.ok(results.every((r) => r === 'resolved' || r === 'FILE_ALREADY_EXISTS'), results.join(','));
      assert.equal(utf8Decode(await s.read(p)), `writer-${winners[0]}`);
    });

    withStorage('a reader concurrent with overwrites sees whole contents only', async (s, root) => {
      const p = joinPath(root, 'atomic.bin');
      const size = 256 * 1024;
      const version = (k: number): Uint8Array => new Uint8Array(size).fill(k);
      await s.put(p, version(1));
      const writes = (async () => {
        for (let k = 2; k <= 8; k++) await s.put(p, version(k));
      })();
      const seen = new Set<number>();
      let done = false;
      void writes.then(() => (done = true));
      while (!done) {
        const b = await s.read(p);
        assert.equal(b.length, size, 'partial content observed');
        const first = b[0] as number;
        assert.ok(b.every((x) => x === first), 'mixed content observed');
        seen.add(first);
      }
      await writes;
      assert.equal((await s.read(p))[0], 8);
    });

    withStorage('list yields files only, directly under the directory, sorted in byte order, dot files included', async (s, root) => {
      const names = ['b.json', 'a.json', '.hidden.tmp', '_SUCCESS', 'Z', 'a0', 'é.txt', '😀.txt', '\uFFFD.txt'];
      for (const n of names) await s.put(joinPath(root, 'dir', n), utf8Encode(n));
      await s.put(joinPath(root, 'dir/sub/nested.json'), utf8Encode('x'));
      await s.put(joinPath(root, 'dir2/other'), utf8Encode('x'));
      const listed = (await listAll(s, joinPath(root, 'dir'))).map((f) => f.path);
      const expected = names.map((n) => joinPath(root, 'dir', n)).sort(compareByteOrder);
      assert.deepEqual(listed, expected);
      for (const f of await listAll(s, joinPath(root, 'dir'))) assert.equal(f.size, utf8Encode(f.path.slice(f.path.lastIndexOf('/') + 1)).length);
    });

    withStorage('recursive listing covers sub-directories in full-path byte order', async (s, root) => {
      const rels = ['a/b', 'a.txt', 'a0', 'b/c/d', 'b/c.e', 'b-c'];
      for (const r of rels) await s.put(joinPath(root, 't', r), utf8Encode(r));
      const listed = (await listAll(s, joinPath(root, 't'), { recursive: true })).map((f) => f.path);
      assert.deepEqual(listed, rels.map((r) => joinPath(root, 't', r)).sort(compareByteOrder));
    });

    withStorage('startAfter skips paths up to and including the given one', async (s, root) => {
      const dir = joinPath(root, 'log');
      for (let v = 0; v < 12; v++) await s.put(joinPath(dir, `${String(v).padStart(20, '0')}.json`), utf8Encode(String(v)));
      const after = await listAll(s, dir, { startAfter: joinPath(dir, `${String(9).padStart(20, '0')}.json`) });
      assert.deepEqual(after.map((f) => f.path), [10, 11].map((v) => joinPath(dir, `${String(v).padStart(20, '0')}.json`)));
      const between = await listAll(s, dir, { startAfter: joinPath(dir, `${String(10).padStart(20, '0')}`) });
      assert.deepEqual(between.map((f) => f.path), [10, 11].map((v) => joinPath(dir, `${String(v).padStart(20, '0')}.json`)));
      const recursive = await listAll(s, root, { recursive: true, startAfter: joinPath(dir, `${String(10).padStart(20, '0')}.json`) });
      assert.deepEqual(recursive.map((f) => f.path), [joinPath(dir, `${String(11).padStart(20, '0')}.json`)]);
    });

    withStorage('listing a missing directory, or a file, yields nothing', async (s, root) => {
      assert.deepEqual(await listAll(s, joinPath(root, 'nope')), []);
      assert.deepEqual(await listAll(s, joinPath(root, 'nope'), { recursive: true }), []);
      await s.put(joinPath(root, 'file'), utf8Encode('x'));
      assert.deepEqual(await listAll(s, joinPath(root, 'file')), []);
    });

    withStorage('delete removes one file, is idempotent, and leaves siblings alone', async (s, root) => {
      const a = joinPath(root, 'd/a');
      const b = joinPath(root, 'd/b');
      await s.put(a, utf8Encode('a'));
      await s.put(b, utf8Encode('b'));
      await s.delete(a);
      await s.delete(a);
      await s.delete(joinPath(root, 'never/existed'));
      assert.equal(await codeOf(s.read(a)), 'FILE_NOT_FOUND');
      assert.equal(await s.head(a), null);
      assert.equal(utf8Decode(await s.read(b)), 'b');
      assert.deepEqual((await listAll(s, joinPath(root, 'd'))).map((f) => f.path), [b]);
      await s.put(a, utf8Encode('again'), { ifAbsent: true });
      assert.equal(utf8Decode(await s.read(a)), 'again');
    });
  });
}
