import { WeirError, joinPath, listAll, utf8Decode, utf8Encode, type Storage } from '@weir/core';
import { FileSourceErrors } from '../errors.js';

/** A file recorded in the log: admitted into batch `batchId` (or seen-and-skipped when `ignored`). */
export interface LoggedFile {
  readonly path: string;
  readonly size: number;
  readonly modificationTime: number;
  readonly partitionValues: Readonly<Record<string, string | null>>;
  /** The batch that admitted it; -1 for the `includeExistingFiles=false` baseline. */
  readonly batchId: number;
  /** Seen but never read (present before the first start with `includeExistingFiles=false`). */
  readonly ignored?: true;
}

/** One admitted batch: its files and the schema version its rows conform to. */
export interface LogBatch {
  readonly batchId: number;
  readonly schemaVersion: number;
  readonly files: readonly LoggedFile[];
}

export interface FileStreamSourceLogOptions {
  /** Compact committed entries into one `<n>.compact` file every this many batches. Defaults to 10 (Spark's `compactInterval`). */
  readonly compactInterval?: number;
  /** Expire entries whose modification time is older than the newest seen minus this. Defaults to never. */
  readonly maxFileAgeMs?: number;
  /** Key seen files by name only (Spark's `fileNameOnly`). Defaults to false. */
  readonly fileNameOnly?: boolean;
}

const DEFAULTS: Required<Omit<FileStreamSourceLogOptions, 'maxFileAgeMs'>> & { maxFileAgeMs: number | undefined } = Object.freeze({
  compactInterval: 10,
  maxFileAgeMs: undefined,
  fileNameOnly: false,
});

const HEADER = 'v1';
const BASELINE = 'baseline';

/**
 * The durable, bounded index of admitted files (Spark's `FileStreamSourceLog` + `SeenFilesMap`):
 *
 * - Batch `n` is the file `<dir>/<n>` (`v1`, a JSON header, one JSON line per file), written once
 *   with `put(ifAbsent)`. A batch's end offset is its number, so an offset pins exactly its files.
 * - Every `compactInterval` batches the committed entries fold into `<c>.compact` and the older
 *   files are deleted, so a restart reads one compact file plus at most a few small deltas.
 * - `maxFileAge` bounds it: entries older than the newest modification time minus the age
 *   expire at compaction, and files that old are never admitted again.
 */
export class FileStreamSourceLog {
  readonly #storage: Storage;
  readonly #dir: string;
  readonly #options: typeof DEFAULTS;
  /** key (path or name) → the latest admission of that file. */
  readonly #seen = new Map<string, LoggedFile>();
  /** Batches not yet folded into a compact file. */
  readonly #batches = new Map<number, LogBatch>();
  #lastCompact = -1;
  #latestBatchId = -1;
  #maxModificationTime = -Infinity;
  #hasBaseline = false;
  #loaded = false;

  constructor(storage: Storage, dir: string, options: FileStreamSourceLogOptions = {}) {
    this.#storage = storage;
    this.#dir = dir;
    this.#options = Object.freeze({ ...DEFAULTS, ...options });
  }

  /** The highest batch number written, or -1. */
  get latestBatchId(): number {
    return this.#latestBatchId;
  }

  /** True before anything was ever recorded (the first start of the query). */
  get isEmpty(): boolean {
    return this.#latestBatchId < 0 && !this.#hasBaseline && this.#lastCompact < 0;
  }

  /** How many files the in-memory index tracks (bounded by `maxFileAge`). */
  get size(): number {
    return this.#seen.size;
  }

