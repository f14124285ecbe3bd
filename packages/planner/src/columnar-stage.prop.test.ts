import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { columnChunkFromRows, columnChunkToRows, field, struct, vectorKindOf, type ColumnChunk, type DataType, type Row, type StructType } from '@weir/core';
import { DataFrame } from './dataframe.js';
import { Column, literal } from './column.js';
import { abs, approx_count_distinct, avg, coalesce, col, concat, count, current_timestamp, first, last, lower, max, min, round, session_window, stddev, substring, sum, trim, upper, when, window } from './functions.js';
import { planQuery } from './plan-query.js';
import { openMapStage } from './runtime.js';
import { openColumnarMapStage } from './columnar-stage.js';

// The columnar map stage is DEFINED as the row stage over `columnChunkToRows(chunk)`: the oracle
// here is the row stage itself (itself checked against the reference interpreter in
// codegen.prop.test.ts), over random programs, hostile column names and literals, every vector
// kind (float64: integer/long/short/byte/double/float/date/timestamp; boolean; values: string,
// decimal), NaN/-0/±Infinity/nulls, input chunks whose schema is reordered or carries extra columns,
// any chunking, watermark statistics, filter-only stages (gathered vectors) and unions of a source
// with itself (two loops in one stage).
const HOSTILE = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'a"b', "a'b", 'a\\b', '*/', '/*', '${x}', '`', 'a.b', '\u2028', '\u00e9t\u00e9', '\ud83d\ude00', ' ', '', '"); throw new Error("pwned"); ("', '0', '1', '$v0', '$o', 'i', 'r', 'n'];
const hostileString = fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ maxLength: 6 }), fc.string({ unit: 'binary', maxLength: 4 }));

type Typ = 'integer' | 'long' | 'short' | 'byte' | 'double' | 'float' | 'string' | 'boolean' | 'timestamp' | 'date' | 'decimal(10,2)';
const TYPES: Typ[] = ['integer', 'long', 'short', 'byte', 'double', 'float', 'string', 'boolean', 'timestamp', 'date', 'decimal(10,2)'];
const NUMERIC: Typ[] = ['integer', 'long', 'short', 'byte', 'double', 'float'];

const valueOf = (t: Typ): fc.Arbitrary<unknown> => {
  const v = (() => {
    switch (t) {
      case 'integer':
        return fc.oneof(fc.integer({ min: -2147483648, max: 2147483647 }), fc.constantFrom(0, 1, -1, 2147483647));
      case 'long':
        return fc.oneof(fc.integer({ min: -(2 ** 40), max: 2 ** 40 }), fc.constant(-0));
      case 'short':
        return fc.integer({ min: -32768, max: 32767 });
      case 'byte':
        return fc.integer({ min: -128, max: 127 });
      case 'double':
        return fc.oneof(fc.double({ noDefaultInfinity: false }), fc.constantFrom(NaN, 0, -0, 1.5, -2.5, Infinity, -Infinity));
      case 'float':
        return fc.oneof(fc.float({ noDefaultInfinity: false }).map(Math.fround), fc.constantFrom(NaN, -0, 0.5));
      case 'string':
        return fc.oneof(hostileString, fc.constantFrom('1', ' 2.5 ', 'true', '2020-01-01 10:00:00', 'NaN'));
      case 'boolean':
        return fc.boolean();
      case 'timestamp':
        return fc.integer({ min: -(2 ** 45), max: 2 ** 45 });
      case 'date':
        return fc.integer({ min: -30000, max: 30000 });
      case 'decimal(10,2)':
        return fc.tuple(fc.integer({ min: -99999999, max: 99999999 }), fc.boolean()).map(([c, neg]) => `${neg && c > 0 ? '-' : ''}${Math.trunc(Math.abs(c) / 100)}.${String(Math.abs(c) % 100).padStart(2, '0')}`);
    }
  })();
  return fc.option(v as fc.Arbitrary<unknown>, { freq: 4, nil: null });
};

interface Env {
  readonly cols: readonly { readonly name: string; readonly type: Typ }[];
}

