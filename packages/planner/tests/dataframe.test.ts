import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StructType, type Row } from '@weir/core';
import { DataFrame, col, count, lit, planQuery, runMapStage, window } from '@weir/planner';

const schema = StructType.fromDDL('id INT, name STRING, ts TIMESTAMP');
const src = DataFrame.fromSource({ index: 0, format: 'memory', schema });
const rows: Row[] = [{ id: 1, name: 'a', ts: 5 }, { id: 2, name: 'b', ts: 6 }];
const run = (df: DataFrame) => runMapStage(planQuery(df.plan, { sourceSchemas: [schema], outputMode: 'append', shufflePartitions: 1 }), 0, rows, { batchTimestampMs: 0, watermarkMs: 0 }).rows;

describe('DataFrame', () => {
  it('is immutable: every call returns a new DataFrame with a frozen plan', () => {
    const a = src.select('id');
    const b = a.where(col('id').gt(1));
    assert.notEqual(a, b);
    assert.equal(a.plan.kind, 'Project');
    assert.ok(Object.isFrozen(b.plan));
    assert.ok(src.isStreaming);
    assert.ok(!DataFrame.fromRows(schema, []).isStreaming);
  });
  it("select('*', extra), withColumn (replace in place / append), withColumnRenamed, drop", () => {
    assert.deepEqual(run(src.select(col('*'), lit(1).alias('one'))), [{ id: 1, name: 'a', ts: 5, one: 1 }, { id: 2, name: 'b', ts: 6, one: 1 }]);
    const out = run(src.withColumn('id', col('id').multiply(10)).withColumn('x', col('id').plus(1)).withColumnRenamed('name', 'n').drop('ts', 'missing')) as Row[];
    assert.deepEqual(out, [{ id: 10, n: 'a', x: 11 }, { id: 20, n: 'b', x: 21 }]);
    assert.deepEqual(Object.keys(out[0] as Row), ['id', 'n', 'x'], 'withColumn replaces in place');
  });
  it('the event-time column is tracked through renames, so append mode still finds the watermark', () => {
    const df = src.withWatermark('ts', '1 minute').withColumnRenamed('ts', 'event_time').groupBy(window(col('event_time'), '1 minute')).agg(count('*'));
    const plan = planQuery(df.plan, { sourceSchemas: [schema], outputMode: 'append', shufflePartitions: 2 });
    assert.deepEqual(plan.watermark, { column: 'ts', delayMs: 60_000 });
    assert.equal(plan.stateful?.kind, 'aggregate');
  });
  it('explain() without a known schema shows the parsed plan and says why the rest is missing', () => {
    const text = DataFrame.fromSource({ index: 0, format: 'cloudFiles' }).select('a').explain();
    assert.ok(text.startsWith('== Parsed Logical Plan =='));
    assert.ok(text.includes('not available'));
  });
  it('a source schema given in the SourceRef is used when planQuery gets none', () => {
    const plan = planQuery(src.select('name').plan, { sourceSchemas: [], outputMode: 'append', shufflePartitions: 1 });
    assert.deepEqual(plan.outputSchema.fields.map((f) => f.name), ['name']);
  });
});
