import { ParquetEnvelopeReader, ParquetSchema, ParquetShredder } from '@dsnp/parquetjs';
import {
  StructType,
  WeirError,
  arrayOf,
  field,
  mapOf,
  struct,
  type DataType,
  type ParquetFileMetadata,
  type Row,
  type RowBatch,
  type StructField,
  setRowField,
} from '@weir/core';
import { NodeErrors } from '../errors.js';
import { bytesToBigInt, formatDecimal } from './decimal.js';
import { NeedsGeneralPath, readFlatColumn, valueKind, type FlatLeaf } from './flat-column-reader.js';
import { Codec, ConvertedType, PHYSICAL_TYPE_NAMES, PhysicalType, Repetition, SPARK_SCHEMA_KEY } from './parquet-format.js';

// ---- the file's schema tree -----------------------------------------------------------------

/** One SchemaElement of the footer, as a tree. */
interface ReadNode {
  readonly name: string;
  readonly path: readonly string[];
  /**
   * The node's name on parquetjs's side (`f<sibling index>`) and the path of such keys: parquetjs
   * builds its records and field lists with plain assignment, so a column named `__proto__` would
   * set a prototype there instead of a field. Only weir's own code sees the real names.
   */
  readonly key: string;
  readonly keyPath: readonly string[];
  readonly repetition: number;
  readonly physical: number | null; // null for groups
  readonly typeLength: number;
  readonly converted: number | null;
  readonly logical: ThriftLogicalType | null;
  readonly scale: number;
  readonly precision: number;
  readonly children: readonly ReadNode[];
}

/** The parts of parquetjs's decoded `LogicalType` union weir looks at. */
interface ThriftLogicalType {
  STRING?: unknown;
  MAP?: unknown;
  LIST?: unknown;
  ENUM?: unknown;
  JSON?: unknown;
  DECIMAL?: { scale: number; precision: number } | null;
  DATE?: unknown;
  TIME?: unknown;
  TIMESTAMP?: { isAdjustedToUTC: boolean; unit: { MILLIS?: unknown; MICROS?: unknown; NANOS?: unknown } } | null;
  INTEGER?: { bitWidth: number; isSigned: boolean } | null;
}

interface ThriftSchemaElement {
  type?: number | null;
  type_length?: number | null;
  repetition_type?: number | null;
  name: string;
  num_children?: number | null;
  converted_type?: number | null;
  scale?: number | null;
  precision?: number | null;
  logicalType?: ThriftLogicalType | null;
}

interface ThriftColumnChunk {
  file_path?: string | null;
  meta_data: { type: number; codec: number; path_in_schema: string[]; num_values: unknown; [k: string]: unknown };
}

interface ThriftFileMetaData {
  version: number;
  schema: ThriftSchemaElement[];
  num_rows: unknown;
  row_groups: Array<{ columns: ThriftColumnChunk[]; num_rows: unknown }>;
  key_value_metadata?: Array<{ key: string; value?: string | null }> | null;
}

const has = (u: unknown): boolean => u !== null && u !== undefined;

function buildTree(elements: readonly ThriftSchemaElement[]): ReadNode[] {
  let i = 1;
  const take = (parentPath: readonly string[], parentKeyPath: readonly string[], key: string): ReadNode => {
    const e = elements[i++];
    if (e === undefined) throw new Error('schema element list ends early');
    const path = [...parentPath, e.name];
    const keyPath = [...parentKeyPath, key];
    const n = e.num_children ?? 0;
    const children: ReadNode[] = [];
    for (let k = 0; k < n; k++) children.push(take(path, keyPath, `f${k}`));
    const isGroup = n > 0 || !has(e.type);
    return {
      name: e.name,
      path,
      key,
      keyPath,
      repetition: e.repetition_type ?? Repetition.REQUIRED,
      physical: isGroup ? null : (e.type as number),
      typeLength: e.type_length ?? 0,
      converted: e.converted_type ?? null,
      logical: e.logicalType ?? null,
      scale: e.scale ?? (e.logicalType?.DECIMAL?.scale ?? 0),
      precision: e.precision ?? (e.logicalType?.DECIMAL?.precision ?? 0),
      children,
    };
  };
  const root = elements[0];
  if (root === undefined) throw new Error('empty schema');
  const out: ReadNode[] = [];
  for (let k = 0; k < (root.num_children ?? 0); k++) out.push(take([], [], `f${k}`));
  if (i !== elements.length) throw new Error('schema element count does not match the tree');
  return out;
}