function exprArb(env: Env): { num: fc.Arbitrary<Column>; bool: fc.Arbitrary<Column>; str: fc.Arbitrary<Column>; any: fc.Arbitrary<Column> } {
  const colsOf = (types: Typ[]) => env.cols.filter((c) => types.includes(c.type)).map((c) => col(c.name));
  const numCols = colsOf(NUMERIC);
  const boolCols = colsOf(['boolean']);
  const strCols = colsOf(['string']);
  const tsCols = colsOf(['timestamp']);
  const dateCols = colsOf(['date']);
  const decCols = colsOf(['decimal(10,2)']);
  const allCols = env.cols.map((c) => col(c.name));
  const { num, bool, str } = fc.letrec<{ num: Column; bool: Column; str: Column }>((tie) => {
    const n = tie('num');
    const b = tie('bool');
    const s = tie('str');
    const numLeaf = fc.oneof(
      ...(numCols.length ? [fc.constantFrom(...numCols)] : []),
      fc.integer({ min: -1000, max: 1000 }).map((v) => literal(v)),
      fc.double({ noNaN: false }).map((v) => literal(v)),
      fc.constant(literal(null)),
    );
    const strLeaf = fc.oneof(...(strCols.length ? [fc.constantFrom(...strCols)] : []), hostileString.map((v) => literal(v)));
    const boolLeaf = fc.oneof(...(boolCols.length ? [fc.constantFrom(...boolCols)] : []), fc.constantFrom(literal(true), literal(false), literal(null)));
    return {
      num: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        numLeaf,
        fc.tuple(n, n, fc.constantFrom('plus', 'minus', 'multiply', 'divide', 'mod') as fc.Arbitrary<'plus'>).map(([x, y, op]) => x[op](y)),
        n.map((x) => x.negate()),
        s.map((x) => x.cast('double')),
        s.map((x) => x.cast('int')),
        n.map((x) => x.cast('int')),
        n.map((x) => x.cast('float')),
        n.map((x) => x.cast('short')),
        n.map((x) => abs(x)),
        fc.tuple(n, fc.integer({ min: -2, max: 3 })).map(([x, k]) => round(x, k)),
        fc.tuple(b, n, n).map(([c, x, y]) => when(c, x).otherwise(y)),
        fc.tuple(n, n).map(([x, y]) => coalesce(x, y)),
        ...(tsCols.length ? [fc.constantFrom(...tsCols).map((t) => t.cast('long'))] : []),
        ...(decCols.length ? [fc.constantFrom(...decCols).map((d) => d.cast('double'))] : []),
        ...(dateCols.length ? [fc.constantFrom(...dateCols).map((d) => d.cast('int'))] : []),
      ),
      str: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        strLeaf,
        s.map((x) => upper(x)),
        s.map((x) => lower(x)),
        s.map((x) => trim(x)),
        fc.tuple(s, s).map(([x, y]) => concat(x, y)),
        fc.tuple(s, fc.integer({ min: -3, max: 4 }), fc.integer({ min: -1, max: 4 })).map(([x, p, l]) => substring(x, p, l)),
        n.map((x) => x.cast('string')),
        b.map((x) => x.cast('string')),
        ...(tsCols.length ? [fc.constantFrom(...tsCols).map((t) => t.cast('string'))] : []),
        ...(dateCols.length ? [fc.constantFrom(...dateCols).map((t) => t.cast('string'))] : []),
        ...(decCols.length ? [fc.constantFrom(...decCols).map((t) => t.cast('string'))] : []),
        fc.tuple(b, s).map(([c, x]) => when(c, x)),
      ),
      bool: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        boolLeaf,
        fc.tuple(n, n, fc.constantFrom('eq', 'neq', 'lt', 'leq', 'gt', 'geq', 'eqNullSafe') as fc.Arbitrary<'eq'>).map(([x, y, op]) => x[op](y)),
        fc.tuple(s, s, fc.constantFrom('eq', 'lt', 'geq') as fc.Arbitrary<'eq'>).map(([x, y, op]) => x[op](y)),
        fc.tuple(b, b, fc.constantFrom('and', 'or') as fc.Arbitrary<'and'>).map(([x, y, op]) => x[op](y)),
        b.map((x) => x.not()),
        n.map((x) => x.isNull()),
        s.map((x) => x.isNotNull()),
        s.map((x) => x.cast('boolean')),
        ...(decCols.length ? [fc.constantFrom(...decCols).map((d) => d.gt(literal(0)))] : []),
        ...(tsCols.length ? [fc.constantFrom(...tsCols).map((t) => t.lt(current_timestamp()))] : []),
      ),
    };
  });
  // Any column as is (passed through: direct or gathered vectors), or any expression; the batch
  // time (`nowUs`) and a tumbling window (a struct in a values vector) as outputs.
  const any = fc.oneof(
    fc.constantFrom(...allCols),
    num,
    bool,
    str,
    fc.constant(current_timestamp()),
    ...(tsCols.length ? [fc.constantFrom(...tsCols).map((t) => window(t, '10 minutes'))] : []),
  );
  return { num, bool, str, any };
}

