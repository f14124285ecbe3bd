import {
  CoreErrors,
  StructType,
  columnChunkToRows,
  simpleString,
  vectorValue,
  type ColumnChunk,
  type ColumnVector,
  type ParquetFileWriter,
  type Row,
  type RowBatch,
} from '@weir/core';
import { NodeErrors } from '../errors.js';
import { ByteWriter } from './byte-writer.js';
import { ColumnWriter, type ColumnWriterConfig } from './column-writer.js';
import { flatLoops, vectorLoops, type FlatLoops, type VectorLoops } from './flat-loops.js';
import { codecOf } from './parquet-compression.js';
import { MAGIC, PhysicalType, Repetition, SPARK_SCHEMA_KEY } from './parquet-format.js';
import { encodeThriftStruct, i32, i64, list, str, struct, type ThriftValue } from './thrift-compact.js';
import { assignLevels, buildNode, leavesOf, schemaElements, type LeafSpec, type WriteNode } from './write-schema.js';

export interface ParquetWriterConfig extends ColumnWriterConfig {
  readonly rowGroupSize: number;
}

/**
 * Rows per block of the column-at-a-time loop: each column walks a block of rows before the next
 * column does, so a block's row objects are still in cache when the next column reads them.
 */
const BLOCK_ROWS = 1024;

/**
 * The buffer every page is encoded into before compression, shared by all writers of this
 * thread: a page is encoded and compressed synchronously, so no two pages use it at once.
 */
const SCRATCH = new ByteWriter(64 * 1024);

/** How one top-level field is shredded. */
type FieldPlan =
  | {
      readonly flat: true;
      readonly name: string;
      readonly nullable: boolean;
      readonly writer: ColumnWriter;
      readonly loops: FlatLoops | null;
      /** Vector loops by vector kind, compiled on first use (null: the generic path). */
      readonly vectorLoops: { float64?: VectorLoops | null; boolean?: VectorLoops | null; values?: VectorLoops | null };
    }
  | { readonly flat: false; readonly name: string; readonly node: WriteNode; readonly writers: readonly ColumnWriter[] };

/**
 * A Parquet file written chunk by chunk (core's `ParquetFileWriter`). `append` shreds rows
 * column by column into per-leaf {@link ColumnWriter}s, which encode and compress each page the
 * moment it fills; a row group's column chunks are laid out when it reaches `rowGroupSize`
 * rows; `finish` adds the footer. Memory holds encoded pages, not rows. The bytes depend only on
 * the rows and the configuration, never on how the rows were split across `append` calls.
 *
 * A failed `append` (a value that does not fit the schema) leaves the writer failed: every later
 * call rethrows that error, because some columns may already hold part of the failed rows.
 */
export class ParquetStreamWriter implements ParquetFileWriter {
  readonly #schema: StructType;
  readonly #config: ParquetWriterConfig;
  readonly #elements: ThriftValue[];
  readonly #plans: readonly FieldPlan[];
  readonly #writers: readonly ColumnWriter[];
  readonly #out: Uint8Array[] = [MAGIC];
  #offset = MAGIC.length;
  readonly #rowGroups: ThriftValue[] = [];
  #groupRows = 0;
  #numRows = 0;
  #failure: unknown = null;
  #finished = false;

