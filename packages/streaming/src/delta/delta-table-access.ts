/**
 * The one place the Delta sink/source touch the Delta log. Everything else in this folder speaks
 * these small functions, so the log library behind them can change in one file.
 *
 * This is a deliberately small implementation of the parts of PROTOCOL.md the streaming sink and
 * source need (JSON commits, replay of protocol/metaData/add/remove/txn, `put(ifAbsent)` commits):
 * protocol 1/2 tables, no checkpoints. It will delegate to @weir/delta-log (checkpoints,
 * conflict rules, stats) as that package's API lands.
 */
import { randomUUID } from 'node:crypto';
import {
  CoreErrors,
  StructType,
  dataTypeEquals,
  joinPath,
  listAll,
  rowBatch,
  utf8Decode,
  utf8Encode,
  type DataType,
  type Engine,
  type Row,
  type RowBatch,
  type StructField,
  type OutputMode,
} from '@weir/core';
import { DeltaStreamingErrors } from './delta-errors.js';
import { groupByPartition } from './partition-path.js';

/** An `add` action as committed (plain data; crosses threads). */
export interface DeltaAddAction {
  readonly path: string;
  readonly partitionValues: Readonly<Record<string, string | null>>;
  readonly size: number;
  readonly modificationTime: number;
  readonly dataChange: boolean;
  readonly stats?: string | null;
}

export type DeltaAddFile = DeltaAddAction;

export interface DeltaRemoveFile {
  readonly path: string;
  readonly dataChange: boolean;
}

/** One commit's file changes, for the streaming source. */
export interface DeltaCommitChanges {
  readonly version: number;
  readonly timestamp: number;
  readonly adds: readonly DeltaAddFile[];
  readonly removes: readonly DeltaRemoveFile[];
}

/** A snapshot as the sink/source need it. */
export interface DeltaTableState {
  readonly version: number;
  readonly id: string;
  readonly schema: StructType;
  readonly partitionColumns: readonly string[];
  /** Active files, in commit order. */
  readonly files: readonly DeltaAddFile[];
  readonly configuration: Readonly<Record<string, string>>;
  /** Delta's `getAppTransactionVersion`: the latest txn version of `appId`, if any. */
  txnVersion(appId: string): number | undefined;
}

export interface CommitRequest {
  /** The snapshot the commit was planned on (null: create the table). */
  readonly state: DeltaTableState | null;
  readonly adds: readonly DeltaAddAction[];
  /** Remove every file of `state` (complete mode / overwrite). */
  readonly removeAll: boolean;
  readonly txn: { readonly appId: string; readonly version: number } | null;
  readonly schema: StructType;
  readonly partitionColumns: readonly string[];
  readonly mergeSchema: boolean;
  readonly overwriteSchema: boolean;
  readonly operation: string;
  readonly outputMode: OutputMode;
}

export type CommitOutcome = { readonly kind: 'committed'; readonly version: number } | { readonly kind: 'conflict'; readonly reason: string };

const LOG_DIR = '_delta_log';
const COMMIT_RE = /^(\d{20})\.json$/;

function commitPath(tablePath: string, version: number): string {
  return joinPath(tablePath, LOG_DIR, `${String(version).padStart(20, '0')}.json`);
}

async function listCommitVersions(engine: Engine, tablePath: string): Promise<number[]> {
  const out: number[] = [];
  for (const f of await listAll(engine.storage, joinPath(tablePath, LOG_DIR))) {
    const m = COMMIT_RE.exec(f.path.slice(f.path.lastIndexOf('/') + 1));
    if (m) out.push(Number(m[1]));
  }
  return out.sort((a, b) => a - b);
}

type ActionLine = Record<string, Record<string, unknown> | undefined>;

async function readCommit(engine: Engine, tablePath: string, version: number): Promise<{ actions: ActionLine[]; modTime: number }> {
  const path = commitPath(tablePath, version);
  const [bytes, info] = await Promise.all([engine.storage.read(path), engine.storage.head(path)]);
  const actions: ActionLine[] = [];
  for (const line of utf8Decode(bytes).split('\n')) {
    if (line.trim() === '') continue;
    try {
      actions.push(JSON.parse(line) as ActionLine);
    } catch (cause) {
      throw CoreErrors.INTERNAL_ERROR({ reason: `corrupt Delta commit ${path}`, package: '@weir/streaming' }, { cause });
    }
  }
  return { actions, modTime: info?.modificationTime ?? 0 };
}

