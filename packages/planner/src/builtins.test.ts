import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { castFunction, doubleToString, roundHalfUp, roundDecimalString, toPlainString, substring, regexpExtract, trimSpaces, murmur3, partitionOf } from './builtins.js';
import { parseTimestamp, parseDate, formatTimestamp, formatDate, formatWithPattern, parseWithPattern, daysFromCivil, civilFromDays } from './datetime.js';
import type { DataType } from '@weir/core';

const cast = (v: unknown, from: DataType, to: DataType): unknown => {
  const f = castFunction(from, to);
  assert.notEqual(f, undefined, `cast ${String(from)} -> ${String(to)} supported`);
  return f === null ? v : (f as (x: unknown) => unknown)(v);
};
const ts = (iso: string): number => Date.parse(iso) * 1000;

// Expected values are Spark 3.x (spark.sql.ansi.enabled=false) results documented in the Spark SQL
// reference ("ANSI compliance" cast table, Cast.scala docs) and the Java Double.toString spec.
describe('cast string → numeric (non-ANSI: invalid → null)', () => {
  const cases: [string, DataType, unknown][] = [
    ['123', 'integer', 123],
    [' 42 ', 'integer', 42],
    ['-7', 'long', -7],
    ['1.9', 'integer', 1],
    ['-1.9', 'integer', -1],
    ['abc', 'integer', null],
    ['', 'integer', null],
    ['2147483647', 'integer', 2147483647],
    ['2147483648', 'integer', null],
    ['128', 'byte', null],
    ['-128', 'byte', -128],
    ['1e3', 'integer', null],
    ['.', 'integer', 0],
    ['-.5', 'integer', 0],
    ['1.', 'long', 1],
    ['1.5', 'double', 1.5],
    [' 1e3 ', 'double', 1000],
    ['NaN', 'double', NaN],
    ['-Infinity', 'double', -Infinity],
    ['inf', 'double', Infinity],
    ['1.5d', 'double', 1.5],
    ['12abc', 'double', null],
    ['', 'double', null],
  ];
  for (const [input, to, expected] of cases) {
    it(`CAST(${JSON.stringify(input)} AS ${String(to)}) = ${String(expected)}`, () => {
      assert.deepEqual(cast(input, 'string', to), expected);
    });
  }
});

describe('cast string → boolean', () => {
  for (const [input, expected] of [['true', true], ['T', true], ['yes', true], ['1', true], [' n ', false], ['FALSE', false], ['0', false], ['maybe', null], ['', null]] as const) {
    it(`CAST(${JSON.stringify(input)} AS BOOLEAN) = ${String(expected)}`, () => assert.equal(cast(input, 'string', 'boolean'), expected));
  }
});

describe('cast string → timestamp / date', () => {
  const cases: [string, number | null][] = [
    ['2017-01-18 12:00:00', ts('2017-01-18T12:00:00Z')],
    ['2017-01-18T12:00:00Z', ts('2017-01-18T12:00:00Z')],
    ['2017-01-18T12:00:00.123456', ts('2017-01-18T12:00:00Z') + 123456],
    ['2017-01-18 12:00:00.5+01:00', ts('2017-01-18T11:00:00.5Z')],
    ['2017-01-18 12:00:00 UTC', ts('2017-01-18T12:00:00Z')],
    ['2017-01-18', ts('2017-01-18T00:00:00Z')],
    ['2017-01', ts('2017-01-01T00:00:00Z')],
    ['2017', ts('2017-01-01T00:00:00Z')],
    ['  2017-1-8 1:2:3  ', ts('2017-01-08T01:02:03Z')],
    ['1969-12-31 23:59:59.999999', -1],
    ['2017-02-29 00:00:00', null],
    ['2017-13-01', null],
    ['2017-01-18 25:00:00', null],
    ['not a date', null],
    ['', null],
  ];
  for (const [input, expected] of cases) {
    it(`CAST(${JSON.stringify(input)} AS TIMESTAMP)`, () => assert.equal(parseTimestamp(input), expected));
  }
  it('dates: yyyy-[m]m-[d]d with anything after a space or T ignored; invalid → null', () => {
    assert.equal(parseDate('2015-03-18'), daysFromCivil(2015, 3, 18));
    assert.equal(parseDate('2015-03-18T12:03:17'), daysFromCivil(2015, 3, 18));
    assert.equal(parseDate('2015-03-18 garbage'), daysFromCivil(2015, 3, 18));
    assert.equal(parseDate('2015-3-8'), daysFromCivil(2015, 3, 8));
    assert.equal(parseDate('1970-01-01'), 0);
    assert.equal(parseDate('2015-02-30'), null);
    assert.equal(parseDate('20150318'), null);
  });
  it('civil ⇄ days round-trips, incl. before the epoch and leap days', () => {
    for (const d of [-719468, -1, 0, 1, 11016, 18321, 2932896]) {
      const [y, m, dd] = civilFromDays(d);
      assert.equal(daysFromCivil(y, m, dd), d);
    }
    assert.deepEqual(civilFromDays(daysFromCivil(2000, 2, 29)), [2000, 2, 29]);
  });
});

