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
});
