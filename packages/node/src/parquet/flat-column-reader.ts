import { formatDecimal, bytesToBigInt } from './decimal.js';
import { decompress } from './parquet-compression.js';
import { Codec, ConvertedType, Encoding, PageType, PhysicalType, bitWidth } from './parquet-format.js';
import { decodeDeltaBinaryPacked, decodeDeltaByteArray, decodeDeltaLengthByteArray } from './delta-encodings.js';
import { CompactReader, type ThriftFields } from './thrift-compact-reader.js';

/** What the fast path needs to know about a leaf column. */
export interface FlatLeaf {
  readonly physical: number;
  readonly typeLength: number;
  readonly maxDef: number;
  /** 0 for a flat column. */
  readonly maxRep: number;
  /** How PLAIN values of this column become weir values. */
  readonly kind: ValueKind;
  readonly scale: number;
}

export type ValueKind =
  | 'boolean' | 'int32' | 'uint32' | 'int64' | 'int64millis' | 'int64nanos' | 'int96' | 'float' | 'double'
  | 'utf8' | 'bytes' | 'decimalInt32' | 'decimalInt64' | 'decimalBytes';

/** Thrown when a chunk uses something only the general (parquetjs) path decodes. */
export class NeedsGeneralPath extends Error {}

export interface ColumnChunkMeta {
  readonly codec: number;
  readonly numValues: number;
  readonly dataPageOffset: number;
  readonly dictionaryPageOffset: number | null;
  readonly totalCompressedSize: number;
}

const utf8 = new TextDecoder();
const JULIAN_EPOCH_DAY = 2440588;
const MICROS_PER_DAY = 86_400_000_000;
const TWO32 = 4294967296;

/** Picks how a flat leaf's values decode, from its Parquet annotations. */
export function valueKind(physical: number, converted: number | null, logical: Record<string, unknown> | null, isDecimal: boolean, isString: boolean): ValueKind {
  const ts = logical?.['TIMESTAMP'] as { unit?: Record<string, unknown> } | null | undefined;
  const int = logical?.['INTEGER'] as { isSigned?: boolean; bitWidth?: number } | null | undefined;
  switch (physical) {
    case PhysicalType.BOOLEAN:
      return 'boolean';
    case PhysicalType.INT32:
      if (isDecimal) return 'decimalInt32';
      if (converted === ConvertedType.UINT_32 || (int && int.isSigned === false && int.bitWidth === 32)) return 'uint32';
      return 'int32';
    case PhysicalType.INT64:
      if (isDecimal) return 'decimalInt64';
      if (ts?.unit?.['MILLIS'] != null || (!ts && converted === ConvertedType.TIMESTAMP_MILLIS)) return 'int64millis';
      if (ts?.unit?.['NANOS'] != null) return 'int64nanos';
      return 'int64';
    case PhysicalType.INT96:
      return 'int96';
    case PhysicalType.FLOAT:
      return 'float';
    case PhysicalType.DOUBLE:
      return 'double';
    case PhysicalType.BYTE_ARRAY:
      return isDecimal ? 'decimalBytes' : isString ? 'utf8' : 'bytes';
    default:
      return isDecimal ? 'decimalBytes' : 'bytes';
  }
}