describe('cast → string', () => {
  it("doubles print as Java's Double.toString", () => {
    assert.equal(doubleToString(1), '1.0');
    assert.equal(doubleToString(1.5), '1.5');
    assert.equal(doubleToString(0.001), '0.001');
    assert.equal(doubleToString(0.0001), '1.0E-4');
    assert.equal(doubleToString(1e7), '1.0E7');
    assert.equal(doubleToString(1234567.5), '1234567.5');
    assert.equal(doubleToString(12345678.9), '1.23456789E7');
    assert.equal(doubleToString(-0), '-0.0');
    assert.equal(doubleToString(NaN), 'NaN');
    assert.equal(doubleToString(-Infinity), '-Infinity');
  });
  it('timestamps print as yyyy-MM-dd HH:mm:ss with the fraction trimmed; dates as yyyy-MM-dd', () => {
    assert.equal(formatTimestamp(ts('2017-01-18T12:00:00Z')), '2017-01-18 12:00:00');
    assert.equal(formatTimestamp(ts('2017-01-18T12:00:00Z') + 120000), '2017-01-18 12:00:00.12');
    assert.equal(formatTimestamp(-1), '1969-12-31 23:59:59.999999');
    assert.equal(formatDate(0), '1970-01-01');
    assert.equal(cast(true, 'boolean', 'string'), 'true');
    assert.equal(cast(42, 'long', 'string'), '42');
  });
});

describe('numeric casts (Java narrowing)', () => {
  it('double → int truncates toward zero, saturates, NaN → 0', () => {
    assert.equal(cast(1.9, 'double', 'integer'), 1);
    assert.equal(cast(-1.9, 'double', 'integer'), -1);
    assert.equal(cast(1e20, 'double', 'integer'), 2147483647);
    assert.equal(cast(-1e20, 'double', 'integer'), -2147483648);
    assert.equal(cast(NaN, 'double', 'integer'), 0);
  });
  it('long → int wraps (non-ANSI overflow)', () => {
    assert.equal(cast(2147483648, 'long', 'integer'), -2147483648);
    assert.equal(cast(300, 'integer', 'byte'), 44);
  });
  it('timestamp ⇄ long is seconds; timestamp → date floors (also before the epoch)', () => {
    assert.equal(cast(1_500_000, 'timestamp', 'long'), 1);
    assert.equal(cast(-1, 'timestamp', 'long'), -1);
    assert.equal(cast(5, 'long', 'timestamp'), 5_000_000);
    assert.equal(cast(1.5, 'double', 'timestamp'), 1_500_000);
    assert.equal(cast(-1, 'timestamp', 'date'), -1);
    assert.equal(cast(3, 'date', 'timestamp'), 3 * 86_400_000_000);
  });
  it('decimal casts round HALF_UP and overflow to null', () => {
    assert.equal(cast(1.005, 'double', 'decimal(10,2)'), '1.01');
    assert.equal(cast('123.456', 'string', 'decimal(5,2)'), '123.46');
    assert.equal(cast('1234.5', 'string', 'decimal(5,2)'), null);
    assert.equal(cast(-2.5, 'double', 'decimal(3,0)'), '-3');
    assert.equal(cast(7, 'integer', 'decimal(4,1)'), '7.0');
  });
  it('unsupported casts are reported as such', () => {
    assert.equal(castFunction('date', 'integer'), undefined);
    assert.equal(castFunction('boolean', 'date'), undefined);
  });
});

