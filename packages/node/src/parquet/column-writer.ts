import { CoreErrors, simpleString } from '@weir/core';
import { compareByteOrder } from '../byte-order.js';
import { NodeErrors } from '../errors.js';
import type { ByteWriter } from './byte-writer.js';
import { bigIntToBytes } from './decimal.js';
import { compressSync, type CompressionName } from './parquet-compression.js';
import { Encoding, PageType, bitWidth } from './parquet-format.js';
import { encodeRleHybrid } from './rle-hybrid.js';
import { bool, encodeThriftStruct, i32, i64, struct, type ThriftValue } from './thrift-compact.js';
import type { LeafSpec } from './write-schema.js';

export interface ColumnWriterConfig {
  readonly compression: CompressionName;
  /** Level entries per data page (pages end on record boundaries). */
  readonly pageSize: number;
  /** A page of PLAIN variable-width values ends once it holds this many value bytes. */
  readonly dataPageBytes: number;
  /** A string dictionary falls back to PLAIN once its PLAIN-encoded entries exceed this. */
  readonly dictionaryPageSize: number;
  readonly enableDictionary: boolean;
}

/** One column chunk, encoded: page bytes in file order plus what its ColumnMetaData needs. */
export interface EncodedChunk {
  readonly parts: readonly Uint8Array[];
  readonly size: number;
  readonly uncompressedSize: number;
  readonly dictionaryPageOffset: number | null; // relative to the chunk start
  readonly dataPageOffset: number;
  readonly encodings: readonly number[];
  readonly numValues: number;
  readonly statistics: ThriftValue;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const TWO32 = 4294967296;
const INITIAL_CAPACITY = 256;
const EMPTY_F64 = new Float64Array(0);
const EMPTY_F32 = new Float32Array(0);
const EMPTY_I32 = new Int32Array(0);
const EMPTY_U8 = new Uint8Array(0);
/** Reads a float's bit pattern (little endian, so the dictionary page bytes are platform independent). */
const BITS = new DataView(new ArrayBuffer(8));

/**
 * Writes one leaf column of a Parquet file incrementally (parquet-mr's ColumnWriter): values go
 * straight into typed page buffers (Float64Array for doubles, Int32Array for ints, int64 as two
 * int32 halves, dictionary indices for strings), levels into Uint8Arrays; when a page fills it is
 * encoded and compressed at once, so memory holds page bytes, never boxed values. Statistics are
 * kept as running min/max/null counts.
 *
 * Strings and numbers (int32, int64, float, double and INT32/INT64 decimals, as parquet-mr
 * does) start dictionary-encoded: strings through an insertion-ordered Map, numbers through an
 * open-addressing table keyed by their bit pattern (so -0 and 0 stay distinct). A chunk falls
 * back to PLAIN for the rest of its pages when the dictionary outgrows `dictionaryPageSize`, or
 * when the first page with values shows the dictionary does not pay (parquet-mr's
 * FallbackValuesWriter rules): pages already written stay dictionary-encoded and the dictionary
 * page still leads the chunk; the page being filled is written PLAIN (numbers keep their PLAIN
 * values beside the indices; strings are re-encoded from the dictionary). Every decision depends only on the sequence
 * of values, never on how the rows were split across `append` calls, so any chunking gives the
 * same bytes.
 *
 * The fields are public because the generated per-column loops (flat-loops.ts) read and write
 * them directly; nothing outside this directory touches a ColumnWriter.
 */
export class ColumnWriter {
  readonly spec: LeafSpec;
  /** `config.dataPageBytes`, for the generated loops. */
  readonly dataPageBytes: number;
  readonly #config: ColumnWriterConfig;
  readonly #scratch: ByteWriter;
  readonly #defWidth: number;
  readonly #repWidth: number;

  /** Capacity of the level and fixed-width value arrays (values ≤ levels always). */
  cap = INITIAL_CAPACITY;
  defs: Uint8Array;
  reps: Uint8Array;
  /** Level entries in the current page. */
  levels = 0;
  /** Non-null values in the current page. */
  count = 0;
  f64: Float64Array = EMPTY_F64;
  f32: Float32Array = EMPTY_F32;
  /** int32 values, or int64 values as (low, high) pairs. */
  i32: Int32Array = EMPTY_I32;
  /** Dictionary indices of the page's values (while dictionary-encoding). */
  idx: Int32Array = EMPTY_I32;
  /** Booleans as 0/1. */
  u8: Uint8Array = EMPTY_U8;
  /** PLAIN bytes of variable-width values (binary, strings after fallback, wide decimals). */
  bytes: Buffer = Buffer.alloc(0);
  bytesLen = 0;

