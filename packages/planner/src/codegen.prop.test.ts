import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { StructType, field, struct, type DataType, type Row } from '@weir/core';
import { DataFrame } from './dataframe.js';
import { Column, literal } from './column.js';
import { abs, coalesce, col, concat, lower, round, substring, trim, upper, when } from './functions.js';
import { planQuery } from './plan-query.js';
import { runMapStage } from './runtime.js';
import { analyze } from './analyzer.js';
import { executeBatch } from './reference.js';

// Compiled stages must equal the naive reference interpreter row for row, for random programs over
// hostile column names and literals (quotes, backslashes, __proto__, unicode, comment closers,
// template syntax). Generated code only ever embeds user text through JSON.stringify.
const HOSTILE = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'a"b', "a'b", 'a\\b', '*/', '/*', '${x}', '`', 'a.b', '\u2028', '\u00e9t\u00e9', '\ud83d\ude00', ' ', '', '"); throw new Error("pwned"); ("', '0', '1'];
const hostileString = fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ maxLength: 6 }), fc.string({ unit: 'binary', maxLength: 4 }));

type Typ = 'integer' | 'long' | 'double' | 'string' | 'boolean' | 'timestamp';
const TYPES: Typ[] = ['integer', 'long', 'double', 'string', 'boolean', 'timestamp'];

const valueOf = (t: Typ): fc.Arbitrary<unknown> => {
  const v = (() => {
    switch (t) {
      case 'integer':
        return fc.oneof(fc.integer({ min: -2147483648, max: 2147483647 }), fc.constantFrom(0, 1, -1, 2147483647));
      case 'long':
        return fc.integer({ min: -(2 ** 40), max: 2 ** 40 });
      case 'double':
        return fc.oneof(fc.double({ noDefaultInfinity: false }), fc.constantFrom(NaN, 0, -0, 1.5, -2.5, Infinity));
      case 'string':
        return fc.oneof(hostileString, fc.constantFrom('1', ' 2.5 ', 'true', '2020-01-01 10:00:00', 'NaN'));
      case 'boolean':
        return fc.boolean();
      case 'timestamp':
        return fc.integer({ min: -(2 ** 45), max: 2 ** 45 });
    }
  })();
  return fc.option(v as fc.Arbitrary<unknown>, { freq: 5, nil: null });
};

interface Env {
  readonly cols: readonly { readonly name: string; readonly type: Typ }[];
}

function exprArb(env: Env): { num: fc.Arbitrary<Column>; bool: fc.Arbitrary<Column>; str: fc.Arbitrary<Column> } {
  const colsOf = (types: Typ[]) => env.cols.filter((c) => types.includes(c.type)).map((c) => col(c.name));
  const numCols = colsOf(['integer', 'long', 'double']);
  const boolCols = colsOf(['boolean']);
  const strCols = colsOf(['string']);
  const tsCols = colsOf(['timestamp']);
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
        n.map((x) => abs(x)),
        fc.tuple(n, fc.integer({ min: -2, max: 3 })).map(([x, k]) => round(x, k)),
        fc.tuple(b, n, n).map(([c, x, y]) => when(c, x).otherwise(y)),
        fc.tuple(n, n).map(([x, y]) => coalesce(x, y)),
        ...(tsCols.length ? [fc.constantFrom(...tsCols).map((t) => t.cast('long'))] : []),
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
      ),
    };
  });
  return { num, bool, str };
}

const program = fc
  .uniqueArray(fc.record({ name: hostileString, type: fc.constantFrom(...TYPES) }, { noNullPrototype: true }), {
    minLength: 1,
    maxLength: 5,
    selector: (c) => c.name.toLowerCase(),
  })
  .chain((cols) => {
    const env: Env = { cols };
    const { num, bool, str } = exprArb(env);
    const schema = struct(cols.map((c) => field(c.name, c.type as DataType)));
    const row = fc.tuple(...cols.map((c) => valueOf(c.type))).map((vals) => {
      const r: Row = {};
      cols.forEach((c, i) => Object.defineProperty(r, c.name, { value: vals[i], enumerable: true, writable: true, configurable: true }));
      return r;
    });
    const outputs = fc.uniqueArray(fc.tuple(hostileString, fc.oneof(num, bool, str)), { minLength: 1, maxLength: 4, selector: ([n]) => n.toLowerCase() });
    return fc.record(
      {
        schema: fc.constant(schema),
        rows: fc.array(row, { minLength: 1, maxLength: 16 }),
        before: fc.option(bool, { nil: null, freq: 2 }),
        outputs,
        after: fc.option(bool, { nil: null, freq: 2 }),
        extra: fc.option(fc.tuple(hostileString, fc.oneof(num, str)), { nil: null }),
      },
      { noNullPrototype: true },
    );
  });

describe('compiled stages equal the reference interpreter (property)', () => {
  it('random programs over hostile names and literals', () => {
    let compared = 0;
    fc.assert(
      fc.property(program, ({ schema, rows, before, outputs, after, extra }) => {
        let df = DataFrame.fromSource({ index: 0, format: 'memory', schema });
        if (before) df = df.where(before);
        if (extra) df = df.withColumn(extra[0], extra[1]);
        // Selecting the renamed outputs; `after` may refer to input columns only before the select.
        if (after) df = df.where(after);
        df = df.select(...outputs.map(([name, c]) => c.alias(name)));
        let plan;
        try {
          plan = planQuery(df.plan, { sourceSchemas: [schema], outputMode: 'append', shufflePartitions: 1 });
        } catch (e) {
          // Only analysis errors are acceptable (e.g. a withColumn name colliding with an output alias case-insensitively).
          assert.ok((e as { code?: string }).code !== undefined, String(e));
          return;
        }
        const compiled = runMapStage(plan, 0, rows, { batchTimestampMs: 5, watermarkMs: 0 }).rows;
        const expected = executeBatch(analyze(df.plan, { sourceSchemas: [schema] }), new Map([[0, rows]]), { nowUs: 5000 });
        assert.deepStrictEqual(compiled, expected);
        compared += compiled?.length ?? 0;
      }),
      { seed: Number(process.env['FC_SEED'] ?? 42), numRuns: process.env['CI'] ? 1000 : 200 },
    );
    // Guard against a generator that filters everything away: the property must actually compare rows.
    assert.ok(compared > 100, `only ${compared} rows compared`);
  });

  it('hostile names survive a round trip through select untouched', () => {
    const names = HOSTILE.filter((n, i) => HOSTILE.findIndex((m) => m.toLowerCase() === n.toLowerCase()) === i);
    const schema = struct(names.map((n) => field(n, 'string')));
    const row: Row = {};
    names.forEach((n, i) => Object.defineProperty(row, n, { value: `v${i}`, enumerable: true, writable: true, configurable: true }));
    const df = DataFrame.fromSource({ index: 0, format: 'memory', schema }).select(...names.map((n) => new Column({ kind: 'col', name: n })));
    const plan = planQuery(df.plan, { sourceSchemas: [schema], outputMode: 'append', shufflePartitions: 1 });
    const [out] = runMapStage(plan, 0, [row], { batchTimestampMs: 0, watermarkMs: 0 }).rows as Row[];
    assert.deepStrictEqual(out, row);
    assert.equal(Object.getPrototypeOf(out), Object.prototype, '__proto__ is an own property, not the prototype');
    assert.deepEqual(StructType.fieldNames(plan.outputSchema), names);
  });
});
