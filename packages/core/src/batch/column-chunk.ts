import type { DataType, StructType } from '../schema/data-type.js';
import type { Row } from './row-batch.js';

/**
 * The columnar form of a batch: the same rows, stored column by column. It exists for the
 * stateless hot path (scan NDJSON → compiled filter/projection → Parquet), where a row object per
 * record, boxed numbers in its fields and the copies between stages are most of the cost and
 * most of the garbage; a column of numbers is one typed array.
 *
 * Values are exactly a `Row`'s values (see `Row`): a vector only changes where they are kept.
 *
 * Contracts:
 * - `vectors[i]` holds column `schema.fields[i]`, in schema order, with at least `numRows` values;
 *   its kind is `vectorKindOf(field.type)`.
 * - A chunk is immutable once built: producers MUST NOT write to its arrays after handing it
 *   over; consumers MUST NOT retain them past the call that received the chunk (copy instead),
 *   so a producer may allocate fresh arrays per chunk without sharing hazards.
 * - Converting both ways is lossless: `columnChunkToRows(columnChunkFromRows(s, rows))` equals
 *   `rows` restricted to the schema's fields (absent and undefined read as null).
 */
export interface ColumnChunk {
  readonly schema: StructType;
  readonly numRows: number;
  readonly vectors: readonly ColumnVector[];
}

/**
 * `long`, `integer`, `short`, `byte`, `double`, `float`, `date`, `timestamp`, `timestamp_ntz`:
 * the numbers as in a row. `nulls[i] === 1` marks a null (then `values[i]` is 0 and means
 * nothing); `nulls` is null when the column has no null in this chunk.
 */
export interface Float64Vector {
  readonly kind: 'float64';
  readonly values: Float64Array;
  readonly nulls: Uint8Array | null;
}

/** `boolean`: 1 true, 0 false; `nulls` as in {@link Float64Vector}. */
export interface BooleanVector {
  readonly kind: 'boolean';
  readonly values: Uint8Array;
  readonly nulls: Uint8Array | null;
}

/** Every other type (string, binary, decimal, struct, array, map): the row values themselves, null for null. */
export interface ValuesVector {
  readonly kind: 'values';
  readonly values: readonly unknown[];
}

export type ColumnVector = Float64Vector | BooleanVector | ValuesVector;
export type ColumnVectorKind = ColumnVector['kind'];

const FLOAT64_TYPES: ReadonlySet<string> = new Set(['long', 'integer', 'short', 'byte', 'double', 'float', 'date', 'timestamp', 'timestamp_ntz']);

/** How a column of `type` is stored in a {@link ColumnChunk}. */
export function vectorKindOf(type: DataType): ColumnVectorKind {
  if (typeof type !== 'string') return 'values';
  if (FLOAT64_TYPES.has(type)) return 'float64';
  return type === 'boolean' ? 'boolean' : 'values';
}

/** Value `i` of a vector in row form (null for null). */
export function vectorValue(v: ColumnVector, i: number): unknown {
  switch (v.kind) {
    case 'float64':
      return v.nulls !== null && v.nulls[i] === 1 ? null : v.values[i];
    case 'boolean':
      return v.nulls !== null && v.nulls[i] === 1 ? null : v.values[i] === 1;
    default: {
      const x = v.values[i];
      return x === undefined ? null : x;
    }
  }
}

/**
 * Builds column chunks of at most `capacity` rows: a value at a time (`set` then `endRow`), or a
 * row at a time (`appendRow`). `finish` hands the arrays over and starts fresh ones.
 *
 * Hot producers may write the arrays of the current chunk directly (`float64s[f][numRows] = v`,
 * `nulls[f][numRows] = 1`, `values[f][numRows] = v`) and then call `endRow`; `set` is the same
 * through one switch.
 */
export class ColumnChunkBuilder {
  readonly schema: StructType;
  readonly capacity: number;
  readonly kinds: readonly ColumnVectorKind[];
  /** Per field: the typed array of a float64 column (else an empty array). */
  float64s!: Float64Array[];
  /** Per field: the 0/1 array of a boolean column (else an empty array). */
  booleans!: Uint8Array[];
  /** Per field: null flags of float64 and boolean columns (else an empty array). */
  nulls!: Uint8Array[];
  /** Per field: the values of a `values` column (else an empty array). */
  values!: unknown[][];
  /** Rows completed in the current chunk. */
  numRows = 0;
  readonly #names: readonly string[];
  readonly #ownOnly: readonly boolean[];
  /** Per field: false when no consumer reads it (see the constructor); null: every field is read. */
  readonly #used: readonly boolean[] | null;
  /** Per unread field: the all-null vector its chunks carry (read-only, shared by every chunk). */
  readonly #unread: (ColumnVector | null)[];

  /**
   * `used` (optional, per schema field): false marks a column its consumer does not read. Writes
   * to it still succeed (producers need not know) but go to scratch arrays allocated once, and
   * every chunk carries an all-null vector there: a pruned column costs no fresh arrays per chunk.
   */
  constructor(schema: StructType, capacity: number, used?: readonly boolean[]) {
    this.schema = schema;
    this.capacity = capacity;
    this.kinds = schema.fields.map((f) => vectorKindOf(f.type));
    this.#names = schema.fields.map((f) => f.name);
    this.#ownOnly = this.#names.map((n) => n in Object.prototype);
    this.#used = used === undefined || used.every((u) => u) ? null : schema.fields.map((_, f) => used[f] !== false);
    this.#unread = this.kinds.map(() => null);
    this.#allocate(true);
  }

  get full(): boolean {
    return this.numRows >= this.capacity;
  }

