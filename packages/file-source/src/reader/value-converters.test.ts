import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MISMATCH, csvConverter } from './value-converters.js';

const runs = { seed: Number(process.env['FC_SEED'] ?? 42), numRuns: process.env['CI'] ? 20_000 : 3000 };

/** Spark's CSV double grammar, as a regular expression (the specification of the converter). */
function referenceDouble(v: string): unknown {
  const s = v.trim();
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return Number(s);
  if (s === 'NaN') return NaN;
  if (s === 'Infinity' || s === 'Inf' || s === '+Infinity') return Infinity;
  if (s === '-Infinity' || s === '-Inf') return -Infinity;
  return MISMATCH;
}

describe('csvConverter(double) (oracle: the DOUBLE_TEXT grammar)', () => {
  it('accepts and rejects exactly what the grammar does, with the same value', () => {
    const piece = fc.constantFrom('0', '1', '7', '9', '.', 'e', 'E', '+', '-', 'x', 'X', 'o', 'b', 'B', 'Infinity', 'Inf', 'NaN', ' ', '\t', '\u00a0', '_', 'a', 'f', '1e400', '٣');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), (ps) => {
        const text = ps.join('');
        assert.deepEqual(csvConverter('double')(text), referenceDouble(text), JSON.stringify(text));
      }),
      runs,
    );
    for (const t of ['0x10', '0b1', '0O7', '', '  ', '1_0', '-0', '5.', '.5', '+.5e-3', '-Infinity', '1e400']) {
      assert.deepEqual(csvConverter('double')(t), referenceDouble(t), JSON.stringify(t));
    }
  });
});
