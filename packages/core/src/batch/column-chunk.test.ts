import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ColumnChunkBuilder, columnChunkFromRows, columnChunkToRows, vectorKindOf, type DataType, type Row, type StructType } from '../index.js';

const runs = { seed: Number(process.env['FC_SEED'] ?? 42), numRuns: process.env['CI'] ? 500 : 100 };

const TYPED: Array<[DataType, fc.Arbitrary<unknown>]> = [
  ['double', fc.double()],
  ['long', fc.maxSafeInteger()],
  ['integer', fc.integer()],
  ['timestamp', fc.maxSafeInteger()],
  ['date', fc.integer({ min: -100000, max: 100000 })],
  ['boolean', fc.boolean()],
  ['string', fc.string()],
  ['decimal(10,2)', fc.constantFrom('1.00', '-3.25')],
  [{ type: 'array', elementType: 'long', containsNull: true }, fc.array(fc.integer())],
];

describe('ColumnChunk', () => {
  it('rows → columns → rows is lossless for every vector kind, nulls and absent fields included', () => {
    const arb = fc
      .uniqueArray(fc.constantFrom(...TYPED.map((_, i) => i)), { minLength: 1, maxLength: TYPED.length })
      .chain((idx) => {
        const names = idx.map((i, k) => (k === 0 && i % 3 === 0 ? '__proto__' : `c${i}`));
        const row = fc.tuple(...idx.map((i) => fc.option((TYPED[i] as [DataType, fc.Arbitrary<unknown>])[1], { nil: null })), fc.boolean()).map((vals) => {
          const r: Row = {};
          names.forEach((n, k) => {
            if (vals[k] === null && vals[idx.length] === true) return; // absent reads as null
            Object.defineProperty(r, n, { value: vals[k], enumerable: true, writable: true, configurable: true });
          });
          return r;
        });
        return fc.tuple(fc.constant(idx), fc.constant(names), fc.array(row, { maxLength: 40 }));
      });
    fc.assert(
      fc.property(arb, ([idx, names, rows]) => {
        const schema: StructType = { type: 'struct', fields: idx.map((i, k) => ({ name: names[k] as string, type: (TYPED[i] as [DataType, unknown])[0], nullable: true, metadata: {} })) };
        const chunk = columnChunkFromRows(schema, rows);
        assert.equal(chunk.numRows, rows.length);
        chunk.vectors.forEach((v, f) => assert.equal(v.kind, vectorKindOf((schema.fields[f] as { type: DataType }).type)));
        const back = columnChunkToRows(chunk);
        const expected = rows.map((r) => {
          const o: Row = {};
          for (const n of names) Object.defineProperty(o, n, { value: Object.prototype.hasOwnProperty.call(r, n) ? r[n] : null, enumerable: true, writable: true, configurable: true });
          return o;
        });
        assert.deepStrictEqual(back, expected);
      }),
      runs,
    );
  });

  it('the builder hands over its arrays at finish and starts fresh ones (a finished chunk never changes)', () => {
    const schema: StructType = { type: 'struct', fields: [{ name: 'x', type: 'double', nullable: true, metadata: {} }, { name: 's', type: 'string', nullable: true, metadata: {} }] };
    const b = new ColumnChunkBuilder(schema, 2);
    b.set(0, 1.5);
    b.set(1, 'a');
    b.endRow();
    b.setNull(0);
    b.endRow();
    assert.equal(b.full, true);
    const first = b.finish();
    b.set(0, 9);
    b.set(1, 'z');
    b.endRow();
    const second = b.finish();
    assert.deepStrictEqual(columnChunkToRows(first), [{ x: 1.5, s: 'a' }, { x: null, s: null }]);
    assert.deepStrictEqual(columnChunkToRows(second), [{ x: 9, s: 'z' }]);
    assert.equal(second.vectors[0]?.kind === 'float64' ? second.vectors[0].nulls : 'n/a', null);
  });

  it('a builder told which columns are read carries all-null vectors elsewhere, whatever was written there, and keeps the read ones exact', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.option(fc.double(), { nil: null }), fc.option(fc.string(), { nil: null }), fc.option(fc.boolean(), { nil: null })), { maxLength: 12 }),
        fc.tuple(fc.boolean(), fc.boolean(), fc.boolean()),
        fc.integer({ min: 1, max: 5 }),
        (tuples, used, capacity) => {
          const field = (name: string, type: DataType) => ({ name, type, nullable: true, metadata: {} });
          const schema: StructType = { type: 'struct', fields: [field('x', 'double'), field('s', 'string'), field('b', 'boolean')] };
          const rows: Row[] = tuples.map(([x, s, b]) => ({ x, s, b }));
          const b = new ColumnChunkBuilder(schema, capacity, used);
          const chunks = [];
          for (const r of rows) {
            if (b.full) chunks.push(b.finish());
            b.appendRow(r);
          }
          if (b.numRows > 0) chunks.push(b.finish());
          const names = ['x', 's', 'b'];
          const expected = rows.map((r) => Object.fromEntries(names.map((n, f) => [n, used[f] ? r[n] : null])));
          assert.deepStrictEqual(chunks.flatMap(columnChunkToRows), expected);
          for (const c of chunks) c.vectors.forEach((v, f) => assert.equal(v.kind, vectorKindOf((schema.fields[f] as { type: DataType }).type)));
        },
      ),
      runs,
    );
  });

  it('keeps nulls a hot producer flagged by writing the arrays directly', () => {
    const schema: StructType = { type: 'struct', fields: [{ name: 'x', type: 'double', nullable: true, metadata: {} }, { name: 'b', type: 'boolean', nullable: true, metadata: {} }] };
    const b = new ColumnChunkBuilder(schema, 4);
    (b.float64s[0] as Float64Array)[0] = 2.5;
    (b.booleans[1] as Uint8Array)[0] = 1;
    b.endRow();
    (b.nulls[0] as Uint8Array)[1] = 1;
    (b.nulls[1] as Uint8Array)[1] = 1;
    b.endRow();
    assert.deepStrictEqual(columnChunkToRows(b.finish()), [{ x: 2.5, b: true }, { x: null, b: null }]);
  });
});
