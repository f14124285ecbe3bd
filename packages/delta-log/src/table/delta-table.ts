/**
 * DeltaTable: the entry point for one table path — snapshots (latest, by version, by timestamp),
 * history, the change feed for streaming reads, and the write entry points.
 */
import { StructType, type Engine, type RowBatch } from '@weir/core';
import { DeltaErrors } from '../errors.js';
import type { Action, AddAction, CommitInfoAction, MetadataAction, ProtocolAction } from '../actions/actions.js';
import { Transaction, type CommitOptions, type PostCommitHook } from '../transaction/transaction.js';
import type { CommitResult } from '../transaction/commit-result.js';
import { writeDataFiles } from '../write/write-data-files.js';
import { conformRows, enforceSchema } from '../write/schema-enforcement.js';
import { checkpointPostCommitHook, writeCheckpoint } from '../checkpoint/checkpoint-writer.js';
import { vacuum, type VacuumOptions, type VacuumResult } from '../maintenance/vacuum.js';
import { optimize, type OptimizeOptions, type OptimizeResult } from '../maintenance/optimize.js';
import { cleanupExpiredLogs } from '../maintenance/log-cleanup.js';
import { getLogSegment, listCommits, type CommitFile } from '../log/log-segment.js';
import { commitFilePath } from '../log/log-path.js';
import { applyActions, readCommitActions, replay, type TableState } from '../snapshot/log-replay.js';
import { Snapshot, snapshotState } from '../snapshot/snapshot.js';
import type { CommitInfoAction as CommitInfo } from '../actions/actions.js';

export interface SnapshotOptions {
  /** Time travel to this version. Defaults to the latest. */
  readonly version?: number;
  /** Time travel to the latest version committed at or before this time (ms since the epoch, or an ISO string). */
  readonly timestamp?: number | string;
  /** Start from the newest checkpoint. Defaults to `true`; `false` replays every commit from 0. */
  readonly useCheckpoints?: boolean;
}

/** One entry of `history()`: a commit's version, timestamp and commitInfo. */
export interface HistoryEntry {
  readonly version: number;
  /** Commit timestamp (ms): in-commit timestamp, else commitInfo.timestamp, else the file's modification time. */
  readonly timestamp: number;
  readonly operation: string | undefined;
  readonly operationParameters: Readonly<Record<string, unknown>> | undefined;
  readonly commitInfo: CommitInfoAction | undefined;
}

/** One commit as seen by a streaming reader (`changesSince`). */
export interface TableChange {
  readonly version: number;
  readonly timestamp: number;
  /** The commit's data-changing `add`s, in file order: a reader's offset is (version, index). */
  readonly adds: readonly AddAction[];
  /** True when the commit removed data (`remove` with dataChange) — a streaming source must decide how to react. */
  readonly removesData: boolean;
  /** True when the commit changed the table's metadata or protocol. */
  readonly metadataChanged: boolean;
  readonly commitInfo: CommitInfoAction | undefined;
}

function commitTimestamp(file: CommitFile, actions: readonly Action[] | undefined): number {
  const ci = actions?.find((a): a is { commitInfo: CommitInfoAction } => 'commitInfo' in a)?.commitInfo;
  const ict = ci?.['inCommitTimestamp'];
  return typeof ict === 'number' ? ict : file.modificationTime;
}

function parseTimestampArg(ts: number | string): number {
  if (typeof ts === 'number') return ts;
  const ms = Date.parse(ts);
  if (Number.isNaN(ms)) throw DeltaErrors.DELTA_INVALID_ARGUMENT({ argument: 'timestamp', reason: `${JSON.stringify(ts)} is not a timestamp` });
  return ms;
}

export interface CreateTableOptions {
  readonly schema: StructType;
  /** Defaults to none. */
  readonly partitionColumns?: readonly string[];
  /** Table properties (`delta.appendOnly`, `delta.checkpointInterval`, …). Defaults to `{}`. */
  readonly configuration?: Readonly<Record<string, string>>;
  readonly name?: string;
  readonly description?: string;
  /** The table id. Defaults to a random UUID. */
  readonly id?: string;
}