const SHAPES = ['select', 'filterOnly', 'project', 'union', 'unionFilterOnly'] as const;

const program = fc
  .uniqueArray(fc.record({ name: hostileString, type: fc.constantFrom(...TYPES) }, { noNullPrototype: true }), {
    minLength: 1,
    maxLength: 5,
    selector: (c) => c.name.toLowerCase(),
  })
  .chain((cols) => {
    const env: Env = { cols };
    const { bool, any } = exprArb(env);
    const schema = struct(cols.map((c) => field(c.name, c.type as DataType)));
    const row = fc.tuple(...cols.map((c) => valueOf(c.type))).map((vals) => {
      const r: Row = {};
      cols.forEach((c, i) => Object.defineProperty(r, c.name, { value: vals[i], enumerable: true, writable: true, configurable: true }));
      return r;
    });
    const outputs = fc.uniqueArray(fc.tuple(hostileString, any), { minLength: 1, maxLength: 4, selector: ([n]) => n.toLowerCase() });
    const tsNames = cols.filter((c) => c.type === 'timestamp').map((c) => c.name);
    return fc.record(
      {
        schema: fc.constant(schema),
        rows: fc.array(row, { minLength: 0, maxLength: 24 }),
        shape: fc.constantFrom(...SHAPES),
        watermark: tsNames.length ? fc.option(fc.constantFrom(...tsNames), { nil: null }) : fc.constant(null),
        before: fc.option(bool, { nil: null, freq: 2 }),
        outputs,
        after: fc.option(bool, { nil: null, freq: 2 }),
        extra: fc.option(fc.tuple(hostileString, any), { nil: null }),
        cuts: fc.array(fc.nat(24), { maxLength: 4 }),
        // How the reader lays out its chunk: the plan's schema, reversed, or with an extra column first.
        layout: fc.constantFrom('plan', 'reversed', 'extra'),
      },
      { noNullPrototype: true },
    );
  });

/** The chunk layout a reader might produce: the same rows, columns reordered or an extra column added. */
function chunkSchema(schema: StructType, layout: string): StructType {
  if (layout === 'reversed') return struct([...schema.fields].reverse());
  if (layout === 'extra') return struct([field('\u0000extra', 'double'), ...schema.fields]);
  return schema;
}

/** A row output restricted to the output schema, as `columnChunkToRows` gives it (absent/undefined → null). */
function restrict(schema: StructType, rows: readonly Row[]): Row[] {
  return rows.map((r) => {
    const o: Row = {};
    for (const f of schema.fields) {
      const v = Object.prototype.hasOwnProperty.call(r, f.name) ? r[f.name] : undefined;
      Object.defineProperty(o, f.name, { value: v === undefined ? null : v, enumerable: true, writable: true, configurable: true });
    }
    return o;
  });
}

/** The ColumnChunk invariants (core's contract) on a stage output. */
function checkChunk(c: ColumnChunk, schema: StructType): void {
  assert.equal(c.vectors.length, schema.fields.length);
  c.vectors.forEach((v, i) => {
    assert.equal(v.kind, vectorKindOf((schema.fields[i] as { type: DataType }).type));
    assert.ok(v.values.length >= c.numRows);
    if (v.kind !== 'values' && v.nulls !== null) {
      assert.ok(v.nulls.length >= c.numRows);
      assert.ok(v.nulls.subarray(0, c.numRows).includes(1), 'nulls is null when the column has no null');
    }
  });
}

