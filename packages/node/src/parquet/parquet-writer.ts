import {
  StructType,
  decimalParams,
  isArrayType,
  isDecimalType,
  isMapType,
  isStructType,
  simpleString,
  type DataType,
  type Row,
  type RowBatch,
  type StructField,
} from '@weir/core';
import { compareByteOrder } from '../byte-order.js';
import { NodeErrors } from '../errors.js';
import { bigIntToBytes, unscaledDecimal } from './decimal.js';
import { codecOf, compress, type CompressionName } from './parquet-compression.js';
import {
  ConvertedType,
  Encoding,
  LogicalTypeId,
  MAGIC,
  PageType,
  PhysicalType,
  Repetition,
  SPARK_SCHEMA_KEY,
  bitWidth,
  minBytesForPrecision,
  type PhysicalTypeName,
} from './parquet-format.js';
import { RleHybridEncoder } from './rle-hybrid.js';
import { bool, encodeThriftStruct, i32, i64, i8, list, str, struct, type ThriftStruct, type ThriftValue } from './thrift-compact.js';

export interface ParquetWriterConfig {
  readonly compression: CompressionName;
  readonly rowGroupSize: number;
  /** Level entries per data page. */
  readonly pageSize: number;
}

/** How a leaf's weir values are checked and stored before PLAIN encoding. */
type LeafKind = 'boolean' | 'int32' | 'int64' | 'float' | 'double' | 'string' | 'binary' | 'decimal32' | 'decimal64' | 'decimalFixed';

interface WriteNode {
  readonly name: string;
  readonly repetition: number;
  readonly dataType: DataType | null; // null for Parquet-only groups (LIST's `list`, MAP's `key_value`)
  readonly element: ThriftStruct; // SchemaElement fields other than name/repetition/num_children
  readonly children: readonly WriteNode[];
  /** For groups: the value of child i given this node's (non-null) value. */
  readonly child: (value: unknown, i: number) => unknown;
  /** For REPEATED nodes: the items of the value handed to the node. */
  readonly items: ((value: unknown) => readonly unknown[]) | null;
  readonly leaf: Leaf | null;
  repLevel: number;
}

interface Leaf {
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
  convert: (v: unknown) => unknown;
  values: unknown[];
  defs: number[];
  reps: number[];
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

function buildNode(name: string, t: DataType, nullable: boolean, path: readonly string[], column: string): WriteNode {
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
  const leaf: Leaf = {
    path: here, kind: layout.kind, physical: layout.physical, typeLength: layout.typeLength,
    scale: layout.scale, precision: layout.precision, column, dataType: t,
    maxDef: 0, maxRep: 0, values: [], defs: [], reps: [], convert: identity,
  };
  leaf.convert = converterFor(leaf);
  return { name, repetition, dataType: t, element: layout.element, children: [], child: identity, items: null, leaf, repLevel: 0 };
}

/** Fills def/rep maxima and each repeated node's repetition level. */
function assignLevels(node: WriteNode, def: number, rep: number): void {
  const d = def + (node.repetition === Repetition.REQUIRED ? 0 : 1);
  const r = rep + (node.repetition === Repetition.REPEATED ? 1 : 0);
  node.repLevel = r;
  if (node.leaf !== null) {
    node.leaf.maxDef = d;
    node.leaf.maxRep = r;
  }
  for (const c of node.children) assignLevels(c, d, r);
}

function leavesOf(node: WriteNode, out: Leaf[] = []): Leaf[] {
  if (node.leaf !== null) out.push(node.leaf);
  for (const c of node.children) leavesOf(c, out);
  return out;
}

function invalid(leaf: Leaf, value: unknown, reason: string): Error {
  const shown = typeof value === 'string' ? JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value) : String(value);
  return NodeErrors.PARQUET_VALUE_INVALID({ value: shown, column: leaf.path.join('.'), dataType: simpleString(leaf.dataType), reason });
}

/**
 * Builds the check-and-convert function for one leaf: validates a weir value and returns the
 * form PLAIN encoding takes. Built once per leaf so the per-value path allocates nothing.
 */
