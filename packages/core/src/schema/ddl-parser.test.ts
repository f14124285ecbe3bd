import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { StructType, arrayOf, field, mapOf, struct } from './struct-type.js';
import { parseDDLType } from './ddl-parser.js';
import type { DataType } from './data-type.js';
import { WeirError } from '../errors/weir-error.js';

const FC = { seed: Number(process.env['FC_SEED'] ?? 42), numRuns: process.env['CI'] ? 300 : 100 };

function ddlError(ddl: string): WeirError {
  try {
    StructType.fromDDL(ddl);
  } catch (e) {
    assert.ok(e instanceof WeirError);
    return e;
  }
  assert.fail(`expected INVALID_DDL for ${ddl}`);
}

describe('StructType.fromDDL', () => {
  it('parses the weather schema with Spark type keywords', () => {
    const s = StructType.fromDDL('station_id STRING, event_time TIMESTAMP, temperature_c DOUBLE, wind_dir_deg INT, n BIGINT');
    assert.deepEqual(
      s.fields.map((f) => [f.name, f.type, f.nullable]),
      [
        ['station_id', 'string', true],
        ['event_time', 'timestamp', true],
        ['temperature_c', 'double', true],
        ['wind_dir_deg', 'integer', true],
        ['n', 'long', true],
      ],
    );
  });

  it('parses nested struct, array and map types with NOT NULL and COMMENT', () => {
    const s = StructType.fromDDL("a INT NOT NULL, b STRUCT<c: STRING, d: ARRAY<DECIMAL(10,2)>> COMMENT 'nested', m MAP<STRING,INT>");
    assert.equal(
      StructType.toJSON(s),
      JSON.stringify({
        type: 'struct',
        fields: [
          { name: 'a', type: 'integer', nullable: false, metadata: {} },
          {
            name: 'b',
            type: {
              type: 'struct',
              fields: [
                { name: 'c', type: 'string', nullable: true, metadata: {} },
                { name: 'd', type: { type: 'array', elementType: 'decimal(10,2)', containsNull: true }, nullable: true, metadata: {} },
              ],
            },
            nullable: true,
            metadata: { comment: 'nested' },
          },
          { name: 'm', type: { type: 'map', keyType: 'string', valueType: 'integer', valueContainsNull: true }, nullable: true, metadata: {} },
        ],
      }),
    );
  });

  it('reads backticked names with spaces and escaped backticks', () => {
    const s = StructType.fromDDL('`my col` STRING, `we``ird` INT');
    assert.deepEqual(StructType.fieldNames(s), ['my col', 'we`ird']);
  });

  it('maps DECIMAL defaults and synonyms the way Spark does', () => {
    assert.equal(parseDDLType('DECIMAL'), 'decimal(10,0)');
    assert.equal(parseDDLType('NUMERIC(5)'), 'decimal(5,0)');
    assert.equal(parseDDLType('VARCHAR(20)'), 'string');
    assert.equal(parseDDLType('TIMESTAMP_NTZ'), 'timestamp_ntz');
    assert.equal(parseDDLType('SMALLINT'), 'short');
    assert.equal(parseDDLType('TINYINT'), 'byte');
  });

  const bad: Array<[string, number]> = [
    ['', 0],
    ['a', 1],
    ['a INTEGR', 2],
    ['a INT,', 6],
    ['a STRUCT<b INT', 14],
    ['a MAP<STRING>', 12],
    ['a DECIMAL(40,2)', 2],
    ['a INT, A STRING', 0],
    ['`a INT', 0],
    ['a INT b STRING', 6],
  ];
  for (const [ddl, position] of bad) {
    it(`rejects ${JSON.stringify(ddl)} with INVALID_DDL at position ${position}`, () => {
      const e = ddlError(ddl);
      assert.equal(e.code, 'INVALID_DDL');
      assert.equal(e.details['position'], position);
      assert.equal(e.domain, 'user');
    });
  }
});

const primitive = fc.constantFrom<DataType>('string', 'long', 'integer', 'short', 'byte', 'double', 'float', 'boolean', 'binary', 'date', 'timestamp', 'timestamp_ntz', 'decimal(38,18)', 'decimal(5,0)');
const name = fc.stringMatching(/^[A-Za-z_ `][A-Za-z0-9_ `]{0,8}$/);
const typeArb: fc.Arbitrary<DataType> = fc.letrec<{ t: DataType }>((tie) => ({
  t: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    primitive,
    tie('t').map((e) => arrayOf(e)),
    fc.tuple(primitive, tie('t')).map(([k, v]) => mapOf(k, v)),
    fc.uniqueArray(fc.tuple(name, tie('t')), { minLength: 1, maxLength: 3, selector: ([n]) => n.toLowerCase() }).map((fs) => struct(fs.map(([n, t]) => field(n, t)))),
  ),
})).t;

describe('DDL round-trip property', () => {
  it('fromDDL(toDDL(schema)) equals schema for random nested schemas', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(name, typeArb, fc.boolean()), { minLength: 1, maxLength: 5, selector: ([n]) => n.toLowerCase() }),
        (cols) => {
          const schema = struct(cols.map(([n, t, nullable]) => field(n, t, nullable)));
          assert.deepEqual(StructType.fromDDL(StructType.toDDL(schema)), schema);
        },
      ),
      FC,
    );
  });
});