describe('openColumnarMapStage equals the row stage (property)', () => {
  it('random programs, hostile names, every vector kind, any chunking and layout', () => {
    let compared = 0;
    let columnar = 0;
    let plans = 0;
    fc.assert(
      fc.property(program, ({ schema, rows, shape, watermark, before, outputs, after, extra, cuts, layout }) => {
        let df = DataFrame.fromSource({ index: 0, format: 'memory', schema });
        if (watermark !== null) df = df.withWatermark(watermark, '1 minute');
        if (before) df = df.where(before);
        if (shape === 'unionFilterOnly') {
          // Two loops that each pass the input row through (`out.push(r)` twice in one stage).
          df = df.union(df.where(after ?? literal(true)));
        } else if (shape !== 'filterOnly') {
          if (extra) df = df.withColumn(extra[0], extra[1]);
          if (after) df = df.where(after);
          if (shape === 'select' || shape === 'union') df = df.select(...outputs.map(([name, c]) => c.alias(name)));
          if (shape === 'union') df = df.union(df.where(before ?? literal(true)));
        }
        let plan;
        try {
          plan = planQuery(df.plan, { sourceSchemas: [schema], outputMode: 'append', shufflePartitions: 1 });
        } catch (e) {
          assert.ok((e as { code?: string }).code !== undefined, String(e));
          return;
        }
        plans++;
        const ctx = { batchTimestampMs: 5, watermarkMs: 0 };
        const cs = openColumnarMapStage(plan, 0, ctx);
        if (cs === null) return;
        columnar++;
        const rs = openMapStage(plan, 0, ctx);
        const inSchema = chunkSchema(schema, layout);
        const withExtra = rows.map((r, i) => (layout === 'extra' ? Object.defineProperty({ ...r }, '\u0000extra', { value: i % 3 === 0 ? null : -i, enumerable: true }) : r));
        // An empty partition still pushes one (empty) chunk.
        const bounds = rows.length === 0 ? [0, 0] : [...new Set([0, ...cuts.map((c) => Math.min(c, rows.length)), rows.length])].sort((a, b) => a - b);
        const expected: Row[] = [];
        const actual: Row[] = [];
        for (let b = 0; b + 1 < bounds.length; b++) {
          const chunk = columnChunkFromRows(inSchema, withExtra.slice(bounds[b], bounds[b + 1]));
          // The definition: the row stage over the chunk's rows.
          const want = restrict(plan.outputSchema, rs.push(columnChunkToRows(chunk)));
          const got = cs.push(chunk);
          checkChunk(got, plan.outputSchema);
          assert.deepStrictEqual(columnChunkToRows(got), want);
          expected.push(...want);
          actual.push(...columnChunkToRows(got));
        }
        assert.deepStrictEqual(actual, expected);
        assert.deepStrictEqual(cs.finish(), rs.finish());
        compared += expected.length;
      }),
      { seed: Number(process.env['FC_SEED'] ?? 42), numRuns: process.env['CI'] ? 1000 : 300 },
    );
    // The property must compare rows, and the columnar generator must cover (nearly) every stateless program.
    assert.ok(compared > 500, `only ${compared} rows compared`);
    assert.equal(columnar, plans, `${plans - columnar} of ${plans} stateless plans fell back to rows`);
  });
});

// Aggregations: the columnar stage folds into the row stage's own sink, so `finish()` (partials,
// hash-partitioned window blocks or per-group states, event-time statistics, watermark drops) must
// be deep-equal to the row stage's over the same rows, for any chunking and chunk layout.
const T0 = 1_767_225_600_000_000;
const MINUTE_US = 60_000_000;
type AggFn = 'countStar' | 'count' | 'sum' | 'avg' | 'min' | 'max' | 'first' | 'last' | 'stddev' | 'approx';
const AGG_FNS: AggFn[] = ['countStar', 'count', 'sum', 'avg', 'min', 'max', 'first', 'last', 'stddev', 'approx'];
function aggOf(fn: AggFn, c: string): Column {
  switch (fn) {
    case 'countStar':
      return count();
    case 'count':
      return count(col(c));
    case 'sum':
      return sum(col(c));
    case 'avg':
      return avg(col(c));
    case 'min':
      return min(col(c));
    case 'max':
      return max(col(c));
    case 'first':
      return first(col(c));
    case 'last':
      return last(col(c));
    case 'stddev':
      return stddev(col(c));
    case 'approx':
      return approx_count_distinct(col(c));
  }
}

