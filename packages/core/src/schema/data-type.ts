/**
 * Spark SQL data types, held in memory in exactly the shape of Spark's schema JSON (the Delta
 * `schemaString`): primitives are their JSON names, decimals are `"decimal(p,s)"`, and complex
 * types are objects with Spark's keys in Spark's order. Types are therefore plain frozen data:
 * they cross worker threads untouched and serialise byte-for-byte as Spark does.
 */
export type PrimitiveTypeName =
  | 'string'
  | 'long'
  | 'integer'
  | 'short'
  | 'byte'
  | 'double'
  | 'float'
  | 'boolean'
  | 'binary'
  | 'date'
  | 'timestamp'
  | 'timestamp_ntz';

export type DecimalTypeName = `decimal(${number},${number})`;

export interface StructField {
  readonly name: string;
  readonly type: DataType;
  readonly nullable: boolean;
  readonly metadata: Readonly<Record<string, unknown>>;
}

export interface StructType {
  readonly type: 'struct';
  readonly fields: readonly StructField[];
}

export interface ArrayType {
  readonly type: 'array';
  readonly elementType: DataType;
  readonly containsNull: boolean;
}

export interface MapType {
  readonly type: 'map';
  readonly keyType: DataType;
  readonly valueType: DataType;
  readonly valueContainsNull: boolean;
}

/**
 * Types weir can carry in a schema (so any Delta `schemaString` round-trips) but does not
 * process: Spark's `void` (NullType) and `variant`, and Delta's geospatial types. Readers refuse
 * tables that need them by their table feature name.
 */
export type OpaqueTypeName = 'void' | 'variant' | `geometry(${string})` | `geography(${string})`;

export type DataType = PrimitiveTypeName | DecimalTypeName | OpaqueTypeName | StructType | ArrayType | MapType;

export const PRIMITIVE_TYPE_NAMES: readonly PrimitiveTypeName[] = Object.freeze([
  'string',
  'long',
  'integer',
  'short',
  'byte',
  'double',
  'float',
  'boolean',
  'binary',
  'date',
  'timestamp',
  'timestamp_ntz',
]);

const DECIMAL = /^decimal\(\s*(\d+)\s*,\s*(-?\d+)\s*\)$/;
/** Spark's limit on decimal precision. */
export const MAX_DECIMAL_PRECISION = 38;

export function isPrimitiveType(t: DataType | string): t is PrimitiveTypeName {
  return typeof t === 'string' && (PRIMITIVE_TYPE_NAMES as readonly string[]).includes(t);
}

const OPAQUE = /^(void|variant|geometry\(.*\)|geography\(.*\))$/;

export function isOpaqueType(t: DataType | string): t is OpaqueTypeName {
  return typeof t === 'string' && OPAQUE.test(t);
}

export function isDecimalType(t: DataType | string): t is DecimalTypeName {
  return typeof t === 'string' && DECIMAL.test(t);
}

export function isStructType(t: DataType): t is StructType {
  return typeof t === 'object' && t.type === 'struct';
}

export function isArrayType(t: DataType): t is ArrayType {
  return typeof t === 'object' && t.type === 'array';
}

export function isMapType(t: DataType): t is MapType {
  return typeof t === 'object' && t.type === 'map';
}

/** Precision and scale of a decimal type. */
export function decimalParams(t: DecimalTypeName): { precision: number; scale: number } {
  const m = DECIMAL.exec(t) as RegExpExecArray;
  return { precision: Number(m[1]), scale: Number(m[2]) };
}

const INTEGRAL: readonly DataType[] = ['byte', 'short', 'integer', 'long'];
const FRACTIONAL: readonly DataType[] = ['float', 'double'];

export function isIntegralType(t: DataType): boolean {
  return INTEGRAL.includes(t);
}

export function isNumericType(t: DataType): boolean {
  return INTEGRAL.includes(t) || FRACTIONAL.includes(t) || isDecimalType(t);
}

/** Structural equality of two types (field metadata included). */
export function dataTypeEquals(a: DataType, b: DataType): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

const SIMPLE_NAMES: Readonly<Record<PrimitiveTypeName, string>> = {
  string: 'string',
  long: 'bigint',
  integer: 'int',
  short: 'smallint',
  byte: 'tinyint',
  double: 'double',
  float: 'float',
  boolean: 'boolean',
  binary: 'binary',
  date: 'date',
  timestamp: 'timestamp',
  timestamp_ntz: 'timestamp_ntz',
};

/** Spark's `simpleString` (the DDL spelling): `bigint`, `struct<a:int>`, `map<string,int>`. */
export function simpleString(t: DataType): string {
  if (typeof t === 'string') return isPrimitiveType(t) ? SIMPLE_NAMES[t] : t;
  switch (t.type) {
    case 'struct':
      return `struct<${t.fields.map((f) => `${quoteIdentifierIfNeeded(f.name)}:${simpleString(f.type)}`).join(',')}>`;
    case 'array':
      return `array<${simpleString(t.elementType)}>`;
    case 'map':
      return `map<${simpleString(t.keyType)},${simpleString(t.valueType)}>`;
  }
}

/** Backticks an identifier that DDL could not read bare. */
export function quoteIdentifierIfNeeded(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : '`' + name.replace(/`/g, '``') + '`';
}