  #key(path: string): string {
    return this.#options.fileNameOnly ? path.slice(path.lastIndexOf('/') + 1) : path;
  }

  /** Modification times older than this are expired (never admitted, dropped at compaction). */
  get expiryThreshold(): number {
    const age = this.#options.maxFileAgeMs;
    return age === undefined ? -Infinity : this.#maxModificationTime - age;
  }

  #remember(f: LoggedFile): void {
    this.#seen.set(this.#key(f.path), f);
    if (f.modificationTime > this.#maxModificationTime) this.#maxModificationTime = f.modificationTime;
  }

  async #readEntry(path: string): Promise<{ header: Record<string, unknown>; files: LoggedFile[] }> {
    const text = utf8Decode(await this.#storage.read(path));
    const lines = text.split('\n');
    if (lines[0] !== HEADER) throw FileSourceErrors.FILE_SOURCE_LOG_CORRUPT({ path, reason: `unsupported header "${lines[0]}"` });
    try {
      const header = JSON.parse(lines[1] ?? '') as Record<string, unknown>;
      const files: LoggedFile[] = [];
      for (let i = 2; i < lines.length; i++) if ((lines[i] as string).length > 0) files.push(decodeFile(lines[i] as string));
      return { header, files };
    } catch (cause) {
      throw FileSourceErrors.FILE_SOURCE_LOG_CORRUPT({ path, reason: 'invalid JSON' }, { cause });
    }
  }

  /** Reads the latest compact file and the deltas after it. Idempotent. */
  async load(): Promise<void> {
    if (this.#loaded) return;
    const names = (await listAll(this.#storage, this.#dir)).map((f) => f.path.slice(f.path.lastIndexOf('/') + 1));
    const compacts = names.filter((n) => /^\d+\.compact$/.test(n)).map((n) => Number(n.slice(0, -8)));
    const deltas = names.filter((n) => /^\d+$/.test(n)).map(Number).sort((a, b) => a - b);
    this.#lastCompact = compacts.length > 0 ? Math.max(...compacts) : -1;
    if (this.#lastCompact >= 0) {
      const { files } = await this.#readEntry(joinPath(this.#dir, `${this.#lastCompact}.compact`));
      for (const f of files) this.#remember(f);
      this.#latestBatchId = this.#lastCompact;
    } else if (names.includes(BASELINE)) {
      const { files } = await this.#readEntry(joinPath(this.#dir, BASELINE));
      for (const f of files) this.#remember(f);
      this.#hasBaseline = true;
    }
    for (const id of deltas) {
      if (id <= this.#lastCompact) continue;
      const { header, files } = await this.#readEntry(joinPath(this.#dir, String(id)));
      for (const f of files) this.#remember(f);
      this.#batches.set(id, Object.freeze({ batchId: id, schemaVersion: Number(header['schemaVersion'] ?? 0), files }));
      this.#latestBatchId = Math.max(this.#latestBatchId, id);
    }
    this.#loaded = true;
  }

  /**
   * Whether a listed file is new: never seen (by path, or by name with `fileNameOnly`), or, with
   * `allowOverwrites`, modified since it was admitted. Files older than the expiry threshold are
   * never new (Spark's `SeenFilesMap.isNewFile`).
   */
  isNew(file: { path: string; modificationTime: number }, allowOverwrites: boolean): boolean {
    if (file.modificationTime < this.expiryThreshold) return false;
    const prev = this.#seen.get(this.#key(file.path));
    if (prev === undefined) return true;
    return allowOverwrites && file.modificationTime > prev.modificationTime;
  }

  /** Records files present before the first start as seen-but-ignored (`includeExistingFiles=false`). */
  async recordBaseline(files: ReadonlyArray<Omit<LoggedFile, 'batchId' | 'ignored'>>): Promise<void> {
    const entries: LoggedFile[] = files.map((f) => ({ ...f, batchId: -1, ignored: true }));
    await this.#put(BASELINE, { baseline: true }, entries);
    for (const f of entries) this.#remember(f);
    this.#hasBaseline = true;
  }

  async #put(name: string, header: object, files: readonly LoggedFile[], ifAbsent = true): Promise<boolean> {
    const body = [HEADER, JSON.stringify(header), ...files.map(encodeFile)].join('\n') + '\n';
    try {
      await this.#storage.put(joinPath(this.#dir, name), utf8Encode(body), { ifAbsent });
      return true;
    } catch (e) {
      if (WeirError.hasCode(e, 'FILE_ALREADY_EXISTS')) return false;
      throw e;
    }
  }

  /**
   * Durably records batch `latestBatchId + 1`. Returns false (nothing changed) when another writer
   * got there first. `committedThrough` (the batch the caller's start offset names: everything up
   * to it is committed) bounds compaction, so uncommitted batches always stay replayable.
   */
  async add(batch: { schemaVersion: number; files: ReadonlyArray<Omit<LoggedFile, 'batchId'>> }, committedThrough: number): Promise<LogBatch | null> {
    const batchId = this.#latestBatchId + 1;
    const files: LoggedFile[] = batch.files.map((f) => ({ ...f, batchId }));
    if (!(await this.#put(String(batchId), { batchId, schemaVersion: batch.schemaVersion }, files))) return null;
    const entry = Object.freeze({ batchId, schemaVersion: batch.schemaVersion, files });
    this.#batches.set(batchId, entry);
    this.#latestBatchId = batchId;
    for (const f of files) this.#remember(f);
    if (committedThrough - this.#lastCompact >= this.#options.compactInterval) await this.#compact(committedThrough);
    return entry;
  }

  /** Folds every entry up to `through` (all committed) into `<through>.compact`, dropping expired ones. */
  async #compact(through: number): Promise<void> {
    const threshold = this.expiryThreshold;
    for (const [key, f] of this.#seen) if (f.modificationTime < threshold) this.#seen.delete(key);
    const kept = [...this.#seen.values()].filter((f) => f.batchId <= through);
    // Overwrite: the content is a function of the log, so a re-run after a crash writes the same.
    await this.#put(`${through}.compact`, { compactedThrough: through }, kept, false);
    this.#lastCompact = through;
    for (const id of [...this.#batches.keys()]) if (id <= through) this.#batches.delete(id);
    // NOTE: list rather than delete the range since the previous compaction: a crash in an
    // earlier cleanup leaves orphans below it, and only a listing finds them (the log must stay
    // bounded across any number of crashes).
    const names = (await listAll(this.#storage, this.#dir)).map((f) => f.path.slice(f.path.lastIndexOf('/') + 1));
    const stale = names.filter(
      (n) => (/^\d+$/.test(n) && Number(n) <= through) || (/^\d+\.compact$/.test(n) && Number(n.slice(0, -8)) < through) || n === BASELINE,
    );
    for (const name of stale) await this.#storage.delete(joinPath(this.#dir, name));
  }

  /** The batch entry `batchId`, if it is not compacted away. */
  batch(batchId: number): LogBatch | undefined {
    return this.#batches.get(batchId);
  }

  /** The files admitted in batches `(startId, endId]`, in admission order (readable files only). */
  filesBetween(startId: number, endId: number): LoggedFile[] {
    const out: LoggedFile[] = [];
    for (let id = startId + 1; id <= endId; id++) {
      const b = this.#batches.get(id);
      if (b === undefined) {
        throw FileSourceErrors.FILE_SOURCE_OFFSET_INVALID({
          offset: `${startId}..${endId}`,
          metadataPath: this.#dir,
          reason: `batch ${id} is not in the source log (compacted through ${this.#lastCompact}, latest ${this.#latestBatchId})`,
        });
      }
      for (const f of b.files) if (!f.ignored) out.push(f);
    }
    return out;
  }
}

const NO_PARTITIONS: Readonly<Record<string, string | null>> = Object.freeze({});

/** One JSON line per file; empty partition values are left out (most inputs are not partitioned). */
function encodeFile(f: LoggedFile): string {
  for (const _k in f.partitionValues) return JSON.stringify(f);
  const { partitionValues: _omit, ...rest } = f;
  return JSON.stringify(rest);
}

function decodeFile(line: string): LoggedFile {
  const f = JSON.parse(line) as { partitionValues?: Readonly<Record<string, string | null>> };
  f.partitionValues ??= NO_PARTITIONS;
  return f as LoggedFile;
}
