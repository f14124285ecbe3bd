/**
 * An optimistic transaction (Delta's `OptimisticTransaction`): collect actions against a read
 * snapshot, then commit them as the next version with `put(ifAbsent)`. When another writer took
 * that version, Delta's conflict rules decide: a blind append rebases onto the winner and retries;
 * conflicting changes end in a `conflict` result carrying Spark's code.
 */
import type { Engine } from '@weir/core';
import { DeltaErrors } from '../errors.js';
import type { Action, AddAction, CommitInfoAction, DomainMetadataAction, MetadataAction, ProtocolAction, RemoveAction, TxnAction } from '../actions/actions.js';
import { fileActionKey } from '../actions/actions.js';
import { serializeCommit } from '../log/commit-file.js';
import { commitFilePath } from '../log/log-path.js';
import { readCommitActions } from '../snapshot/log-replay.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import { assertWriteSupported } from '../table/table-features.js';
import type { CommitResult } from './commit-result.js';
import { checkConflict } from './conflict-checker.js';

/** weir's `engineInfo` in commitInfo. */
export const ENGINE_INFO = 'weir/0.1.0';

export interface CommitOptions {
  /** commitInfo.operation (Spark's names: `WRITE`, `STREAMING UPDATE`, `CREATE TABLE`, `OPTIMIZE`, …). Defaults to `WRITE`. */
  readonly operation?: string;
  /** commitInfo.operationParameters. Defaults to `{}`. */
  readonly operationParameters?: Readonly<Record<string, unknown>>;
  /** Extra commitInfo fields (e.g. `operationMetrics`). Defaults to none. */
  readonly commitInfo?: Readonly<Record<string, unknown>>;
  /** Versions to try before giving up with DELTA_MAX_COMMIT_RETRIES_EXCEEDED. Defaults to `10000`. */
  readonly maxAttempts?: number;
}

/** Runs after each successful commit (checkpointing); failures there never undo the commit. */
export type PostCommitHook = (engine: Engine, tablePath: string, version: number, metadata: MetadataAction) => Promise<void>;

export class Transaction {
  readonly #engine: Engine;
  readonly #postCommit: PostCommitHook | undefined;
  readonly tablePath: string;
  /** The snapshot this transaction read, or null when it creates the table. */
  readonly snapshot: Snapshot | null;
  readonly readVersion: number;
  #adds: AddAction[] = [];
  #removes: RemoveAction[] = [];
  #txns = new Map<string, TxnAction>();
  #domains: DomainMetadataAction[] = [];
  #metadata: MetadataAction | undefined;
  #protocol: ProtocolAction | undefined;
  #readsData = false;
  #committed = false;

  /** @internal Use `DeltaTable.startTransaction()`. */
  constructor(engine: Engine, tablePath: string, snapshot: Snapshot | null, postCommit?: PostCommitHook) {
    this.#engine = engine;
    this.tablePath = tablePath;
    this.snapshot = snapshot;
    this.readVersion = snapshot === null ? -1 : snapshot.version;
    this.#postCommit = postCommit;
  }

  /** The metadata this transaction will leave the table with. */
  get metadata(): MetadataAction | undefined {
    return this.#metadata ?? this.snapshot?.metadata;
  }

  get protocol(): ProtocolAction | undefined {
    return this.#protocol ?? this.snapshot?.protocol;
  }

  addFiles(adds: readonly AddAction[]): this {
    this.#adds.push(...adds);
    return this;
  }

