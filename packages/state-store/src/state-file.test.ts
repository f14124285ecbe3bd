import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { WeirError } from '@weir/core';
import { MsgpackCodec } from '@weir/node';
import { decodeStateFile, encodeStateFile, type DeltaFileContent } from './state-file.js';

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
});