function decodePath(p: string): string {
  try {
    return decodeURIComponent(p);
  } catch {
    return p;
  }
}

/** Replays the log up to `version` (latest by default). Null when the table does not exist. */
export async function loadTableState(
  engine: Engine,
  tablePath: string,
  at: { readonly version?: number; readonly timestampMs?: number } = {},
): Promise<DeltaTableState | null> {
  const versions = await listCommitVersions(engine, tablePath);
  if (versions.length === 0) return null;
  let target = versions[versions.length - 1] as number;
  if (at.timestampMs !== undefined) target = await versionAtTimestamp(engine, tablePath, at.timestampMs, 'atOrBefore');
  if (at.version !== undefined) {
    if (!versions.includes(at.version)) {
      throw DeltaStreamingErrors.DELTA_STREAMING_VERSION_NOT_FOUND({ version: at.version, path: tablePath, earliest: versions[0] ?? -1, latest: target });
    }
    target = at.version;
  }
  let metadata: Record<string, unknown> | undefined;
  const files = new Map<string, DeltaAddFile>();
  const txns = new Map<string, number>();
  for (const v of versions) {
    if (v > target) break;
    const { actions } = await readCommit(engine, tablePath, v);
    for (const a of actions) {
      if (a['metaData']) metadata = a['metaData'];
      else if (a['add']) {
        const add = a['add'] as unknown as DeltaAddFile;
        files.set(decodePath(add.path), add);
      } else if (a['remove']) files.delete(decodePath(String(a['remove']['path'])));
      else if (a['txn']) txns.set(String(a['txn']['appId']), Number(a['txn']['version']));
    }
  }
  if (!metadata) throw CoreErrors.INTERNAL_ERROR({ reason: `Delta table ${tablePath} has no metaData action`, package: '@weir/streaming' });
  const schema = StructType.fromJSON(String(metadata['schemaString']));
  return Object.freeze({
    version: target,
    id: String(metadata['id']),
    schema,
    partitionColumns: Object.freeze([...((metadata['partitionColumns'] as string[] | undefined) ?? [])]),
    files: Object.freeze([...files.values()]),
    configuration: Object.freeze({ ...((metadata['configuration'] as Record<string, string> | undefined) ?? {}) }),
    txnVersion: (appId: string) => txns.get(appId),
  });
}

/** Writes a batch as Parquet data files (Hive partition dirs); returns their add actions (not committed). */
export async function writeFiles(
  engine: Pick<Engine, 'storage' | 'parquet'>,
  tablePath: string,
  batch: RowBatch,
  partitionColumns: readonly string[],
): Promise<DeltaAddAction[]> {
  const out: DeltaAddAction[] = [];
  let part = 0;
  for (const group of groupByPartition(batch, partitionColumns)) {
    const name = `part-${String(part++).padStart(5, '0')}-${randomUUID()}.c000.snappy.parquet`;
    const rel = group.dir === '' ? name : `${group.dir}/${name}`;
    const bytes = await engine.parquet.write(group.batch, { compression: 'snappy' });
    const full = joinPath(tablePath, rel);
    await engine.storage.put(full, bytes);
    const info = await engine.storage.head(full);
    out.push({
      path: rel.split('/').map(encodeURIComponent).join('/'),
      partitionValues: group.partitionValues,
      size: bytes.byteLength,
      modificationTime: info?.modificationTime ?? 0,
      dataChange: true,
      stats: JSON.stringify({ numRecords: group.batch.rows.length }),
    });
  }
  return out;
}

function sameSchema(a: StructType, b: StructType): boolean {
  if (a.fields.length !== b.fields.length) return false;
  return a.fields.every((f, i) => {
    const g = b.fields[i] as StructField;
    return f.name === g.name && dataTypeEquals(f.type, g.type);
  });
}

/** The table schema with the batch's extra columns appended, or null when a shared column changed type. */
function mergeSchemas(table: StructType, batch: StructType): StructType | null {
  const fields: StructField[] = [...table.fields];
  for (const f of batch.fields) {
    const existing = table.fields.find((t) => t.name.toLowerCase() === f.name.toLowerCase());
    if (!existing) fields.push({ ...f, nullable: true });
    else if (!dataTypeEquals(existing.type, f.type)) return null;
  }
  return { type: 'struct', fields };
}