  /** True while the current chunk is dictionary-encoded. */
  dictActive = false;
  /** Set when the dictionary must be given up (see `fallBack`) after the value just stored. */
  overflow = false;
  /** String dictionary (string columns). */
  dict: Map<string, number> | null = null;
  /** Number dictionary (numeric columns): entry k is the bit pattern (keyLo[k], keyHi[k]). */
  keyLo: Int32Array = EMPTY_I32;
  keyHi: Int32Array = EMPTY_I32;
  /** Open-addressing slots: entry index + 1, 0 = empty. */
  slots: Int32Array = EMPTY_I32;
  /** Bytes of a numeric dictionary entry (4 or 8); 0 for strings and undictionaried kinds. */
  readonly entryWidth: number;
  /** The dictionary page body: PLAIN entries in index order. */
  dictBuf: Buffer = Buffer.alloc(0);
  dictLen = 0;
  /** Entry k is `dictBuf[dictOffsets[k] .. dictOffsets[k + 1])`, length prefix included. */
  dictOffsets: Int32Array = EMPTY_I32;
  dictSize = 0;
  #dictDataPages = 0;
  #compressionChecked = false;

  // Running statistics of the current chunk (numbers, bigints, strings or booleans by kind).
  min: unknown;
  max: unknown;
  nan = false;
  sawTrue = false;
  sawFalse = false;
  #chunkLevels = 0;
  #chunkValues = 0;
  #pages: Uint8Array[] = [];
  #pagesSize = 0;
  #pagesUncompressed = 0;

  constructor(spec: LeafSpec, config: ColumnWriterConfig, scratch: ByteWriter) {
    this.spec = spec;
    this.#config = config;
    this.dataPageBytes = config.dataPageBytes;
    this.#scratch = scratch;
    this.#defWidth = bitWidth(spec.maxDef);
    this.#repWidth = bitWidth(spec.maxRep);
    this.entryWidth =
      spec.kind === 'int32' || spec.kind === 'decimal32' || spec.kind === 'float' ? 4 : spec.kind === 'int64' || spec.kind === 'decimal64' || spec.kind === 'double' ? 8 : 0;
    if (config.enableDictionary && (this.entryWidth > 0 || spec.kind === 'string')) this.idx = new Int32Array(this.cap);
    this.defs = spec.maxDef > 0 ? new Uint8Array(this.cap) : EMPTY_U8;
    this.reps = spec.maxRep > 0 ? new Uint8Array(this.cap) : EMPTY_U8;
    switch (spec.kind) {
      case 'double':
        this.f64 = new Float64Array(this.cap);
        break;
      case 'float':
        this.f32 = new Float32Array(this.cap);
        break;
      case 'int32':
      case 'decimal32':
        this.i32 = new Int32Array(this.cap);
        break;
      case 'int64':
      case 'decimal64':
        this.i32 = new Int32Array(2 * this.cap);
        break;
      case 'boolean':
        this.u8 = new Uint8Array(this.cap);
        break;
      default:
        break;
    }
    this.#resetChunk();
  }

  /** True when the current page must be written before another record starts. */
  pageFull(): boolean {
    return this.levels >= this.#config.pageSize || this.bytesLen >= this.#config.dataPageBytes;
  }

  /**
   * Doubles the level and value arrays (called when `levels === cap`), stopping at `pageSize`
   * first: a flat column never holds more than a page (only a huge nested record outgrows it).
   */
  grow(): void {
    const pageSize = this.#config.pageSize;
    const cap = this.cap < pageSize && this.cap * 2 > pageSize ? pageSize : this.cap * 2;
    const copy = <T extends Float64Array | Float32Array | Int32Array | Uint8Array>(a: T, size: number): T => {
      if (a.length === 0) return a;
      const next = new (a.constructor as new (n: number) => T)(size);
      next.set(a);
      return next;
    };
    this.defs = copy(this.defs, cap);
    this.reps = copy(this.reps, cap);
    this.f64 = copy(this.f64, cap);
    this.f32 = copy(this.f32, cap);
    this.u8 = copy(this.u8, cap);
    this.i32 = copy(this.i32, this.spec.kind === 'int64' || this.spec.kind === 'decimal64' ? 2 * cap : cap);
    this.idx = copy(this.idx, cap);
    this.cap = cap;
  }