describe('functions', () => {
  it('round is HALF_UP on the decimal value (Spark, unlike JS Math.round and banker’s rounding)', () => {
    assert.equal(roundHalfUp(2.5, 0), 3);
    assert.equal(roundHalfUp(-2.5, 0), -3);
    assert.equal(roundHalfUp(2.675, 2), 2.68);
    assert.equal(roundHalfUp(1.005, 2), 1.01);
    assert.equal(roundHalfUp(125, -1), 130);
    assert.equal(roundHalfUp(0.000123456, 5), 0.00012);
    assert.ok(Number.isNaN(roundHalfUp(NaN, 1)));
    assert.ok(Object.is(roundHalfUp(-0.4, 0), 0), 'BigDecimal has no negative zero');
  });
  it('the fast rounding path agrees with HALF_UP on the decimal string (property)', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 }), fc.integer({ min: 0, max: 10 }), (x, scale) => {
        assert.ok(Object.is(roundHalfUp(x, scale), Number(roundDecimalString(toPlainString(x), scale))));
      }),
      { seed: Number(process.env['FC_SEED'] ?? 42), numRuns: process.env['CI'] ? 20000 : 2000 },
    );
  });
  it('substring is 1-based; 0 acts as 1; negative counts from the end', () => {
    assert.equal(substring('Spark SQL', 5, 1), 'k');
    assert.equal(substring('Spark SQL', 0, 3), 'Spa');
    assert.equal(substring('Spark SQL', -3, 2), 'SQ');
    assert.equal(substring('Spark SQL', 20, 2), '');
    assert.equal(substring('abc', 2, -1), '');
  });
  it("regexp_extract gives '' when nothing matches", () => {
    assert.equal(regexpExtract('100-200', '(\\d+)-(\\d+)', 1), '100');
    assert.equal(regexpExtract('100-200', '(\\d+)-(\\d+)', 2), '200');
    assert.equal(regexpExtract('foo', '(\\d+)', 1), '');
  });
  it('trim removes spaces only', () => {
    assert.equal(trimSpaces('  a b  '), 'a b');
    assert.equal(trimSpaces('\ta\t'), '\ta\t');
  });
  it('date_format / to_timestamp with patterns', () => {
    const t = ts('2016-04-08T13:05:09.123Z');
    assert.equal(formatWithPattern(t, 'yyyy-MM-dd HH:mm:ss.SSS'), '2016-04-08 13:05:09.123');
    assert.equal(formatWithPattern(t, "dd/MM/yy 'at' hh a, EEE MMM"), '08/04/16 at 01 PM, Fri Apr');
    assert.equal(parseWithPattern('08/04/2016 13:05', 'dd/MM/yyyy HH:mm'), ts('2016-04-08T13:05:00Z'));
    assert.equal(parseWithPattern('2016-04-08', 'dd/MM/yyyy'), null);
  });
  it('murmur3 is deterministic and spreads keys over partitions', () => {
    assert.equal(murmur3('abc'), murmur3('abc'));
    const counts = new Array(8).fill(0);
    for (let i = 0; i < 8000; i++) counts[partitionOf(`station-${i}`, 8)]++;
    for (const c of counts) assert.ok(c > 800 && c < 1200, `balanced: ${counts.join(',')}`);
  });
});