function batchFitsTable(table: StructType, batch: StructType): boolean {
  return batch.fields.every((f) => {
    const t = table.fields.find((x) => x.name.toLowerCase() === f.name.toLowerCase());
    return t !== undefined && dataTypeEquals(t.type, f.type);
  });
}

/**
 * Commits `adds` (+ removes, txn, metadata change) as version `state.version + 1` with
 * `put(ifAbsent)`. Returns `conflict` when another writer took that version: the caller re-reads
 * the table (and its txn) and retries.
 */
export async function commitToTable(engine: Engine, tablePath: string, req: CommitRequest): Promise<CommitOutcome> {
  const { state } = req;
  const now = engine.clock.now();
  const actions: Record<string, unknown>[] = [];
  actions.push({
    commitInfo: {
      timestamp: now,
      operation: req.operation,
      operationParameters: { outputMode: req.outputMode === 'complete' ? 'Complete' : 'Append', ...(req.txn ? { queryId: req.txn.appId, epochId: String(req.txn.version) } : {}) },
      isBlindAppend: !req.removeAll,
      engineInfo: 'weir',
    },
  });
  let newSchema: StructType | null = null;
  if (state === null) {
    newSchema = req.schema;
    actions.push({ protocol: { minReaderVersion: 1, minWriterVersion: 2 } });
  } else if (!sameSchema(state.schema, req.schema)) {
    if (req.overwriteSchema) newSchema = req.schema;
    else if (req.mergeSchema) {
      const merged = mergeSchemas(state.schema, req.schema);
      if (merged === null) {
        throw DeltaStreamingErrors.DELTA_STREAMING_SCHEMA_MISMATCH({ path: tablePath, tableSchema: StructType.toDDL(state.schema), dataSchema: StructType.toDDL(req.schema) });
      }
      if (!sameSchema(merged, state.schema)) newSchema = merged;
    } else if (!batchFitsTable(state.schema, req.schema) || req.schema.fields.length !== state.schema.fields.length) {
      if (!batchFitsTable(state.schema, req.schema)) {
        throw DeltaStreamingErrors.DELTA_STREAMING_SCHEMA_MISMATCH({ path: tablePath, tableSchema: StructType.toDDL(state.schema), dataSchema: StructType.toDDL(req.schema) });
      }
    }
  }
  if (newSchema !== null) {
    actions.push({
      metaData: {
        id: state?.id ?? randomUUID(),
        format: { provider: 'parquet', options: {} },
        schemaString: StructType.toJSON(newSchema),
        partitionColumns: [...(state?.partitionColumns ?? req.partitionColumns)],
        configuration: { ...(state?.configuration ?? {}) },
        createdTime: now,
      },
    });
  }
  if (req.txn) actions.push({ txn: { appId: req.txn.appId, version: req.txn.version, lastUpdated: now } });
  if (req.removeAll && state) {
    for (const f of state.files) {
      actions.push({ remove: { path: f.path, deletionTimestamp: now, dataChange: true, extendedFileMetadata: true, partitionValues: f.partitionValues, size: f.size } });
    }
  }
  for (const add of req.adds) actions.push({ add });
  const version = (state?.version ?? -1) + 1;
  try {
    await engine.storage.put(commitPath(tablePath, version), utf8Encode(actions.map((a) => JSON.stringify(a)).join('\n') + '\n'), { ifAbsent: true });
    return { kind: 'committed', version };
  } catch (err) {
    if ((err as { code?: string }).code === CoreErrors.FILE_ALREADY_EXISTS.code) return { kind: 'conflict', reason: `version ${version} already exists` };
    throw err;
  }
}

/** Every commit from `fromVersion` on, in order, with its data-file changes. */
export async function* tableCommits(engine: Engine, tablePath: string, fromVersion: number): AsyncGenerator<DeltaCommitChanges> {
  for (const v of await listCommitVersions(engine, tablePath)) {
    if (v < fromVersion) continue;
    const { actions, modTime } = await readCommit(engine, tablePath, v);
    const adds: DeltaAddFile[] = [];
    const removes: DeltaRemoveFile[] = [];
    let timestamp = modTime;
    for (const a of actions) {
      if (a['add']) adds.push(a['add'] as unknown as DeltaAddFile);
      else if (a['remove']) removes.push({ path: String(a['remove']['path']), dataChange: a['remove']['dataChange'] !== false });
      else if (a['commitInfo'] && typeof a['commitInfo']['timestamp'] === 'number') timestamp = a['commitInfo']['timestamp'];
    }
    yield { version: v, timestamp, adds, removes };
  }
}