  /** Makes room for `n` more PLAIN value bytes. */
  ensureBytes(n: number): void {
    if (this.bytesLen + n <= this.bytes.length) return;
    let size = Math.max(1024, this.bytes.length * 2);
    while (size < this.bytesLen + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.bytes.copy(next, 0, 0, this.bytesLen);
    this.bytes = next;
  }

  /** Records a null (or an empty/absent ancestor) at definition level `def`. */
  addNull(def: number, rep: number): void {
    if (this.levels === this.cap) this.grow();
    if (this.spec.maxDef > 0) this.defs[this.levels] = def;
    if (this.spec.maxRep > 0) this.reps[this.levels] = rep;
    this.levels++;
  }

  /** Checks and records a present value (the generic path: nested columns and rare types). */
  addValue(value: unknown, def: number, rep: number): void {
    this.addConverted(this.spec.convert(value), def, rep);
  }

  /** Records a value `spec.convert` already checked and converted (a repeat of the previous one). */
  addConverted(converted: unknown, def: number, rep: number): void {
    if (this.levels === this.cap) this.grow();
    if (this.spec.maxDef > 0) this.defs[this.levels] = def;
    if (this.spec.maxRep > 0) this.reps[this.levels] = rep;
    this.levels++;
    this.store(converted);
  }

  /**
   * Stores one converted value (see `LeafSpec.convert`) and updates the statistics. The caller
   * has already counted its level; capacity for one more value is guaranteed (values ≤ levels).
   */
  store(c: unknown): void {
    const p = this.count;
    switch (this.spec.kind) {
      case 'boolean':
        this.u8[p] = c === true ? 1 : 0;
        if (c === true) this.sawTrue = true;
        else this.sawFalse = true;
        break;
      case 'int32':
      case 'decimal32': {
        const x = Number(c);
        this.i32[p] = x;
        this.#minMax(x);
        if (this.dictActive) this.idx[p] = this.numIndex(x, 0, p);
        break;
      }
      case 'int64':
      case 'decimal64': {
        let lo: number;
        let hi: number;
        if (typeof c === 'number') {
          hi = Math.floor(c / TWO32);
          lo = (c - hi * TWO32) | 0;
        } else {
          const b = c as bigint;
          lo = Number(BigInt.asIntN(32, b));
          hi = Number(BigInt.asIntN(32, b >> 32n));
        }
        this.i32[2 * p] = lo;
        this.i32[2 * p + 1] = hi;
        this.#minMax(c as number | bigint);
        if (this.dictActive) this.idx[p] = this.numIndex(lo, hi, p);
        break;
      }
      case 'float': {
        const x = Math.fround(c as number);
        this.f32[p] = x;
        this.#minMax(x);
        if (x !== x) this.nan = true;
        if (this.dictActive) {
          BITS.setFloat32(0, x, true);
          this.idx[p] = this.numIndex(BITS.getInt32(0, true), 0, p);
        }
        break;
      }
      case 'double': {
        const x = c as number;
        this.f64[p] = x;
        this.#minMax(x);
        if (x !== x) this.nan = true;
        if (this.dictActive) {
          BITS.setFloat64(0, x, true);
          this.idx[p] = this.numIndex(BITS.getInt32(0, true), BITS.getInt32(4, true), p);
        }
        break;
      }
      case 'string': {
        const s = c as string;
        if (this.dictActive) {
          let k = (this.dict as Map<string, number>).get(s);
          if (k === undefined) k = this.addEntry(s);
          this.idx[p] = k;
          break;
        }
        this.ensureBytes(4 + 3 * s.length);
        const written = this.bytes.write(s, this.bytesLen + 4, 'utf8');
        this.bytes.writeUInt32LE(written, this.bytesLen);
        this.bytesLen += 4 + written;
        this.stringMinMax(s);
        break;
      }
      case 'binary': {
        const b = c as Uint8Array;
        this.ensureBytes(4 + b.length);
        this.bytes.writeUInt32LE(b.length, this.bytesLen);
        this.bytes.set(b, this.bytesLen + 4);
        this.bytesLen += 4 + b.length;
        break;
      }
      case 'decimalFixed': {
        const n = this.spec.typeLength;
        this.ensureBytes(n);
        this.bytes.set(bigIntToBytes(c as bigint, n), this.bytesLen);
        this.bytesLen += n;
        break;
      }
    }
    this.count = p + 1;
    if (this.overflow) this.fallBack();
  }

  #minMax(x: number | bigint): void {
    if (x < (this.min as number)) this.min = x;
    if (x > (this.max as number)) this.max = x;
  }

