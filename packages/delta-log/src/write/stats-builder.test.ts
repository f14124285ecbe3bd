import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { StructType, columnChunkFromRows, type Row } from '@weir/core';
import { computeFileStats } from './file-stats.js';
import { fileStatsBuilderFactory } from './stats-builder.js';

const SEED = Number(process.env.FC_SEED ?? 42);
const RUNS = process.env.CI ? 300 : 60;

const SCHEMA = StructType.fromDDL(
  'l BIGINT, i INT, d DOUBLE, f FLOAT, s STRING, b BOOLEAN, dt DATE, ts TIMESTAMP, tn TIMESTAMP_NTZ, ' +
    'dec DECIMAL(12,3), bin BINARY, arr ARRAY<INT>, st STRUCT<x: INT, y: STRING, z: STRUCT<q: DOUBLE>>',
);

const nullable = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | null | undefined> =>
  fc.oneof({ weight: 4, arbitrary: a }, { weight: 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constant(undefined) });

const decimal = fc.tuple(fc.integer({ min: -999_999_999, max: 999_999_999 }), fc.integer({ min: 0, max: 999 })).map(([a, b]) => {
  const neg = a < 0 || (a === 0 && b % 2 === 1);
  return `${neg ? '-' : ''}${Math.abs(a)}.${String(b).padStart(3, '0')}`;
});

const row: fc.Arbitrary<Row> = fc.record(
  {
    l: nullable(fc.maxSafeInteger()),
    i: nullable(fc.integer()),
    d: nullable(fc.double()), // NaN, ±Infinity, -0 included
    f: nullable(fc.float().map((x) => Math.fround(x))),
    s: nullable(fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'grapheme', minLength: 30, maxLength: 40 }))),
    b: nullable(fc.boolean()),
    dt: nullable(fc.integer({ min: -50_000, max: 50_000 })),
    ts: nullable(fc.integer({ min: -2e15, max: 4e15 })),
    tn: nullable(fc.integer({ min: -2e15, max: 4e15 })),
    dec: nullable(decimal),
    bin: nullable(fc.uint8Array({ maxLength: 4 })),
    arr: nullable(fc.array(fc.integer(), { maxLength: 3 })),
    st: nullable(
      fc.record(
        { x: nullable(fc.integer()), y: nullable(fc.string({ maxLength: 5 })), z: nullable(fc.record({ q: nullable(fc.double()) }, { noNullPrototype: true })) },
        { noNullPrototype: true },
      ),
    ),
  },
  { noNullPrototype: true, requiredKeys: [] },
);

/** Cuts `n` rows into consecutive chunks at the given (sorted, deduplicated) points. */
function cuts(n: number, points: readonly number[]): Array<[number, number]> {
  const ps = [...new Set(points.map((p) => p % (n + 1)))].sort((a, b) => a - b);
  const out: Array<[number, number]> = [];
  let from = 0;
  for (const p of [...ps, n]) {
    out.push([from, p]);
    from = p;
  }
  return out;
}

