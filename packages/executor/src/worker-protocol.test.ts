import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { collectTransferables, findUncloneable } from './worker-protocol.js';

describe('collectTransferables', () => {
  it('moves large buffers that own their memory, once each, up to 3 levels deep', () => {
    const owned = new Uint8Array(10_000);
    const other = new Float64Array(2_000);
    const found = collectTransferables({ block: owned, again: owned, nested: [{ x: other }] });
    assert.deepEqual(found, [owned.buffer, other.buffer]);
  });

  it('never moves a view into a shared arena, a small buffer, or anything deeper than 3 levels', () => {
    const arena = new ArrayBuffer(1 << 16);
    const view = new Uint8Array(arena, 128, 8192); // like msgpackr's or Buffer's pooled output
    const small = new Uint8Array(100);
    const deep = { a: { b: { c: { d: new Uint8Array(10_000) } } } };
    assert.deepEqual(collectTransferables({ view, small, deep }), []);
    assert.deepEqual(collectTransferables(Buffer.from('pooled small buffer')), []);
  });

  it('ignores class instances and primitives', () => {
    class Holder {
      readonly data = new Uint8Array(10_000);
    }
    assert.deepEqual(collectTransferables(new Holder()), []);
    assert.deepEqual(collectTransferables(42), []);
    assert.deepEqual(collectTransferables(null), []);
  });
});

describe('findUncloneable', () => {
  it('accepts what structured cloning accepts, incl. cycles, Maps, Sets, typed arrays and Dates', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const ok = { cyclic, m: new Map([['k', [1, 'x', null]]]), s: new Set([1]), b: new Uint8Array(3), d: new Date(0), n: undefined };
    assert.equal(findUncloneable(ok), null);
    assert.doesNotThrow(() => structuredClone(ok));
  });

  it('finds functions, symbols, promises and weak collections, with their path, where structuredClone throws', () => {
    const cases: Array<[unknown, string, string]> = [
      [{ a: [0, { f: () => 1 }] }, 'a function', '.a[1].f'],
      [[Symbol('s')], 'a symbol', '[0]'],
      [{ p: Promise.resolve(1) }, 'a Promise', '.p'],
      [new Map([['k', new WeakMap()]]), 'a weak collection', '.get("k")'],
    ];
    for (const [value, what, path] of cases) {
      assert.deepEqual(findUncloneable(value), { what, path });
      assert.throws(() => structuredClone(value));
    }
  });
});