export interface WriteOptions {
  /** `append` (default) or `overwrite` (remove every current file, add the new ones). */
  readonly mode?: 'append' | 'overwrite';
  /** Partition columns when the write creates the table (or replaces its schema). Defaults to none. */
  readonly partitionBy?: readonly string[];
  /** Append new columns of the data to the table schema. Defaults to `false`. */
  readonly mergeSchema?: boolean;
  /** With `overwrite`: replace the schema (and partitioning) by the data's. Defaults to `false`. */
  readonly overwriteSchema?: boolean;
  /** Idempotent write: commit `txn{appId, version}`, and skip when the table already has ≥ version for appId. */
  readonly appTransaction?: { readonly appId: string; readonly version: number };
  /** Table properties when the write creates the table. Defaults to `{}`. */
  readonly configuration?: Readonly<Record<string, string>>;
  /** Spark's `maxRecordsPerFile`. Defaults to `0` (unlimited). */
  readonly targetFileRows?: number;
  /** commitInfo.operation. Defaults to `WRITE`. */
  readonly operation?: string;
}

/** The outcome of `write`: a commit result, or `skipped` when `appTransaction` was already committed. */
export type WriteResult = CommitResult | { readonly kind: 'skipped'; readonly appId: string; readonly version: number };

/** The protocol weir writes for a new table: 1/2, or 3/7 with `timestampNtz` when the schema needs it. */
export function protocolForSchema(schema: StructType): ProtocolAction {
  if (JSON.stringify(schema).includes('"timestamp_ntz"')) {
    return { minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ['timestampNtz'], writerFeatures: ['timestampNtz'] };
  }
  return { minReaderVersion: 1, minWriterVersion: 2 };
}

export class DeltaTable {
  readonly #engine: Engine;
  readonly path: string;
  /** The latest snapshot this handle loaded: later loads replay only the commits after it (Spark's `DeltaLog.update`). */
  #latest: Snapshot | undefined;

  private constructor(engine: Engine, path: string) {
    this.#engine = engine;
    this.path = path.replace(/\/+$/, '') || '/';
  }

  /** A handle on the table at `path` (nothing is read until a method is called). */
  static forPath(engine: Engine, path: string): DeltaTable {
    return new DeltaTable(engine, path);
  }

  get engine(): Engine {
    return this.#engine;
  }

  /** The hook run after each commit: writes a checkpoint every `delta.checkpointInterval` commits. */
  get postCommitHook(): PostCommitHook {
    return checkpointPostCommitHook;
  }

