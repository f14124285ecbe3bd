import { CoreErrors } from '../errors/core-errors.js';
import {
  isPrimitiveType,
  isDecimalType,
  isOpaqueType,
  quoteIdentifierIfNeeded,
  simpleString,
  type ArrayType,
  type DataType,
  type MapType,
  type StructField,
  type StructType as StructTypeData,
} from './data-type.js';
import { parseDDL } from './ddl-parser.js';

export type StructType = StructTypeData;

/** Builds a field in Spark's key order. Nullable by default, as in Spark. */
export function field(
  name: string,
  type: DataType,
  nullable = true,
  metadata: Readonly<Record<string, unknown>> = {},
): StructField {
  return Object.freeze({ name, type, nullable, metadata: Object.freeze({ ...metadata }) });
}

export function struct(fields: readonly StructField[]): StructTypeData {
  return Object.freeze({ type: 'struct', fields: Object.freeze([...fields]) });
}

export function arrayOf(elementType: DataType, containsNull = true): ArrayType {
  return Object.freeze({ type: 'array', elementType, containsNull });
}

export function mapOf(keyType: DataType, valueType: DataType, valueContainsNull = true): MapType {
  return Object.freeze({ type: 'map', keyType, valueType, valueContainsNull });
}

function fail(reason: string): never {
  throw CoreErrors.INVALID_SCHEMA_JSON({ reason });
}

function isRecord(u: unknown): u is Record<string, unknown> {
  return typeof u === 'object' && u !== null && !Array.isArray(u);
}

/** Rebuilds a type from parsed JSON in canonical key order, validating as it goes. */
function normalizeType(u: unknown, where: string): DataType {
  if (typeof u === 'string') {
    if (isPrimitiveType(u)) return u;
    const compact = u.replace(/\s+/g, '');
    if (isDecimalType(compact)) return compact;
    if (isOpaqueType(u)) return u;
    // Spark writes `decimal` for the system default decimal(10,0) in some old logs.
    if (u === 'decimal') return 'decimal(10,0)';
    return fail(`unsupported type "${u}" at ${where}`);
  }
  if (!isRecord(u)) return fail(`expected a type at ${where}`);
  switch (u['type']) {
    case 'struct':
      return normalizeStruct(u, where);
    case 'array':
      if (typeof u['containsNull'] !== 'boolean') fail(`array at ${where} lacks containsNull`);
      return arrayOf(normalizeType(u['elementType'], `${where}.element`), u['containsNull'] as boolean);
    case 'map':
      if (typeof u['valueContainsNull'] !== 'boolean') fail(`map at ${where} lacks valueContainsNull`);
      return mapOf(
        normalizeType(u['keyType'], `${where}.key`),
        normalizeType(u['valueType'], `${where}.value`),
        u['valueContainsNull'] as boolean,
      );
    default:
      return fail(`unknown complex type ${JSON.stringify(u['type'])} at ${where}`);
  }
}

function normalizeStruct(u: Record<string, unknown>, where: string): StructTypeData {
  const fields = u['fields'];
  if (!Array.isArray(fields)) return fail(`struct at ${where} has no fields array`);
  return struct(
    fields.map((f: unknown, i) => {
      if (!isRecord(f) || typeof f['name'] !== 'string') return fail(`field ${i} at ${where} has no name`);
      const name = f['name'];
      const metadata = f['metadata'] === undefined ? {} : f['metadata'];
      if (!isRecord(metadata)) return fail(`field ${name} has non-object metadata`);
      if (typeof f['nullable'] !== 'boolean') return fail(`field ${name} lacks nullable`);
      return field(name, normalizeType(f['type'], `${where}.${name}`), f['nullable'], metadata);
    }),
  );
}

/**
 * The schema namespace: Spark schema JSON and DDL in and out.
 *
 * ```ts
 * const schema = StructType.fromDDL('station_id STRING, temperature_c DOUBLE');
 * StructType.toJSON(schema); // {"type":"struct","fields":[{"name":"station_id","type":"string",…}]}
 * ```
 */
export const StructType = Object.freeze({
  /** Spark's schema JSON, byte-identical to what Spark writes as Delta's `schemaString`. */
  toJSON(schema: StructTypeData): string {
    return JSON.stringify(schema);
  },
  /** Parses Spark schema JSON (a string or already-parsed value); throws `INVALID_SCHEMA_JSON`. */
  fromJSON(json: string | unknown): StructTypeData {
    let parsed: unknown = json;
    if (typeof json === 'string') {
      try {
        parsed = JSON.parse(json);
      } catch (cause) {
        throw CoreErrors.INVALID_SCHEMA_JSON({ reason: 'not valid JSON' }, { cause });
      }
    }
    if (!isRecord(parsed) || parsed['type'] !== 'struct') return fail('top level must be a struct');
    return normalizeStruct(parsed, 'root');
  },
  /** Parses a Spark DDL column list (`a INT, b STRUCT<c: STRING> NOT NULL`); throws `INVALID_DDL`. */
  fromDDL(ddl: string): StructTypeData {
    return parseDDL(ddl);
  },
  /**
   * The DDL column list for a schema, readable by `fromDDL`. Types use Spark's `simpleString`
   * spelling; NOTE: never upper-case the whole type, nested field names are case-sensitive.
   */
  toDDL(schema: StructTypeData): string {
    return schema.fields
      .map((f) => `${quoteIdentifierIfNeeded(f.name)} ${simpleString(f.type)}${f.nullable ? '' : ' NOT NULL'}`)
      .join(', ');
  },
  fieldNames(schema: StructTypeData): string[] {
    return schema.fields.map((f) => f.name);
  },
  /** Finds a field by exact name, or case-insensitively when `caseSensitive` is false (Spark's default). */
  findField(schema: StructTypeData, name: string, caseSensitive = false): StructField | undefined {
    const exact = schema.fields.find((f) => f.name === name);
    if (exact || caseSensitive) return exact;
    const lower = name.toLowerCase();
    return schema.fields.find((f) => f.name.toLowerCase() === lower);
  },
  /** A new schema with `extra` fields appended (existing names kept). */
  add(schema: StructTypeData, ...extra: StructField[]): StructTypeData {
    return struct([...schema.fields, ...extra]);
  },
});
