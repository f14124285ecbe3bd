import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StructType, WeirError, type OutputMode } from '@weir/core';
import {
  DataFrame,
  col,
  lit,
  count,
  sum,
  avg,
  window,
  session_window,
  upper,
  planQuery,
} from '@weir/planner';

const schema = StructType.fromDDL('station_id STRING, event_time TIMESTAMP, temperature_c DOUBLE, humidity DOUBLE, condition STRING');
const src = DataFrame.fromSource({ index: 0, format: 'weather-sim', schema });
const plan = (df: DataFrame, outputMode: OutputMode = 'append') => planQuery(df.plan, { sourceSchemas: [schema], outputMode, shufflePartitions: 4 });

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(WeirError.is(e), `expected a WeirError, got ${String(e)}`);
    return e.code;
  }
  assert.fail('expected an error');
}

describe('name resolution', () => {
  it('an unknown column is UNRESOLVED_COLUMN with suggestions closest first', () => {
    try {
      plan(src.select(col('temprature_c')));
      assert.fail('expected an error');
    } catch (e) {
      assert.ok(WeirError.is(e));
      assert.equal(e.code, 'UNRESOLVED_COLUMN');
      assert.equal(e.details['name'], '`temprature_c`');
      const suggestions = JSON.parse(String(e.details['suggestionList'])) as string[];
      assert.equal(suggestions[0], 'temperature_c');
      assert.ok(suggestions.length <= 5);
    }
  });
  it('resolution is case-insensitive and keeps the schema spelling', () => {
    const p = plan(src.select(col('STATION_ID')));
    assert.deepEqual(p.outputSchema.fields.map((f) => f.name), ['station_id']);
  });
  it('unknown columns in where, groupBy, withWatermark and dropDuplicates are reported', () => {
    assert.equal(code(() => plan(src.where(col('nope').gt(1)))), 'UNRESOLVED_COLUMN');
    assert.equal(code(() => plan(src.groupBy('nope').count(), 'update')), 'UNRESOLVED_COLUMN');
    assert.equal(code(() => plan(src.withWatermark('nope', '1 minute'))), 'UNRESOLVED_COLUMN');
    assert.equal(code(() => plan(src.dropDuplicates(['nope']))), 'UNRESOLVED_COLUMN');
  });
  it('dotted names reach struct fields; backticks quote a name', () => {
    const s2 = StructType.fromDDL('`a.b` INT, w STRUCT<start: TIMESTAMP, end: TIMESTAMP>');
    const p = planQuery(DataFrame.fromSource({ index: 0, format: 'm', schema: s2 }).select(col('`a.b`'), col('w.start')).plan, {
      sourceSchemas: [s2],
      outputMode: 'append',
      shufflePartitions: 1,
    });
    assert.deepEqual(p.outputSchema.fields.map((f) => [f.name, f.type]), [['a.b', 'integer'], ['start', 'timestamp']]);
  });
});

describe('types', () => {
  it('type errors are DATATYPE_MISMATCH', () => {
    assert.equal(code(() => plan(src.select(col('station_id').and(lit(true))))), 'DATATYPE_MISMATCH');
    assert.equal(code(() => plan(src.where(col('temperature_c')))), 'DATATYPE_MISMATCH');
    assert.equal(code(() => plan(src.select(col('event_time').cast('date').cast('integer')))), 'DATATYPE_MISMATCH');
    assert.equal(code(() => plan(src.groupBy('station_id').agg(sum('event_time').alias('x')), 'update')), 'DATATYPE_MISMATCH');
    assert.equal(code(() => plan(src.select(window(col('station_id'), '1 minute')))), 'DATATYPE_MISMATCH');
  });
  it('output types follow Spark (int/int → double, sum(int) → long, count → long, avg → double)', () => {
    const s2 = StructType.fromDDL('k STRING, a INT, b INT');
    const df = DataFrame.fromSource({ index: 0, format: 'm', schema: s2 });
    const p1 = planQuery(df.select(col('a').divide(col('b')).alias('q'), col('a').plus(col('b')).alias('s'), col('a').plus(1.5).alias('d')).plan, { sourceSchemas: [s2], outputMode: 'append', shufflePartitions: 1 });
    assert.deepEqual(p1.outputSchema.fields.map((f) => f.type), ['double', 'integer', 'double']);
    const p2 = planQuery(df.groupBy('k').agg(sum('a'), count('a'), avg('a')).plan, { sourceSchemas: [s2], outputMode: 'update', shufflePartitions: 1 });
    assert.deepEqual(p2.outputSchema.fields.map((f) => [f.name, f.type]), [['k', 'string'], ['sum(a)', 'long'], ['count(a)', 'long'], ['avg(a)', 'double']]);
  });
  it('aggregates outside agg() are rejected', () => {
    assert.equal(code(() => plan(src.select(count('*')))), 'INVALID_EXPRESSION');
  });
  it('a duplicated output column name is AMBIGUOUS_REFERENCE', () => {
    assert.equal(code(() => plan(src.select(col('station_id'), upper(col('condition')).alias('station_id')))), 'AMBIGUOUS_REFERENCE');
  });
});