function notSupported(node: ReadNode, what: string): Error {
  return NodeErrors.PARQUET_TYPE_NOT_SUPPORTED({ parquetType: what, column: node.path.join('.') });
}

function isList(n: ReadNode): boolean {
  return n.converted === ConvertedType.LIST || has(n.logical?.LIST);
}
function isMap(n: ReadNode): boolean {
  return n.converted === ConvertedType.MAP || n.converted === ConvertedType.MAP_KEY_VALUE || has(n.logical?.MAP);
}
function isString(n: ReadNode): boolean {
  const c = n.converted;
  return c === ConvertedType.UTF8 || c === ConvertedType.ENUM || c === ConvertedType.JSON || has(n.logical?.STRING) || has(n.logical?.ENUM) || has(n.logical?.JSON);
}
function isDecimal(n: ReadNode): boolean {
  return n.converted === ConvertedType.DECIMAL || has(n.logical?.DECIMAL);
}

/** Spark's reading of a primitive Parquet type (ParquetToSparkSchemaConverter). */
function primitiveType(n: ReadNode): DataType {
  const c = n.converted;
  const ts = n.logical?.TIMESTAMP;
  if (isDecimal(n)) return `decimal(${n.precision},${n.scale})`;
  switch (n.physical) {
    case PhysicalType.BOOLEAN:
      return 'boolean';
    case PhysicalType.FLOAT:
      return 'float';
    case PhysicalType.DOUBLE:
      return 'double';
    case PhysicalType.INT96:
      return 'timestamp';
    case PhysicalType.INT32: {
      const int = n.logical?.INTEGER;
      if (c === ConvertedType.DATE || has(n.logical?.DATE)) return 'date';
      if (c === ConvertedType.INT_8 || (int && int.isSigned && int.bitWidth === 8)) return 'byte';
      if (c === ConvertedType.INT_16 || (int && int.isSigned && int.bitWidth === 16)) return 'short';
      if (c === ConvertedType.UINT_8 || (int && !int.isSigned && int.bitWidth === 8)) return 'short';
      if (c === ConvertedType.UINT_16 || (int && !int.isSigned && int.bitWidth === 16)) return 'integer';
      if (c === ConvertedType.UINT_32 || (int && !int.isSigned && int.bitWidth === 32)) return 'long';
      if (c === null || c === ConvertedType.INT_32 || int) return 'integer';
      throw notSupported(n, `INT32 (converted type ${c})`);
    }
    case PhysicalType.INT64: {
      if (ts) return ts.isAdjustedToUTC ? 'timestamp' : 'timestamp_ntz';
      if (c === ConvertedType.TIMESTAMP_MICROS || c === ConvertedType.TIMESTAMP_MILLIS) return 'timestamp';
      const int = n.logical?.INTEGER;
      if (c === ConvertedType.UINT_64 || (int && !int.isSigned)) throw notSupported(n, 'INT64 (UINT_64)');
      if (c === null || c === ConvertedType.INT_64 || int) return 'long';
      throw notSupported(n, `INT64 (converted type ${c})`);
    }
    case PhysicalType.BYTE_ARRAY:
      return isString(n) ? 'string' : 'binary';
    case PhysicalType.FIXED_LEN_BYTE_ARRAY:
      if (c === ConvertedType.INTERVAL) throw notSupported(n, 'INTERVAL');
      return 'binary';
    default:
      throw notSupported(n, `physical type ${n.physical}`);
  }
}