describe('fileStatsBuilderFactory', () => {
  it('any chunking gives exactly computeFileStats (same JSON, key order included)', () => {
    fc.assert(
      fc.property(fc.array(row, { maxLength: 40 }), fc.array(fc.nat(), { maxLength: 5 }), fc.integer({ min: -1, max: 20 }), (rows, points, numIndexed) => {
        const builder = fileStatsBuilderFactory(SCHEMA, numIndexed)();
        for (const [from, to] of cuts(rows.length, points)) builder.add(rows, from, to);
        const expected = computeFileStats(SCHEMA, rows, numIndexed);
        assert.equal(builder.numRecords, rows.length);
        assert.equal(JSON.stringify(builder.result()), JSON.stringify(expected));
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('column chunks (addColumns), runs of one shared struct object included, give exactly computeFileStats', () => {
    // Closed windows share one frozen struct per window: runs of the same object take a shortcut.
    const shared = fc.array(fc.tuple(row, fc.nat({ max: 3 })), { maxLength: 40 }).map((xs) => {
      const rows: Row[] = [];
      for (const [r, k] of xs) rows.push(k === 0 && rows.length > 0 ? { ...r, st: (rows[rows.length - 1] as Row)['st'] } : r);
      return rows;
    });
    fc.assert(
      fc.property(shared, fc.array(fc.nat(), { maxLength: 5 }), fc.integer({ min: -1, max: 20 }), (rows, points, numIndexed) => {
        const builder = fileStatsBuilderFactory(SCHEMA, numIndexed)();
        const chunk = columnChunkFromRows(SCHEMA, rows);
        for (const [from, to] of cuts(rows.length, points)) builder.addColumns(chunk, from, to);
        assert.equal(builder.numRecords, rows.length);
        assert.equal(JSON.stringify(builder.result()), JSON.stringify(computeFileStats(SCHEMA, rows, numIndexed)));
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('decimals near the double precision limit: min/max agree with exact comparison', () => {
    const schema = StructType.fromDDL('dec DECIMAL(38,0)');
    const rows = [{ dec: '12345678901234567890' }, { dec: '12345678901234567891' }, { dec: '-99999999999999999999999' }, { dec: null }];
    const builder = fileStatsBuilderFactory(schema)();
    builder.add(rows);
    assert.equal(JSON.stringify(builder.result()), JSON.stringify(computeFileStats(schema, rows)));
    assert.deepEqual(builder.result().nullCount, { dec: 1 });
  });

  it('strings longer than 32 code points are truncated (max gets U+FFFF); surrogate pairs stay whole', () => {
    const schema = StructType.fromDDL('s STRING');
    const builder = fileStatsBuilderFactory(schema)();
    builder.add([{ s: 'é'.repeat(31) + '😀' + 'b'.repeat(8) }, { s: 'a' }, { s: 'é'.repeat(31) + '😀😀' + 'z' }]);
    const r = builder.result();
    assert.equal(r.minValues.s, 'a');
    // 32 code points (31 + one surrogate pair); the next 😀 (≥ U+FFFF) joins the prefix, 'z' is cut.
    assert.equal(r.maxValues.s, 'é'.repeat(31) + '😀😀' + '\uffff');
  });

  it('a truncated max still bounds the value in UTF-8 order: the prefix grows over code points ≥ U+FFFF', () => {
    const schema = StructType.fromDDL('s STRING');
    const cases: Array<[string, string]> = [
      // prefix + U+FFFF < prefix + astral in UTF-8 bytes, so astral code points join the prefix
      ['😀'.repeat(40), '😀'.repeat(40)],
      ['x'.repeat(32) + '😀😀' + 'y' + '😀', 'x'.repeat(32) + '😀😀' + '\uffff'],
      ['x'.repeat(32) + '\uffff\uffffq', 'x'.repeat(32) + '\uffff\uffff\uffff'],
      ['x'.repeat(32) + '\ufffeq', 'x'.repeat(32) + '\uffff'],
    ];
    for (const [value, max] of cases) {
      const builder = fileStatsBuilderFactory(schema)();
      builder.add([{ s: value }]);
      assert.equal(builder.result().maxValues.s, max);
      assert.equal(computeFileStats(schema, [{ s: value }]).maxValues.s, max);
      assert.ok(Buffer.compare(Buffer.from(value), Buffer.from(max)) <= 0, 'the max bounds the value (UTF-8 bytes)');
    }
  });

  it('an empty builder has counts only for the indexed leaves', () => {
    const r = fileStatsBuilderFactory(StructType.fromDDL('a INT, b STRING'))().result();
    assert.deepEqual(r, { numRecords: 0, minValues: {}, maxValues: {}, nullCount: { a: 0, b: 0 } });
  });
});

describe('stats of ±Infinity', () => {
  it('a column with an infinite bound gets no minValues/maxValues (JSON cannot carry it), other columns keep theirs', () => {
    const schema = StructType.fromDDL('d DOUBLE, i INT');
    const rows: Row[] = [{ d: Infinity, i: 1 }, { d: 2.5, i: 3 }, { d: null, i: null }];
    const b = fileStatsBuilderFactory(schema, 32)();
    b.add(rows, 0, rows.length);
    for (const stats of [b.result(), computeFileStats(schema, rows, 32)]) {
      assert.deepEqual(JSON.parse(JSON.stringify(stats)), { numRecords: 3, minValues: { i: 1 }, maxValues: { i: 3 }, nullCount: { d: 1, i: 1 } });
    }
  });
});

describe('string stats in UTF-8 byte order (as Delta/Spark compare strings)', () => {
  // Well-formed strings mixing ASCII, BMP below the surrogates, U+E000–U+FFFF and astral code points:
  // JS `<` (UTF-16 units) and UTF-8 byte order disagree between the last two groups.
  const unit = fc.oneof(
    fc.constantFrom('a', 'é', '\ud7ff', '\ue000', '\ufffd', '\uffff', '😀', '\u{10000}', '\u{10ffff}'),
    fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCodePoint(c)),
    fc.integer({ min: 0xe000, max: 0xffff }).map((c) => String.fromCodePoint(c)),
    fc.integer({ min: 0x10000, max: 0x10ffff }).map((c) => String.fromCodePoint(c)),
  );
  // ≤ 8 code points: no truncation, so the stats must be the exact extremes.
  const str = fc.option(fc.string({ unit, maxLength: 8 }), { nil: null });
  const schema = StructType.fromDDL('s STRING, st STRUCT<y: STRING>');
  const rowArb = fc.record({ s: str, st: fc.option(fc.record({ y: str }, { noNullPrototype: true }), { nil: null }) }, { noNullPrototype: true });

  /** The outside oracle: min/max of the non-null values by Buffer.compare of their UTF-8 bytes. */
  function oracle(values: ReadonlyArray<string | null>): { min?: string; max?: string } {
    const vs = values.filter((v): v is string => v !== null).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    return vs.length === 0 ? {} : { min: vs[0] as string, max: vs[vs.length - 1] as string };
  }

  it('rows (computeFileStats, add) and column chunks (addColumns) give the UTF-8 min/max, any chunking', () => {
    fc.assert(
      fc.property(fc.array(rowArb, { maxLength: 30 }), fc.array(fc.nat(), { maxLength: 4 }), (rows, points) => {
        const top = oracle(rows.map((r) => r.s));
        const nested = oracle(rows.map((r) => r.st?.y ?? null));
        const viaRows = fileStatsBuilderFactory(schema)();
        const viaColumns = fileStatsBuilderFactory(schema)();
        const chunk = columnChunkFromRows(schema, rows);
        for (const [from, to] of cuts(rows.length, points)) {
          viaRows.add(rows, from, to);
          viaColumns.addColumns(chunk, from, to);
        }
        for (const stats of [computeFileStats(schema, rows), viaRows.result(), viaColumns.result()]) {
          assert.equal(stats.minValues['s'], top.min);
          assert.equal(stats.maxValues['s'], top.max);
          assert.equal((stats.minValues['st'] as Row | undefined)?.['y'], nested.min);
          assert.equal((stats.maxValues['st'] as Row | undefined)?.['y'], nested.max);
        }
      }),
      { seed: SEED, numRuns: RUNS * 3 },
    );
  });

  it("['\\uffff', '😀']: min U+FFFF, max 😀 (UTF-16 order gives the reverse)", () => {
    const rows = [{ s: '\uffff' }, { s: '😀' }];
    const b = fileStatsBuilderFactory(StructType.fromDDL('s STRING'))();
    b.add(rows);
    const c = fileStatsBuilderFactory(StructType.fromDDL('s STRING'))();
    c.addColumns(columnChunkFromRows(StructType.fromDDL('s STRING'), rows));
    for (const stats of [b.result(), c.result(), computeFileStats(StructType.fromDDL('s STRING'), rows)]) {
      assert.equal(stats.minValues['s'], '\uffff');
      assert.equal(stats.maxValues['s'], '😀');
    }
  });
});