describe("Spark's streaming rules (UnsupportedOperationChecker)", () => {
  const byStation = src.groupBy('station_id').agg(avg('temperature_c'));
  const windowed = src.withWatermark('event_time', '10 minutes').groupBy(window(col('event_time'), '5 minutes'), col('station_id')).count();
  const matrix: [string, DataFrame, OutputMode, string | null][] = [
    ['stateless in append', src.select('station_id'), 'append', null],
    ['stateless in update', src.select('station_id'), 'update', null],
    ['stateless in complete', src.select('station_id'), 'complete', 'STREAMING_OUTPUT_MODE_UNSUPPORTED'],
    ['aggregation without watermark in append', byStation, 'append', 'STREAMING_OUTPUT_MODE_UNSUPPORTED'],
    ['aggregation without watermark in update', byStation, 'update', null],
    ['aggregation without watermark in complete', byStation, 'complete', null],
    ['windowed aggregation with watermark in append', windowed, 'append', null],
    ['watermark not on a grouping key, in append', src.withWatermark('event_time', '1 minute').groupBy('station_id').count(), 'append', 'STREAMING_OUTPUT_MODE_UNSUPPORTED'],
    ['session window in update', src.withWatermark('event_time', '1 minute').groupBy(session_window(col('event_time'), '5 minutes')).count(), 'update', 'STREAMING_OUTPUT_MODE_UNSUPPORTED'],
    ['session window in append', src.withWatermark('event_time', '1 minute').groupBy(session_window(col('event_time'), '5 minutes')).count(), 'append', null],
    ['dropDuplicates in complete', src.dropDuplicates(['station_id']), 'complete', 'STREAMING_OUTPUT_MODE_UNSUPPORTED'],
    ['two aggregations', byStation.groupBy('station_id').count(), 'complete', 'UNSUPPORTED_STREAMING_OPERATION'],
    ['sort without aggregation', src.orderBy('station_id'), 'append', 'UNSUPPORTED_STREAMING_OPERATION'],
    ['sort after aggregation in complete', byStation.orderBy('station_id'), 'complete', null],
    ['sort after aggregation in update', byStation.orderBy('station_id'), 'update', 'UNSUPPORTED_STREAMING_OPERATION'],
    ['limit', src.limit(10), 'append', 'UNSUPPORTED_STREAMING_OPERATION'],
    ['dropDuplicatesWithinWatermark without watermark', src.dropDuplicatesWithinWatermark(['station_id']), 'append', 'UNSUPPORTED_STREAMING_OPERATION'],
    ['stream-stream inner join', src.join(src.select('station_id'), 'station_id'), 'append', null],
    ['stream-stream inner join in update mode', src.join(src.select('station_id'), 'station_id'), 'update', 'STREAMING_OUTPUT_MODE_UNSUPPORTED'],
    ['stream-stream left outer join', src.join(src.select('station_id'), 'station_id', 'left'), 'append', 'UNSUPPORTED_STREAMING_OPERATION'],
    ['stream left outer static', src.join(DataFrame.fromRows(StructType.fromDDL('station_id STRING, name STRING'), []), 'station_id', 'left'), 'append', null],
    ['static left outer stream', DataFrame.fromRows(StructType.fromDDL('station_id STRING, name STRING'), []).join(src, 'station_id', 'left'), 'append', 'UNSUPPORTED_STREAMING_OPERATION'],
    ['full outer stream-static', src.join(DataFrame.fromRows(StructType.fromDDL('station_id STRING, name STRING'), []), 'station_id', 'full'), 'append', 'UNSUPPORTED_STREAMING_OPERATION'],
  ];
  for (const [name, df, mode, expected] of matrix) {
    it(`${name}: ${expected ?? 'allowed'}`, () => {
      if (expected === null) assert.ok(plan(df, mode).explain.includes('== Physical Plan =='));
      else assert.equal(code(() => plan(df, mode)), expected);
    });
  }
});

describe('explain', () => {
  it('prints parsed, analyzed and physical plans with the shuffle and state store', () => {
    const df = src.withWatermark('event_time', '10 minutes').groupBy(window(col('event_time'), '5 minutes'), col('station_id')).agg(avg('temperature_c'));
    const text = plan(df).explain;
    for (const part of ['== Parsed Logical Plan ==', '== Analyzed Logical Plan ==', '== Physical Plan ==', 'Exchange hashpartitioning', 'StateStoreSave', 'partial_avg', 'EventTimeWatermark event_time, 10 minutes']) {
      assert.ok(text.includes(part), `explain mentions ${part}:\n${text}`);
    }
    assert.ok(df.explain({ sourceSchemas: [schema] }).includes('== Physical Plan =='));
  });
  it('the plan is frozen plain data that survives structured cloning', () => {
    const p = plan(src.where(col('humidity').gt(0.5)).select('station_id'));
    assert.ok(Object.isFrozen(p));
    assert.deepEqual(structuredClone(p), p);
    assert.equal(JSON.stringify(JSON.parse(JSON.stringify(p.outputSchema))), JSON.stringify(p.outputSchema));
  });
});