const aggProgram = fc
  .uniqueArray(fc.record({ name: hostileString, type: fc.constantFrom(...TYPES) }, { noNullPrototype: true }), { minLength: 1, maxLength: 4, selector: (c) => c.name.toLowerCase() })
  .filter((cols) => !cols.some((c) => c.name.toLowerCase() === 'ts'))
  .chain((others) => {
    const cols = [{ name: 'ts', type: 'timestamp' as Typ }, ...others];
    const schema = struct(cols.map((c) => field(c.name, c.type as DataType)));
    const tsValue = fc.option(
      fc.integer({ min: -5 * MINUTE_US, max: 60 * MINUTE_US }).map((d) => T0 + d),
      { freq: 8, nil: null },
    );
    const row = fc.tuple(tsValue, ...others.map((c) => valueOf(c.type))).map((vals) => {
      const r: Row = {};
      cols.forEach((c, i) => Object.defineProperty(r, c.name, { value: vals[i], enumerable: true, writable: true, configurable: true }));
      return r;
    });
    const names = others.map((c) => c.name);
    return fc.record(
      {
        schema: fc.constant(schema),
        rows: fc.array(row, { minLength: 0, maxLength: 40 }),
        grouping: fc.constantFrom('tumbling', 'sliding', 'column', 'none'),
        size: fc.constantFrom('1 minute', '5 minutes', '10 minutes'),
        slide: fc.constantFrom('30 seconds', '1 minute', '2 minutes'),
        watermark: fc.oneof({ arbitrary: fc.constant(true), weight: 4 }, { arbitrary: fc.constant(false), weight: 1 }),
        delay: fc.constantFrom('0 seconds', '1 minute', '5 minutes'),
        keys: fc.uniqueArray(fc.tuple(fc.constantFrom(...names), fc.boolean()), { maxLength: 2, selector: ([n]) => n.toLowerCase() }),
        aggs: fc.array(fc.tuple(fc.constantFrom(...AGG_FNS), fc.constantFrom('ts', ...names)), { minLength: 1, maxLength: 4 }),
        before: fc.option(exprArb({ cols }).bool, { nil: null, freq: 3 }),
        mode: fc.constantFrom('append', 'update', 'append', 'update', 'complete') as fc.Arbitrary<'append' | 'update' | 'complete'>,
        // The watermark this batch uses: none yet (0) or somewhere inside the data, so some rows are late.
        watermarkMs: fc.oneof({ arbitrary: fc.constant(0), weight: 1 }, { arbitrary: fc.integer({ min: -5, max: 60 }).map((m) => (T0 + m * MINUTE_US) / 1000), weight: 3 }),
        partitions: fc.integer({ min: 1, max: 3 }),
        cuts: fc.array(fc.nat(40), { maxLength: 4 }),
        layout: fc.constantFrom('plan', 'reversed', 'extra'),
      },
      { noNullPrototype: true },
    );
  });

