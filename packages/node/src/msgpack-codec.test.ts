import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Packr } from 'msgpackr';
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

  describe('large values (the warm arena)', () => {
    /** A window block as the planner builds it: tag, n, n group JSON texts joined by '\n', n × 2 doubles. */
    const windowBlock = (n: number, seed: number) => {
      const keys = Array.from({ length: n }, (_, i) => JSON.stringify(`ST-${String((i * 7 + seed) % 10_000).padStart(4, '0')}`));
      const states = Float64Array.from({ length: 2 * n }, (_, i) => (i % 2 === 0 ? (i * 0.37 + seed) % 41.5 : 1 + (i % 3)));
      return ['weir.wb1', n, keys.join('\n'), states] as const;
    };
    const partition = (windows: number, n: number) => Array.from({ length: windows }, (_, w) => [`${1_767_225_660_000_000 + w * 60_000_000}|`, windowBlock(n, w)]);

    it('writes the same bytes as a fresh msgpackr Packr of the same options (the wire format is unchanged)', () => {
      // A reference Packr that never shares our arena: msgpackr's default path.
      const reference = new Packr({ moreTypes: true, useRecords: true, int64AsType: 'number' });
      for (const v of [partition(300, 250), windowBlock(200_000, 1), { v: 3, k: ['a', 'b'], x: [windowBlock(10, 2), null], r: [] }, [1, 'x', new Int32Array([1, -2, 3])]]) {
        const ours = codec.encode(v);
        const theirs = Uint8Array.prototype.slice.call(reference.pack(v));
        assert.equal(Buffer.compare(ours, theirs), 0);
      }
    });

    it('round-trips multi-megabyte blocks, then small values, then blocks again (arena reuse and growth)', () => {
      const sizes = [60_000, 10, 1_000, 150_000, 3, 60_000];
      for (const [i, n] of sizes.entries()) {
        const v = partition(2, n);
        const bytes = codec.encode(v);
        assert.equal(bytes.byteOffset, 0);
        assert.equal(bytes.buffer.byteLength, bytes.byteLength, 'the result owns its whole ArrayBuffer (transferable)');
        assert.deepEqual(new MsgpackCodec().decode(bytes), v, `encode #${i} (${n} groups) decodes in another codec instance`);
      }
    });

    it('encodeWithPrefix(v, n) is n zero bytes then encode(v), in a buffer of its own', () => {
      for (const [v, n] of [[partition(30, 250), 16], [{ a: 1 }, 16], [windowBlock(50_000, 2), 3], ['x', 0]] as const) {
        const framed = codec.encodeWithPrefix(v, n);
        assert.equal(framed.byteOffset, 0);
        assert.equal(framed.buffer.byteLength, framed.byteLength);
        assert.equal(Buffer.compare(framed, Buffer.concat([Buffer.alloc(n), codec.encode(v)])), 0);
        assert.deepEqual(codec.decode(framed.subarray(n)), v);
      }
      for (const bad of [-1, 1.5, Number.NaN]) {
        assert.throws(() => codec.encodeWithPrefix({}, bad), (e: unknown) => (e as { code?: string }).code === 'INVALID_ARGUMENT');
      }
    });

    it('encodeLeased(v, n) lends n zero bytes then encode(v) until released, and leases held at once never share memory', () => {
      const values = [partition(30, 250), windowBlock(200_000, 5), { a: 1 }, partition(90, 300), windowBlock(20_000, 2)];
      // Grow the lease arenas first, then check leases taken while others are still out.
      for (const v of values) codec.encodeLeased(v, 16).release();
      const held = values.map((v, i) => ({ v, n: [16, 0, 3, 16, 300][i] as number, lease: codec.encodeLeased(v, [16, 0, 3, 16, 300][i] as number) }));
      const copies = held.map(({ lease }) => Buffer.from(lease.bytes));
      codec.encode(windowBlock(300_000, 9)); // the plain path must not write into a lent arena
      held.forEach(({ v, n, lease }, i) => {
        assert.equal(Buffer.compare(lease.bytes, copies[i] as Buffer), 0, `lease ${i} unchanged while held`);
        assert.equal(Buffer.compare(lease.bytes, Buffer.concat([Buffer.alloc(n), codec.encode(v)])), 0, `lease ${i} is the prefix then encode(v)`);
      });
      for (const { lease } of held) {
        lease.release();
        lease.release(); // idempotent: one arena is not handed back twice
      }
      const a = codec.encodeLeased(partition(5, 100), 16);
      const b = codec.encodeLeased(partition(6, 100), 16);
      assert.notEqual(a.bytes.buffer, b.bytes.buffer, 'two leases out at once use two arenas');
      a.release();
      b.release();
      for (const bad of [-1, 1.5, Number.NaN]) {
        assert.throws(() => codec.encodeLeased({}, bad), (e: unknown) => (e as { code?: string }).code === 'INVALID_ARGUMENT');
      }
    });

    it('keeps earlier results intact while later encodes reuse the arena', () => {
      const a = partition(50, 400);
      const b = partition(80, 300);
      const ea = codec.encode(a);
      const snapshot = ea.slice();
      codec.encode(b);
      codec.encode(windowBlock(300_000, 9));
      assert.deepEqual(ea, snapshot);
      assert.deepEqual(codec.decode(ea), a);
    });

    it('does not overwrite the views other msgpackr users in the thread hold (msgpackr shares one target buffer)', () => {
      const other = new Packr();
      const view = other.pack({ mine: 'kept as a view, as msgpackr allows', n: [1, 2, 3] });
      const copy = Buffer.from(view);
      codec.encode(partition(100, 250));
      const view2 = other.pack({ second: 'x'.repeat(5000) });
      const copy2 = Buffer.from(view2);
      codec.encode(windowBlock(100_000, 3));
      codec.encode({ small: 1 });
      assert.equal(Buffer.compare(view, copy), 0);
      assert.equal(Buffer.compare(view2, copy2), 0);
      assert.deepEqual(other.unpack(view), { mine: 'kept as a view, as msgpackr allows', n: [1, 2, 3] });
    });

    it('encodes a value whose serialization encodes again (toJSON calling the codec) without corrupting either', () => {
      class Framed {
        toJSON() {
          return { inner: codec.encode(partition(3, 100)), tag: 'framed' };
        }
      }
      const outer = codec.encode([partition(20, 250), new Framed(), 'after']);
      const got = codec.decode(outer) as [unknown, { inner: Uint8Array; tag: string }, string];
      assert.deepEqual(got[0], partition(20, 250));
      assert.equal(got[1].tag, 'framed');
      assert.deepEqual(codec.decode(got[1].inner), partition(3, 100));
      assert.equal(got[2], 'after');
    });

    it('decodes typed arrays from an unaligned view (a block inside a larger buffer at an odd offset)', () => {
      const v = windowBlock(5_000, 4);
      const bytes = codec.encode(['pad', v]);
      const backing = new Uint8Array(bytes.length + 3);
      backing.set(bytes, 3);
      const got = codec.decode(backing.subarray(3)) as [string, typeof v];
      assert.deepEqual(got[1], v);
      assert.ok(got[1][3] instanceof Float64Array);
    });

    it('round-trips huge strings, ASCII and not', () => {
      const ascii = 'ST-0001\n'.repeat(400_000);
      const mixed = 'é€😀 station "Zürich"\n'.repeat(120_000);
      const v = { ascii, mixed, both: [ascii.slice(0, 70_000), mixed.slice(0, 70_001)] };
      assert.deepEqual(codec.decode(codec.encode(v)), v);
    });

    it('decode(encode(v)) deep-equals v for nested values holding typed arrays of any size and kind', () => {
      const typed = fc.oneof(
        fc.float64Array({ maxLength: 3000, noDefaultInfinity: true, noNaN: true }),
        fc.float64Array({ minLength: 20_000, maxLength: 60_000, noNaN: true }),
        fc.int32Array({ maxLength: 2000 }),
        fc.uint8Array({ maxLength: 70_000 }),
        fc.float32Array({ maxLength: 100, noNaN: true }),
      );
      const leaf = fc.oneof(fc.string({ maxLength: 80 }), fc.string({ minLength: 70_000, maxLength: 70_100, unit: 'grapheme' }), fc.double({ noNaN: true }).map((d) => (Object.is(d, -0) ? 0 : d)), fc.constant(null), typed);
      const value = fc.letrec((tie) => ({
        v: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('v'), { maxLength: 6 }), fc.tuple(fc.constant('weir.wb1'), fc.nat(), fc.string(), typed)),
      })).v;
      fc.assert(
        fc.property(value, (v) => {
          assert.deepEqual(codec.decode(codec.encode(v)), v);
        }),
        { seed, numRuns: process.env['CI'] ? 200 : 25 },
      );
    });
  });
});