  stringMinMax(s: string): void {
    if (this.min === null || compareByteOrder(s, this.min as string) < 0) this.min = s;
    if (this.max === null || compareByteOrder(s, this.max as string) > 0) this.max = s;
  }

  /** Adds a new dictionary entry and returns its index (statistics see each distinct string once). */
  addEntry(s: string): number {
    const k = this.dictSize;
    if (k + 1 >= this.dictOffsets.length) {
      const next = new Int32Array(Math.max(64, this.dictOffsets.length * 2));
      next.set(this.dictOffsets);
      this.dictOffsets = next;
    }
    const need = 4 + 3 * s.length;
    if (this.dictLen + need > this.dictBuf.length) {
      let size = Math.max(1024, this.dictBuf.length * 2);
      while (size < this.dictLen + need) size *= 2;
      const next = Buffer.allocUnsafe(size);
      this.dictBuf.copy(next, 0, 0, this.dictLen);
      this.dictBuf = next;
    }
    const written = this.dictBuf.write(s, this.dictLen + 4, 'utf8');
    this.dictBuf.writeUInt32LE(written, this.dictLen);
    this.dictLen += 4 + written;
    this.dictSize = k + 1;
    this.dictOffsets[k + 1] = this.dictLen;
    (this.dict as Map<string, number>).set(s, k);
    if (this.dictLen > this.#config.dictionaryPageSize) this.overflow = true;
    this.stringMinMax(s);
    return k;
  }

  /**
   * The dictionary index of a number given by its bit pattern (low and high 32 bits, little
   * endian order; `hi` is 0 for 4-byte types), adding an entry when it is new. `p` is the
   * value's position in the page (for the early give-up rule in `#addNumber`).
   */
  numIndex(lo: number, hi: number, p: number): number {
    let h = lo ^ Math.imul(hi, 0x9e3779b1);
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h ^= h >>> 13;
    const slots = this.slots;
    const mask = slots.length - 1;
    h &= mask;
    for (;;) {
      const s = slots[h] as number;
      if (s === 0) return this.#addNumber(lo, hi, h, p);
      if (this.keyLo[s - 1] === lo && this.keyHi[s - 1] === hi) return s - 1;
      h = (h + 1) & mask;
    }
  }

  #addNumber(lo: number, hi: number, slot: number, p: number): number {
    const k = this.dictSize;
    if (k === this.keyLo.length) {
      const lo2 = new Int32Array(2 * k);
      lo2.set(this.keyLo);
      this.keyLo = lo2;
      const hi2 = new Int32Array(2 * k);
      hi2.set(this.keyHi);
      this.keyHi = hi2;
    }
    this.keyLo[k] = lo;
    this.keyHi[k] = hi;
    this.slots[slot] = k + 1;
    this.dictSize = k + 1;
    const width = this.entryWidth;
    if (this.dictLen + width > this.dictBuf.length) {
      const next = Buffer.allocUnsafe(Math.max(1024, this.dictBuf.length * 2));
      this.dictBuf.copy(next, 0, 0, this.dictLen);
      this.dictBuf = next;
    }
    this.dictBuf.writeInt32LE(lo, this.dictLen);
    if (width === 8) this.dictBuf.writeInt32LE(hi, this.dictLen + 4);
    this.dictLen += width;
    if (2 * (k + 1) > this.slots.length) this.#rehash(2 * this.slots.length);
    if (this.dictLen > this.#config.dictionaryPageSize) this.overflow = true;
    // Give up early on a column whose first page is mostly distinct values (timestamps, ids):
    // the first-page check (below in flushPage) would reject the dictionary anyway, after 64k
    // pointless inserts. Same criterion, applied to the values so far each time the dictionary
    // reaches a power of two ≥ 8192 entries.
    else if (!this.#compressionChecked && k + 1 >= 8192 && ((k + 1) & k) === 0 && (k + 1) * width + ((p + 1) * bitWidth(k)) / 8 >= (p + 1) * width) {
      this.#compressionChecked = true;
      this.overflow = true;
    }
    return k;
  }

  #rehash(size: number): void {
    const slots = new Int32Array(size);
    const mask = size - 1;
    for (let k = 0; k < this.dictSize; k++) {
      const lo = this.keyLo[k] as number;
      let h = lo ^ Math.imul(this.keyHi[k] as number, 0x9e3779b1);
      h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
      h ^= h >>> 13;
      h &= mask;
      while (slots[h] !== 0) h = (h + 1) & mask;
      slots[h] = k + 1;
    }
    this.slots = slots;
  }

