import {
  decimalParams,
  isArrayType,
  isDecimalType,
  isMapType,
  isStructType,
  simpleString,
  type DataType,
  type Row,
  type StructField,
} from '@weir/core';
import { NodeErrors } from '../errors.js';
import { unscaledDecimal } from './decimal.js';
import {
  ConvertedType,
  LogicalTypeId,
  PhysicalType,
  Repetition,
  minBytesForPrecision,
  type PhysicalTypeName,
} from './parquet-format.js';
import { bool, i32, i8, str, struct, type ThriftStruct, type ThriftValue } from './thrift-compact.js';

/*
 * The write-side schema: how a weir StructType becomes Parquet schema elements (Spark's layout),
 * the tree the record shredder walks, and each leaf's value check. Built once per writer.
 */

/** How a leaf's weir values are checked and stored before PLAIN encoding. */
export type LeafKind = 'boolean' | 'int32' | 'int64' | 'float' | 'double' | 'string' | 'binary' | 'decimal32' | 'decimal64' | 'decimalFixed';

export interface WriteNode {
  readonly name: string;
  readonly repetition: number;
  readonly dataType: DataType | null; // null for Parquet-only groups (LIST's `list`, MAP's `key_value`)
  readonly element: ThriftStruct; // SchemaElement fields other than name/repetition/num_children
  readonly children: readonly WriteNode[];
  /** For groups: the value of child i given this node's (non-null) value. */
  readonly child: (value: unknown, i: number) => unknown;
  /** For REPEATED nodes: the items of the value handed to the node. */
  readonly items: ((value: unknown) => readonly unknown[]) | null;
  readonly leaf: LeafSpec | null;
  repLevel: number;
}

export interface LeafSpec {
  /** Position among the schema's leaves (depth-first), = the column chunk's index in a row group. */
  index: number;
  readonly path: readonly string[];
  readonly kind: LeafKind;
  readonly physical: PhysicalTypeName;
  readonly typeLength: number;
  readonly scale: number;
  readonly precision: number;
  readonly column: string;
  readonly dataType: DataType;
  maxDef: number;
  maxRep: number;
  /** Checks a weir value and returns the form the column stores (throws PARQUET_VALUE_INVALID). */
  convert: (v: unknown) => unknown;
}

const identity = (v: unknown): unknown => v;

function element(physical: PhysicalTypeName | null, extra: ThriftStruct = []): ThriftStruct {
  return physical === null ? extra : [[1, i32(PhysicalType[physical])], ...extra];
}

const TIMESTAMP_MICROS = (adjusted: boolean): ThriftValue =>
  struct([[LogicalTypeId.TIMESTAMP, struct([[1, bool(adjusted)], [2, struct([[2, struct([])]])]])]]);
const INTEGER = (bits: number): ThriftValue => struct([[LogicalTypeId.INTEGER, struct([[1, i8(bits)], [2, bool(true)]])]]);
const empty = (id: number): ThriftValue => struct([[id, struct([])]]);

