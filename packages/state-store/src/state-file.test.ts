import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { WeirError } from '@weir/core';
import { MsgpackCodec } from '@weir/node';
import { crc32 as zlibCrc32 } from 'node:zlib';
import type { Codec } from '@weir/core';
import { decodeStateFile, decodeStateFileParts, encodeStateFile, encodeStateFileParts, withEncodedStateFile, type DeltaFileContent } from './state-file.js';

const codec = new MsgpackCodec();
const runs = { seed: Number(process.env.FC_SEED ?? 42), numRuns: process.env.CI ? 300 : 60 };

const delta: DeltaFileContent = {
  kind: 'delta',
  version: 7,
  puts: [
    ['a', { sum: 1.5, count: 2 }],
    ['b', [1, 'x', null]],
  ],
  removes: ['c'],
};

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return WeirError.is(err) ? err.code : `foreign:${String(err)}`;
  }
  return undefined;
}

describe('state file format', () => {
  it('round-trips deltas and snapshots with random keys and values', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(fc.string(), fc.jsonValue()), { selector: (e) => e[0], maxLength: 20 }),
        fc.array(fc.string(), { maxLength: 5 }),
        fc.nat({ max: 1_000_000 }),
        (entries, removes, version) => {
          // The oracle for values: what the codec itself round-trips them to.
          const expected = entries.map(([k, v]) => [k, codec.decode(codec.encode(v))]);
          const d = decodeStateFile(codec, 'p', encodeStateFile(codec, { kind: 'delta', version, puts: entries, removes }), {
            kind: 'delta',
            version,
          });
          assert.deepEqual(d, { kind: 'delta', version, puts: expected, removes });
          const s = decodeStateFile(codec, 'p', encodeStateFile(codec, { kind: 'snapshot', version, entries }), {
            kind: 'snapshot',
            version,
          });
          assert.deepEqual(s, { kind: 'snapshot', version, entries: expected });
        },
      ),
      runs,
    );
  });

  it('reports every truncation of a file as STATE_STORE_CORRUPT', () => {
    const bytes = encodeStateFile(codec, delta);
    for (let len = 0; len < bytes.length; len++) {
      assert.equal(codeOf(() => decodeStateFile(codec, 'p', bytes.subarray(0, len), { kind: 'delta', version: 7 })), 'STATE_STORE_CORRUPT', `len ${len}`);
    }
  });

  it('reports any single flipped bit as STATE_STORE_CORRUPT (or an unsupported format version for the version byte)', () => {
    const bytes = encodeStateFile(codec, delta);
    for (let i = 0; i < bytes.length; i++) {
      for (const bit of [0, 3, 7]) {
        const torn = bytes.slice();
        torn[i] = (torn[i] as number) ^ (1 << bit);
        const code = codeOf(() => decodeStateFile(codec, 'p', torn, { kind: 'delta', version: 7 }));
        if (i === 6 || i === 7) continue; // reserved bytes are not checked
        const expected = i === 4 ? ['STATE_STORE_UNSUPPORTED_FORMAT_VERSION', 'STATE_STORE_CORRUPT'] : ['STATE_STORE_CORRUPT'];
        assert.ok(expected.includes(code ?? 'none'), `byte ${i} bit ${bit}: ${code}`);
      }
    }
  });

  it('rejects a file of the wrong kind or recording another version', () => {
    const bytes = encodeStateFile(codec, delta);
    assert.equal(codeOf(() => decodeStateFile(codec, 'p', bytes, { kind: 'snapshot', version: 7 })), 'STATE_STORE_CORRUPT');
    assert.equal(codeOf(() => decodeStateFile(codec, 'p', bytes, { kind: 'delta', version: 8 })), 'STATE_STORE_CORRUPT');
  });

  it('refuses a newer format version with STATE_STORE_UNSUPPORTED_FORMAT_VERSION', () => {
    const bytes = encodeStateFile(codec, delta);
    bytes[4] = 2;
    assert.equal(codeOf(() => decodeStateFile(codec, 'p', bytes, { kind: 'delta', version: 7 })), 'STATE_STORE_UNSUPPORTED_FORMAT_VERSION');
  });

  describe('window-block state (the codec writes after the header)', () => {
    const block = (n: number, seed: number) =>
      ['weir.wb1', n, Array.from({ length: n }, (_, i) => JSON.stringify(`ST-${String((i * 3 + seed) % 10_000).padStart(4, '0')}`)).join('\n'), Float64Array.from({ length: 2 * n }, (_, i) => (i * 0.25 + seed) % 17)] as const;
    const keys = Array.from({ length: 40 }, (_, w) => `${1_767_225_660_000_000 + w * 60_000_000}|`);
    const values = keys.map((_, w) => block(w === 7 ? 20_000 : 250, w));
    const removes = ['1767225000000000|', '1767225060000000|'];
    /** The same codec without `encodeWithPrefix`: the fallback path. */
    const plain: Codec = { encode: (v) => codec.encode(v), decode: (d) => codec.decode(d) };

    it('lays out header + payload as documented (CRC-32 checked against node:zlib), identically with and without encodeWithPrefix', () => {
      assert.equal(typeof (codec as { encodeWithPrefix?: unknown }).encodeWithPrefix, 'function', 'MsgpackCodec takes the one-buffer path');
      for (const kind of ['delta', 'snapshot'] as const) {
        const fast = encodeStateFileParts(codec, kind, 12, keys, values, removes);
        const slow = encodeStateFileParts(plain, kind, 12, keys, values, removes);
        assert.equal(Buffer.compare(fast, slow), 0, kind);
        const payload = codec.encode(kind === 'delta' ? { v: 12, k: keys, x: values, r: removes } : { v: 12, k: keys, x: values });
        const header = Buffer.alloc(16);
        header.write('WSST', 0, 'latin1');
        header[4] = 1;
        header[5] = kind === 'delta' ? 0x44 : 0x53;
        header.writeUInt32BE(payload.length, 8);
        header.writeUInt32BE(zlibCrc32(payload), 12);
        assert.equal(Buffer.compare(fast, Buffer.concat([header, payload])), 0, `${kind}: documented layout`);
      }
    });

    it('round-trips window blocks (Float64Array states) through a delta and a snapshot', () => {
      const d = decodeStateFileParts(codec, 'p', encodeStateFileParts(codec, 'delta', 3, keys, values, removes), { kind: 'delta', version: 3 });
      assert.ok((d.values[7] as unknown[])[3] instanceof Float64Array);
      assert.deepEqual(d.keys, keys);
      assert.deepEqual(d.values, values);
      assert.deepEqual(d.removes, removes);
      const s = decodeStateFileParts(codec, 'p', encodeStateFileParts(codec, 'snapshot', 4, keys, values, []), { kind: 'snapshot', version: 4 });
      assert.deepEqual(s.values, values);
    });

    it('withEncodedStateFile lends the same bytes as encodeStateFileParts and gives the arena back after use, also when use fails', async () => {
      assert.equal(typeof (codec as { encodeLeased?: unknown }).encodeLeased, 'function', 'MsgpackCodec lends its arena');
      // The first lease of this size grows an arena (that one is copied once); later ones are lent.
      await withEncodedStateFile(codec, { kind: 'delta', version: 11, keys, values, removes }, async () => undefined);
      for (const kind of ['delta', 'snapshot'] as const) {
        const expected = encodeStateFileParts(plain, kind, 12, keys, values, removes);
        let lent: Uint8Array | null = null;
        await withEncodedStateFile(codec, { kind, version: 12, keys, values, removes }, async (bytes) => {
          lent = bytes;
          assert.equal(Buffer.compare(bytes, expected), 0, `${kind}: lent bytes`);
        });
        // Given back: the next lease reuses that arena (and overwrites the old view).
        await withEncodedStateFile(codec, { kind, version: 13, keys: keys.slice(0, 3), values: values.slice(0, 3), removes: [] }, async (bytes) => {
          assert.equal(bytes.buffer, (lent as unknown as Uint8Array).buffer, `${kind}: arena reused`);
        });
        const slow = await withEncodedStateFile(plain, { kind, version: 12, keys, values, removes }, async (bytes) => Buffer.from(bytes));
        assert.equal(Buffer.compare(slow, expected), 0, `${kind}: a codec without encodeLeased`);
      }
      let failedWith: ArrayBufferLike | null = null;
      await assert.rejects(
        withEncodedStateFile(codec, { kind: 'delta', version: 14, keys, values, removes }, async (bytes) => {
          failedWith = bytes.buffer;
          throw new Error('disk full');
        }),
        /disk full/,
      );
      await withEncodedStateFile(codec, { kind: 'delta', version: 15, keys, values, removes }, async (bytes) => assert.equal(bytes.buffer, failedWith, 'given back after a failed use'));
    });

    it('still detects a flipped payload bit in a file written through encodeWithPrefix', () => {
      const bytes = encodeStateFileParts(codec, 'delta', 3, keys, values, removes);
      for (const at of [16, 17, bytes.length >> 1, bytes.length - 1]) {
        const torn = bytes.slice();
        torn[at] = (torn[at] as number) ^ 0x10;
        assert.equal(codeOf(() => decodeStateFileParts(codec, 'p', torn, { kind: 'delta', version: 3 })), 'STATE_STORE_CORRUPT', `byte ${at}`);
      }
    });
  });
});
