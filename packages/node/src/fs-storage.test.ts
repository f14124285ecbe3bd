import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WeirError, listAll, utf8Decode, utf8Encode } from '@weir/core';
import { FsStorage } from './fs-storage.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'weir-node-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
const storage = new FsStorage();
let n = 0;
const dir = (): string => path.join(root, `case-${n++}`);

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    assert.ok(WeirError.is(e), `expected a WeirError, got ${String(e)}`);
    return e.code;
  }
  return 'resolved';
}

describe('FsStorage', () => {
  it('put creates parents and read returns a plain Uint8Array', async () => {
    const p = `${dir()}/a/b/c.txt`;
    await storage.put(p, utf8Encode('hello'));
    const got = await storage.read(p);
    assert.equal(Object.getPrototypeOf(got), Uint8Array.prototype);
    assert.equal(utf8Decode(got), 'hello');
    assert.equal(fs.readFileSync(p, 'utf8'), 'hello');
  });

  it('leaves no temp file behind after put, ifAbsent put, and a failed ifAbsent put', async () => {
    const d = dir();
    await storage.put(`${d}/x`, utf8Encode('1'));
    await storage.put(`${d}/y`, utf8Encode('2'), { ifAbsent: true });
    assert.equal(await code(storage.put(`${d}/y`, utf8Encode('3'), { ifAbsent: true })), 'FILE_ALREADY_EXISTS');
    assert.deepEqual(fs.readdirSync(d).sort(), ['x', 'y']);
    assert.equal(fs.readFileSync(`${d}/y`, 'utf8'), '2');
  });

  it('maps a file in the way of a parent directory to STORAGE_IO_ERROR with errno', async () => {
    const d = dir();
    await storage.put(`${d}/f`, utf8Encode('1'));
    try {
      await storage.put(`${d}/f/child`, utf8Encode('2'));
      assert.fail('expected an error');
    } catch (e) {
      assert.ok(WeirError.hasCode(e, 'STORAGE_IO_ERROR'));
      assert.equal(typeof e.details['errno'], 'string');
    }
  });

  it('reads a directory as FILE_NOT_FOUND and heads it as null', async () => {
    const d = dir();
    await storage.put(`${d}/sub/f`, utf8Encode('1'));
    assert.equal(await code(storage.read(`${d}/sub`)), 'FILE_NOT_FOUND');
    assert.equal(await storage.head(`${d}/sub`), null);
    assert.equal(await storage.head(`${d}/sub/f/g`), null);
  });

  it('lists recursively in byte order even where directory walk order differs (a.txt < a/b)', async () => {
    const d = dir();
    for (const p of ['a/b', 'a.txt', 'a0', 'b/c/d', '\u{1F600}', '\uFFFD']) await storage.put(`${d}/${p}`, utf8Encode(p));
    const got = (await listAll(storage, d, { recursive: true })).map((f) => f.path.slice(d.length + 1));
    const expected = ['a/b', 'a.txt', 'a0', 'b/c/d', '\u{1F600}', '\uFFFD'].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    assert.deepEqual(got, expected);
    const after = (await listAll(storage, d, { recursive: true, startAfter: `${d}/a/b` })).map((f) => f.path.slice(d.length + 1));
    assert.deepEqual(after, expected.slice(expected.indexOf('a/b') + 1));
  });

  it('puts a file whose name is near NAME_MAX (the temp name stays short enough)', async () => {
    const p = `${dir()}/${'n'.repeat(250)}`;
    await storage.put(p, utf8Encode('long'), { ifAbsent: true });
    assert.equal(utf8Decode(await storage.read(p)), 'long');
  });

  it('lists files only, never directories', async () => {
    const d = dir();
    await storage.put(`${d}/f`, utf8Encode('1'));
    fs.mkdirSync(`${d}/empty`);
    assert.deepEqual((await listAll(storage, d)).map((f) => f.path), [`${d}/f`]);
  });
  it('lists a wide tree (more files than stats in flight) exactly as a synchronous walk does, with and without startAfter', async () => {
    const d = dir();
    const rel: string[] = [];
    for (let i = 0; i < 150; i++) rel.push(`f${String(i * 7919 % 1000).padStart(3, '0')}.json`);
    for (let i = 0; i < 40; i++) rel.push(`sub${i % 3}/g${i}`, `sub${i % 3}/deep/h${i}`);
    rel.push('a/b', 'a.txt', 'a0');
    for (const p of rel) await storage.put(`${d}/${p}`, utf8Encode(p.repeat((p.length % 5) + 1)));
    fs.symlinkSync(`${d}/a.txt`, `${d}/link-to-file`);
    fs.symlinkSync(`${d}/sub1`, `${d}/link-to-dir`);
    fs.symlinkSync(`${d}/missing`, `${d}/dangling`);
    fs.mkdirSync(`${d}/empty`);
    // Oracle: node's synchronous fs, walked breadth-agnostic, sorted by UTF-8 bytes.
    const walk = (p: string, recursive: boolean): Array<{ path: string; size: number; modificationTime: number }> =>
      fs.readdirSync(p).flatMap((name) => {
        const full = `${p}/${name}`;
        let st: fs.Stats;
        try {
          st = fs.statSync(full);
        } catch {
          return []; // dangling symlink: not a file
        }
        if (st.isDirectory()) return recursive ? walk(full, true) : [];
        return st.isFile() ? [{ path: full, size: st.size, modificationTime: Math.floor(st.mtimeMs) }] : [];
      });
    const byBytes = (a: { path: string }, b: { path: string }) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path));
    for (const recursive of [false, true]) {
      const expected = walk(d, recursive).sort(byBytes);
      assert.deepEqual(await listAll(storage, d, { recursive }), expected);
      for (const k of [0, 1, 63, 64, 65, 100, expected.length - 1]) {
        const after = (expected[k] as { path: string }).path;
        assert.deepEqual(await listAll(storage, d, { recursive, startAfter: after }), expected.slice(k + 1), `startAfter ${after}`);
      }
    }
  });

  it('an abandoned listing and files deleted while listing neither throw nor leave rejections behind', async () => {
    const d = dir();
    for (let i = 0; i < 200; i++) await storage.put(`${d}/f${String(i).padStart(3, '0')}`, utf8Encode('x'));
    for await (const _ of storage.list(d)) break;
    const seen: string[] = [];
    for await (const f of storage.list(d)) {
      if (seen.length === 0) for (let i = 100; i < 200; i++) fs.rmSync(`${d}/f${String(i).padStart(3, '0')}`);
      seen.push(f.path);
    }
    // Files stat'ed before the delete may still be listed; every later one is not, and nothing throws.
    assert.ok(seen.length >= 100 && seen.length < 200, `listed ${seen.length}`);
    assert.deepEqual(seen.slice(0, 100), Array.from({ length: 100 }, (_, i) => `${d}/f${String(i).padStart(3, '0')}`));
  });
});