describe('openColumnarMapStage of an aggregation equals the row stage (property)', () => {
  it('random windowed/grouped aggregates, extra keys, watermark drops, any chunking and layout: same finish()', () => {
    let plans = 0;
    let columnar = 0;
    let folded = 0;
    let dropped = 0;
    let ordered = 0;
    fc.assert(
      fc.property(aggProgram, (p) => {
        let df = DataFrame.fromSource({ index: 0, format: 'memory', schema: p.schema });
        if (p.watermark) df = df.withWatermark('ts', p.delay);
        if (p.before) df = df.where(p.before);
        let plan;
        try {
          // Invalid programs (a slide longer than the window, an aggregate over a type it refuses) are refused with a code.
          const time: Column[] =
            p.grouping === 'tumbling' ? [window(col('ts'), p.size)] : p.grouping === 'sliding' ? [window(col('ts'), p.size, p.slide)] : p.grouping === 'column' ? [col('ts')] : [];
          const keys = p.keys.map(([n, cast]) => (cast ? col(n).cast('string') : col(n)));
          const aggs = p.aggs.map(([fn, c], i) => aggOf(fn, c).alias(`a${i}`));
          plan = planQuery(df.groupBy(...time, ...keys).agg(...(aggs as [Column, ...Column[]])).plan, { sourceSchemas: [p.schema], outputMode: p.mode, shufflePartitions: p.partitions });
        } catch (e) {
          assert.ok((e as { code?: string }).code !== undefined, String(e));
          return;
        }
        plans++;
        const ctx = { batchTimestampMs: 5, watermarkMs: p.watermarkMs };
        const cs = openColumnarMapStage(plan, 0, ctx);
        if (cs === null) return;
        columnar++;
        const rs = openMapStage(plan, 0, ctx);
        const inSchema = chunkSchema(p.schema, p.layout);
        const rows = p.rows.map((r, i) => (p.layout === 'extra' ? Object.defineProperty({ ...r }, '\u0000extra', { value: i % 3 === 0 ? null : -i, enumerable: true }) : r));
        const bounds = rows.length === 0 ? [0, 0] : [...new Set([0, ...p.cuts.map((c) => Math.min(c, rows.length)), rows.length])].sort((a, b) => a - b);
        for (let b = 0; b + 1 < bounds.length; b++) {
          const chunk = columnChunkFromRows(inSchema, rows.slice(bounds[b], bounds[b + 1]));
          assert.deepStrictEqual(rs.push(columnChunkToRows(chunk)), []);
          const got = cs.push(chunk);
          assert.equal(got.numRows, 0);
          checkChunk(got, plan.outputSchema);
        }
        const want = rs.finish();
        const got = cs.finish();
        assert.deepStrictEqual(got, want);
        folded += (want.eventTime?.count ?? 0) + (want.partials ?? []).reduce((a, x) => a + x.length, 0);
        dropped += want.numRowsDroppedByWatermark;
        if (want.partials?.some((x) => x.some(([k]) => /^[!\-0-9]/.test(k)))) ordered++;
      }),
      { seed: Number(process.env['FC_SEED'] ?? 42), numRuns: process.env['CI'] ? 1000 : 300 },
    );
    // The property must exercise folds, watermark drops and window blocks, and no eligible plan may fall back to rows.
    assert.ok(folded > 300, `only ${folded} rows/partials compared`);
    assert.ok(dropped > 20, `only ${dropped} late rows dropped`);
    assert.ok(ordered > 10, `only ${ordered} plans shuffled window blocks`);
    assert.equal(columnar, plans, `${plans - columnar} of ${plans} aggregation plans fell back to rows`);
  });

  it('is null (row stage) when late rows are collected, and for session windows, deduplication and stream-stream joins', () => {
    const schema = struct([field('ts', 'timestamp'), field('k', 'string'), field('v', 'double')]);
    const src = (index = 0) => DataFrame.fromSource({ index, format: 'memory', schema }).withWatermark('ts', '1 minute');
    const plan = (df: DataFrame, sources = 1) => planQuery(df.plan, { sourceSchemas: Array.from({ length: sources }, () => schema), outputMode: 'append', shufflePartitions: 2 });
    const ctx = { batchTimestampMs: 5, watermarkMs: T0 / 1000 };
    const windowed = plan(src().groupBy(window(col('ts'), '5 minutes'), col('k')).agg(sum(col('v'))));
    assert.notEqual(openColumnarMapStage(windowed, 0, ctx), null);
    assert.equal(openColumnarMapStage(windowed, 0, { ...ctx, collectLateRows: true }), null);
    assert.equal(openColumnarMapStage(plan(src().groupBy(session_window(col('ts'), '5 minutes'), col('k')).agg(sum(col('v')))), 0, ctx), null);
    assert.equal(openColumnarMapStage(plan(src().dropDuplicates(['k', 'ts'])), 0, ctx), null);
    assert.equal(openColumnarMapStage(plan(src().dropDuplicatesWithinWatermark(['k'])), 0, ctx), null);
    const joined = plan(src().join(src(1).withColumnRenamed('v', 'w').withColumnRenamed('ts', 'ts2'), 'k'), 2);
    assert.notEqual(joined.stateful, null);
    assert.equal(openColumnarMapStage(joined, 0, ctx), null);
    assert.equal(openColumnarMapStage(joined, 1, ctx), null);
  });
});