/** The Spark type of a (non-repeated view of a) node. */
function sparkType(n: ReadNode): DataType {
  if (n.physical !== null) return primitiveType(n);
  if (isList(n) && n.children.length === 1) {
    const rep = n.children[0] as ReadNode;
    const shape = listShape(n, rep);
    if (shape === 'primitive') return arrayOf(primitiveType(rep), false);
    if (shape === 'struct') return arrayOf(structOf(rep.children), false);
    const el = rep.children[0] as ReadNode;
    return arrayOf(fieldType(el), el.repetition !== Repetition.REQUIRED);
  }
  if (isMap(n) && n.children.length === 1) {
    const kv = n.children[0] as ReadNode;
    const key = kv.children[0];
    const value = kv.children[1];
    if (key === undefined) throw notSupported(n, 'MAP without a key');
    return mapOf(fieldType(key), value === undefined ? 'string' : fieldType(value), value === undefined || value.repetition !== Repetition.REQUIRED);
  }
  return structOf(n.children);
}

/** Spark's backward-compatibility rules for LIST (parquet-format LogicalTypes.md). */
function listShape(list: ReadNode, rep: ReadNode): 'primitive' | 'struct' | 'three-level' {
  if (rep.physical !== null) return 'primitive';
  if (rep.children.length > 1 || rep.name === 'array' || rep.name === `${list.name}_tuple`) return 'struct';
  return 'three-level';
}

/** A field's type: a REPEATED field outside LIST/MAP is an array of required elements. */
function fieldType(n: ReadNode): DataType {
  return n.repetition === Repetition.REPEATED ? arrayOf(sparkType(n), false) : sparkType(n);
}

function structOf(children: readonly ReadNode[]): StructType {
  return struct(children.map((c) => field(c.name, fieldType(c), c.repetition === Repetition.OPTIONAL)));
}

// ---- values ---------------------------------------------------------------------------------

type Convert = (raw: unknown) => unknown;

const utf8 = new TextDecoder();
const JULIAN_EPOCH_DAY = 2440588;
const MICROS_PER_DAY = 86_400_000_000;

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return (a % b !== 0n && (a < 0n) !== (b < 0n)) ? q - 1n : q;
}

/** Raw parquetjs value (physical form) → weir's in-memory form. */
function converterFor(n: ReadNode): Convert {
  const c = n.converted;
  if (isDecimal(n)) {
    const scale = n.scale;
    switch (n.physical) {
      case PhysicalType.INT32:
        return (v) => formatDecimal(BigInt(v as number), scale);
      case PhysicalType.INT64:
        return (v) => formatDecimal(v as bigint, scale);
      default:
        return (v) => formatDecimal(bytesToBigInt(v as Uint8Array), scale);
    }
  }
  switch (n.physical) {
    case PhysicalType.INT32:
      if (c === ConvertedType.UINT_32 || (n.logical?.INTEGER && !n.logical.INTEGER.isSigned && n.logical.INTEGER.bitWidth === 32)) return (v) => (v as number) >>> 0;
      return (v) => v;
    case PhysicalType.INT64: {
      const ts = n.logical?.TIMESTAMP;
      if (ts?.unit?.MILLIS != null || (!ts && c === ConvertedType.TIMESTAMP_MILLIS)) return (v) => Number(v as bigint) * 1000;
      if (ts?.unit?.NANOS != null) return (v) => Number(floorDiv(v as bigint, 1000n));
      return (v) => Number(v as bigint);
    }
    case PhysicalType.INT96:
      // 8 bytes nanoseconds of the day (LE) + 4 bytes Julian day (LE): Spark/Impala's legacy timestamps.
      return (v) => {
        const b = v as Buffer;
        const nanos = b.readBigInt64LE(0);
        const day = b.readUInt32LE(8);
        return (day - JULIAN_EPOCH_DAY) * MICROS_PER_DAY + Number(floorDiv(nanos, 1000n));
      };
    case PhysicalType.BYTE_ARRAY:
      if (isString(n)) return (v) => utf8.decode(v as Uint8Array);
      return (v) => new Uint8Array(v as Uint8Array);
    case PhysicalType.FIXED_LEN_BYTE_ARRAY:
      return (v) => new Uint8Array(v as Uint8Array);
    case PhysicalType.BOOLEAN:
      return (v) => v === true;
    default:
      return (v) => v;
  }
}

