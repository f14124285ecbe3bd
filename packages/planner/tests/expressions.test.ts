import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StructType, type Row } from '@weir/core';
import {
  DataFrame,
  col,
  lit,
  when,
  coalesce,
  round,
  abs,
  upper,
  lower,
  trim,
  concat,
  substring,
  regexp_extract,
  to_timestamp,
  to_date,
  date_format,
  current_timestamp,
  window,
  window_time,
  planQuery,
  runMapStage,
  type Column,
} from '@weir/planner';

const schema = StructType.fromDDL('a INT, b INT, x DOUBLE, y DOUBLE, s STRING, p BOOLEAN, q BOOLEAN, t TIMESTAMP');
const source = DataFrame.fromSource({ index: 0, format: 'memory', schema });

function evalColumns(rows: Row[], ...cols: Column[]): Row[] {
  const df = source.select(...cols);
  const plan = planQuery(df.plan, { sourceSchemas: [schema], outputMode: 'append', shufflePartitions: 1 });
  return runMapStage(plan, 0, rows, { batchTimestampMs: 1_700_000_000_000, watermarkMs: 0 }).rows as Row[];
}
const one = (row: Row, c: Column): unknown => Object.values((evalColumns([row], c.alias('v'))[0] as Row))[0];

describe('three-valued logic (Spark SQL: NULL semantics)', () => {
  const values = [true, false, null] as const;
  // Documented truth tables: https://spark.apache.org/docs/latest/sql-ref-null-semantics.html
  const AND: Record<string, boolean | null> = { 'true,true': true, 'true,false': false, 'true,null': null, 'false,false': false, 'false,null': false, 'null,null': null };
  const OR: Record<string, boolean | null> = { 'true,true': true, 'true,false': true, 'true,null': true, 'false,false': false, 'false,null': null, 'null,null': null };
  const key = (l: unknown, r: unknown) => ([String(l), String(r)].sort((x, y) => (x === 'true' ? -1 : y === 'true' ? 1 : x === 'false' ? -1 : y === 'false' ? 1 : 0)).join(','));
  for (const l of values) {
    for (const r of values) {
      it(`${l} AND/OR ${r}`, () => {
        assert.equal(one({ p: l, q: r }, col('p').and(col('q'))), AND[key(l, r)]);
        assert.equal(one({ p: l, q: r }, col('p').or(col('q'))), OR[key(l, r)]);
      });
    }
    it(`NOT ${l}`, () => assert.equal(one({ p: l }, col('p').not()), l === null ? null : !l));
  }
});

describe('null propagation and comparisons', () => {
  it('arithmetic and comparison with null are null; <=> is null-safe', () => {
    const row = { a: 1, b: null };
    assert.equal(one(row, col('a').plus(col('b'))), null);
    assert.equal(one(row, col('a').eq(col('b'))), null);
    assert.equal(one(row, col('a').gt(col('b'))), null);
    assert.equal(one(row, col('a').eqNullSafe(col('b'))), false);
    assert.equal(one({ a: null, b: null }, col('a').eqNullSafe(col('b'))), true);
    assert.equal(one(row, col('b').isNull()), true);
    assert.equal(one(row, col('a').isNotNull()), true);
    assert.equal(one({}, col('a').isNull()), true, 'an absent key reads as null');
  });
  it('a filter keeps only rows whose condition is true (null rows are dropped)', () => {
    const df = source.where(col('a').gt(1)).select('a');
    const plan = planQuery(df.plan, { sourceSchemas: [schema], outputMode: 'append', shufflePartitions: 1 });
    const rows = runMapStage(plan, 0, [{ a: 1 }, { a: 2 }, { a: null }, { a: 3 }], { batchTimestampMs: 0, watermarkMs: 0 }).rows;
    assert.deepEqual(rows, [{ a: 2 }, { a: 3 }]);
  });
  it('division: always double, by zero → null; int overflow wraps (non-ANSI)', () => {
    assert.equal(one({ a: 7, b: 2 }, col('a').divide(col('b'))), 3.5);
    assert.equal(one({ a: 7, b: 0 }, col('a').divide(col('b'))), null);
    assert.equal(one({ a: 7, b: 0 }, col('a').mod(col('b'))), null);
    assert.equal(one({ a: -7, b: 2 }, col('a').mod(col('b'))), -1);
    assert.equal(one({ a: 2147483647, b: 1 }, col('a').plus(col('b'))), -2147483648);
    assert.equal(one({ a: 65536, b: 65536 }, col('a').multiply(col('b'))), 0);
    assert.equal(one({ a: 2147483647 }, col('a').cast('long').plus(1)), 2147483648);
  });
  it('NaN equals NaN and is greater than any other double (Spark NaN semantics)', () => {
    assert.equal(one({ x: NaN, y: NaN }, col('x').eq(col('y'))), true);
    assert.equal(one({ x: NaN, y: Infinity }, col('x').gt(col('y'))), true);
    assert.equal(one({ x: 1, y: NaN }, col('x').lt(col('y'))), true);
    assert.equal(one({ x: -0, y: 0 }, col('x').eq(col('y'))), true);
  });
  it('string vs number comparisons cast the string to the number type; strings in arithmetic become doubles', () => {
    assert.equal(one({ a: 1, s: '1' }, col('a').eq(col('s'))), true);
    assert.equal(one({ a: 1, s: 'x' }, col('a').eq(col('s'))), null);
    assert.equal(one({ s: '2.5' }, col('s').plus(1)), 3.5);
  });
  it('timestamps compare with strings by casting the string', () => {
    const t = Date.parse('2020-01-01T00:00:00Z') * 1000;
    assert.equal(one({ t }, col('t').geq(lit('2020-01-01 00:00:00'))), true);
    assert.equal(one({ t }, col('t').gt(lit('2020-01-01'))), false);
  });
});