function converterFor(leaf: Leaf): (v: unknown) => unknown {
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

function emitEmpty(node: WriteNode, rep: number, def: number): void {
  if (node.leaf !== null) {
    node.leaf.defs.push(def);
    node.leaf.reps.push(rep);
    return;
  }
  for (const c of node.children) emitEmpty(c, rep, def);
}

function shred(node: WriteNode, value: unknown, rep: number, def: number): void {
  if (node.repetition === Repetition.REPEATED) {
    const items = value === null || value === undefined ? [] : (node.items as (v: unknown) => readonly unknown[])(value);
    if (items.length === 0) {
      emitEmpty(node, rep, def);
      return;
    }
    for (let i = 0; i < items.length; i++) shredPresent(node, items[i], i === 0 ? rep : node.repLevel, def + 1);
    return;
  }
  if (value === null || value === undefined) {
    if (node.repetition === Repetition.REQUIRED) {
      const leaf = leavesOf(node)[0] as Leaf;
      throw NodeErrors.PARQUET_VALUE_INVALID({ value: 'null', column: node.name, dataType: node.dataType === null ? '?' : simpleString(node.dataType), reason: `the field is not nullable (leaf ${leaf.path.join('.')})` });
    }
    emitEmpty(node, rep, def);
    return;
  }
  shredPresent(node, value, rep, node.repetition === Repetition.OPTIONAL ? def + 1 : def);
}

function shredPresent(node: WriteNode, value: unknown, rep: number, def: number): void {
  const leaf = node.leaf;
  if (leaf !== null) {
    leaf.values.push(leaf.convert(value));
    leaf.defs.push(def);
    leaf.reps.push(rep);
    return;
  }
  const children = node.children;
  for (let i = 0; i < children.length; i++) shred(children[i] as WriteNode, node.child(value, i), rep, def);
}

type FlatShredder = (rows: readonly Row[], from: number, to: number, leaves: readonly Leaf[], fail: (i: number) => never) => void;
const shredderCache = new WeakMap<StructType, FlatShredder>();

/**
 * Generates one function that reads every top-level primitive column of a row with constant
 * property names (`row["station_id"]`), so V8 can use monomorphic inline caches instead of
 * keyed lookups: the writer's hottest loop. Names are emitted only through JSON.stringify.
 */
function flatShredder(schema: StructType, flat: readonly { field: StructField; slot: number }[]): FlatShredder {
  const cached = shredderCache.get(schema);
  if (cached !== undefined) return cached;
  const lines: string[] = [];
  for (const [k, { field, slot }] of flat.entries()) {
    const leaf = `L${k}`;
    lines.push(`const ${leaf} = leaves[${slot}], ${leaf}v = ${leaf}.values, ${leaf}d = ${leaf}.defs, ${leaf}c = ${leaf}.convert;`);
    void field;
  }
  const body: string[] = [];
  for (const [k, { field, slot }] of flat.entries()) {
    const leaf = `L${k}`;
    body.push(`v = row[${JSON.stringify(field.name)}];`);
    body.push(
      field.nullable
        ? `if (v === null || v === undefined) ${leaf}d.push(0); else { ${leaf}v.push(${leaf}c(v)); ${leaf}d.push(1); }`
        : `if (v === null || v === undefined) fail(${slot}); else { ${leaf}v.push(${leaf}c(v)); ${leaf}d.push(0); }`,
    );
  }
  const source = `${lines.join('\n')}\nfor (let r = from; r < to; r++) { const row = rows[r]; let v;\n${body.join('\n')}\n}`;
  const fn = new Function('rows', 'from', 'to', 'leaves', 'fail', source) as FlatShredder;
  shredderCache.set(schema, fn);
  return fn;
}

// ---- PLAIN encoding -------------------------------------------------------------------------

function plainEncode(leaf: Leaf, values: readonly unknown[], from: number, to: number): Uint8Array {
  const n = to - from;
  switch (leaf.physical) {
    case 'BOOLEAN': {
      const out = new Uint8Array((n + 7) >> 3);
      for (let i = 0; i < n; i++) if (values[from + i] === true) out[i >> 3] = (out[i >> 3] as number) | (1 << (i & 7));
      return out;
    }
    case 'INT32': {
      const out = Buffer.allocUnsafe(4 * n);
      if (leaf.kind === 'decimal32') for (let i = 0; i < n; i++) out.writeInt32LE(Number(values[from + i] as bigint), 4 * i);
      else for (let i = 0; i < n; i++) out.writeInt32LE(values[from + i] as number, 4 * i);
      return out;
    }
    case 'INT64': {
      const out = Buffer.allocUnsafe(8 * n);
      for (let i = 0; i < n; i++) {
        const v = values[from + i];
        if (typeof v === 'number') {
          // Split a safe integer into 32-bit halves without BigInt (the hot path for µs timestamps).
          const hi = Math.floor(v / 4294967296);
          out.writeUInt32LE(v - hi * 4294967296, 8 * i);
          out.writeInt32LE(hi, 8 * i + 4);
        } else out.writeBigInt64LE(v as bigint, 8 * i);
      }
      return out;
    }
    case 'FLOAT': {
      const out = Buffer.allocUnsafe(4 * n);
      for (let i = 0; i < n; i++) out.writeFloatLE(values[from + i] as number, 4 * i);
      return out;
    }
    case 'DOUBLE': {
      const out = Buffer.allocUnsafe(8 * n);
      for (let i = 0; i < n; i++) out.writeDoubleLE(values[from + i] as number, 8 * i);
      return out;
    }
    case 'BYTE_ARRAY': {
      if (leaf.kind === 'string') {
        let cap = 0;
        for (let i = from; i < to; i++) cap += 4 + 3 * (values[i] as string).length;
        const out = Buffer.allocUnsafe(cap);
        let off = 0;
        for (let i = from; i < to; i++) {
          const written = out.write(values[i] as string, off + 4, 'utf8');
          out.writeUInt32LE(written, off);
          off += 4 + written;
        }
        return out.subarray(0, off);
      }
      let size = 0;
      for (let i = from; i < to; i++) size += 4 + (values[i] as Uint8Array).length;
      const out = Buffer.allocUnsafe(size);
      let off = 0;
      for (let i = from; i < to; i++) {
        const b = values[i] as Uint8Array;
        out.writeUInt32LE(b.length, off);
        out.set(b, off + 4);
        off += 4 + b.length;
      }
      return out;
    }
    case 'FIXED_LEN_BYTE_ARRAY': {
      const out = Buffer.allocUnsafe(leaf.typeLength * n);
      for (let i = 0; i < n; i++) out.set(bigIntToBytes(values[from + i] as bigint, leaf.typeLength), leaf.typeLength * i);
      return out;
    }
    case 'INT96':
      throw NodeErrors.PARQUET_TYPE_NOT_SUPPORTED({ parquetType: 'INT96 (writing)', column: leaf.column });
  }
}

// ---- pages and chunks -----------------------------------------------------------------------

/** Target size of a data page holding strings or binaries (parquet-mr's default page size). */
const PAGE_BYTES = 1 << 20;

interface Dictionary {
  readonly entries: readonly string[];
  readonly indices: Int32Array;
}

/** Dictionary-encode string columns whose distinct values are few (Spark/parquet-mr do the same). */
function tryDictionary(leaf: Leaf): Dictionary | null {
  if (leaf.kind !== 'string' || leaf.values.length < 2) return null;
  const max = Math.min(1 << 16, Math.max(1, leaf.values.length >> 1));
  const index = new Map<string, number>();
  const entries: string[] = [];
  const indices = new Int32Array(leaf.values.length);
  for (let i = 0; i < leaf.values.length; i++) {
    const s = leaf.values[i] as string;
    let k = index.get(s);
    if (k === undefined) {
      if (entries.length >= max) return null;
      k = entries.length;
      index.set(s, k);
      entries.push(s);
    }
    indices[i] = k;
  }
  return { entries, indices };
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

function withLengthPrefix(b: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + b.length);
  new DataView(out.buffer).setUint32(0, b.length, true);
  out.set(b, 4);
  return out;
}

interface EncodedChunk {
  readonly bytes: Uint8Array[];
  readonly size: number;
  readonly uncompressedSize: number;
  readonly dictionaryPageOffset: number | null; // relative to the chunk start
  readonly dataPageOffset: number;
  readonly encodings: readonly number[];
  readonly numValues: number;
  readonly nullCount: number;
}

async function encodeChunk(leaf: Leaf, config: ParquetWriterConfig): Promise<EncodedChunk> {
  const parts: Uint8Array[] = [];
  let size = 0;
  let uncompressedSize = 0;
  const addPage = async (header: (compressed: number, uncompressed: number) => ThriftStruct, body: Uint8Array): Promise<void> => {
    const compressed = await compress(config.compression, body);
    const h = encodeThriftStruct(header(compressed.length, body.length));
    parts.push(h, compressed);
    size += h.length + compressed.length;
    uncompressedSize += h.length + body.length;
  };

  const dict = tryDictionary(leaf);
  let dictionaryPageOffset: number | null = null;
  if (dict !== null) {
    dictionaryPageOffset = 0;
    const dictLeaf = { ...leaf, values: dict.entries as unknown[] };
    const body = plainEncode(dictLeaf, dict.entries, 0, dict.entries.length);
    await addPage(
      (c, u) => [
        [1, i32(PageType.DICTIONARY_PAGE)], [2, i32(u)], [3, i32(c)],
        [7, struct([[1, i32(dict.entries.length)], [2, i32(Encoding.PLAIN)], [3, bool(false)]])],
      ],
      body,
    );
  }
  const dataPageOffset = size;
  const levels = leaf.defs.length;
  const defWidth = bitWidth(leaf.maxDef);
  const repWidth = bitWidth(leaf.maxRep);
  const indexWidth = dict === null ? 0 : Math.max(1, bitWidth(dict.entries.length - 1));
  let valueCursor = 0;
  let nullCount = 0;
  for (let start = 0; start < levels; ) {
    // Pages end on record boundaries (repetition level 0) so readers can split pages by rows.
    let end = Math.min(levels, start + config.pageSize);
    if (dict === null && (leaf.kind === 'string' || leaf.kind === 'binary')) {
      // Variable-width values: also cut the page near PAGE_BYTES so long strings do not make huge pages.
      let bytes = 0;
      let vi = valueCursor;
      for (let i = start; i < end; i++) {
        if (leaf.defs[i] !== leaf.maxDef) continue;
        const v = leaf.values[vi++];
        bytes += 4 + (typeof v === 'string' ? v.length : (v as Uint8Array).length);
        if (bytes >= PAGE_BYTES) {
          end = i + 1;
          break;
        }
      }
    }
    if (leaf.maxRep > 0) while (end < levels && leaf.reps[end] !== 0) end++;
    let present = 0;
    if (leaf.maxDef === 0) present = end - start;
    else for (let i = start; i < end; i++) if (leaf.defs[i] === leaf.maxDef) present++;
    nullCount += end - start - present;
    const pieces: Uint8Array[] = [];
    if (leaf.maxRep > 0) pieces.push(withLengthPrefix(new RleHybridEncoder(end - start).encode(leaf.reps, start, end, repWidth).bytes()));
    if (leaf.maxDef > 0) pieces.push(withLengthPrefix(new RleHybridEncoder(end - start).encode(leaf.defs, start, end, defWidth).bytes()));
    if (dict !== null) {
      pieces.push(new Uint8Array([indexWidth]));
      pieces.push(new RleHybridEncoder(present).encode(dict.indices, valueCursor, valueCursor + present, indexWidth).bytes());
    } else {
      pieces.push(plainEncode(leaf, leaf.values, valueCursor, valueCursor + present));
    }
    valueCursor += present;
    const numValues = end - start;
    await addPage(
      (c, u) => [
        [1, i32(PageType.DATA_PAGE)], [2, i32(u)], [3, i32(c)],
        [5, struct([[1, i32(numValues)], [2, i32(dict !== null ? Encoding.RLE_DICTIONARY : Encoding.PLAIN)], [3, i32(Encoding.RLE)], [4, i32(Encoding.RLE)]])],
      ],
      concat(pieces),
    );
    start = end;
  }
  return {
    bytes: parts, size, uncompressedSize, dictionaryPageOffset, dataPageOffset,
    encodings: dict !== null ? [Encoding.PLAIN, Encoding.RLE, Encoding.RLE_DICTIONARY] : [Encoding.PLAIN, Encoding.RLE],
    numValues: levels, nullCount,
  };
}

/**
 * Column-chunk statistics: `null_count`, and `min_value`/`max_value` (the parquet-format 2.x
 * fields with well-defined orders) for the types whose order is unambiguous: signed integers
 * (incl. dates, timestamps and INT32/INT64 decimals), floats (none when a NaN is present; zero as -0/+0),
 * booleans, and UTF-8 strings (byte order). Binary and FIXED_LEN_BYTE_ARRAY columns get no
 * min/max. Readers such as DuckDB and Spark skip row groups with them.
 */
function statistics(leaf: Leaf, nullCount: number): ThriftValue {
  const fields: Array<[number, ThriftValue]> = [[3, i64(nullCount)]];
  const values = leaf.values;
  if (values.length > 0 && leaf.physical !== 'FIXED_LEN_BYTE_ARRAY' && leaf.kind !== 'binary') {
    let min: unknown = undefined;
    let max: unknown = undefined;
    if (leaf.kind === 'string') {
      for (const v of values) {
        if (min === undefined || compareByteOrder(v as string, min as string) < 0) min = v;
        if (max === undefined || compareByteOrder(v as string, max as string) > 0) max = v;
      }
    } else if (leaf.kind === 'boolean') {
      min = values.includes(false) ? false : true;
      max = values.includes(true) ? true : false;
    } else {
      for (const v of values) {
        // A NaN makes min/max unsafe: readers order NaN above every number (Spark, DuckDB) and
        // could skip a group whose max ignores it. Such chunks get null_count only.
        if (typeof v === 'number' && Number.isNaN(v)) {
          min = max = undefined;
          break;
        }
        // number and bigint compare correctly with < and > in JavaScript.
        if (min === undefined || (v as number) < (min as number)) min = v;
        if (max === undefined || (v as number) > (max as number)) max = v;
      }
      if (leaf.kind === 'float' || leaf.kind === 'double') {
        if (min === 0) min = -0; // parquet-format: a zero minimum is written as -0.0, a zero maximum as +0.0
        if (max === 0) max = 0;
      }
    }
    if (min !== undefined && max !== undefined) {
      const encode = (v: unknown): Uint8Array =>
        leaf.kind === 'string' ? new TextEncoder().encode(v as string) : plainEncode(leaf, [v], 0, 1);
      fields.push([5, { t: 'binary', v: encode(max) }], [6, { t: 'binary', v: encode(min) }]);
    }
  }
  return struct(fields);
}

function schemaElements(nodes: readonly WriteNode[]): ThriftValue[] {
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

/** Encodes a batch as one Parquet file (Spark's physical types; see NodeParquetHandler). */
export async function writeParquet(batch: RowBatch, config: ParquetWriterConfig): Promise<Uint8Array> {
  const schema = batch.schema;
  const build = (): WriteNode[] =>
    schema.fields.map((f) => {
      const n = buildNode(f.name, f.type, f.nullable, [], f.name);
      assignLevels(n, 0, 0);
      return n;
    });
  const elementNodes = build();
  const out: Uint8Array[] = [MAGIC];
  let offset = MAGIC.length;
  const rowGroups: ThriftValue[] = [];
  const rows = batch.rows;
  const groupSize = Math.max(1, config.rowGroupSize);
  // An empty batch gets no row group at all (a zero-row group trips some readers).
  for (let from = 0; from < rows.length; from += groupSize) {
    const to = Math.min(rows.length, from + groupSize);
    const nodes = build();
    const flat: Array<{ field: StructField; slot: number }> = [];
    const slots: Leaf[] = [];
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i] as WriteNode;
      const f = schema.fields[i] as StructField;
      if (node.leaf !== null) {
        flat.push({ field: f, slot: slots.length });
        slots.push(node.leaf);
      } else for (let r = from; r < to; r++) shred(node, (rows[r] as Row)[f.name], 0, 0);
    }
    if (flat.length > 0) {
      flatShredder(schema, flat)(rows, from, to, slots, (slot) => {
        const leaf = slots[slot] as Leaf;
        throw NodeErrors.PARQUET_VALUE_INVALID({ value: 'null', column: leaf.column, dataType: simpleString(leaf.dataType), reason: 'the field is not nullable' });
      });
    }
    const columns: ThriftValue[] = [];
    let groupBytes = 0;
    const groupStart = offset;
    for (const leaf of nodes.flatMap((n) => leavesOf(n))) {
      const chunk = await encodeChunk(leaf, config);
      const chunkStart = offset;
      out.push(...chunk.bytes);
      offset += chunk.size;
      groupBytes += chunk.uncompressedSize;
      const meta = struct([
        [1, i32(PhysicalType[leaf.physical])],
        [2, list('i32', chunk.encodings.map(i32))],
        [3, list('string', leaf.path.map(str))],
        [4, i32(codecOf(config.compression))],
        [5, i64(chunk.numValues)],
        [6, i64(chunk.uncompressedSize)],
        [7, i64(chunk.size)],
        [9, i64(chunkStart + chunk.dataPageOffset)],
        [11, chunk.dictionaryPageOffset === null ? undefined : i64(chunkStart + chunk.dictionaryPageOffset)],
        [12, statistics(leaf, chunk.nullCount)],
      ]);
      columns.push(struct([[2, i64(chunkStart)], [3, meta]]));
    }
    rowGroups.push(struct([[1, list('struct', columns)], [2, i64(groupBytes)], [3, i64(to - from)], [5, i64(groupStart)], [6, i64(offset - groupStart)]]));
  }
  const footer = encodeThriftStruct([
    [1, i32(1)],
    [2, list('struct', schemaElements(elementNodes))],
    [3, i64(rows.length)],
    [4, list('struct', rowGroups)],
    [5, list('struct', [struct([[1, str(SPARK_SCHEMA_KEY)], [2, str(StructType.toJSON(schema))]])])],
    [6, str('weir version 0.1.0 (@weir/node)')],
  ]);
  const tail = new Uint8Array(8);
  new DataView(tail.buffer).setUint32(0, footer.length, true);
  tail.set(MAGIC, 4);
  out.push(footer, tail);
  return concat(out);
}