/** Spark's physical layout for one primitive type (ParquetSchemaConverter, non-legacy). */
function primitiveLayout(t: DataType): { kind: LeafKind; physical: PhysicalTypeName; element: ThriftStruct; typeLength: number; scale: number; precision: number } {
  const base = { typeLength: 0, scale: 0, precision: 0 };
  switch (t) {
    case 'boolean':
      return { ...base, kind: 'boolean', physical: 'BOOLEAN', element: element('BOOLEAN') };
    case 'byte':
      return { ...base, kind: 'int32', physical: 'INT32', element: element('INT32', [[6, i32(ConvertedType.INT_8)], [10, INTEGER(8)]]) };
    case 'short':
      return { ...base, kind: 'int32', physical: 'INT32', element: element('INT32', [[6, i32(ConvertedType.INT_16)], [10, INTEGER(16)]]) };
    case 'integer':
      return { ...base, kind: 'int32', physical: 'INT32', element: element('INT32') };
    case 'long':
      return { ...base, kind: 'int64', physical: 'INT64', element: element('INT64') };
    case 'float':
      return { ...base, kind: 'float', physical: 'FLOAT', element: element('FLOAT') };
    case 'double':
      return { ...base, kind: 'double', physical: 'DOUBLE', element: element('DOUBLE') };
    case 'string':
      return { ...base, kind: 'string', physical: 'BYTE_ARRAY', element: element('BYTE_ARRAY', [[6, i32(ConvertedType.UTF8)], [10, empty(LogicalTypeId.STRING)]]) };
    case 'binary':
      return { ...base, kind: 'binary', physical: 'BYTE_ARRAY', element: element('BYTE_ARRAY') };
    case 'date':
      return { ...base, kind: 'int32', physical: 'INT32', element: element('INT32', [[6, i32(ConvertedType.DATE)], [10, empty(LogicalTypeId.DATE)]]) };
    case 'timestamp':
      return {
        ...base,
        kind: 'int64',
        physical: 'INT64',
        element: element('INT64', [[6, i32(ConvertedType.TIMESTAMP_MICROS)], [10, TIMESTAMP_MICROS(true)]]),
      };
    case 'timestamp_ntz':
      // No converted type: TIMESTAMP_MICROS would claim UTC adjustment (parquet-format's rule).
      return { ...base, kind: 'int64', physical: 'INT64', element: element('INT64', [[10, TIMESTAMP_MICROS(false)]]) };
  }
  if (isDecimalType(t)) {
    const { precision, scale } = decimalParams(t);
    const annotations: ThriftStruct = [
      [6, i32(ConvertedType.DECIMAL)],
      [7, i32(scale)],
      [8, i32(precision)],
      [10, struct([[LogicalTypeId.DECIMAL, struct([[1, i32(scale)], [2, i32(precision)]])]])],
    ];
    if (precision <= 9) return { kind: 'decimal32', physical: 'INT32', element: element('INT32', annotations), typeLength: 0, scale, precision };
    if (precision <= 18) return { kind: 'decimal64', physical: 'INT64', element: element('INT64', annotations), typeLength: 0, scale, precision };
    const typeLength = minBytesForPrecision(precision);
    return {
      kind: 'decimalFixed',
      physical: 'FIXED_LEN_BYTE_ARRAY',
      element: [[1, i32(PhysicalType.FIXED_LEN_BYTE_ARRAY)], [2, i32(typeLength)], ...annotations],
      typeLength,
      scale,
      precision,
    };
  }
  throw NodeErrors.PARQUET_TYPE_NOT_SUPPORTED({ parquetType: simpleString(t), column: '?' });
}

function entriesOf(value: unknown): readonly unknown[] {
  if (value instanceof Map) return [...value.entries()];
  if (typeof value === 'object' && value !== null) return Object.entries(value);
  return [];
}

export function buildNode(name: string, t: DataType, nullable: boolean, path: readonly string[], column: string): WriteNode {
  const repetition = nullable ? Repetition.OPTIONAL : Repetition.REQUIRED;
  const here = [...path, name];
  if (isStructType(t)) {
    const fields = t.fields;
    return {
      name, repetition, dataType: t, element: [], leaf: null, items: null, repLevel: 0,
      children: fields.map((f) => buildNode(f.name, f.type, f.nullable, here, column)),
      child: (v, i) => (v as Row)[(fields[i] as StructField).name],
    };
  }
  if (isArrayType(t)) {
    // Spark (non-legacy): <rep> group name (LIST) { repeated group list { <rep> element } }
    const elementNode = buildNode('element', t.elementType, t.containsNull, [...here, 'list'], column);
    const listNode: WriteNode = {
      name: 'list', repetition: Repetition.REPEATED, dataType: null, element: [], leaf: null, repLevel: 0,
      children: [elementNode], child: identity,
      items: (v) => (Array.isArray(v) ? v : []),
    };
    return {
      name, repetition, dataType: t, leaf: null, items: null, repLevel: 0,
      element: [[6, i32(ConvertedType.LIST)], [10, empty(LogicalTypeId.LIST)]],
      children: [listNode], child: identity,
    };
  }
  if (isMapType(t)) {
    const keyNode = buildNode('key', t.keyType, false, [...here, 'key_value'], column);
    const valueNode = buildNode('value', t.valueType, t.valueContainsNull, [...here, 'key_value'], column);
    const kv: WriteNode = {
      name: 'key_value', repetition: Repetition.REPEATED, dataType: null, element: [], leaf: null, repLevel: 0,
      children: [keyNode, valueNode], child: (entry, i) => (entry as unknown[])[i],
      items: entriesOf,
    };
    return {
      name, repetition, dataType: t, leaf: null, items: null, repLevel: 0,
      element: [[6, i32(ConvertedType.MAP)], [10, empty(LogicalTypeId.MAP)]],
      children: [kv], child: identity,
    };
  }
  let layout;
  try {
    layout = primitiveLayout(t);
  } catch {
    throw NodeErrors.PARQUET_TYPE_NOT_SUPPORTED({ parquetType: simpleString(t), column });
  }
  const leaf: LeafSpec = {
    index: -1, path: here, kind: layout.kind, physical: layout.physical, typeLength: layout.typeLength,
    scale: layout.scale, precision: layout.precision, column, dataType: t,
    maxDef: 0, maxRep: 0, convert: identity,
  };
  leaf.convert = converterFor(leaf);
  return { name, repetition, dataType: t, element: layout.element, children: [], child: identity, items: null, leaf, repLevel: 0 };
}

