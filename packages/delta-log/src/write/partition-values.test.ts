import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodePartitionValue, encodePartitionValue, escapePartitionPathName, javaDoubleString, partitionDirectory } from './partition-values.js';

describe('partition values', () => {
  it('decode by type as the spec serialises them', () => {
    assert.equal(decodePartitionValue('42', 'integer'), 42);
    assert.equal(decodePartitionValue('-9007199254740991', 'long'), -9007199254740991);
    assert.equal(decodePartitionValue('1.5', 'double'), 1.5);
    assert.equal(decodePartitionValue('true', 'boolean'), true);
    assert.equal(decodePartitionValue('2021-09-08', 'date'), 18878);
    // Spark writes `yyyy-MM-dd HH:mm:ss[.SSSSSS]`; read as UTC
    assert.equal(decodePartitionValue('2021-09-08 11:11:11', 'timestamp'), Date.UTC(2021, 8, 8, 11, 11, 11) * 1000);
    assert.equal(decodePartitionValue('1970-01-01 00:00:00.123456', 'timestamp'), 123456);
    assert.equal(decodePartitionValue('1970-01-01T00:00:00.000001Z', 'timestamp'), 1);
    assert.equal(decodePartitionValue('1', 'decimal(5,2)'), '1.00');
    assert.equal(decodePartitionValue('-12.3', 'decimal(10,3)'), '-12.300');
    assert.equal(decodePartitionValue(null, 'string'), null);
    assert.equal(decodePartitionValue('', 'integer'), null);
    assert.equal(decodePartitionValue('abc', 'integer'), undefined);
  });

  it('Java double strings', () => {
    assert.equal(javaDoubleString(1), '1.0');
    assert.equal(javaDoubleString(0.1), '0.1');
    assert.equal(javaDoubleString(1e10), '1.0E10');
    assert.equal(javaDoubleString(1.5e-5), '1.5E-5');
  });

  it('encode → decode round-trips for every primitive partition type', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1e6, max: 1e6 }),
        fc.integer({ min: -100_000, max: 100_000 }),
        fc.integer({ min: -1e15, max: 1e15 }),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.string(),
        (i, days, micros, d, s) => {
          assert.equal(decodePartitionValue(encodePartitionValue(i, 'integer'), 'integer'), i);
          assert.equal(decodePartitionValue(encodePartitionValue(days, 'date'), 'date'), days);
          assert.equal(decodePartitionValue(encodePartitionValue(micros, 'timestamp'), 'timestamp'), micros);
          assert.equal(decodePartitionValue(encodePartitionValue(d, 'double'), 'double'), d === 0 ? d : d);
          const sv = decodePartitionValue(encodePartitionValue(s, 'string'), 'string');
          assert.equal(sv, s === '' ? null : s);
        },
      ),
      { seed: Number(process.env.FC_SEED ?? 42), numRuns: process.env.CI ? 1000 : 200 },
    );
  });

  it('Hive directory escaping as Spark does it', () => {
    assert.equal(escapePartitionPathName('2021-09-08 11:11:11'), '2021-09-08 11%3A11%3A11');
    assert.equal(escapePartitionPathName('a/b=c%d#e'), 'a%2Fb%3Dc%25d%23e');
    assert.equal(partitionDirectory('ts', '2021-09-08 11:11:11'), 'ts=2021-09-08 11%3A11%3A11');
    assert.equal(partitionDirectory('k', null), 'k=__HIVE_DEFAULT_PARTITION__');
    assert.equal(partitionDirectory('k', ''), 'k=__HIVE_DEFAULT_PARTITION__');
  });
});
