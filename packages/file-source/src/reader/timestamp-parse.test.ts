import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseDateDays, parseTimestampGeneral, parseTimestampMicros } from './timestamp-parse.js';

const runs = { seed: Number(process.env['FC_SEED'] ?? 42), numRuns: process.env['CI'] ? 2000 : 300 };
// Epoch microseconds are exact numbers only within ±2^53 µs (years 1685-2255).
const MIN = Date.UTC(1700, 0, 1);
const MAX = Date.UTC(2250, 11, 31);

describe('parseTimestampMicros (oracle: the platform Date)', () => {
  it('agrees with Date on toISOString output for any instant in years 1700-2250', () => {
    fc.assert(
      fc.property(fc.integer({ min: MIN, max: MAX }), fc.integer({ min: 0, max: 999 }), (ms, extraMicros) => {
        const iso = new Date(ms).toISOString(); // …SS.mmmZ
        assert.equal(parseTimestampMicros(iso), ms * 1000);
        assert.equal(parseTimestampMicros(iso.replace('Z', String(extraMicros).padStart(3, '0') + 'Z')), ms * 1000 + extraMicros);
        assert.equal(parseTimestampMicros(iso.replace('T', ' ')), ms * 1000);
      }),
      runs,
    );
  });

  it('applies zone offsets like Date.parse', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1971, 0, 1), max: Date.UTC(2100, 0, 1) }), fc.integer({ min: -14 * 60, max: 14 * 60 }), (ms, offMin) => {
        const sign = offMin < 0 ? '-' : '+';
        const abs = Math.abs(offMin);
        const text = new Date(ms).toISOString().slice(0, 19) + `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
        assert.equal(parseTimestampMicros(text), Date.parse(text) * 1000);
      }),
      runs,
    );
  });

  it('rejects impossible dates and garbage', () => {
    for (const bad of ['2023-02-29T00:00:00Z', '2024-13-01T00:00:00Z', '2024-04-31 00:00:00', '2024-06-01T25:00:00Z', 'yesterday', '2024-06-01T10:00:00Zjunk', '']) {
      assert.equal(parseTimestampMicros(bad), undefined, bad);
    }
    assert.equal(parseTimestampMicros('2024-02-29T00:00:00Z'), Date.UTC(2024, 1, 29) * 1000);
  });
});

describe('parseTimestampMicros fast path (oracle: the general scanner, itself checked against Date above)', () => {
  // toISOString-like text with 0-9 fraction digits, then up to three characters replaced by
  // digits, separators or junk: every answer (value or undefined) must be the general scanner's.
  const iso = fc
    .tuple(fc.integer({ min: Date.UTC(1700, 0, 1), max: Date.UTC(2250, 11, 31) }), fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 999_999_999 }))
    .map(([ms, digits, frac]) => new Date(ms).toISOString().slice(0, 19) + (digits === 0 ? '' : '.' + String(frac).padStart(9, '0').slice(0, digits)) + 'Z');
  const edit = fc.tuple(fc.nat(), fc.constantFrom('0', '9', '3', '-', ':', '.', 'T', 't', ' ', 'Z', 'z', '/', '+', '\u0660', ''));

  it('returns what the general scanner returns for ISO strings and their near misses', () => {
    fc.assert(
      fc.property(iso, fc.array(edit, { maxLength: 3 }), (text, edits) => {
        let t = text;
        for (const [at, ch] of edits) {
          const i = at % (t.length + 1);
          t = t.slice(0, i) + ch + t.slice(i + 1);
        }
        assert.equal(parseTimestampMicros(t), parseTimestampGeneral(t), t);
      }),
      { ...runs, numRuns: process.env['CI'] ? 20_000 : 3000 },
    );
  });

  it('does not let its day cache leak between days', () => {
    assert.equal(parseTimestampMicros('2024-02-29T00:00:00Z'), Date.UTC(2024, 1, 29) * 1000);
    assert.equal(parseTimestampMicros('2023-02-29T00:00:00Z'), undefined);
    assert.equal(parseTimestampMicros('2024-02-29T23:59:59.999999Z'), Date.UTC(2024, 1, 29, 23, 59, 59) * 1000 + 999_999);
    assert.equal(parseTimestampMicros('2024-03-01T00:00:00.5Z'), Date.UTC(2024, 2, 1) * 1000 + 500_000);
  });
});

describe('parseDateDays', () => {
  it('agrees with Date for any day in years 0001-9999, and rejects invalid days', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1, 0, 1) / 86_400_000, max: Date.UTC(9999, 11, 31) / 86_400_000 }), (day) => {
        const text = new Date(day * 86_400_000).toISOString().slice(0, 10);
        assert.equal(parseDateDays(text), day);
      }),
      runs,
    );
    assert.equal(parseDateDays('2023-02-29'), undefined);
    assert.equal(parseDateDays('2023-2-28'), undefined);
  });
});
