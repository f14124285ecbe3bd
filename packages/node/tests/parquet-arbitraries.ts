/**
 * fast-check arbitraries shared by the Parquet property tests (round trip, streaming writer):
 * random schemas of primitive, array, map and struct types nested up to two levels, and batches
 * of rows for them. Test support only (outside `src`, so never built or published).
 */
import fc from 'fast-check';
import { field, struct, type DataType, type Row, type StructType } from '@weir/core';

/** A type with an arbitrary for its weir values (non-null); `duck` marks values DuckDB reads back exactly. */
export interface Typed {
  readonly type: DataType;
  readonly value: fc.Arbitrary<unknown>;
  readonly duck: boolean;
}

/** A random batch: its schema, rows, and whether every column is comparable through DuckDB. */
export interface ArbitraryBatch {
  readonly schema: StructType;
  readonly rows: Row[];
  readonly duck: boolean;
}

export interface ParquetArbitraryOptions {
  /** Arbitrary for `string` values. Defaults to {@link variedStrings}. */
  readonly strings?: fc.Arbitrary<string>;
  /** Also generate `long` values as bigints beyond 2^53 (read back as rounded numbers; not DuckDB-comparable). Defaults to `true`. */
  readonly bigintLongs?: boolean;
  /** Longest `binary` value. Defaults to `40`. */
  readonly maxBinaryLength?: number;
  /** Longest array value. Defaults to `5`. */
  readonly maxArrayLength?: number;
  /** Most rows in a batch. Defaults to `80`. */
  readonly maxRows?: number;
}

/** Exact decimal strings of `decimal(precision, scale)`. */
export function decimalArb(precision: number, scale: number): fc.Arbitrary<string> {
  const limit = 10n ** BigInt(precision) - 1n;
  return fc.bigInt(-limit, limit).map((u) => {
    const digits = (u < 0n ? -u : u).toString().padStart(scale + 1, '0');
    const text = scale === 0 ? digits : `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
    return u < 0n ? `-${text}` : text;
  });
}

const SAFE = Number.MAX_SAFE_INTEGER;

/** Strings that exercise every string path: few distinct (dictionary), many distinct (fallback), long, non-ASCII. */
export const variedStrings: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('a', 'b', 'clear', 'rain', ''),
  fc.integer({ min: 0, max: 10_000 }).map((i) => `distinct-${i}`),
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.string({ minLength: 33, maxLength: 300 }),
  fc.string({ unit: 'binary', minLength: 20, maxLength: 80 }),
);

/** The primitive types with their value arbitraries. */
export function primitiveTypes(options: ParquetArbitraryOptions = {}): Typed[] {
  const { strings = variedStrings, bigintLongs = true, maxBinaryLength = 40 } = options;
  return [
    { type: 'string', value: strings, duck: true },
    ...(bigintLongs ? [{ type: 'long', value: fc.oneof(fc.integer({ min: -SAFE, max: SAFE }), fc.bigInt(-(2n ** 63n), 2n ** 63n - 1n)), duck: false } as const] : []),
    { type: 'long', value: fc.integer({ min: -SAFE, max: SAFE }), duck: true },
    { type: 'integer', value: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), duck: true },
    { type: 'short', value: fc.integer({ min: -32768, max: 32767 }), duck: true },
    { type: 'byte', value: fc.integer({ min: -128, max: 127 }), duck: true },
    { type: 'double', value: fc.double({ noNaN: true }), duck: true },
    { type: 'float', value: fc.float({ noNaN: true, noDefaultInfinity: true }), duck: true },
    { type: 'boolean', value: fc.boolean(), duck: true },
    { type: 'binary', value: fc.uint8Array({ maxLength: maxBinaryLength }), duck: true },
    { type: 'date', value: fc.integer({ min: -700_000, max: 2_900_000 }), duck: true },
    { type: 'timestamp', value: fc.integer({ min: -(2 ** 52), max: 2 ** 52 }), duck: true },
    { type: 'timestamp_ntz', value: fc.integer({ min: -(2 ** 52), max: 2 ** 52 }), duck: true },
    { type: 'decimal(5,2)', value: decimalArb(5, 2), duck: true },
    { type: 'decimal(18,4)', value: decimalArb(18, 4), duck: true },
    { type: 'decimal(25,3)', value: decimalArb(25, 3), duck: true },
  ];
}

/** `t`'s values, or null about one time in five when `nullable`. */
export function nullableOr(t: Typed, nullable: boolean): fc.Arbitrary<unknown> {
  return nullable ? fc.option(t.value, { nil: null, freq: 4 }) : t.value;
}

/** Primitive, array, map and struct types, nested up to two levels (floats inside nested values: DuckDB's to_json prints them inexactly). */
export function typedArb(options: ParquetArbitraryOptions = {}): fc.Arbitrary<Typed> {
  const maxArrayLength = options.maxArrayLength ?? 5;
  return fc.letrec<{ t: Typed }>((tie) => ({
    t: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constantFrom(...primitiveTypes(options)),
      fc.tuple(tie('t'), fc.boolean()).map(([el, containsNull]) => ({
        type: { type: 'array', elementType: el.type, containsNull } as DataType,
        value: fc.array(nullableOr(el, containsNull), { maxLength: maxArrayLength }),
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
}

/** A batch of one to five columns `c0…` of random types, nullable or not. */
export function batchArb(options: ParquetArbitraryOptions = {}): fc.Arbitrary<ArbitraryBatch> {
  const maxRows = options.maxRows ?? 80;
  return fc.array(fc.tuple(typedArb(options), fc.boolean()), { minLength: 1, maxLength: 5 }).chain((cols) => {
    const schema = struct(cols.map(([c, nullable], i) => field(`c${i}`, c.type, nullable)));
    const row = fc.tuple(...cols.map(([c, nullable]) => nullableOr(c, nullable))).map((vs) => Object.fromEntries(vs.map((v, i) => [`c${i}`, v])) as Row);
    return fc.record({ schema: fc.constant(schema), rows: fc.array(row, { maxLength: maxRows }), duck: fc.constant(cols.every(([c]) => c.duck)) }, { noNullPrototype: true });
  });
}