  /** Logically deletes files (tombstones with `deletionTimestamp` = now). With dataChange (default) the transaction counts as reading data. */
  removeFiles(files: readonly AddAction[], options: { dataChange?: boolean } = {}): this {
    const now = this.#engine.clock.now();
    for (const f of files) {
      this.#removes.push({
        path: f.path,
        deletionTimestamp: now,
        dataChange: options.dataChange ?? true,
        extendedFileMetadata: true,
        partitionValues: f.partitionValues,
        size: f.size,
        ...(f.stats ? { stats: f.stats } : {}),
        ...(f.tags ? { tags: f.tags } : {}),
        ...(f.deletionVector ? { deletionVector: f.deletionVector } : {}),
      });
    }
    // A data-changing delete depends on what it read; a rearrangement (OPTIMIZE, dataChange=false) does not.
    if (options.dataChange ?? true) this.#readsData = true;
    return this;
  }

  /** Records `txn{appId, version}` in this commit (idempotent streaming writes). */
  setAppTransaction(appId: string, version: number): this {
    this.#txns.set(appId, { appId, version, lastUpdated: this.#engine.clock.now() });
    return this;
  }

  updateMetadata(metadata: MetadataAction): this {
    this.#metadata = metadata;
    return this;
  }

  updateProtocol(protocol: ProtocolAction): this {
    this.#protocol = protocol;
    return this;
  }

  setDomainMetadata(domain: string, configuration: string, removed = false): this {
    this.#domains.push({ domain, configuration, removed });
    return this;
  }

  /** Declares that this transaction's result depends on the table's current data (not a blind append). */
  markReadsData(): this {
    this.#readsData = true;
    return this;
  }

  #actions(commitInfo: CommitInfoAction): Action[] {
    const out: Action[] = [{ commitInfo }];
    if (this.#protocol) out.push({ protocol: this.#protocol });
    if (this.#metadata) out.push({ metaData: this.#metadata });
    for (const d of this.#domains) out.push({ domainMetadata: d });
    for (const t of this.#txns.values()) out.push({ txn: t });
    for (const r of this.#removes) out.push({ remove: r });
    for (const a of this.#adds) out.push({ add: a });
    return out;
  }

  /**
   * Commits the collected actions as version `readVersion + 1` (or later, after rebasing past
   * non-conflicting concurrent commits). Returns `committed` or `conflict`; throws only for
   * misuse, unsupported tables and I/O failures.
   */
  async commit(options: CommitOptions = {}): Promise<CommitResult> {
    if (this.#committed) throw DeltaErrors.DELTA_INVALID_ARGUMENT({ argument: 'transaction', reason: 'was already committed' });
    const metadata = this.metadata;
    const protocol = this.protocol;
    if (metadata === undefined || protocol === undefined) {
      throw DeltaErrors.DELTA_INVALID_ARGUMENT({ argument: 'transaction', reason: 'creates a table without metaData and protocol' });
    }
    assertWriteSupported(this.tablePath, protocol, metadata);
    if (metadata.configuration['delta.appendOnly'] === 'true' && this.snapshot !== null && this.#removes.some((r) => r.dataChange)) {
      throw DeltaErrors.DELTA_CANNOT_MODIFY_APPEND_ONLY({ path: this.tablePath });
    }
    if (metadata.configuration['delta.enableChangeDataFeed'] === 'true' && this.snapshot !== null && this.#removes.some((r) => r.dataChange)) {
      // A data-changing delete on a CDF table needs `cdc` files, which weir does not write: refuse rather than lose changes.
      throw DeltaErrors.DELTA_UNSUPPORTED_FEATURE({ path: this.tablePath, feature: 'changeDataFeed', operation: 'deleting data' });
    }
    const isBlindAppend = !this.#readsData && this.#removes.length === 0 && this.#adds.every((a) => a.dataChange);
    const numOutputRows = this.#adds.reduce((n, a) => {
      const s = a.stats ? (JSON.parse(a.stats) as { numRecords?: number }).numRecords : undefined;
      return n + (typeof s === 'number' ? s : 0);
    }, 0);
    const commitInfo: CommitInfoAction = {
      timestamp: this.#engine.clock.now(),
      operation: options.operation ?? 'WRITE',
      operationParameters: options.operationParameters ?? {},
      ...(this.readVersion >= 0 ? { readVersion: this.readVersion } : {}),
      isolationLevel: 'Serializable',
      isBlindAppend,
      operationMetrics: {
        numFiles: String(this.#adds.length),
        numOutputRows: String(numOutputRows),
        numOutputBytes: String(this.#adds.reduce((n, a) => n + a.size, 0)),
        ...(this.#removes.length > 0 ? { numRemovedFiles: String(this.#removes.length) } : {}),
      },
      engineInfo: ENGINE_INFO,
      txnId: globalThis.crypto.randomUUID(),
      ...(options.commitInfo ?? {}),
    };
    const bytes = serializeCommit(this.#actions(commitInfo));
    const footprint = {
      tablePath: this.tablePath,
      readsData: this.#readsData,
      removedFiles: new Set(this.#removes.map(fileActionKey)),
      appIds: new Set(this.#txns.keys()),
      isCreate: this.readVersion < 0,
    };
    const maxAttempts = options.maxAttempts ?? 10_000;
    let version = this.readVersion + 1;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      try {
        await this.#engine.storage.put(commitFilePath(this.tablePath, version), bytes, { ifAbsent: true });
      } catch (err) {
        if ((err as { code?: string }).code !== 'FILE_ALREADY_EXISTS') throw err;
        const winner = await readCommitActions(this.#engine, commitFilePath(this.tablePath, version));
        const conflict = checkConflict(footprint, version, winner);
        if (conflict !== null) return { kind: 'conflict', code: conflict.code, winningVersion: version, error: conflict.error };
        version++;
        continue;
      }
      this.#committed = true;
      if (this.#postCommit) {
        try {
          await this.#postCommit(this.#engine, this.tablePath, version, metadata);
        } catch {
          // Post-commit work (a checkpoint) is an optimisation: the commit itself is durable.
        }
      }
      return { kind: 'committed', version, attempts: attempt };
    }
    throw DeltaErrors.DELTA_MAX_COMMIT_RETRIES_EXCEEDED({ path: this.tablePath, attempts: maxAttempts, version });
  }
}