  /**
   * Stops dictionary encoding for the rest of this chunk: the current page's values are
   * re-encoded PLAIN; pages already written keep their indices (the dictionary page stays).
   */
  fallBack(): void {
    if (this.spec.kind === 'string') {
      const n = this.count;
      const idx = this.idx;
      const offsets = this.dictOffsets;
      let need = 0;
      for (let i = 0; i < n; i++) {
        const k = idx[i] as number;
        need += (offsets[k + 1] as number) - (offsets[k] as number);
      }
      this.ensureBytes(need);
      for (let i = 0; i < n; i++) {
        const k = idx[i] as number;
        const from = offsets[k] as number;
        const to = offsets[k + 1] as number;
        this.dictBuf.copy(this.bytes, this.bytesLen, from, to);
        this.bytesLen += to - from;
      }
    }
    this.dictActive = false;
    this.overflow = false;
    this.dict = null;
    this.slots = EMPTY_I32;
    if (this.#dictDataPages === 0) {
      // No page refers to the dictionary: the chunk gets no dictionary page at all.
      this.dictBuf = Buffer.alloc(0);
      this.dictLen = 0;
      this.dictSize = 0;
    }
  }

  /** Fails the value the fast path refused, with the generic check's error. */
  fail(value: unknown): never {
    this.spec.convert(value);
    throw CoreErrors.INTERNAL_ERROR({ reason: `value ${String(value)} refused by the fast path but accepted by the check of column ${this.spec.path.join('.')}`, package: '@weir/node' });
  }

  failNull(): never {
    throw NodeErrors.PARQUET_VALUE_INVALID({ value: 'null', column: this.spec.column, dataType: simpleString(this.spec.dataType), reason: 'the field is not nullable' });
  }

  /** Encodes, compresses and keeps the current page; the page buffers start over. */
  flushPage(): void {
    const n = this.levels;
    if (n === 0) return;
    const p = this.count;
    const out = this.#scratch;
    out.reset();
    if (this.spec.maxRep > 0) this.#levels(this.reps, n, this.#repWidth);
    if (this.spec.maxDef > 0) this.#levels(this.defs, n, this.#defWidth);
    const valuesAt = out.len;
    let encoding: number = Encoding.PLAIN;
    if (this.dictActive && p > 0) {
      const width = Math.max(1, bitWidth(this.dictSize - 1));
      out.byte(width);
      encodeRleHybrid(out, this.idx, 0, p, width);
      if (!this.#compressionChecked) {
        // parquet-mr's isCompressionSatisfying, on the chunk's first page with values:
        // dictionary + indices must be smaller than the PLAIN values, or PLAIN it is.
        this.#compressionChecked = true;
        let raw = p * this.entryWidth;
        if (this.spec.kind === 'string') {
          for (let i = 0; i < p; i++) {
            const k = this.idx[i] as number;
            raw += (this.dictOffsets[k + 1] as number) - (this.dictOffsets[k] as number);
          }
        }
        if (out.len - valuesAt + this.dictLen >= raw) {
          out.len = valuesAt;
          this.fallBack();
        }
      }
      if (this.dictActive) {
        encoding = Encoding.RLE_DICTIONARY;
        this.#dictDataPages++;
      }
    }
    if (encoding === Encoding.PLAIN) this.#plainValues(p);
    const body = out.view();
    const compressed = compressSync(this.#config.compression, body);
    const header = encodeThriftStruct([
      [1, i32(PageType.DATA_PAGE)], [2, i32(body.length)], [3, i32(compressed.length)],
      [5, struct([[1, i32(n)], [2, i32(encoding)], [3, i32(Encoding.RLE)], [4, i32(Encoding.RLE)]])],
    ]);
    this.#pages.push(header, compressed);
    this.#pagesSize += header.length + compressed.length;
    this.#pagesUncompressed += header.length + body.length;
    out.release(4 << 20);
    this.#chunkLevels += n;
    this.#chunkValues += p;
    this.levels = 0;
    this.count = 0;
    this.bytesLen = 0;
  }

  /** Levels as data page v1 stores them: a 4-byte length, then RLE/bit-packed hybrid. */
  #levels(levels: Uint8Array, n: number, width: number): void {
    const out = this.#scratch;
    const at = out.len;
    out.u32(0);
    encodeRleHybrid(out, levels, 0, n, width);
    out.u32At(at, out.len - at - 4);
  }

