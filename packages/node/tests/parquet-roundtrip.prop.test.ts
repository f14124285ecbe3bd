import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { StructType, field, struct, rowBatch, type DataType, type Row } from '@weir/core';
import { NodeParquetHandler } from '@weir/node';
import { comparableRows, duckRows } from './duckdb-oracle.js';

const seed = Number(process.env['FC_SEED'] ?? 42);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'weir-node-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function decimalArb(precision: number, scale: number): fc.Arbitrary<string> {
  const limit = 10n ** BigInt(precision) - 1n;
  return fc.bigInt(-limit, limit).map((u) => {
    const digits = (u < 0n ? -u : u).toString().padStart(scale + 1, '0');
    const text = scale === 0 ? digits : `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
    return u < 0n ? `-${text}` : text;
  });
}

const SAFE = Number.MAX_SAFE_INTEGER;
/** Types with an arbitrary for their weir values (non-null). `nestedFloat` marks types DuckDB's to_json prints inexactly. */
const TYPES: Array<{ type: DataType; value: fc.Arbitrary<unknown>; duck: boolean }> = [
  { type: 'string', value: fc.string({ unit: 'binary' }), duck: true },
  { type: 'long', value: fc.integer({ min: -SAFE, max: SAFE }), duck: true },
  { type: 'integer', value: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), duck: true },
  { type: 'short', value: fc.integer({ min: -32768, max: 32767 }), duck: true },
  { type: 'byte', value: fc.integer({ min: -128, max: 127 }), duck: true },
  { type: 'double', value: fc.double({ noNaN: true }), duck: true },
  { type: 'float', value: fc.float({ noNaN: true, noDefaultInfinity: true }), duck: true },
  { type: 'boolean', value: fc.boolean(), duck: true },
  { type: 'binary', value: fc.uint8Array({ maxLength: 20 }), duck: true },
  { type: 'date', value: fc.integer({ min: -700_000, max: 2_900_000 }), duck: true },
  { type: 'timestamp', value: fc.integer({ min: -(2 ** 52), max: 2 ** 52 }), duck: true },
  { type: 'timestamp_ntz', value: fc.integer({ min: -(2 ** 52), max: 2 ** 52 }), duck: true },
  { type: 'decimal(5,2)', value: decimalArb(5, 2), duck: true },
  { type: 'decimal(18,4)', value: decimalArb(18, 4), duck: true },
  { type: 'decimal(25,3)', value: decimalArb(25, 3), duck: true },
];
const primitive = fc.constantFrom(...TYPES);

type Typed = { type: DataType; value: fc.Arbitrary<unknown>; duck: boolean };
const nullableOr = (t: Typed, nullable: boolean): fc.Arbitrary<unknown> => (nullable ? fc.option(t.value, { nil: null, freq: 4 }) : t.value);

/** Primitive, array, map and struct types, nested up to two levels. */
const typed: fc.Arbitrary<Typed> = fc.letrec<{ t: Typed }>((tie) => ({
  t: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    primitive,
    fc.tuple(tie('t'), fc.boolean()).map(([el, containsNull]) => ({
      type: { type: 'array', elementType: el.type, containsNull } as DataType,
      value: fc.array(nullableOr(el, containsNull), { maxLength: 4 }),
      duck: el.duck && el.type !== 'float',
    })),
    fc.tuple(tie('t'), fc.boolean()).map(([v, valueContainsNull]) => ({
      type: { type: 'map', keyType: 'string', valueType: v.type, valueContainsNull } as DataType,
      value: fc.uniqueArray(fc.tuple(fc.string({ maxLength: 5 }), nullableOr(v, valueContainsNull)), { selector: (e) => e[0], maxLength: 3 }).map((es) => new Map(es)),
      duck: v.duck && v.type !== 'float',
    })),
    fc.array(fc.tuple(tie('t'), fc.boolean()), { minLength: 1, maxLength: 3 }).map((members) => ({
      type: struct(members.map(([m, nullable], i) => field(`f${i}`, m.type, nullable))),
      value: fc.tuple(...members.map(([m, nullable]) => nullableOr(m, nullable))).map((vs) => Object.fromEntries(vs.map((v, i) => [`f${i}`, v]))),
      duck: members.every(([m]) => m.duck && m.type !== 'float'),
    })),
  ),
})).t;

const batchArb = fc
  .array(fc.tuple(typed, fc.boolean()), { minLength: 1, maxLength: 5 })
  .chain((cols) => {
    const schema = struct(cols.map(([c, nullable], i) => field(`c${i}`, c.type, nullable)));
    const row = fc.tuple(...cols.map(([c, nullable]) => nullableOr(c, nullable))).map((vs) => Object.fromEntries(vs.map((v, i) => [`c${i}`, v])) as Row);
    return fc.record({ schema: fc.constant(schema), rows: fc.array(row, { maxLength: 40 }), duck: fc.constant(cols.every(([c]) => c.duck)) }, { noNullPrototype: true });
  });

describe('NodeParquetHandler round trips (fast-check)', () => {
  it('read(write(batch)) equals the batch for random schemas, row groups, pages and codecs', async () => {
    await fc.assert(
      fc.asyncProperty(batchArb, fc.integer({ min: 1, max: 15 }), fc.integer({ min: 1, max: 12 }), fc.constantFrom('snappy' as const, 'gzip' as const, 'uncompressed' as const), async ({ schema, rows }, rowGroupSize, pageSize, compression) => {
          const parquet = new NodeParquetHandler({ pageSize, compression });
          const bytes = await parquet.write(rowBatch(schema, rows), { rowGroupSize });
          const back = await parquet.read(bytes);
          assert.deepEqual(back.schema, schema);
          assert.deepEqual(back.rows, rows);
        },
      ),
      { seed, numRuns: process.env['WEIR_SOAK'] ? 5000 : process.env['CI'] ? 300 : 60 },
    );
  });

  it('DuckDB reads the same values weir wrote for random schemas', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(batchArb.filter((b) => b.duck), fc.integer({ min: 1, max: 15 }), async ({ schema, rows }, rowGroupSize) => {
        const file = path.join(tmp, `p-${n++}.parquet`);
        fs.writeFileSync(file, await new NodeParquetHandler({ pageSize: 7 }).write(rowBatch(schema, rows), { rowGroupSize }));
        assert.deepEqual(await duckRows(file), comparableRows(schema, rows));
      }),
      { seed, numRuns: process.env['WEIR_SOAK'] ? 500 : process.env['CI'] ? 60 : 15 },
    );
  });
});

void StructType;
