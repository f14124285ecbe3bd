import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StructType, WeirError, type Row } from '@weir/core';
import { DataFrame, col, expr, lit, planQuery, runMapStage, when, round, upper, type Column } from '@weir/planner';

const schema = StructType.fromDDL('a INT, b DOUBLE, s STRING, `odd name` INT, w STRUCT<start: TIMESTAMP, end: TIMESTAMP>');
const src = DataFrame.fromSource({ index: 0, format: 'memory', schema });
const rows: Row[] = [
  { a: 1, b: 2.5, s: 'x', 'odd name': 7, w: { start: 0, end: 10 } },
  { a: 5, b: null, s: "it's", 'odd name': null, w: null },
  { a: null, b: -1, s: null, 'odd name': 3, w: { start: 5, end: 6 } },
];
const run = (df: DataFrame): Row[] =>
  runMapStage(planQuery(df.plan, { sourceSchemas: [schema], outputMode: 'append', shufflePartitions: 1 }), 0, rows, { batchTimestampMs: 0, watermarkMs: 0 }).rows as Row[];

describe('SQL expressions (expr / selectExpr / where strings)', () => {
  const pairs: [string, Column][] = [
    ['a + 1 * 2', col('a').plus(lit(1).multiply(2))],
    ['(a + 1) * 2', col('a').plus(1).multiply(2)],
    ['-a % 3', col('a').negate().mod(3)],
    ["s = 'it''s'", col('s').eq("it's")],
    ['a > 2 AND b IS NULL OR NOT a <=> 1', col('a').gt(2).and(col('b').isNull()).or(col('a').eqNullSafe(1).not())],
    ['a BETWEEN 1 AND 4', col('a').between(1, 4)],
    ['a NOT IN (1, 2)', col('a').isin(1, 2).not()],
    ['CAST(b AS INT)', col('b').cast('int')],
    ["CASE WHEN a > 2 THEN 'big' WHEN a > 0 THEN 'small' ELSE 'none' END", when(col('a').gt(2), 'big').when(col('a').gt(0), 'small').otherwise('none')],
    ['round(b * 1.5, 1)', round(col('b').multiply(1.5), 1)],
    ['upper(s)', upper(col('s'))],
    ['`odd name` + 1', col('odd name').plus(1)],
    ['w.start', col('w.start')],
    ['1.5e1 + 2L', lit(15).cast('double').plus(lit(2).cast('long'))],
  ];
  for (const [text, column] of pairs) {
    it(`${text} evaluates like the Column API`, () => {
      assert.deepEqual(run(src.select(expr(text).alias('v'))), run(src.select(column.alias('v'))));
    });
  }
  it('selectExpr takes aliases; where takes a string', () => {
    assert.deepEqual(run(src.selectExpr('a * 2 AS twice', 's name').where('twice > 2')), [{ twice: 10, name: "it's" }]);
    assert.deepEqual(run(src.where('a IS NOT NULL AND b IS NOT NULL').selectExpr('a')), [{ a: 1 }]);
  });
  it('syntax errors are PARSE_SYNTAX_ERROR', () => {
    for (const bad of ['a +', "s = 'open", 'a AND AND b', 'CAST(a INT)', 'nosuchfn(a)', 'a b c']) {
      assert.throws(() => src.selectExpr(bad), (e: unknown) => WeirError.is(e) && e.code === 'PARSE_SYNTAX_ERROR', bad);
    }
  });
});