/** Parquet-shaped record value (from parquetjs's materializer) → weir's value for node `n`. */
function assemble(n: ReadNode, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (n.physical !== null) return v; // leaf values arrive already converted
  if (isList(n) && n.children.length === 1) {
    const rep = n.children[0] as ReadNode;
    const items = (v as Record<string, unknown>)[rep.key];
    if (!Array.isArray(items)) return [];
    const shape = listShape(n, rep);
    if (shape === 'primitive') return items.map((x) => assemble(rep, x));
    if (shape === 'struct') return items.map((x) => assembleStruct(rep.children, x));
    const el = rep.children[0] as ReadNode;
    return items.map((x) => assembleField(el, x === null || x === undefined ? null : (x as Record<string, unknown>)[el.key]));
  }
  if (isMap(n) && n.children.length === 1) {
    const kv = n.children[0] as ReadNode;
    const entries = (v as Record<string, unknown>)[kv.key];
    const out = new Map<unknown, unknown>();
    if (!Array.isArray(entries)) return out;
    const [key, value] = kv.children as [ReadNode, ReadNode | undefined];
    for (const e of entries) {
      const rec = e as Record<string, unknown>;
      out.set(assembleField(key, rec[key.key]), value === undefined ? null : assembleField(value, rec[value.key]));
    }
    return out;
  }
  return assembleStruct(n.children, v);
}

function assembleField(n: ReadNode, v: unknown): unknown {
  if (n.repetition === Repetition.REPEATED) return Array.isArray(v) ? v.map((x) => assemble(n, x)) : [];
  return assemble(n, v);
}

function assembleStruct(children: readonly ReadNode[], v: unknown): Row | null {
  if (v === null || v === undefined) return null;
  const rec = v as Record<string, unknown>;
  const out: Row = {};
  for (const c of children) setRowField(out, c.name, assembleField(c, rec[c.key]));
  return out;
}

// ---- parquetjs plumbing ---------------------------------------------------------------------

interface FieldDef {
  type?: string;
  typeLength?: number;
  optional?: boolean;
  repeated?: boolean;
  fields?: Record<string, FieldDef>;
}

/** A parquetjs schema with raw physical leaves, so parquetjs decodes pages but converts nothing. */
function rawSchema(nodes: readonly ReadNode[]): ParquetSchema {
  const def = (n: ReadNode): FieldDef => {
    const base: FieldDef = { optional: n.repetition === Repetition.OPTIONAL, repeated: n.repetition === Repetition.REPEATED };
    if (n.physical === null) return { ...base, fields: Object.fromEntries(n.children.map((c) => [c.key, def(c)])) };
    // INT96 is read as 12 raw bytes: parquetjs's INT96 decoding drops the day or the microseconds.
    if (n.physical === PhysicalType.INT96) return { ...base, type: 'FIXED_LEN_BYTE_ARRAY', typeLength: 12 };
    const name = PHYSICAL_TYPE_NAMES[n.physical];
    if (name === undefined) throw notSupported(n, `physical type ${n.physical}`);
    return n.physical === PhysicalType.FIXED_LEN_BYTE_ARRAY ? { ...base, type: name, typeLength: n.typeLength } : { ...base, type: name };
  };
  return new ParquetSchema(Object.fromEntries(nodes.map((n) => [n.key, def(n)])) as never);
}

interface ColumnData {
  rlevels: number[];
  dlevels: number[];
  values: unknown[];
  count: number;
}

