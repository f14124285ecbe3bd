import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StructType, columnChunkFromRows, columnChunkToRows, type Row } from '@weir/core';
import { DataFrame } from './dataframe.js';
import { avg, col, lit, round, upper } from './functions.js';
import { planQuery } from './plan-query.js';
import type { QueryPlan } from './plan-query.js';
import { openMapStage } from './runtime.js';
import { openColumnarMapStage } from './columnar-stage.js';
import { parseRowStage } from './columnar-codegen.js';
import { PlannerErrors } from './errors.js';

const schema = StructType.fromDDL('station_id STRING, event_time TIMESTAMP, temperature_c DOUBLE, humidity DOUBLE, ok BOOLEAN');
const src = () => DataFrame.fromSource({ index: 0, format: 'memory', schema });
const plan = (df: DataFrame, outputMode: 'append' | 'update' = 'append'): QueryPlan => planQuery(df.plan, { sourceSchemas: [schema], outputMode, shufflePartitions: 2 });
const ctx = { batchTimestampMs: 0, watermarkMs: 0 };
const rows: Row[] = [
  { station_id: 'a', event_time: 1, temperature_c: 20.5, humidity: 0.5, ok: true },
  { station_id: 'b', event_time: 2, temperature_c: null, humidity: 0.1, ok: null },
  { station_id: null, event_time: null, temperature_c: -0, humidity: null, ok: false },
];

describe('openColumnarMapStage', () => {
  it('returns null where the row stage must run: stream-static joins, deduplication; aggregations only without one', () => {
    const stations = DataFrame.fromRows(StructType.fromDDL('station_id STRING, name STRING'), [{ station_id: 'a', name: 'Alpha' }]);
    assert.equal(openColumnarMapStage(plan(src().join(stations, 'station_id', 'left')), 0, ctx), null);
    assert.equal(openColumnarMapStage(plan(src().join(stations, 'station_id', 'inner').where(col('name').isNotNull())), 0, ctx), null);
    // An aggregation runs columnar, unless its rows come through a stream-static join (join tables are per call).
    assert.notEqual(openColumnarMapStage(plan(src().groupBy('station_id').agg(avg('temperature_c')), 'update'), 0, ctx), null);
    assert.equal(openColumnarMapStage(plan(src().join(stations, 'station_id', 'inner').groupBy('name').agg(avg('temperature_c')), 'update'), 0, ctx), null);
    assert.equal(openColumnarMapStage(plan(src().withWatermark('event_time', '1 minute').dropDuplicates(['station_id', 'event_time'])), 0, ctx), null);
  });

  it('returns null for a stage text it does not recognise (never a wrong answer)', () => {
    const p = plan(src().where(col('temperature_c').gt(0)));
    const stage = p.mapStages[0] as QueryPlan['mapStages'][number];
    const names = p.outputSchema.fields.map((f) => f.name);
    assert.notEqual(parseRowStage(stage.code, names), null);
    const tampered = stage.code.replace('    if (', '    sink.add(r);\n    if (');
    assert.equal(parseRowStage(tampered, names), null);
    assert.equal(openColumnarMapStage({ ...p, mapStages: [{ ...stage, code: tampered }] }, 0, ctx), null);
    // An emitted object whose keys are not the output schema's, in order.
    const projected = plan(src().select(col('ok'), col('station_id'))).mapStages[0]?.code as string;
    assert.notEqual(parseRowStage(projected, ['ok', 'station_id']), null);
    assert.equal(parseRowStage(projected, ['station_id', 'ok']), null);
    assert.equal(parseRowStage(projected, ['ok']), null);
    // An aggregate sink call is only parsed when asked for, and never with the row in its arguments.
    const agg = plan(src().groupBy('station_id').agg(avg('temperature_c')), 'update');
    const aggCode = agg.mapStages[0]?.code as string;
    assert.equal(parseRowStage(aggCode, []), null);
    assert.notEqual(parseRowStage(aggCode, [], { sink: true }), null);
    const leaky = aggCode.replace(/sink\.add\(r, ([^;]*)\);/, 'sink.add(r, r, $1);');
    assert.notEqual(leaky, aggCode);
    assert.equal(parseRowStage(leaky, [], { sink: true }), null);
    assert.equal(openColumnarMapStage({ ...agg, mapStages: [{ ...(agg.mapStages[0] as QueryPlan['mapStages'][number]), code: leaky }] }, 0, ctx), null);
  });

  it('a filter that keeps every row hands back the input chunk; one that drops rows gathers the vectors', () => {
    const p = plan(src().where(col('station_id').isNotNull().or(col('ok').isNull()).or(col('ok').not())));
    const stage = openColumnarMapStage(p, 0, ctx);
    assert.ok(stage);
    const chunk = columnChunkFromRows(schema, rows);
    assert.equal(stage.push(chunk), chunk);
    const some = openColumnarMapStage(plan(src().where(col('humidity').isNotNull())), 0, ctx);
    assert.ok(some);
    const out = some.push(chunk);
    assert.equal(out.numRows, 2);
    assert.notEqual(out.vectors[2], chunk.vectors[2]);
    assert.deepStrictEqual(columnChunkToRows(out), openMapStage(plan(src().where(col('humidity').isNotNull())), 0, ctx).push(columnChunkToRows(chunk)));
  });

  it('a projection reuses the input vector of a column it passes through unchanged and computes the others', () => {
    const df = src().select(col('event_time'), upper(col('station_id')).alias('s'), round(col('temperature_c').multiply(9 / 5).plus(32), 1).alias('f'), col('ok'));
    const p = plan(df);
    const stage = openColumnarMapStage(p, 0, ctx);
    assert.ok(stage);
    const chunk = columnChunkFromRows(schema, rows);
    const out = stage.push(chunk);
    assert.equal(out.vectors[0], chunk.vectors[1]);
    assert.equal(out.vectors[3], chunk.vectors[4]);
    assert.deepStrictEqual(columnChunkToRows(out), openMapStage(p, 0, ctx).push(columnChunkToRows(chunk)));
    assert.deepStrictEqual(
      out.vectors.map((v) => v.kind),
      ['float64', 'values', 'float64', 'boolean'],
    );
  });

  it('a source the query does not read gives empty chunks of the output schema', () => {
    const p = plan(src().select(col('station_id'), lit(1).alias('one')));
    const stage = openColumnarMapStage(p, 7, ctx);
    assert.ok(stage);
    const out = stage.push(columnChunkFromRows(schema, rows));
    assert.equal(out.numRows, 0);
    assert.deepEqual(out.schema, p.outputSchema);
    assert.deepEqual(stage.finish(), openMapStage(p, 7, ctx).finish());
  });

  it('watermark statistics accumulate over the chunks; a finished stage refuses more work', () => {
    const p = plan(src().withWatermark('event_time', '1 minute').where(col('temperature_c').isNotNull()));
    const stage = openColumnarMapStage(p, 0, ctx);
    assert.ok(stage);
    stage.push(columnChunkFromRows(schema, rows.slice(0, 1)));
    stage.push(columnChunkFromRows(schema, rows.slice(1)));
    assert.deepEqual(stage.finish(), { eventTime: { min: 1, max: 2, sum: 3, count: 2 }, numRowsDroppedByWatermark: 0 });
    assert.throws(() => stage.push(columnChunkFromRows(schema, rows)), { code: PlannerErrors.PLANNER_INTERNAL_ERROR.code });
  });
});
