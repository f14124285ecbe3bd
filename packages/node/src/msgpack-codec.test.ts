import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MsgpackCodec } from './msgpack-codec.js';

const codec = new MsgpackCodec();
const seed = Number(process.env['FC_SEED'] ?? 42);

describe('MsgpackCodec', () => {
  it('round-trips Maps, Uint8Arrays and nested rows', () => {
    const v = { k: new Map<unknown, unknown>([['a', 1], [2, { b: [1.5, null, true] }]]), bin: new Uint8Array([0, 255]), big: 2 ** 53 - 1, neg: -(2 ** 40) };
    const got = codec.decode(codec.encode(v));
    assert.deepEqual(got, v);
    assert.equal(Object.getPrototypeOf((got as { bin: unknown }).bin), Uint8Array.prototype);
  });

  it('returns buffers that own their memory (later encodes do not alias earlier results)', () => {
    const a = codec.encode({ x: 'first' });
    const copy = a.slice();
    codec.encode({ x: 'second, and longer' });
    assert.deepEqual(a, copy);
    assert.equal(a.byteOffset, 0);
    assert.equal(a.buffer.byteLength, a.byteLength);
  });

  it('renames an own __proto__ key instead of polluting the prototype (the documented exception)', () => {
    const got = codec.decode(codec.encode(JSON.parse('{"__proto__":{"polluted":1},"b":2}'))) as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(got), Object.prototype);
    assert.deepEqual(Object.keys(got), ['__proto_', 'b']);
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
  });

  it('decode(encode(v)) deep-equals v for codec-supported values', () => {
    const leaf = fc.oneof(
      fc.string(),
      fc.double({ noNaN: true }).map((d) => (Object.is(d, -0) ? 0 : d)),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.uint8Array(),
    );
    const value = fc.letrec((tie) => ({
      v: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('v')), fc.dictionary(fc.string().filter((k) => k !== '__proto__'), tie('v'), { noNullPrototype: true }),
        fc.array(fc.tuple(fc.string(), tie('v'))).map((es) => new Map(es))),
    })).v;
    fc.assert(
      fc.property(value, (v) => {
        assert.deepEqual(codec.decode(codec.encode(v)), v);
      }),
      { seed, numRuns: process.env['CI'] ? 1000 : 200 },
    );
  });
});