const SUPPORTED_CODECS: ReadonlySet<number> = new Set([Codec.UNCOMPRESSED, Codec.SNAPPY, Codec.GZIP, Codec.BROTLI]);
const CODEC_NAMES = ['UNCOMPRESSED', 'SNAPPY', 'GZIP', 'LZO', 'BROTLI', 'LZ4', 'ZSTD', 'LZ4_RAW'];

/** Every leaf under `n` with the nodes from `n` down to it (for its level maxima). */
function leafPaths(n: ReadNode, above: readonly ReadNode[] = []): Array<[ReadNode, ReadNode[]]> {
  const path = [...above, n];
  if (n.physical !== null) return [[n, path]];
  return n.children.flatMap((c) => leafPaths(c, path));
}

function maxDefinitionLevel(path: readonly ReadNode[]): number {
  return path.reduce((d, n) => d + (n.repetition === Repetition.REQUIRED ? 0 : 1), 0);
}

function asBuffer(data: Uint8Array): Buffer {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

interface OpenFile {
  readonly envelope: InstanceType<typeof ParquetEnvelopeReader>;
  readonly metadata: ThriftFileMetaData;
  readonly nodes: readonly ReadNode[];
  readonly schema: StructType;
}

async function open(data: Uint8Array): Promise<OpenFile> {
  if (data.byteLength < 12) throw new Error('too short to be Parquet');
  const envelope = await ParquetEnvelopeReader.openBuffer(asBuffer(data));
  await envelope.readHeader();
  const metadata = (await envelope.readFooter()) as unknown as ThriftFileMetaData;
  if (!Array.isArray(metadata.schema) || !Array.isArray(metadata.row_groups)) throw new Error('footer lacks schema or row groups');
  const nodes = buildTree(metadata.schema);
  return { envelope, metadata, nodes, schema: fileSchema(nodes, metadata) };
}

/**
 * The file's schema in Spark terms. Spark's own schema JSON in the footer wins where it names
 * the same top-level columns (it keeps field metadata and `timestamp_ntz` exactly as written).
 */
function fileSchema(nodes: readonly ReadNode[], metadata: ThriftFileMetaData): StructType {
  const derived = (): StructType => struct(nodes.map((n) => field(n.name, fieldType(n), n.repetition !== Repetition.REQUIRED)));
  const spark = metadata.key_value_metadata?.find((kv) => kv.key === SPARK_SCHEMA_KEY)?.value;
  if (typeof spark === 'string') {
    try {
      const s = StructType.fromJSON(spark);
      if (s.fields.length === nodes.length && s.fields.every((f, i) => f.name === nodes[i]?.name)) return s;
    } catch {
      // Not a schema we understand: fall back to the Parquet types.
    }
  }
  return derived();
}

async function guard<T>(data: Uint8Array, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (WeirError.is(err)) throw err;
    const reason = err instanceof Error ? err.message : typeof err === 'string' ? err : String(err);
    // parquetjs's message for an encoding it lacks (e.g. DELTA_* inside a nested column it decodes).
    const encoding = /invalid encoding: (\w+)/.exec(reason)?.[1];
    if (encoding !== undefined) throw NodeErrors.PARQUET_ENCODING_NOT_SUPPORTED({ encoding, reason }, { cause: err });
    throw NodeErrors.PARQUET_CORRUPT({ size: data.byteLength, reason }, { cause: err });
  }
}

export async function readParquetMetadata(data: Uint8Array): Promise<ParquetFileMetadata> {
  return guard(data, async () => {
    const f = await open(data);
    return { schema: f.schema, numRows: Number(f.metadata.num_rows) };
  });
}