/** Decodes `count` PLAIN values at `pos` into weir values. Returns the position after them. */
function decodePlain(leaf: FlatLeaf, buf: Buffer, pos: number, count: number, out: unknown[]): number {
  switch (leaf.kind) {
    case 'boolean':
      for (let i = 0; i < count; i++) out.push(((buf[pos + (i >> 3)] as number) >> (i & 7)) & 1 ? true : false);
      return pos + ((count + 7) >> 3);
    case 'int32':
      for (let i = 0; i < count; i++, pos += 4) out.push(buf.readInt32LE(pos));
      return pos;
    case 'uint32':
      for (let i = 0; i < count; i++, pos += 4) out.push(buf.readUInt32LE(pos));
      return pos;
    case 'decimalInt32':
      for (let i = 0; i < count; i++, pos += 4) out.push(formatDecimal(BigInt(buf.readInt32LE(pos)), leaf.scale));
      return pos;
    case 'int64':
      for (let i = 0; i < count; i++, pos += 8) out.push(buf.readInt32LE(pos + 4) * TWO32 + buf.readUInt32LE(pos));
      return pos;
    case 'int64millis':
      for (let i = 0; i < count; i++, pos += 8) out.push((buf.readInt32LE(pos + 4) * TWO32 + buf.readUInt32LE(pos)) * 1000);
      return pos;
    case 'int64nanos':
      for (let i = 0; i < count; i++, pos += 8) {
        const v = buf.readBigInt64LE(pos);
        const q = v / 1000n;
        out.push(Number(v % 1000n < 0n ? q - 1n : q));
      }
      return pos;
    case 'decimalInt64':
      for (let i = 0; i < count; i++, pos += 8) out.push(formatDecimal(buf.readBigInt64LE(pos), leaf.scale));
      return pos;
    case 'int96':
      for (let i = 0; i < count; i++, pos += 12) {
        const nanos = buf.readUInt32LE(pos + 4) * TWO32 + buf.readUInt32LE(pos); // nanos of day < 2^47: exact
        const day = buf.readUInt32LE(pos + 8);
        out.push((day - JULIAN_EPOCH_DAY) * MICROS_PER_DAY + Math.floor(nanos / 1000));
      }
      return pos;
    case 'float':
      for (let i = 0; i < count; i++, pos += 4) out.push(buf.readFloatLE(pos));
      return pos;
    case 'double':
      for (let i = 0; i < count; i++, pos += 8) out.push(buf.readDoubleLE(pos));
      return pos;
    case 'utf8':
    case 'bytes':
    case 'decimalBytes': {
      const fixed = leaf.physical === PhysicalType.FIXED_LEN_BYTE_ARRAY ? leaf.typeLength : -1;
      for (let i = 0; i < count; i++) {
        let len = fixed;
        if (len < 0) {
          len = buf.readUInt32LE(pos);
          pos += 4;
        }
        if (pos + len > buf.length) throw new Error('value runs past the end of the page');
        if (leaf.kind === 'utf8') out.push(buf.toString('utf8', pos, pos + len));
        else if (leaf.kind === 'bytes') out.push(new Uint8Array(buf.subarray(pos, pos + len)));
        else out.push(formatDecimal(bytesToBigInt(buf.subarray(pos, pos + len)), leaf.scale));
        pos += len;
      }
      return pos;
    }
  }
}

/** Decodes `count` RLE/bit-packed hybrid values of `width` bits from `buf[pos..end)` into `out`. */
export function decodeRleHybrid(buf: Uint8Array, pos: number, end: number, width: number, count: number, out: Int32Array | Uint8Array): void {
  let n = 0;
  const valueBytes = (width + 7) >> 3;
  while (n < count) {
    if (pos >= end) throw new Error('RLE data ends early');
    let header = 0;
    let shift = 0;
    for (;;) {
      const b = buf[pos++] as number;
      header |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) break;
      shift += 7;
      if (shift > 28) throw new Error('RLE header too long');
    }
    if ((header & 1) === 0) {
      const run = header >>> 1;
      let v = 0;
      for (let b = 0; b < valueBytes; b++) v |= (buf[pos++] as number) << (8 * b);
      const stop = Math.min(count, n + run);
      out.fill(v, n, stop);
      n = stop;
    } else {
      const values = (header >>> 1) * 8;
      const mask = (1 << width) - 1;
      let bitPos = 0;
      const base = pos;
      for (let i = 0; i < values; i++) {
        let v = 0;
        let got = 0;
        while (got < width) {
          const byte = buf[base + ((bitPos + got) >> 3)] as number;
          const off = (bitPos + got) & 7;
          const take = Math.min(8 - off, width - got);
          v |= ((byte >> off) & ((1 << take) - 1)) << got;
          got += take;
        }
        bitPos += width;
        if (n < count) out[n++] = v & mask;
      }
      pos = base + (values * width) / 8;
    }
  }
}

/**
 * Decodes a flat column chunk: returns definition levels (or `null` when the column is
 * REQUIRED) and its non-null values in weir's form. Handles PLAIN and dictionary encodings on
 * data pages v1 and v2; anything else throws {@link NeedsGeneralPath}.
 */
