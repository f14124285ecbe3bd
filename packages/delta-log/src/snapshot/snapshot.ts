/**
 * A Snapshot: one version of a table, reconciled — protocol, metadata, schema, active files,
 * app transactions — and a scan over its rows.
 */
import { StructType, type DataType, type Engine, type Row, type RowBatch, type StructField } from '@weir/core';
import { DeltaErrors } from '../errors.js';
import type { AddAction, DomainMetadataAction, MetadataAction, ProtocolAction, RemoveAction, TxnAction, CommitInfoAction } from '../actions/actions.js';
import { resolveDataFilePath } from '../log/table-path.js';
import { decodePartitionValue } from '../write/partition-values.js';
import { assertReadSupported, columnMappingMode } from '../table/table-features.js';
import type { LogSegment } from '../log/log-segment.js';
import type { TableState } from './log-replay.js';
import { loadDeletionVector } from '../deletion-vectors/deletion-vector.js';

/** An active data file with its storage path and typed partition values. */
export interface ScanFile {
  readonly add: AddAction;
  /** Storage path (table root + decoded `add.path`). */
  readonly path: string;
  /** Partition values decoded by their column types. */
  readonly partitionValues: Readonly<Row>;
}

export interface ScanOptions {
  /**
   * Time zone for zone-less timestamp partition values (Spark writes them in its session time
   * zone). Defaults to `UTC`, the spec's reading.
   */
  readonly sessionTimeZone?: string;
  /** Columns to return, in this order. Defaults to all columns of the schema. */
  readonly columns?: readonly string[];
  /** Keeps only files whose (typed) partition values pass. Defaults to all files. */
  readonly partitionFilter?: (partitionValues: Readonly<Row>) => boolean;
}

const states = new WeakMap<Snapshot, TableState>();

/** @internal The reconciled state behind a snapshot (for incremental updates; never mutate it). */
export function snapshotState(snapshot: Snapshot): TableState {
  return states.get(snapshot) as TableState;
}

export class Snapshot {
  readonly #engine: Engine;
  readonly #state: TableState;
  readonly #segment: LogSegment;
  readonly tablePath: string;
  readonly version: number;
  readonly protocol: ProtocolAction;
  readonly metadata: MetadataAction;
  readonly schema: StructType;
  /** Commit timestamp (ms) of this version: in-commit timestamp if present, else the commit file's modification time. */
  readonly timestamp: number | undefined;
  /** Column mapping is on (`name`/`id`): Parquet columns and partition values use physical names. */
  readonly #mapped: boolean;

  /** @internal Built by `DeltaTable`; validates protocol support (`DELTA_UNSUPPORTED_FEATURE`). */
  constructor(engine: Engine, segment: LogSegment, state: TableState) {
    this.#engine = engine;
    this.#state = state;
    states.set(this, state);
    this.#segment = segment;
    this.tablePath = segment.tablePath;
    this.version = state.version;
    if (state.protocol === undefined) {
      throw DeltaErrors.DELTA_STATE_RECOVER_ERROR({ path: segment.tablePath, what: 'protocol', version: state.version });
    }
    assertReadSupported(segment.tablePath, state.protocol, state.metadata);
    if (state.metadata === undefined) {
      throw DeltaErrors.DELTA_STATE_RECOVER_ERROR({ path: segment.tablePath, what: 'metadata', version: state.version });
    }
    this.protocol = state.protocol;
    this.metadata = state.metadata;
    // Spark writes tables whose first metaData has no (or an empty) schemaString: an empty schema.
    const schemaString = state.metadata.schemaString;
    this.#mapped = columnMappingMode(state.metadata) !== 'none';
    this.schema = typeof schemaString === 'string' && schemaString.length > 0 ? StructType.fromJSON(schemaString) : StructType.fromJSON({ type: 'struct', fields: [] });
    const last = segment.commits[segment.commits.length - 1];
    const ict = state.lastCommitInfo?.['inCommitTimestamp'];
    this.timestamp = typeof ict === 'number' ? ict : last?.version === state.version ? last.modificationTime : undefined;
  }

  /** The log segment this snapshot was replayed from. */
  get logSegment(): LogSegment {
    return this.#segment;
  }

  get partitionColumns(): readonly string[] {
    return this.metadata.partitionColumns;
  }

  get configuration(): Readonly<Record<string, string>> {
    return this.metadata.configuration;
  }