  #plainValues(p: number): void {
    const out = this.#scratch;
    switch (this.spec.kind) {
      case 'boolean': {
        const size = (p + 7) >> 3;
        out.ensure(size);
        const buf = out.buf;
        const base = out.len;
        buf.fill(0, base, base + size);
        const u8 = this.u8;
        for (let i = 0; i < p; i++) if (u8[i] === 1) buf[base + (i >> 3)] = (buf[base + (i >> 3)] as number) | (1 << (i & 7));
        out.len += size;
        return;
      }
      case 'int32':
      case 'decimal32':
        return this.#typed(this.i32, p, 4);
      case 'int64':
      case 'decimal64':
        return this.#typed(this.i32, 2 * p, 4);
      case 'float':
        return this.#typed(this.f32, p, 4);
      case 'double':
        return this.#typed(this.f64, p, 8);
      default:
        out.ensure(this.bytesLen);
        this.bytes.copy(out.buf, out.len, 0, this.bytesLen);
        out.len += this.bytesLen;
    }
  }

  /** Copies the first `n` elements of a typed array as little-endian bytes. */
  #typed(a: Int32Array | Float32Array | Float64Array, n: number, width: number): void {
    const out = this.#scratch;
    const size = n * width;
    out.ensure(size);
    const src = new Uint8Array(a.buffer, a.byteOffset, size);
    out.buf.set(src, out.len);
    if (!LITTLE_ENDIAN) {
      const buf = out.buf;
      for (let i = out.len; i < out.len + size; i += width) buf.subarray(i, i + width).reverse();
    }
    out.len += size;
  }

  /** Ends the column chunk of the current row group: its bytes and metadata; the writer starts a new chunk. */
  finishChunk(): EncodedChunk {
    this.flushPage();
    const parts: Uint8Array[] = [];
    let size = 0;
    let uncompressedSize = 0;
    let dictionaryPageOffset: number | null = null;
    const dictionaryEncoded = this.#dictDataPages > 0;
    if (dictionaryEncoded) {
      dictionaryPageOffset = 0;
      const body = this.dictBuf.subarray(0, this.dictLen);
      const compressed = compressSync(this.#config.compression, body);
      const header = encodeThriftStruct([
        [1, i32(PageType.DICTIONARY_PAGE)], [2, i32(body.length)], [3, i32(compressed.length)],
        [7, struct([[1, i32(this.dictSize)], [2, i32(Encoding.PLAIN)], [3, bool(false)]])],
      ]);
      parts.push(header, compressed);
      size += header.length + compressed.length;
      uncompressedSize += header.length + body.length;
    }
    const dataPageOffset = size;
    for (const page of this.#pages) parts.push(page);
    size += this.#pagesSize;
    uncompressedSize += this.#pagesUncompressed;
    const chunk: EncodedChunk = {
      parts, size, uncompressedSize, dictionaryPageOffset, dataPageOffset,
      encodings: dictionaryEncoded ? [Encoding.PLAIN, Encoding.RLE, Encoding.RLE_DICTIONARY] : [Encoding.PLAIN, Encoding.RLE],
      numValues: this.#chunkLevels,
      statistics: this.#statistics(),
    };
    this.#resetChunk();
    return chunk;
  }

  #resetChunk(): void {
    this.#pages = [];
    this.#pagesSize = 0;
    this.#pagesUncompressed = 0;
    this.#chunkLevels = 0;
    this.#chunkValues = 0;
    this.#dictDataPages = 0;
    this.#compressionChecked = false;
    this.nan = false;
    this.sawTrue = false;
    this.sawFalse = false;
    this.dictActive = this.#config.enableDictionary && (this.entryWidth > 0 || this.spec.kind === 'string');
    this.overflow = false;
    this.dictLen = 0;
    this.dictSize = 0;
    if (this.spec.kind === 'string') {
      this.min = null;
      this.max = null;
      this.dict = this.dictActive ? new Map() : null;
      if (this.dictActive && this.dictOffsets.length === 0) this.dictOffsets = new Int32Array(64);
    } else {
      this.min = Infinity;
      this.max = -Infinity;
      if (this.dictActive) {
        if (this.keyLo.length === 0) {
          this.keyLo = new Int32Array(256);
          this.keyHi = new Int32Array(256);
        }
        this.slots = new Int32Array(512);
      }
    }
  }

  /**
   * Column-chunk statistics: `null_count`, and `min_value`/`max_value` (the parquet-format 2.x
   * fields with well-defined orders) for the types whose order is unambiguous: signed integers
   * (incl. dates, timestamps and INT32/INT64 decimals), floats (none when a NaN is present; zero
   * as -0/+0), booleans, and UTF-8 strings (byte order). Binary and FIXED_LEN_BYTE_ARRAY columns
   * get no min/max. Readers such as DuckDB and Spark skip row groups with them.
   */
  #statistics(): ThriftValue {
    const fields: Array<[number, ThriftValue]> = [[3, i64(this.#chunkLevels - this.#chunkValues)]];
    if (this.#chunkValues > 0) {
      const bounds = this.#encodedBounds();
      if (bounds !== null) fields.push([5, { t: 'binary', v: bounds[1] }], [6, { t: 'binary', v: bounds[0] }]);
    }
    return struct(fields);
  }

  #encodedBounds(): [Uint8Array, Uint8Array] | null {
    switch (this.spec.kind) {
      case 'binary':
      case 'decimalFixed':
        return null;
      case 'boolean':
        return [new Uint8Array([this.sawFalse ? 0 : 1]), new Uint8Array([this.sawTrue ? 1 : 0])];
      case 'string':
        return [Buffer.from(this.min as string, 'utf8'), Buffer.from(this.max as string, 'utf8')];
      case 'float':
      case 'double': {
        // A NaN makes min/max unsafe: readers order NaN above every number (Spark, DuckDB) and
        // could skip a group whose max ignores it. Such chunks get null_count only.
        if (this.nan) return null;
        // parquet-format: a zero minimum is written as -0.0, a zero maximum as +0.0.
        const lo = this.min === 0 ? -0 : (this.min as number);
        const hi = this.max === 0 ? 0 : (this.max as number);
        const width = this.spec.kind === 'float' ? 4 : 8;
        const enc = (x: number): Uint8Array => {
          const b = Buffer.allocUnsafe(width);
          if (width === 4) b.writeFloatLE(x, 0);
          else b.writeDoubleLE(x, 0);
          return b;
        };
        return [enc(lo), enc(hi)];
      }
      case 'int32':
      case 'decimal32': {
        const enc = (x: number): Uint8Array => {
          const b = Buffer.allocUnsafe(4);
          b.writeInt32LE(x, 0);
          return b;
        };
        return [enc(this.min as number), enc(this.max as number)];
      }
      case 'int64':
      case 'decimal64': {
        const enc = (x: number | bigint): Uint8Array => {
          const b = Buffer.allocUnsafe(8);
          b.writeBigInt64LE(typeof x === 'bigint' ? x : BigInt(x), 0);
          return b;
        };
        return [enc(this.min as number | bigint), enc(this.max as number | bigint)];
      }
    }
  }
}