/** The first version committed at or after (`atOrAfter`) / the last at or before (`atOrBefore`) `timestampMs`. */
export async function versionAtTimestamp(
  engine: Engine,
  tablePath: string,
  timestampMs: number,
  mode: 'atOrAfter' | 'atOrBefore',
): Promise<number> {
  let before: number | null = null;
  let last: DeltaCommitChanges | null = null;
  for await (const c of tableCommits(engine, tablePath, 0)) {
    last = c;
    if (c.timestamp >= timestampMs && mode === 'atOrAfter') return c.version;
    if (c.timestamp <= timestampMs) before = c.version;
  }
  if (mode === 'atOrBefore' && before !== null) return before;
  throw DeltaStreamingErrors.DELTA_TIMESTAMP_GREATER_THAN_COMMIT({
    timestamp: new Date(timestampMs).toISOString(),
    path: tablePath,
    version: last?.version ?? -1,
    commitTimestamp: last ? new Date(last.timestamp).toISOString() : '-',
  });
}

function decodePartitionValue(raw: string | null | undefined, type: DataType): unknown {
  if (raw === null || raw === undefined || raw === '') return null;
  switch (type) {
    case 'long':
    case 'integer':
    case 'short':
    case 'byte':
    case 'double':
    case 'float':
      return Number(raw);
    case 'boolean':
      return raw.toLowerCase() === 'true';
    case 'date':
      return Math.floor(Date.parse(`${raw}T00:00:00Z`) / 86_400_000);
    case 'timestamp':
    case 'timestamp_ntz':
      return Date.parse(raw.includes('T') ? raw : `${raw.replace(' ', 'T')}Z`) * 1000;
    default:
      return raw;
  }
}

/** Reads one data file of the table: its rows in table-schema order, partition columns filled. */
export async function readDataFile(
  engine: Pick<Engine, 'storage' | 'parquet'>,
  tablePath: string,
  add: DeltaAddFile,
  schema: StructType,
  partitionColumns: readonly string[],
): Promise<RowBatch> {
  const rel = decodePath(add.path);
  if (rel.startsWith('/') || rel.split('/').includes('..')) {
    throw CoreErrors.INVALID_ARGUMENT({ option: 'add.path', reason: `escapes the table root: ${add.path}` });
  }
  const data = await engine.parquet.read(await engine.storage.read(joinPath(tablePath, rel)));
  const partValues = new Map(partitionColumns.map((c) => {
    const f = schema.fields.find((x) => x.name === c);
    return [c, decodePartitionValue(add.partitionValues[c], f?.type ?? 'string')] as const;
  }));
  const rows = data.rows.map((r) => {
    const row: Row = {};
    for (const f of schema.fields) row[f.name] = partValues.has(f.name) ? partValues.get(f.name) : (r[f.name] ?? null);
    return row;
  });
  return rowBatch(schema, rows);
}

/** Options of {@link readDeltaTable}: Delta's time travel. */
export interface ReadDeltaTableOptions {
  readonly versionAsOf?: number;
  /** ms since the epoch, or an ISO-8601 string. */
  readonly timestampAsOf?: number | string;
}

/** Batch read of a Delta table (`session.read.format('delta')`), optionally as of a version or timestamp. */
export async function readDeltaTable(engine: Engine, tablePath: string, options: ReadDeltaTableOptions = {}): Promise<RowBatch> {
  const ts = options.timestampAsOf === undefined ? undefined : typeof options.timestampAsOf === 'number' ? options.timestampAsOf : Date.parse(options.timestampAsOf);
  const state = await loadTableState(engine, tablePath, {
    ...(options.versionAsOf === undefined ? {} : { version: options.versionAsOf }),
    ...(ts === undefined ? {} : { timestampMs: ts }),
  });
  if (!state) throw DeltaStreamingErrors.DELTA_STREAMING_SOURCE_TABLE_NOT_FOUND({ path: tablePath });
  const rows: Row[] = [];
  for (const f of state.files) for (const r of (await readDataFile(engine, tablePath, f, state.schema, state.partitionColumns)).rows) rows.push(r);
  return rowBatch(state.schema, rows);
}