export async function readParquet(data: Uint8Array, columns?: readonly string[]): Promise<RowBatch> {
  return guard(data, async () => {
    const f = await open(data);
    const byName = new Map(f.nodes.map((n, i) => [n.name, i] as const));
    const selected = (columns ?? f.nodes.map((n) => n.name)).filter((c) => byName.has(c)).map((c) => byName.get(c) as number);
    const schema = struct(selected.map((i) => f.schema.fields[i] as StructField));
    const pqSchema = rawSchema(f.nodes);
    const fileBuffer = asBuffer(data);
    const rows: Row[] = [];
    for (const rg of f.metadata.row_groups) {
      const numRows = Number(rg.num_rows);
      const chunks = new Map<string, ThriftColumnChunk>();
      for (const cc of rg.columns) chunks.set(cc.meta_data.path_in_schema.join('\u0000'), cc);
      const read = async (leaf: ReadNode): Promise<ColumnData> => {
        const cc = chunks.get(leaf.path.join('\u0000'));
        if (cc === undefined) throw new Error(`row group lacks column ${leaf.path.join('.')}`);
        if (has(cc.file_path)) throw new Error('column chunks in external files are not supported');
        if (!SUPPORTED_CODECS.has(cc.meta_data.codec)) {
          throw NodeErrors.PARQUET_CODEC_NOT_SUPPORTED({ codec: CODEC_NAMES[cc.meta_data.codec] ?? String(cc.meta_data.codec), column: leaf.path.join('.') });
        }
        const type = cc.meta_data.type === PhysicalType.INT96 ? PhysicalType.FIXED_LEN_BYTE_ARRAY : cc.meta_data.type;
        const patched = { ...cc, meta_data: { ...cc.meta_data, type, path_in_schema: leaf.keyPath } };
        return (await f.envelope.readColumnChunk(pqSchema, patched as never, { rawStatistics: true } as never)) as unknown as ColumnData;
      };
      /**
       * The fast path for a top-level primitive column; false when only parquetjs can decode it, and
       * for a column named `__proto__`, whose row writes must go through `setRowField` (the general
       * path does) rather than this path's plain assignments.
       */
      const readFast = async (node: ReadNode, out: Row[], at: number, n: number): Promise<boolean> => {
        const cc = chunks.get(node.path.join('\u0000'));
        if (cc === undefined || has(cc.file_path) || node.name === '__proto__') return false;
        const m = cc.meta_data as Record<string, unknown>;
        const leaf: FlatLeaf = {
          physical: node.physical as number,
          typeLength: node.typeLength,
          maxDef: node.repetition === Repetition.OPTIONAL ? 1 : 0,
          maxRep: 0,
          kind: valueKind(node.physical as number, node.converted, node.logical as Record<string, unknown> | null, isDecimal(node), isString(node)),
          scale: node.scale,
        };
        let col;
        try {
          col = await readFlatColumn(
            fileBuffer,
            {
              codec: cc.meta_data.codec,
              numValues: Number(m['num_values']),
              dataPageOffset: Number(m['data_page_offset']),
              dictionaryPageOffset: m['dictionary_page_offset'] == null ? null : Number(m['dictionary_page_offset']),
              totalCompressedSize: Number(m['total_compressed_size']),
            },
            leaf,
          );
        } catch (e) {
          if (e instanceof NeedsGeneralPath) return false;
          throw e;
        }
        if (col.defs !== null ? col.defs.length !== n : col.values.length !== n) throw new Error(`column ${node.name} has the wrong number of values for ${n} rows`);
        const { defs, values } = col;
        const name = node.name;
        if (defs === null) for (let r = 0; r < n; r++) (out[at + r] as Row)[name] = values[r];
        else {
          let vi = 0;
          for (let r = 0; r < n; r++) (out[at + r] as Row)[name] = defs[r] === 1 ? values[vi++] : null;
          if (vi !== values.length) throw new Error(`column ${name}: ${values.length} values for ${vi} defined slots`);
        }
        return true;
      };
      /** A nested leaf's levels and values, values already in weir's form (fast path, else parquetjs + convert). */
      const readLeafConverted = async (leaf: ReadNode, ancestors: readonly ReadNode[]): Promise<ColumnData> => {
        const cc = chunks.get(leaf.path.join('\u0000'));
        if (cc !== undefined && !has(cc.file_path)) {
          const m = cc.meta_data as Record<string, unknown>;
          try {
            const col = await readFlatColumn(
              fileBuffer,
              {
                codec: cc.meta_data.codec,
                numValues: Number(m['num_values']),
                dataPageOffset: Number(m['data_page_offset']),
                dictionaryPageOffset: m['dictionary_page_offset'] == null ? null : Number(m['dictionary_page_offset']),
                totalCompressedSize: Number(m['total_compressed_size']),
              },
              {
                physical: leaf.physical as number,
                typeLength: leaf.typeLength,
                maxDef: maxDefinitionLevel(ancestors),
                maxRep: ancestors.filter((n) => n.repetition === Repetition.REPEATED).length,
                kind: valueKind(leaf.physical as number, leaf.converted, leaf.logical as Record<string, unknown> | null, isDecimal(leaf), isString(leaf)),
                scale: leaf.scale,
              },
            );
            const count = Number(m['num_values']);
            return {
              dlevels: col.defs === null ? new Array<number>(count).fill(0) : Array.from(col.defs),
              rlevels: col.reps === null ? new Array<number>(count).fill(0) : Array.from(col.reps),
              values: col.values,
              count,
            };
          } catch (e) {
            if (!(e instanceof NeedsGeneralPath)) throw e;
          }
        }
        const data = await read(leaf);
        const conv = converterFor(leaf);
        return { ...data, values: data.values.map(conv) };
      };
      const base = rows.length;
      for (let r = 0; r < numRows; r++) rows.push({});
      const nested: Array<{ node: ReadNode; data: Record<string, ColumnData> }> = [];
      for (const i of selected) {
        const node = f.nodes[i] as ReadNode;
        if (node.physical !== null && node.repetition !== Repetition.REPEATED && (await readFast(node, rows, base, numRows))) continue;
        if (node.physical !== null && node.repetition !== Repetition.REPEATED) {
          // Top-level primitive: definition level alone says null or value.
          const data = await read(node);
          const maxDef = maxDefinitionLevel([node]);
          if (data.dlevels.length !== numRows) throw new Error(`column ${node.name} has ${data.dlevels.length} values for ${numRows} rows`);
          const conv = converterFor(node);
          const values = data.values;
          let vi = 0;
          for (let r = 0; r < numRows; r++) setRowField(rows[base + r] as Row, node.name, data.dlevels[r] === maxDef ? conv(values[vi++]) : null);
          if (vi !== values.length) throw new Error(`column ${node.name}: ${values.length} values for ${vi} defined slots`);
        } else {
          const data: Record<string, ColumnData> = {};
          for (const [leaf, ancestors] of leafPaths(node)) data[leaf.keyPath.join(',')] = await readLeafConverted(leaf, ancestors);
          nested.push({ node, data });
        }
      }
      if (nested.length > 0) {
        const columnData = Object.assign({}, ...nested.map((x) => x.data)) as Record<string, ColumnData>;
        const records = ParquetShredder.materializeRecords(pqSchema, { rowCount: numRows, columnData } as never) as Array<Record<string, unknown>>;
        if (records.length > numRows) throw new Error(`nested columns hold ${records.length} records for ${numRows} rows`);
        for (let r = 0; r < numRows; r++) {
          const rec = records[r];
          for (const { node } of nested) setRowField(rows[base + r] as Row, node.name, assembleField(node, rec === undefined ? undefined : rec[node.key]));
        }
      }
      // Restore the requested column order when it differs from the file's.
      if (columns !== undefined) {
        for (let r = base; r < rows.length; r++) {
          const row = rows[r] as Row;
          const ordered: Row = {};
          for (const i of selected) {
            const name = (f.nodes[i] as ReadNode).name;
            setRowField(ordered, name, Object.prototype.hasOwnProperty.call(row, name) ? row[name] : null);
          }
          rows[r] = ordered;
        }
      }
    }
    return { schema, rows };
  });
}