describe('functions', () => {
  it('when/otherwise picks the first true branch; no otherwise → null', () => {
    const c = when(col('a').gt(10), 'big').when(col('a').gt(5), 'medium').otherwise('small');
    assert.deepEqual(evalColumns([{ a: 11 }, { a: 6 }, { a: 1 }, { a: null }], c.alias('v')).map((r) => r['v']), ['big', 'medium', 'small', 'small']);
    assert.equal(one({ a: 1 }, when(col('a').gt(10), 1)), null);
  });
  it('coalesce, round, abs, string functions', () => {
    assert.equal(one({ a: null, b: 3 }, coalesce(col('a'), col('b'), lit(9))), 3);
    assert.equal(one({ x: 2.5 }, round(col('x'))), 3);
    assert.equal(one({ x: -2.5 }, round(col('x'))), -3);
    assert.equal(one({ x: 3.14159 }, round(col('x'), 2)), 3.14);
    assert.equal(one({ a: -4 }, abs(col('a'))), 4);
    assert.equal(one({ s: ' Ab ' }, upper(trim(col('s')))), 'AB');
    assert.equal(one({ s: 'Ab' }, lower(col('s'))), 'ab');
    assert.equal(one({ s: 'Ab', a: 1 }, concat(col('s'), lit('-'), col('a'))), 'Ab-1');
    assert.equal(one({ s: null, a: 1 }, concat(col('s'), col('a'))), null);
    assert.equal(one({ s: 'Spark SQL' }, substring(col('s'), 5, 1)), 'k');
    assert.equal(one({ s: 'id=42;' }, regexp_extract(col('s'), 'id=(\\d+)', 1)), '42');
  });
  it('to_timestamp / to_date / date_format / casts of invalid strings are null', () => {
    assert.equal(one({ s: '2016-12-31 00:12:00' }, to_timestamp(col('s'))), Date.parse('2016-12-31T00:12:00Z') * 1000);
    assert.equal(one({ s: '31/12/2016' }, to_timestamp(col('s'), 'dd/MM/yyyy')), Date.parse('2016-12-31T00:00:00Z') * 1000);
    assert.equal(one({ s: '2016-12-31' }, to_date(col('s'))), Date.parse('2016-12-31') / 86_400_000);
    assert.equal(one({ s: 'garbage' }, to_timestamp(col('s'))), null);
    assert.equal(one({ s: 'garbage' }, col('s').cast('double')), null);
    assert.equal(one({ s: '1.5' }, col('s').cast('double')), 1.5);
    assert.equal(one({ t: Date.parse('2015-04-08T13:05:00Z') * 1000 }, date_format(col('t'), 'yyyy/MM/dd HH:mm')), '2015/04/08 13:05');
    assert.equal(one({ x: 1e7 }, col('x').cast('string')), '1.0E7');
  });
  it('current_timestamp() is the batch timestamp, not the wall clock', () => {
    assert.equal(one({}, current_timestamp()), 1_700_000_000_000_000);
  });
});

describe('window bucketing', () => {
  const min = 60_000_000;
  const w = (t: number, size = '10 minutes', slide?: string, start?: string) => one({ t }, window(col('t'), size, slide, start));
  it('tumbling windows are [start, end) aligned to the epoch', () => {
    assert.deepEqual(w(0), { start: 0, end: 10 * min });
    assert.deepEqual(w(10 * min - 1), { start: 0, end: 10 * min });
    assert.deepEqual(w(10 * min), { start: 10 * min, end: 20 * min });
  });
  it('negative timestamps fall in the window before the epoch (floor, not truncation)', () => {
    assert.deepEqual(w(-1), { start: -10 * min, end: 0 });
    assert.deepEqual(w(-10 * min), { start: -10 * min, end: 0 });
    assert.deepEqual(w(-10 * min - 1), { start: -20 * min, end: -10 * min });
  });
  it('startTime offsets the alignment', () => {
    assert.deepEqual(w(2 * min, '10 minutes', undefined, '5 minutes'), { start: -5 * min, end: 5 * min });
  });
  it('window_time is end - 1µs; a null time gives a null window', () => {
    assert.equal(one({ t: 3 * min }, window_time(window(col('t'), '10 minutes'))), 10 * min - 1);
    assert.equal(w(null as unknown as number), null);
  });
});