export async function readFlatColumn(file: Buffer, meta: ColumnChunkMeta, leaf: FlatLeaf): Promise<{ defs: Uint8Array | null; reps: Uint8Array | null; values: unknown[] }> {
  if (meta.codec !== Codec.UNCOMPRESSED && meta.codec !== Codec.SNAPPY && meta.codec !== Codec.GZIP) throw new NeedsGeneralPath();
  const total = meta.numValues;
  if (leaf.maxDef > 255 || leaf.maxRep > 255) throw new NeedsGeneralPath();
  const defs = leaf.maxDef > 0 ? new Uint8Array(total) : null;
  const reps = leaf.maxRep > 0 ? new Uint8Array(total) : null;
  const repWidth = bitWidth(leaf.maxRep);
  const values: unknown[] = [];
  let dictionary: unknown[] | null = null;
  let levelCount = 0;
  let pos = meta.dictionaryPageOffset !== null && meta.dictionaryPageOffset > 0 && meta.dictionaryPageOffset < meta.dataPageOffset ? meta.dictionaryPageOffset : meta.dataPageOffset;
  const end = Math.min(file.length, pos + meta.totalCompressedSize);
  const defWidth = bitWidth(leaf.maxDef);
  let indices = new Int32Array(0);
  while (levelCount < total) {
    if (pos >= end) throw new Error(`column chunk ends after ${levelCount} of ${total} values`);
    const reader = new CompactReader(file, pos);
    const header = reader.readStruct();
    pos = reader.pos;
    const type = header[1] as number;
    const uncompressedSize = header[2] as number;
    const compressedSize = header[3] as number;
    if (pos + compressedSize > end) throw new Error('page runs past the end of the column chunk');
    const raw = file.subarray(pos, pos + compressedSize);
    pos += compressedSize;
    if (type === PageType.DICTIONARY_PAGE) {
      const h = header[7] as ThriftFields;
      const enc = h[2] as number;
      if (enc !== Encoding.PLAIN && enc !== Encoding.PLAIN_DICTIONARY) throw new NeedsGeneralPath();
      const body = asBuffer(await decompress(meta.codec, raw));
      dictionary = [];
      decodePlain(leaf, body, 0, h[1] as number, dictionary);
      continue;
    }
    if (type !== PageType.DATA_PAGE && type !== PageType.DATA_PAGE_V2) continue; // index pages: skip
    let body: Buffer;
    let numValues: number;
    let encoding: number;
    let valuesPos: number;
    let present: number;
    if (type === PageType.DATA_PAGE) {
      const h = header[5] as ThriftFields;
      numValues = h[1] as number;
      encoding = h[2] as number;
      body = asBuffer(await decompress(meta.codec, raw));
      if (body.length !== uncompressedSize) throw new Error('page size does not match its header');
      valuesPos = 0;
      if (reps !== null) {
        if ((h[4] as number) !== Encoding.RLE) throw new NeedsGeneralPath();
        const len = body.readUInt32LE(0);
        decodeRleHybrid(body, 4, 4 + len, repWidth, numValues, reps.subarray(levelCount, levelCount + numValues));
        valuesPos = 4 + len;
      }
      if (defs !== null) {
        if ((h[3] as number) !== Encoding.RLE) throw new NeedsGeneralPath();
        const len = body.readUInt32LE(valuesPos);
        decodeRleHybrid(body, valuesPos + 4, valuesPos + 4 + len, defWidth, numValues, defs.subarray(levelCount, levelCount + numValues));
        valuesPos += 4 + len;
      }
    } else {
      const h = header[8] as ThriftFields;
      numValues = h[1] as number;
      encoding = h[4] as number;
      const defLen = h[5] as number;
      const repLen = h[6] as number;
      const compressed = h[7] !== false;
      if (reps !== null) decodeRleHybrid(raw, 0, repLen, repWidth, numValues, reps.subarray(levelCount, levelCount + numValues));
      if (defs !== null) decodeRleHybrid(raw, repLen, repLen + defLen, defWidth, numValues, defs.subarray(levelCount, levelCount + numValues));
      const valuesRaw = raw.subarray(repLen + defLen);
      body = compressed ? asBuffer(await decompress(meta.codec, valuesRaw)) : asBuffer(valuesRaw);
      valuesPos = 0;
    }
    if (defs === null) present = numValues;
    else {
      present = 0;
      for (let i = levelCount; i < levelCount + numValues; i++) if (defs[i] === leaf.maxDef) present++;
    }
    if (encoding === Encoding.PLAIN) {
      decodePlain(leaf, body, valuesPos, present, values);
    } else if (encoding === Encoding.PLAIN_DICTIONARY || encoding === Encoding.RLE_DICTIONARY) {
      if (dictionary === null) throw new Error('dictionary-encoded page without a dictionary');
      if (present > 0) {
        const width = body[valuesPos] as number;
        if (indices.length < present) indices = new Int32Array(present);
        decodeRleHybrid(body, valuesPos + 1, body.length, width, present, indices);
        for (let i = 0; i < present; i++) {
          const k = indices[i] as number;
          if (k >= dictionary.length) throw new Error('dictionary index out of range');
          // Binary values are mutable: every row gets its own copy of a shared dictionary entry.
          values.push(leaf.kind === 'bytes' ? new Uint8Array(dictionary[k] as Uint8Array) : dictionary[k]);
        }
      }
    } else if (encoding === Encoding.DELTA_BINARY_PACKED && (leaf.physical === PhysicalType.INT32 || leaf.physical === PhysicalType.INT64)) {
      const { values: raw64 } = decodeDeltaBinaryPacked(body, valuesPos, leaf.physical === PhysicalType.INT32 ? 32 : 64);
      if (raw64.length < present) throw new Error('delta-encoded page holds too few values');
      for (let i = 0; i < present; i++) values.push(fromBigInt(leaf, raw64[i] as bigint));
    } else if ((encoding === Encoding.DELTA_LENGTH_BYTE_ARRAY || encoding === Encoding.DELTA_BYTE_ARRAY) && leaf.physical === PhysicalType.BYTE_ARRAY) {
      const { values: raw } = encoding === Encoding.DELTA_BYTE_ARRAY ? decodeDeltaByteArray(body, valuesPos) : decodeDeltaLengthByteArray(body, valuesPos);
      if (raw.length < present) throw new Error('delta-encoded page holds too few values');
      for (let i = 0; i < present; i++) values.push(fromBytes(leaf, raw[i] as Uint8Array));
    } else if (encoding === Encoding.BYTE_STREAM_SPLIT && leaf.physical !== PhysicalType.BYTE_ARRAY && leaf.physical !== PhysicalType.BOOLEAN) {
      // Byte k of value i sits at k × present + i: gather each value's bytes, then decode as PLAIN.
      const width = leaf.physical === PhysicalType.FLOAT || leaf.physical === PhysicalType.INT32 ? 4
        : leaf.physical === PhysicalType.INT96 ? 12 : leaf.physical === PhysicalType.FIXED_LEN_BYTE_ARRAY ? leaf.typeLength : 8;
      if (valuesPos + width * present > body.length) throw new Error('byte-stream-split page holds too few bytes');
      const plain = Buffer.allocUnsafe(width * present);
      for (let i = 0; i < present; i++) for (let k = 0; k < width; k++) plain[i * width + k] = body[valuesPos + k * present + i] as number;
      decodePlain(leaf, plain, 0, present, values);
    } else {
      throw new NeedsGeneralPath();
    }
    levelCount += numValues;
  }
  return { defs, reps, values };
}

/** A delta-decoded integer in weir's form for this leaf. */
function fromBigInt(leaf: FlatLeaf, v: bigint): unknown {
  switch (leaf.kind) {
    case 'uint32':
      return Number(BigInt.asUintN(32, v));
    case 'decimalInt32':
    case 'decimalInt64':
      return formatDecimal(v, leaf.scale);
    case 'int64millis':
      return Number(v) * 1000;
    case 'int64nanos': {
      const q = v / 1000n;
      return Number(v % 1000n < 0n ? q - 1n : q);
    }
    default:
      return Number(v);
  }
}

function fromBytes(leaf: FlatLeaf, b: Uint8Array): unknown {
  if (leaf.kind === 'utf8') return utf8.decode(b);
  if (leaf.kind === 'decimalBytes') return formatDecimal(bytesToBigInt(b), leaf.scale);
  return new Uint8Array(b);
}

function asBuffer(b: Uint8Array): Buffer {
  return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