  #allocate(first: boolean): void {
    const n = this.capacity;
    const none = new Float64Array(0);
    // An unread field keeps its scratch arrays: their content is never handed over.
    const keep = first || this.#used === null ? null : this.#used;
    this.float64s = this.kinds.map((k, f) => (keep?.[f] === false ? (this.float64s[f] as Float64Array) : k === 'float64' ? new Float64Array(n) : none));
    this.booleans = this.kinds.map((k, f) => (keep?.[f] === false ? (this.booleans[f] as Uint8Array) : k === 'boolean' ? new Uint8Array(n) : new Uint8Array(0)));
    this.nulls = this.kinds.map((k, f) => (keep?.[f] === false ? (this.nulls[f] as Uint8Array) : k === 'values' ? new Uint8Array(0) : new Uint8Array(n)));
    this.values = this.kinds.map((k, f) => (keep?.[f] === false ? (this.values[f] as unknown[]) : k === 'values' ? new Array<unknown>(n).fill(null) : []));
  }

  /** The all-null vector of unread field `f` for a chunk of `n` rows (views of one shared array). */
  #unreadVector(f: number, n: number): ColumnVector {
    let v = this.#unread[f] ?? null;
    if (v === null) {
      const c = this.capacity;
      const kind = this.kinds[f] as ColumnVectorKind;
      v = kind === 'values' ? { kind, values: new Array<unknown>(c).fill(null) } : { kind, values: kind === 'float64' ? new Float64Array(c) : new Uint8Array(c), nulls: new Uint8Array(c).fill(1) } as ColumnVector;
      this.#unread[f] = v;
    }
    // Values vectors may be longer than the chunk (at least numRows values); typed ones are cut to it.
    if (v.kind === 'values' || n === this.capacity) return v;
    return v.kind === 'float64'
      ? { kind: 'float64', values: v.values.subarray(0, n), nulls: (v.nulls as Uint8Array).subarray(0, n) }
      : { kind: 'boolean', values: v.values.subarray(0, n), nulls: (v.nulls as Uint8Array).subarray(0, n) };
  }

  /** Sets field `f` of the current row to `v` (row form; null/undefined for null). */
  set(f: number, v: unknown): void {
    const i = this.numRows;
    switch (this.kinds[f]) {
      case 'float64':
        if (v === null || v === undefined) (this.nulls[f] as Uint8Array)[i] = 1;
        else (this.float64s[f] as Float64Array)[i] = v as number;
        break;
      case 'boolean':
        if (v === null || v === undefined) (this.nulls[f] as Uint8Array)[i] = 1;
        else (this.booleans[f] as Uint8Array)[i] = v === true ? 1 : 0;
        break;
      default:
        (this.values[f] as unknown[])[i] = v === undefined ? null : v;
    }
  }

  /** Marks field `f` of the current row null (hot producers writing the arrays directly). */
  setNull(f: number): void {
    if (this.kinds[f] === 'values') (this.values[f] as unknown[])[this.numRows] = null;
    else (this.nulls[f] as Uint8Array)[this.numRows] = 1;
  }

  /** Completes the current row; fields never set are null. MUST NOT be called when `full`. */
  endRow(): void {
    this.numRows++;
  }

  /** Appends a row (its schema fields; absent fields are null). */
  appendRow(row: Row): void {
    const names = this.#names;
    const own = this.#ownOnly;
    for (let f = 0; f < names.length; f++) {
      const name = names[f] as string;
      // A name Object.prototype also has (`__proto__`, `toString`) reads only an own field.
      this.set(f, own[f] === true && !Object.prototype.hasOwnProperty.call(row, name) ? null : row[name]);
    }
    this.numRows++;
  }

  /** The chunk of the rows so far; the builder continues with fresh arrays and 0 rows. */
  finish(): ColumnChunk {
    const n = this.numRows;
    const used = this.#used;
    const vectors: ColumnVector[] = this.kinds.map((k, f) => {
      if (used !== null && used[f] === false) return this.#unreadVector(f, n);
      if (k === 'values') {
        const vs = this.values[f] as unknown[];
        if (vs.length > n) vs.length = n;
        return { kind: 'values', values: vs };
      }
      const flags = (this.nulls[f] as Uint8Array).subarray(0, n);
      // The flags are the only record of nulls (producers may write them directly): a column
      // with none reports `nulls: null`.
      const nulls = flags.indexOf(1) >= 0 ? flags : null;
      return k === 'float64'
        ? { kind: 'float64', values: (this.float64s[f] as Float64Array).subarray(0, n), nulls }
        : { kind: 'boolean', values: (this.booleans[f] as Uint8Array).subarray(0, n), nulls };
    });
    const chunk: ColumnChunk = { schema: this.schema, numRows: n, vectors };
    this.numRows = 0;
    this.#allocate(false);
    return chunk;
  }
}

/** The rows of `rows` as one column chunk of `schema` (their fields only). */
export function columnChunkFromRows(schema: StructType, rows: readonly Row[]): ColumnChunk {
  const b = new ColumnChunkBuilder(schema, rows.length);
  for (const r of rows) b.appendRow(r);
  return b.finish();
}

/** The chunk as row objects (fields in schema order). */
export function columnChunkToRows(chunk: ColumnChunk): Row[] {
  const fields = chunk.schema.fields;
  const out: Row[] = new Array<Row>(chunk.numRows);
  for (let i = 0; i < chunk.numRows; i++) {
    const r: Row = {};
    for (let f = 0; f < fields.length; f++) {
      // defineProperty: a column named `__proto__` must become a field, not the prototype.
      Object.defineProperty(r, (fields[f] as { name: string }).name, { value: vectorValue(chunk.vectors[f] as ColumnVector, i), enumerable: true, writable: true, configurable: true });
    }
    out[i] = r;
  }
  return out;
}