  constructor(schema: StructType, config: ParquetWriterConfig) {
    this.#schema = schema;
    this.#config = config;
    const nodes = schema.fields.map((f) => {
      const n = buildNode(f.name, f.type, f.nullable, [], f.name);
      assignLevels(n, 0, 0);
      return n;
    });
    this.#elements = schemaElements(nodes);
    const writers: ColumnWriter[] = [];
    const add = (leaf: LeafSpec): ColumnWriter => {
      leaf.index = writers.length;
      const w = new ColumnWriter(leaf, config, SCRATCH);
      writers.push(w);
      return w;
    };
    this.#plans = nodes.map((node, i): FieldPlan => {
      const f = schema.fields[i]!;
      if (node.leaf !== null) {
        const writer = add(node.leaf);
        return { flat: true, name: f.name, nullable: f.nullable, writer, loops: flatLoops(f.name, node.leaf, f.nullable), vectorLoops: {} };
      }
      return { flat: false, name: f.name, node, writers: leavesOf(node).map(add) };
    });
    this.#writers = writers;
  }

  get numRows(): number {
    return this.#numRows;
  }

  async append(rows: readonly Row[]): Promise<void> {
    this.#usable();
    try {
      this.#append(rows);
    } catch (e) {
      this.#failure = e;
      throw e;
    }
  }

  /**
   * Appends a column chunk: the same file as `append(columnChunkToRows(chunk))`, byte for byte,
   * and the same errors for bad values. Flat primitive columns are shredded straight from the
   * vectors (numbers unboxed from their Float64Array); nested, binary and decimal columns read
   * the vector's values one at a time, as the row path reads them from rows. A chunk whose
   * fields are not the writer's (by name, in order) goes through its rows.
   */
  async appendColumns(chunk: ColumnChunk): Promise<void> {
    this.#usable();
    try {
      if (this.#sameFields(chunk)) this.#appendColumns(chunk);
      else this.#append(columnChunkToRows(chunk));
    } catch (e) {
      this.#failure = e;
      throw e;
    }
  }

  async finish(): Promise<Uint8Array> {
    this.#usable();
    try {
      if (this.#groupRows > 0) this.#flushRowGroup();
      const footer = encodeThriftStruct([
        [1, i32(1)],
        [2, list('struct', this.#elements)],
        [3, i64(this.#numRows)],
        [4, list('struct', this.#rowGroups)],
        [5, list('struct', [struct([[1, str(SPARK_SCHEMA_KEY)], [2, str(StructType.toJSON(this.#schema))]])])],
        [6, str('weir version 0.1.0 (@weir/node)')],
      ]);
      const tail = new Uint8Array(8);
      new DataView(tail.buffer).setUint32(0, footer.length, true);
      tail.set(MAGIC, 4);
      this.#out.push(footer, tail);
      return concat(this.#out);
    } finally {
      this.#finished = true;
      this.#out.length = 0;
    }
  }

  #usable(): void {
    if (this.#failure !== null) throw this.#failure;
    if (this.#finished) throw CoreErrors.INTERNAL_ERROR({ reason: 'a ParquetFileWriter was used after finish()', package: 'the caller of @weir/node' });
  }

  #append(rows: readonly Row[]): void {
    let r = 0;
    while (r < rows.length) {
      const groupEnd = Math.min(rows.length, r + (this.#config.rowGroupSize - this.#groupRows));
      for (let block = r; block < groupEnd; block += BLOCK_ROWS) {
        const end = Math.min(groupEnd, block + BLOCK_ROWS);
        for (const plan of this.#plans) {
          if (!plan.flat) this.#nested(plan.node, plan.name, plan.writers, rows, block, end);
          else if (plan.loops !== null) this.#flat(plan.writer, plan.loops, rows, block, end);
          else this.#flatGeneric(plan.writer, plan.name, plan.nullable, rows, block, end);
        }
      }
      this.#groupRows += groupEnd - r;
      this.#numRows += groupEnd - r;
      r = groupEnd;
      if (this.#groupRows === this.#config.rowGroupSize) this.#flushRowGroup();
    }
  }

  #sameFields(chunk: ColumnChunk): boolean {
    const mine = this.#schema.fields;
    if (chunk.schema === this.#schema) return chunk.vectors.length >= mine.length;
    const theirs = chunk.schema.fields;
    if (theirs.length !== mine.length || chunk.vectors.length < mine.length) return false;
    for (let i = 0; i < mine.length; i++) if ((theirs[i] as { name: string }).name !== (mine[i] as { name: string }).name) return false;
    return true;
  }

  /** `#append`'s walk (row groups, blocks, plans in order, so a bad value fails as it would there) over vectors. */
  #appendColumns(chunk: ColumnChunk): void {
    const total = chunk.numRows;
    const vectors = chunk.vectors;
    const plans = this.#plans;
    let r = 0;
    while (r < total) {
      const groupEnd = Math.min(total, r + (this.#config.rowGroupSize - this.#groupRows));
      for (let block = r; block < groupEnd; block += BLOCK_ROWS) {
        const end = Math.min(groupEnd, block + BLOCK_ROWS);
        for (let f = 0; f < plans.length; f++) {
          const plan = plans[f] as FieldPlan;
          const vector = vectors[f] as ColumnVector;
          if (!plan.flat) this.#nestedVector(plan.node, plan.writers, vector, block, end);
          else {
            const kind = vector.kind;
            let loops = plan.vectorLoops[kind];
            if (loops === undefined) loops = plan.vectorLoops[kind] = vectorLoops(plan.writer.spec, plan.nullable, kind);
            if (loops !== null) this.#flatVector(plan.writer, loops, vector, block, end);
            else this.#flatGenericVector(plan.writer, plan.nullable, vector, block, end);
          }
        }
      }
      this.#groupRows += groupEnd - r;
      this.#numRows += groupEnd - r;
      r = groupEnd;
      if (this.#groupRows === this.#config.rowGroupSize) this.#flushRowGroup();
    }
  }

  #flatVector(w: ColumnWriter, loops: VectorLoops, vector: ColumnVector, from: number, to: number): void {
    const pageSize = this.#config.pageSize;
    const src = vector.values;
    const nulls = vector.kind === 'values' ? null : vector.nulls;
    let r = from;
    while (r < to) {
      if (w.pageFull()) w.flushPage();
      if (w.levels === w.cap) w.grow();
      const room = Math.min(w.cap, pageSize) - w.levels;
      r = (w.dictActive ? loops.dict : loops.plain)(src, nulls, r, Math.min(to, r + room), w);
    }
  }

  #flatGenericVector(w: ColumnWriter, nullable: boolean, vector: ColumnVector, from: number, to: number): void {
    const maxDef = w.spec.maxDef;
    for (let r = from; r < to; r++) {
      if (w.pageFull()) w.flushPage();
      const v = vectorValue(vector, r);
      if (v !== null) w.addValue(v, maxDef, 0);
      else if (nullable) w.addNull(0, 0);
      else w.failNull();
    }
  }

  #nestedVector(node: WriteNode, writers: readonly ColumnWriter[], vector: ColumnVector, from: number, to: number): void {
    if (vector.kind === 'values' && structOfLeaves(node)) {
      const values = vector.values;
      const leaves = new StructLeaves(node, this.#writers);
      for (let r = from; r < to; r++) {
        for (const w of writers) if (w.pageFull()) w.flushPage();
        leaves.write(values[r]);
      }
      return;
    }
    for (let r = from; r < to; r++) {
      for (const w of writers) if (w.pageFull()) w.flushPage();
      shred(node, vectorValue(vector, r), 0, 0, this.#writers);
    }
  }


  #flat(w: ColumnWriter, loops: FlatLoops, rows: readonly Row[], from: number, to: number): void {
    const pageSize = this.#config.pageSize;
    let r = from;
    while (r < to) {
      if (w.pageFull()) w.flushPage();
      if (w.levels === w.cap) w.grow();
      const room = Math.min(w.cap, pageSize) - w.levels;
      r = (w.dictActive ? loops.dict : loops.plain)(rows, r, Math.min(to, r + room), w);
    }
  }

  #flatGeneric(w: ColumnWriter, name: string, nullable: boolean, rows: readonly Row[], from: number, to: number): void {
    const maxDef = w.spec.maxDef;
    for (let r = from; r < to; r++) {
      if (w.pageFull()) w.flushPage();
      const v = (rows[r] as Row)[name];
      if (v !== null && v !== undefined) w.addValue(v, maxDef, 0);
      else if (nullable) w.addNull(0, 0);
      else w.failNull();
    }
  }

  #nested(node: WriteNode, name: string, writers: readonly ColumnWriter[], rows: readonly Row[], from: number, to: number): void {
    const leaves = structOfLeaves(node) ? new StructLeaves(node, this.#writers) : null;
    for (let r = from; r < to; r++) {
      // Pages end on record boundaries (repetition level 0) so readers can split pages by rows.
      for (const w of writers) if (w.pageFull()) w.flushPage();
      if (leaves !== null) leaves.write((rows[r] as Row)[name]);
      else shred(node, (rows[r] as Row)[name], 0, 0, this.#writers);
    }
  }

  #flushRowGroup(): void {
    const columns: ThriftValue[] = [];
    let groupBytes = 0;
    const groupStart = this.#offset;
    for (const w of this.#writers) {
      const chunk = w.finishChunk();
      const chunkStart = this.#offset;
      for (const part of chunk.parts) this.#out.push(part);
      this.#offset += chunk.size;
      groupBytes += chunk.uncompressedSize;
      const leaf = w.spec;
      const meta = struct([
        [1, i32(PhysicalType[leaf.physical])],
        [2, list('i32', chunk.encodings.map(i32))],
        [3, list('string', leaf.path.map(str))],
        [4, i32(codecOf(this.#config.compression))],
        [5, i64(chunk.numValues)],
        [6, i64(chunk.uncompressedSize)],
        [7, i64(chunk.size)],
        [9, i64(chunkStart + chunk.dataPageOffset)],
        [11, chunk.dictionaryPageOffset === null ? undefined : i64(chunkStart + chunk.dictionaryPageOffset)],
        [12, chunk.statistics],
      ]);
      columns.push(struct([[2, i64(chunkStart)], [3, meta]]));
    }
    this.#rowGroups.push(struct([[1, list('struct', columns)], [2, i64(groupBytes)], [3, i64(this.#groupRows)], [5, i64(groupStart)], [6, i64(this.#offset - groupStart)]]));
    this.#groupRows = 0;
  }
}

// ---- record shredding (Dremel) for nested columns ---------------------------------------------

function emitEmpty(node: WriteNode, rep: number, def: number, writers: readonly ColumnWriter[]): void {
  if (node.leaf !== null) {
    (writers[node.leaf.index] as ColumnWriter).addNull(def, rep);
    return;
  }
  for (const c of node.children) emitEmpty(c, rep, def, writers);
}

function shred(node: WriteNode, value: unknown, rep: number, def: number, writers: readonly ColumnWriter[]): void {
  if (node.repetition === Repetition.REPEATED) {
    const items = value === null || value === undefined ? [] : (node.items as (v: unknown) => readonly unknown[])(value);
    if (items.length === 0) {
      emitEmpty(node, rep, def, writers);
      return;
    }
    for (let i = 0; i < items.length; i++) shredPresent(node, items[i], i === 0 ? rep : node.repLevel, def + 1, writers);
    return;
  }
  if (value === null || value === undefined) {
    if (node.repetition === Repetition.REQUIRED) {
      const leaf = leavesOf(node)[0] as LeafSpec;
      throw NodeErrors.PARQUET_VALUE_INVALID({ value: 'null', column: node.name, dataType: node.dataType === null ? '?' : simpleString(node.dataType), reason: `the field is not nullable (leaf ${leaf.path.join('.')})` });
    }
    emitEmpty(node, rep, def, writers);
    return;
  }
  shredPresent(node, value, rep, node.repetition === Repetition.OPTIONAL ? def + 1 : def, writers);
}

function shredPresent(node: WriteNode, value: unknown, rep: number, def: number, writers: readonly ColumnWriter[]): void {
  const leaf = node.leaf;
  if (leaf !== null) {
    (writers[leaf.index] as ColumnWriter).addValue(value, def, rep);
    return;
  }
  const children = node.children;
  for (let i = 0; i < children.length; i++) shred(children[i] as WriteNode, node.child(value, i), rep, def, writers);
}

/** A top-level struct whose fields are all primitive, none repeated (a window `{start, end}`): shredded without recursion. */
function structOfLeaves(node: WriteNode): boolean {
  return node.repetition !== Repetition.REPEATED && node.leaf === null && node.children.length > 0 && node.children.every((c) => c.leaf !== null && c.repetition !== Repetition.REPEATED);
}

/**
 * {@link shred} of the records of a top-level {@link structOfLeaves} column, in one flat pass over
 * its fields: the same levels, values and errors. Rows of one closed window share ONE struct
 * object, so a record that is the previous record's object is not checked and converted again:
 * its leaves' levels and converted values are recorded as they were.
 */
class StructLeaves {
  readonly #node: WriteNode;
  readonly #writers: readonly ColumnWriter[];
  readonly #leaves: ColumnWriter[];
  /** Per leaf, for the last present record: its definition level, and its converted value (absent when null). */
  readonly #defs: Int32Array;
  readonly #converted: unknown[];
  readonly #isNull: Uint8Array;
  #last: unknown = null;

  constructor(node: WriteNode, writers: readonly ColumnWriter[]) {
    this.#node = node;
    this.#writers = writers;
    this.#leaves = node.children.map((c) => writers[(c.leaf as LeafSpec).index] as ColumnWriter);
    this.#defs = new Int32Array(node.children.length);
    this.#converted = new Array<unknown>(node.children.length).fill(null);
    this.#isNull = new Uint8Array(node.children.length);
  }

  write(value: unknown): void {
    const leaves = this.#leaves;
    if (value === null || value === undefined) {
      // A null struct: refused when required (the recursive shredder's error), else null leaves at level 0.
      if (this.#node.repetition === Repetition.REQUIRED) shred(this.#node, value, 0, 0, this.#writers);
      for (const w of leaves) w.addNull(0, 0);
      return;
    }
    if (value !== this.#last) this.#resolve(value);
    for (let i = 0; i < leaves.length; i++) {
      const w = leaves[i] as ColumnWriter;
      if (this.#isNull[i] === 1) w.addNull(this.#defs[i] as number, 0);
      else w.addConverted(this.#converted[i], this.#defs[i] as number, 0);
    }
  }

  /** Checks and converts the fields of a present record (throwing what `shred` throws). */
  #resolve(value: unknown): void {
    const node = this.#node;
    const d = node.repetition === Repetition.OPTIONAL ? 1 : 0;
    this.#last = null;
    for (let i = 0; i < node.children.length; i++) {
      const c = node.children[i] as WriteNode;
      const v = node.child(value, i);
      if (v === null || v === undefined) {
        if (c.repetition === Repetition.REQUIRED) shred(c, v, 0, d, this.#writers);
        this.#isNull[i] = 1;
        this.#defs[i] = d;
      } else {
        this.#converted[i] = (c.leaf as LeafSpec).convert(v);
        this.#isNull[i] = 0;
        this.#defs[i] = c.repetition === Repetition.OPTIONAL ? d + 1 : d;
      }
    }
    this.#last = value;
  }
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

/** Encodes a batch as one Parquet file (Spark's physical types; see NodeParquetHandler): open, append all, finish. */
export async function writeParquet(batch: RowBatch, config: ParquetWriterConfig): Promise<Uint8Array> {
  const writer = new ParquetStreamWriter(batch.schema, config);
  await writer.append(batch.rows);
  return writer.finish();
}