describe('FsStorage.readInto', () => {
  it('reads a file that fits into the given buffer, and a larger one into a new array of exactly its size', async () => {
    const d = dir();
    fs.mkdirSync(d, { recursive: true });
    fs.writeFileSync(`${d}/small`, 'abc');
    fs.writeFileSync(`${d}/big`, 'x'.repeat(100));
    const buffer = new Uint8Array(16).fill(7);
    const small = await storage.readInto(`${d}/small`, buffer);
    assert.equal(small.buffer, buffer.buffer, 'a file that fits is read into the buffer');
    assert.equal(small.byteOffset, 0);
    assert.equal(utf8Decode(small), 'abc');
    assert.equal(buffer[3], 7, 'bytes past the file are left alone');
    const big = await storage.readInto(`${d}/big`, buffer);
    assert.notEqual(big.buffer, buffer.buffer);
    assert.equal(big.byteLength, 100);
    assert.equal(utf8Decode(big), 'x'.repeat(100));
  });

  it('a file exactly the buffer size stays in the buffer, and an empty file reads as no bytes', async () => {
    const d = dir();
    fs.mkdirSync(d, { recursive: true });
    fs.writeFileSync(`${d}/exact`, '0123456789');
    fs.writeFileSync(`${d}/empty`, '');
    const buffer = new Uint8Array(10);
    const exact = await storage.readInto(`${d}/exact`, buffer);
    assert.equal(exact.buffer, buffer.buffer);
    assert.equal(utf8Decode(exact), '0123456789');
    assert.equal((await storage.readInto(`${d}/empty`, buffer)).byteLength, 0);
  });

  it('agrees with read on every size around the buffer size', async () => {
    const d = dir();
    fs.mkdirSync(d, { recursive: true });
    const buffer = new Uint8Array(64);
    for (const size of [0, 1, 63, 64, 65, 200_000]) {
      const bytes = Uint8Array.from({ length: size }, (_, i) => (i * 31 + size) & 0xff);
      fs.writeFileSync(`${d}/f${size}`, bytes);
      assert.deepEqual(await storage.readInto(`${d}/f${size}`, buffer), await storage.read(`${d}/f${size}`), `size ${size}`);
    }
  });

  it('fails as read does: FILE_NOT_FOUND for a missing path or a directory', async () => {
    const d = dir();
    fs.mkdirSync(d, { recursive: true });
    assert.equal(await code(storage.readInto(`${d}/missing`, new Uint8Array(8))), 'FILE_NOT_FOUND');
    assert.equal(await code(storage.readInto(d, new Uint8Array(8))), 'FILE_NOT_FOUND');
    assert.equal(await code(storage.read(d)), 'FILE_NOT_FOUND');
  });
});
