import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StructType, type Row } from '@weir/core';
import { DataFrame } from './dataframe.js';
import { col } from './functions.js';
import { planQuery } from './plan-query.js';
import { runMapStage } from './runtime.js';
import { analyze } from './analyzer.js';
import { executeBatch } from './reference.js';

// A stage whose output row would be a field-for-field copy of its input row emits the input row
// itself (no allocation per row for filter-only queries); any other stage builds new rows.
const schema = StructType.fromDDL('a INT, b STRING, c DOUBLE');
const rows: Row[] = [
  { a: 1, b: 'x', c: 0.5 },
  { a: -2, b: null, c: 2 },
  { a: 3, b: 'z', c: null },
];
const src = DataFrame.fromSource({ index: 0, format: 'memory', schema });
const run = (df: DataFrame, s = schema, input = rows) => {
  const out = runMapStage(planQuery(df.plan, { sourceSchemas: [s], outputMode: 'append', shufflePartitions: 1 }), 0, input, { batchTimestampMs: 0, watermarkMs: 0 }).rows as Row[];
  assert.deepEqual(out, executeBatch(analyze(df.plan, { sourceSchemas: [s] }), new Map([[0, input]]), { nowUs: 0 }));
  return out;
};

describe('compiled stage: pass-through rows', () => {
  it('a filter-only stage emits the input row objects', () => {
    const out = run(src.where(col('a').gt(0)));
    assert.equal(out.length, 2);
    assert.equal(out[0], rows[0]);
    assert.equal(out[1], rows[2]);
  });
  it('selecting every column in order (or a watermark) is still a pass-through', () => {
    const out = run(src.select(col('a'), col('b'), col('c')).where(col('c').isNotNull()));
    assert.equal(out[0], rows[0]);
    const ts = StructType.fromDDL('t TIMESTAMP, v INT');
    const input = [{ t: 5, v: 1 }];
    assert.equal(run(DataFrame.fromSource({ index: 0, format: 'memory', schema: ts }).withWatermark('t', '1 minute'), ts, input)[0], input[0]);
  });
  it('reordering, dropping, renaming or computing a column builds new rows', () => {
    for (const df of [src.select(col('b'), col('a'), col('c')), src.drop('c'), src.withColumnRenamed('a', 'x'), src.withColumn('a', col('a').plus(1))]) {
      const out = run(df);
      assert.equal(out.length, 3);
      for (let i = 0; i < out.length; i++) assert.notEqual(out[i], rows[i]);
    }
  });
  it('columns named like Object.prototype members are always copied (a copy defines them as own properties)', () => {
    const s = StructType.fromDDL('constructor INT, v INT');
    const input = [{ constructor: 1, v: 2 }] as Row[];
    const out = run(DataFrame.fromSource({ index: 0, format: 'memory', schema: s }).where(col('v').gt(0)), s, input);
    assert.notEqual(out[0], input[0]);
  });
});