  /** Active `add` actions, in the order they were added. */
  get files(): readonly AddAction[] {
    return [...this.#state.files.values()];
  }

  /** Removes not superseded by a later add (kept for vacuum until their retention passes). */
  get tombstones(): readonly RemoveAction[] {
    return [...this.#state.tombstones.values()];
  }

  /** The latest `txn` per appId. */
  get appTransactions(): ReadonlyMap<string, TxnAction> {
    return this.#state.txns;
  }

  get domainMetadata(): ReadonlyMap<string, DomainMetadataAction> {
    return this.#state.domainMetadata;
  }

  /** The `commitInfo` of this version's commit, if it wrote one. */
  get commitInfo(): CommitInfoAction | undefined {
    return this.#state.lastCommitInfo;
  }

  /**
   * The last version `appId` committed through a `txn` action, or `undefined` if none: the
   * idempotency check of a streaming sink (skip batch N when this is ≥ N).
   */
  getAppTransactionVersion(appId: string): number | undefined {
    return this.#state.txns.get(appId)?.version;
  }

  /** Number of records according to file stats, or undefined when some file lacks stats. */
  numRecords(): number | undefined {
    let n = 0;
    for (const f of this.#state.files.values()) {
      const r = parseStats(f.stats)?.numRecords;
      if (typeof r !== 'number') return undefined;
      n += r - (f.deletionVector?.cardinality ?? 0);
    }
    return n;
  }

  /** Partition column fields, in `partitionColumns` order. */
  partitionFields(): StructField[] {
    return this.metadata.partitionColumns.map((c) => {
      const f = StructType.findField(this.schema, c);
      if (f === undefined) throw DeltaErrors.DELTA_PARTITION_COLUMN_NOT_FOUND({ path: this.tablePath, column: c });
      return f;
    });
  }

  /**
   * The active files with their storage paths and typed partition values.
   * @throws DELTA_FILE_PATH_ESCAPES_TABLE for a path outside the table root.
   */
  scanFiles(options: Pick<ScanOptions, 'partitionFilter' | 'sessionTimeZone'> = {}): ScanFile[] {
    const fields = this.partitionFields();
    const out: ScanFile[] = [];
    for (const add of this.#state.files.values()) {
      const pv: Row = {};
      for (const f of fields) {
        const raw = lookupPartitionValue(add.partitionValues, this.#physicalName(f));
        const v = decodePartitionValue(raw, f.type, options.sessionTimeZone ?? 'UTC');
        if (v === undefined) {
          throw DeltaErrors.DELTA_LOG_FILE_CORRUPT({ file: add.path, line: 0, reason: `partition value ${JSON.stringify(raw)} is not a valid ${JSON.stringify(f.type)}` });
        }
        pv[f.name] = v;
      }
      if (options.partitionFilter && !options.partitionFilter(pv)) continue;
      out.push({ add, path: resolveDataFilePath(this.tablePath, add.path), partitionValues: pv });
    }
    return out;
  }

  /**
   * Streams the table's rows, one batch per data file, partition columns filled in from the log.
   * Columns absent from an older file (schema evolution) read as null.
   */
  async *scan(options: ScanOptions = {}): AsyncIterable<RowBatch> {
    const columns = options.columns ?? StructType.fieldNames(this.schema);
    const fields: StructField[] = columns.map((c) => {
      const f = StructType.findField(this.schema, c);
      if (f === undefined) throw DeltaErrors.DELTA_INVALID_ARGUMENT({ argument: `column ${c}`, reason: `is not in the schema of ${this.tablePath}` });
      return f;
    });
    const outSchema = StructType.fromJSON({ type: 'struct', fields });
    for (const file of this.scanFiles(options)) yield await this.#readFile(file, fields, outSchema);
  }

  /**
   * The rows of one data file (from `scanFiles()`), partition columns filled in.
   * @param columns Defaults to all columns of the schema.
   */
  async readFile(file: ScanFile, columns?: readonly string[]): Promise<RowBatch> {
    const names = columns ?? StructType.fieldNames(this.schema);
    const fields = names.map((c) => {
      const f = StructType.findField(this.schema, c);
      if (f === undefined) throw DeltaErrors.DELTA_INVALID_ARGUMENT({ argument: `column ${c}`, reason: `is not in the schema of ${this.tablePath}` });
      return f;
    });
    return this.#readFile(file, fields, StructType.fromJSON({ type: 'struct', fields }));
  }

  async #readFile(file: ScanFile, fields: readonly StructField[], outSchema: StructType): Promise<RowBatch> {
    const partitionNames = new Set(this.metadata.partitionColumns.map((c) => c.toLowerCase()));
    const dataFields = fields.filter((f) => !partitionNames.has(f.name.toLowerCase()));
    const bytes = await this.#engine.storage.read(file.path);
    let rows: readonly Row[];
    let fileFields: readonly string[] = [];
    if (dataFields.length === 0) {
      const meta = await this.#engine.parquet.readMetadata(bytes);
      rows = Array.from({ length: meta.numRows }, () => ({}));
    } else {
      const batch = await this.#engine.parquet.read(bytes);
      rows = batch.rows;
      fileFields = batch.schema.fields.map((f) => f.name);
    }
    const nameInFile = new Map<string, string>();
    for (const f of dataFields) {
      const want = this.#physicalName(f);
      const exact = fileFields.find((n) => n === want) ?? (this.#mapped ? undefined : fileFields.find((n) => n.toLowerCase() === want.toLowerCase()));
      if (exact !== undefined) nameInFile.set(f.name, exact);
    }
    // Rows whose index (position in the file) is in the file's deletion vector are skipped.
    const deleted = file.add.deletionVector ? await loadDeletionVector(this.#engine, this.tablePath, file.add.deletionVector) : null;
    const out: Row[] = [];
    for (let i = 0; i < rows.length; i++) {
      if (deleted !== null && deleted.has(i)) continue;
      const src = rows[i] as Row;
      const r: Row = {};
      for (const f of fields) {
        if (partitionNames.has(f.name.toLowerCase())) r[f.name] = partitionValueOf(file.partitionValues, f.name);
        else {
          const n = nameInFile.get(f.name);
          const v = n === undefined ? null : coerce(src[n], f.type);
          r[f.name] = this.#mapped ? this.#toLogical(v, f.type) : v;
        }
      }
      out.push(r);
    }
    return { schema: outSchema, rows: out };
  }

  #physicalName(f: StructField): string {
    const p = this.#mapped ? f.metadata['delta.columnMapping.physicalName'] : undefined;
    return typeof p === 'string' ? p : f.name;
  }

  /** Renames nested struct fields from physical to logical names (column mapping). */
  #toLogical(v: unknown, type: DataType): unknown {
    if (v === null || v === undefined || typeof type !== 'object') return v ?? null;
    if (type.type === 'struct') {
      const src = v as Row;
      const out: Row = {};
      for (const f of type.fields) {
        const p = this.#physicalName(f);
        out[f.name] = this.#toLogical(p in src ? src[p] : src[f.name], f.type);
      }
      return out;
    }
    if (type.type === 'array') return (v as unknown[]).map((x) => this.#toLogical(x, type.elementType));
    if (type.type === 'map') {
      const m = v instanceof Map ? v : new Map(Object.entries(v as Row));
      return new Map([...m.entries()].map(([k, x]) => [this.#toLogical(k, type.keyType), this.#toLogical(x, type.valueType)]));
    }
    return v;
  }

  /** All rows of `scan(options)` in one array (convenience for small tables and tests). */
  async collect(options: ScanOptions = {}): Promise<Row[]> {
    const out: Row[] = [];
    for await (const b of this.scan(options)) for (const r of b.rows) out.push(r);
    return out;
  }
}

function lookupPartitionValue(values: Readonly<Record<string, string | null>>, name: string): string | null | undefined {
  if (name in values) return values[name];
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(values)) if (k.toLowerCase() === lower) return v;
  return undefined;
}

function partitionValueOf(values: Readonly<Row>, name: string): unknown {
  return values[name] ?? null;
}

/** Normalises a value read from Parquet to weir's in-memory form for the table's type. */
function coerce(v: unknown, type: DataType): unknown {
  if (v === undefined) return null;
  if (typeof v === 'bigint') return Number(v);
  if (type === 'date' && v instanceof Date) return Math.floor(v.getTime() / 86_400_000);
  if ((type === 'timestamp' || type === 'timestamp_ntz') && v instanceof Date) return v.getTime() * 1000;
  return v;
}

/** Parsed `add.stats`, or undefined when absent or unreadable. */
export function parseStats(stats: string | null | undefined): { numRecords?: number; minValues?: Row; maxValues?: Row; nullCount?: Row; tightBounds?: boolean } | undefined {
  if (stats === null || stats === undefined || stats === '') return undefined;
  try {
    return JSON.parse(stats) as { numRecords?: number };
  } catch {
    return undefined;
  }
}