/** Fills def/rep maxima and each repeated node's repetition level. */
export function assignLevels(node: WriteNode, def: number, rep: number): void {
  const d = def + (node.repetition === Repetition.REQUIRED ? 0 : 1);
  const r = rep + (node.repetition === Repetition.REPEATED ? 1 : 0);
  node.repLevel = r;
  if (node.leaf !== null) {
    node.leaf.maxDef = d;
    node.leaf.maxRep = r;
  }
  for (const c of node.children) assignLevels(c, d, r);
}

export function leavesOf(node: WriteNode, out: LeafSpec[] = []): LeafSpec[] {
  if (node.leaf !== null) out.push(node.leaf);
  for (const c of node.children) leavesOf(c, out);
  return out;
}

export function invalid(leaf: LeafSpec, value: unknown, reason: string): Error {
  const shown = typeof value === 'string' ? JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value) : String(value);
  return NodeErrors.PARQUET_VALUE_INVALID({ value: shown, column: leaf.path.join('.'), dataType: simpleString(leaf.dataType), reason });
}

/**
 * Builds the check-and-convert function for one leaf: validates a weir value and returns the
 * form PLAIN encoding takes. Built once per leaf so the per-value path allocates nothing.
 */
function converterFor(leaf: LeafSpec): (v: unknown) => unknown {
  switch (leaf.kind) {
    case 'boolean':
      return (v) => {
        if (typeof v !== 'boolean') throw invalid(leaf, v, 'expected a boolean');
        return v;
      };
    case 'int32': {
      const dt = leaf.dataType;
      const lo = dt === 'byte' ? -128 : dt === 'short' ? -32768 : -2147483648;
      const hi = dt === 'byte' ? 127 : dt === 'short' ? 32767 : 2147483647;
      return (v) => {
        if (typeof v !== 'number' || !Number.isInteger(v)) throw invalid(leaf, v, 'expected an integer number');
        if (v < lo || v > hi) throw invalid(leaf, v, `out of range [${lo}, ${hi}]`);
        return v;
      };
    }
    case 'int64':
      return (v) => {
        if (typeof v === 'number') {
          if (!Number.isSafeInteger(v)) throw invalid(leaf, v, 'expected a safe integer number (or a bigint)');
          return v;
        }
        if (typeof v === 'bigint') {
          if (BigInt.asIntN(64, v) !== v) throw invalid(leaf, v, 'out of the 64-bit range');
          return v;
        }
        throw invalid(leaf, v, 'expected an integer number');
      };
    case 'float':
    case 'double':
      return (v) => {
        if (typeof v !== 'number') throw invalid(leaf, v, 'expected a number');
        return v;
      };
    case 'string':
      return (v) => {
        if (typeof v !== 'string') throw invalid(leaf, v, 'expected a string');
        return v;
      };
    case 'binary':
      return (v) => {
        if (!(v instanceof Uint8Array)) throw invalid(leaf, v, 'expected a Uint8Array');
        return v;
      };
    case 'decimal32':
    case 'decimal64':
    case 'decimalFixed': {
      const limit = 10n ** BigInt(leaf.precision);
      const factor = 10n ** BigInt(leaf.scale);
      return (v) => {
        const u =
          typeof v === 'string' ? unscaledDecimal(v, leaf.scale)
          : typeof v === 'bigint' ? v * factor
          : typeof v === 'number' && Number.isFinite(v) ? unscaledDecimal(String(v), leaf.scale)
          : null;
        if (u === null) throw invalid(leaf, v, `expected an exact decimal string with at most ${leaf.scale} fractional digits`);
        if (u >= limit || u <= -limit) throw invalid(leaf, v, `exceeds precision ${leaf.precision}`);
        return u;
      };
    }
  }
}


export function schemaElements(nodes: readonly WriteNode[]): ThriftValue[] {
  const out: ThriftValue[] = [struct([[4, str('spark_schema')], [5, i32(nodes.length)]])];
  const visit = (n: WriteNode): void => {
    const fields = new Map<number, ThriftValue>();
    for (const [id, v] of n.element) if (v !== undefined) fields.set(id, v);
    fields.set(3, i32(n.repetition));
    fields.set(4, str(n.name));
    if (n.leaf === null) fields.set(5, i32(n.children.length));
    out.push(struct([...fields.entries()].sort((a, b) => a[0] - b[0])));
    for (const c of n.children) visit(c);
  };
  for (const n of nodes) visit(n);
  return out;
}