  /**
   * Starts a transaction on the latest snapshot, or on no snapshot when the table does not exist
   * yet (the transaction must then set metadata and protocol).
   */
  async startTransaction(): Promise<Transaction> {
    let snapshot: Snapshot | null;
    try {
      snapshot = await this.snapshot();
    } catch (err) {
      if ((err as { code?: string }).code !== 'DELTA_TABLE_NOT_FOUND') throw err;
      snapshot = null;
    }
    return new Transaction(this.#engine, this.path, snapshot, checkpointPostCommitHook);
  }

  /**
   * Creates the table (version 0: protocol + metaData).
   * @returns `conflict` with `DELTA_TABLE_ALREADY_EXISTS` when another writer created it first.
   * @throws DELTA_TABLE_ALREADY_EXISTS when the table already exists.
   */
  static async create(engine: Engine, path: string, options: CreateTableOptions): Promise<CommitResult> {
    const table = DeltaTable.forPath(engine, path);
    if (await table.exists()) throw DeltaErrors.DELTA_TABLE_ALREADY_EXISTS({ path, version: await table.latestVersion() });
    const txn = new Transaction(engine, table.path, null, checkpointPostCommitHook);
    txn.updateProtocol(protocolForSchema(options.schema));
    txn.updateMetadata(table.#newMetadata(options.schema, options.partitionColumns ?? [], options.configuration ?? {}, options));
    return txn.commit({ operation: 'CREATE TABLE', operationParameters: { partitionBy: JSON.stringify(options.partitionColumns ?? []) } });
  }

  #newMetadata(schema: StructType, partitionColumns: readonly string[], configuration: Readonly<Record<string, string>>, extra: { name?: string; description?: string; id?: string } = {}): MetadataAction {
    for (const c of partitionColumns) {
      if (StructType.findField(schema, c) === undefined) throw DeltaErrors.DELTA_PARTITION_COLUMN_NOT_FOUND({ path: this.path, column: c });
    }
    return {
      id: extra.id ?? globalThis.crypto.randomUUID(),
      ...(extra.name === undefined ? {} : { name: extra.name }),
      ...(extra.description === undefined ? {} : { description: extra.description }),
      format: { provider: 'parquet', options: {} },
      schemaString: StructType.toJSON(schema),
      partitionColumns: [...partitionColumns],
      configuration: { ...configuration },
      createdTime: this.#engine.clock.now(),
    };
  }

  /**
   * Commits already-written data files (e.g. `add`s made by `writeDataFiles` in workers) with an
   * optional `txn` and metadata change, as one commit. A blind append: concurrent appends rebase.
   * When the table does not exist yet, `metadata` is required and the commit creates it.
   */
  async commitFiles(request: {
    readonly adds: readonly AddAction[];
    readonly appTransaction?: { readonly appId: string; readonly version: number };
    readonly metadata?: MetadataAction;
    readonly operation?: string;
    readonly operationParameters?: Readonly<Record<string, unknown>>;
  }): Promise<CommitResult> {
    const txn = await this.startTransaction();
    txn.addFiles(request.adds);
    if (request.appTransaction) txn.setAppTransaction(request.appTransaction.appId, request.appTransaction.version);
    if (request.metadata) {
      txn.updateMetadata(request.metadata);
      // Creating the table in this commit: the protocol follows from the schema (1/2, or 3/7 for timestamp_ntz).
      if (txn.snapshot === null) txn.updateProtocol(protocolForSchema(StructType.fromJSON(request.metadata.schemaString)));
    }
    const opts: CommitOptions = {
      operation: request.operation ?? (request.appTransaction ? 'STREAMING UPDATE' : 'WRITE'),
      operationParameters: request.operationParameters ?? { mode: 'Append' },
    };
    return txn.commit(opts);
  }

  /**
   * Writes a batch (Spark's `df.write.format("delta").mode(...).save(path)`): creates the table
   * when missing, enforces the schema (`DELTA_SCHEMA_MISMATCH`), merges or overwrites it on request,
   * writes Parquet files and commits them with `txn` when `appTransaction` is given.
   */
  async write(batch: RowBatch, options: WriteOptions = {}): Promise<WriteResult> {
    const mode = options.mode ?? 'append';
    const txn = await this.startTransaction();
    const snap = txn.snapshot;
    if (options.appTransaction && snap) {
      const done = snap.getAppTransactionVersion(options.appTransaction.appId);
      if (done !== undefined && done >= options.appTransaction.version) {
        return { kind: 'skipped', appId: options.appTransaction.appId, version: done };
      }
    }
    let schema: StructType;
    let partitionColumns: readonly string[];
    if (snap === null) {
      schema = StructType.fromJSON(StructType.toJSON(batch.schema));
      partitionColumns = options.partitionBy ?? [];
      txn.updateProtocol(protocolForSchema(schema));
      txn.updateMetadata(this.#newMetadata(schema, partitionColumns, options.configuration ?? {}));
    } else if (mode === 'overwrite' && options.overwriteSchema) {
      schema = batch.schema;
      partitionColumns = options.partitionBy ?? snap.partitionColumns;
      txn.updateMetadata({ ...this.#newMetadata(schema, partitionColumns, snap.configuration), id: snap.metadata.id, createdTime: snap.metadata.createdTime ?? null });
    } else {
      partitionColumns = snap.partitionColumns;
      if (options.partitionBy && options.partitionBy.join(',') !== partitionColumns.join(',')) {
        throw DeltaErrors.DELTA_SCHEMA_MISMATCH({ path: this.path, reason: `partitionBy [${options.partitionBy.join(',')}] differs from the table's [${partitionColumns.join(',')}]` });
      }
      const enforced = enforceSchema(this.path, snap.schema, batch.schema, options.mergeSchema ?? false);
      schema = enforced.schema;
      if (enforced.changed) txn.updateMetadata({ ...snap.metadata, schemaString: StructType.toJSON(schema) });
    }
    const rows = conformRows(this.path, schema, batch.schema, batch.rows);
    const numIndexed = Number(txn.metadata?.configuration['delta.dataSkippingNumIndexedCols'] ?? 32);
    const adds = await writeDataFiles(this.#engine, this.path, { schema, rows }, {
      partitionColumns,
      numIndexedCols: numIndexed,
      ...(options.targetFileRows === undefined ? {} : { targetFileRows: options.targetFileRows }),
    });
    txn.addFiles(adds);
    if (mode === 'overwrite' && snap !== null) txn.removeFiles(snap.files);
    if (options.appTransaction) txn.setAppTransaction(options.appTransaction.appId, options.appTransaction.version);
    return txn.commit({
      operation: options.operation ?? (snap === null ? 'CREATE TABLE AS SELECT' : 'WRITE'),
      operationParameters: { mode: mode === 'overwrite' ? 'Overwrite' : 'Append', partitionBy: JSON.stringify(partitionColumns) },
    });
  }

  /** VACUUM: deletes unreferenced data files older than the retention (see `VacuumOptions`). */
  async vacuum(options: VacuumOptions = {}): Promise<VacuumResult> {
    return vacuum(this.#engine, await this.snapshot(), options);
  }

  /** OPTIMIZE: bin-packs small files per partition into ~`targetFileSize` files (`dataChange: false`). */
  async optimize(options: OptimizeOptions = {}): Promise<OptimizeResult> {
    return optimize(this.#engine, await this.snapshot(), options);
  }

  /** Writes a checkpoint of the latest version now (and `_last_checkpoint`). */
  async checkpoint(): Promise<{ version: number; size: number; sizeInBytes: number; numOfAddFiles: number }> {
    return writeCheckpoint(this.#engine, this.path);
  }

  /** Deletes log files older than `delta.logRetentionDuration` that precede an expired checkpoint. */
  async cleanupExpiredLogs(): Promise<string[]> {
    return cleanupExpiredLogs(this.#engine, this.path, (await this.snapshot()).configuration);
  }

  /** True when `_delta_log` has at least one commit or checkpoint. */
  async exists(): Promise<boolean> {
    try {
      await getLogSegment(this.#engine, this.path);
      return true;
    } catch (err) {
      if ((err as { code?: string }).code === 'DELTA_TABLE_NOT_FOUND') return false;
      throw err;
    }
  }

  /**
   * The snapshot at the latest version, or the one time travel selects.
   * @throws DELTA_TABLE_NOT_FOUND, DELTA_VERSION_NOT_FOUND, DELTA_UNSUPPORTED_FEATURE, …
   */
  async snapshot(options: SnapshotOptions = {}): Promise<Snapshot> {
    let version = options.version;
    if (options.timestamp !== undefined) version = await this.getVersionAt(options.timestamp);
    if (version !== undefined && (!Number.isInteger(version) || version < 0)) {
      throw DeltaErrors.DELTA_INVALID_ARGUMENT({ argument: 'version', reason: 'must be a non-negative integer' });
    }
    const latest = version === undefined && options.useCheckpoints !== false;
    if (latest && this.#latest !== undefined) {
      const updated = await this.#update(this.#latest);
      if (updated !== undefined) return (this.#latest = updated);
    }
    const segment = await getLogSegment(this.#engine, this.path, version, { useCheckpoints: options.useCheckpoints ?? true });
    const state = await replay(this.#engine, segment);
    const snap = new Snapshot(this.#engine, segment, state);
    if (latest) this.#latest = snap;
    return snap;
  }

  /**
   * Brings `base` up to the latest version by replaying only the commits after it (commits are
   * immutable, so this equals a full replay). Undefined when the log no longer continues from
   * `base` (e.g. the table was replaced): the caller then does a full load.
   */
  async #update(base: Snapshot): Promise<Snapshot | undefined> {
    const newer = await listCommits(this.#engine, this.path, base.version);
    if (newer.length === 0) {
      // Nothing new — unless the table itself is gone or was replaced (its commit file vanished).
      return (await this.#engine.storage.head(commitFilePath(this.path, base.version))) === null ? undefined : base;
    }
    if ((newer[0] as CommitFile).version !== base.version + 1) return undefined;
    const prev = snapshotState(base);
    const state: TableState = {
      version: base.version,
      protocol: prev.protocol,
      metadata: prev.metadata,
      files: new Map(prev.files),
      tombstones: new Map(prev.tombstones),
      txns: new Map(prev.txns),
      domainMetadata: new Map(prev.domainMetadata),
      lastCommitInfo: prev.lastCommitInfo,
    };
    const mutable = state as { -readonly [K in keyof TableState]: TableState[K] };
    let expect = base.version + 1;
    for (const c of newer) {
      if (c.version !== expect) {
        throw DeltaErrors.DELTA_VERSIONS_NOT_CONTIGUOUS({ path: this.path, missing: expect, found: newer.map((x) => x.version).slice(0, 10).join(',') });
      }
      expect++;
      const actions = await readCommitActions(this.#engine, c.path);
      applyActions(state, actions);
      mutable.lastCommitInfo = actions.find((a): a is { commitInfo: CommitInfo } => 'commitInfo' in a)?.commitInfo;
      mutable.version = c.version;
    }
    const segment = { tablePath: this.path, version: state.version, checkpoint: base.logSegment.checkpoint, commits: [...base.logSegment.commits, ...newer] };
    return new Snapshot(this.#engine, segment, state);
  }

  /** The latest version number (reads only the log listing). */
  async latestVersion(): Promise<number> {
    return (await getLogSegment(this.#engine, this.path)).version;
  }

  /**
   * The version to read "as of" `timestamp`: the latest commit whose timestamp is ≤ it (Spark's
   * `timestampAsOf`). Commit timestamps are in-commit timestamps when present, else the commit
   * files' modification times made monotonic (as Spark's `DeltaHistoryManager` does).
   * @throws DELTA_TIMESTAMP_EARLIER_THAN_COMMIT_RETENTION / DELTA_TIMESTAMP_AFTER_LATEST_COMMIT.
   */
  async getVersionAt(timestamp: number | string): Promise<number> {
    const ts = parseTimestampArg(timestamp);
    // In-commit timestamps live inside the commit files; without them the file times are enough.
    let ict = true;
    try {
      ict = (await this.snapshot()).configuration['delta.enableInCommitTimestamps'] === 'true';
    } catch {
      ict = true; // unreadable latest snapshot: fall back to reading every commit
    }
    const commits = await this.#commitTimeline(ict);
    if (commits.length === 0) throw DeltaErrors.DELTA_TABLE_NOT_FOUND({ path: this.path, reason: '_delta_log has no commits' });
    const first = commits[0] as { version: number; timestamp: number };
    const last = commits[commits.length - 1] as { version: number; timestamp: number };
    if (ts < first.timestamp) {
      throw DeltaErrors.DELTA_TIMESTAMP_EARLIER_THAN_COMMIT_RETENTION({ path: this.path, timestamp: new Date(ts).toISOString(), earliest: new Date(first.timestamp).toISOString() });
    }
    if (ts > last.timestamp && !(typeof timestamp === 'number')) {
      // Spark refuses a timestamp string after the latest commit; numeric callers (streams) get the latest.
      throw DeltaErrors.DELTA_TIMESTAMP_AFTER_LATEST_COMMIT({ path: this.path, timestamp: new Date(ts).toISOString(), latest: new Date(last.timestamp).toISOString() });
    }
    let found = first.version;
    for (const c of commits) if (c.timestamp <= ts) found = c.version;
    return found;
  }

  /**
   * Commit versions and timestamps. Commit files are read only when their commitInfo is needed
   * (history) or may carry in-commit timestamps; otherwise the listing's times suffice (Spark).
   */
  async #commitTimeline(readCommitInfo = true): Promise<Array<{ version: number; timestamp: number; commitInfo: CommitInfoAction | undefined }>> {
    const files = await listCommits(this.#engine, this.path);
    const out: Array<{ version: number; timestamp: number; commitInfo: CommitInfoAction | undefined }> = [];
    let prev = -Infinity;
    for (const f of files) {
      const actions = readCommitInfo ? await readCommitActions(this.#engine, f.path) : undefined;
      const ci = actions?.find((a): a is { commitInfo: CommitInfoAction } => 'commitInfo' in a)?.commitInfo;
      let ts = commitTimestamp(f, actions);
      if (typeof ci?.['inCommitTimestamp'] !== 'number' && ts <= prev) ts = prev + 1;
      prev = ts;
      out.push({ version: f.version, timestamp: ts, commitInfo: ci });
    }
    return out;
  }

  /** Commit history, newest first (Spark's `DESCRIBE HISTORY`). */
  async history(options: { limit?: number } = {}): Promise<HistoryEntry[]> {
    const timeline = await this.#commitTimeline();
    const out: HistoryEntry[] = [];
    for (let i = timeline.length - 1; i >= 0 && (options.limit === undefined || out.length < options.limit); i--) {
      const c = timeline[i] as { version: number; timestamp: number; commitInfo: CommitInfoAction | undefined };
      out.push({
        version: c.version,
        timestamp: typeof c.commitInfo?.timestamp === 'number' && typeof c.commitInfo['inCommitTimestamp'] !== 'number' ? c.commitInfo.timestamp : c.timestamp,
        operation: c.commitInfo?.operation,
        operationParameters: c.commitInfo?.['operationParameters'] as Record<string, unknown> | undefined,
        commitInfo: c.commitInfo,
      });
    }
    return out;
  }

  /**
   * The commits after `version` (exclusive), in order, each with its data-changing adds — what a
   * Delta streaming source walks with `(version, index)` offsets. Stops at the latest commit.
   * @throws DELTA_VERSIONS_NOT_CONTIGUOUS when a commit in the range is missing (e.g. cleaned up).
   */
  async *changesSince(version: number, options: { endVersion?: number } = {}): AsyncIterable<TableChange> {
    const files = await listCommits(this.#engine, this.path, version);
    let expect = version + 1;
    for (const f of files) {
      if (options.endVersion !== undefined && f.version > options.endVersion) break;
      if (f.version !== expect) {
        throw DeltaErrors.DELTA_VERSIONS_NOT_CONTIGUOUS({ path: this.path, missing: expect, found: files.map((x) => x.version).slice(0, 10).join(',') });
      }
      expect++;
      const actions = await readCommitActions(this.#engine, f.path);
      const adds: AddAction[] = [];
      let removesData = false;
      let metadataChanged = false;
      let commitInfo: CommitInfoAction | undefined;
      for (const a of actions) {
        if ('add' in a) {
          if (a.add.dataChange) adds.push(a.add);
        } else if ('remove' in a) {
          if (a.remove.dataChange) removesData = true;
        } else if ('metaData' in a || 'protocol' in a) metadataChanged = true;
        else if ('commitInfo' in a) commitInfo = a.commitInfo;
      }
      yield { version: f.version, timestamp: commitTimestamp(f, actions), adds, removesData, metadataChanged, commitInfo };
    }
  }
}
