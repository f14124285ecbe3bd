import { CoreErrors, WeirError, joinPath, listAll, utf8Decode, utf8Encode, type Storage } from '@weir/core';
import { StreamingErrors } from '../errors.js';

/** A batch id: the sequence number of a micro-batch, starting at 0. */
export type BatchId = number;

/**
 * Spark's `MetadataLog` / `HDFSMetadataLog`: one immutable file per batch id in a directory,
 * `<dir>/<batchId>`, written with `put(ifAbsent)` of the final name so a file is either complete
 * or absent (the storage's atomic put) and two writers can never both win.
 *
 * Every file starts with a version header line `v<N>`; a reader refuses a file whose version is
 * newer than it understands (`INVALID_LOG_VERSION`), as Spark's `validateVersion` does.
 * Subclasses supply only `serialize`/`deserialize` of the body after the header line.
 *
 * ```text
 * offsets/0   offsets/1   offsets/2 …   (decimal batch ids, no padding; listed numerically)
 * ```
 */
export abstract class MetadataLog<T> {
  readonly storage: Storage;
  /** The log directory (`<checkpoint>/offsets`, `<checkpoint>/commits`). */
  readonly path: string;
  /** The version this writer writes and the highest it reads. */
  protected abstract readonly version: number;

  constructor(storage: Storage, path: string) {
    this.storage = storage;
    this.path = path;
  }

  /** The body after the `v<N>` header (no leading newline). */
  protected abstract serialize(metadata: T): string;
  /** Parses the body after the header. MUST throw `MALFORMED_LOG_FILE` on bad input. */
  protected abstract deserialize(body: string, path: string): T;

  /** The file of one batch. */
  batchPath(batchId: BatchId): string {
    return joinPath(this.path, String(batchId));
  }

  /**
   * Writes `metadata` for `batchId` unless an entry exists. Returns `true` when written, `false`
   * when the batch was already logged (Spark: "Return true if and only if the metadata of this
   * batch is added successfully"). A lost race with another writer (the file appeared between the
   * check and the put) throws `CONCURRENT_STREAM_LOG_UPDATE`: two queries share a checkpoint.
   */
  async add(batchId: BatchId, metadata: T): Promise<boolean> {
    assertBatchId(batchId);
    const path = this.batchPath(batchId);
    if ((await this.storage.head(path)) !== null) return false;
    const text = `v${this.version}\n${this.serialize(metadata)}`;
    try {
      await this.storage.put(path, utf8Encode(text), { ifAbsent: true });
    } catch (cause) {
      if (WeirError.is(cause) && cause.code === CoreErrors.FILE_ALREADY_EXISTS.code) {
        throw StreamingErrors.CONCURRENT_STREAM_LOG_UPDATE({ log: this.path, batchId, checkpoint: this.path }, { cause });
      }
      throw cause;
    }
    return true;
  }

  /** The entry of `batchId`, or `undefined` when absent. */
  async get(batchId: BatchId): Promise<T | undefined> {
    const path = this.batchPath(batchId);
    let bytes: Uint8Array;
    try {
      bytes = await this.storage.read(path);
    } catch (cause) {
      if (WeirError.is(cause) && cause.code === CoreErrors.FILE_NOT_FOUND.code) return undefined;
      throw cause;
    }
    return this.parse(utf8Decode(bytes), path);
  }

  /** Batch ids present in the log, ascending (numeric, not byte order). */
  async listBatchIds(): Promise<BatchId[]> {
    const files = await listAll(this.storage, this.path);
    const ids: number[] = [];
    const prefix = this.path.endsWith('/') ? this.path : `${this.path}/`;
    for (const f of files) {
      const name = f.path.startsWith(prefix) ? f.path.slice(prefix.length) : f.path.slice(f.path.lastIndexOf('/') + 1);
      // NOTE: temp files of storage implementations (`.x.tmp`) and anything non-numeric are ignored.
      if (/^(0|[1-9][0-9]*)$/.test(name)) ids.push(Number(name));
    }
    return ids.sort((a, b) => a - b);
  }

  /** The entry with the highest batch id, or `undefined` for an empty log. */
  async getLatest(): Promise<[BatchId, T] | undefined> {
    const ids = await this.listBatchIds();
    for (let i = ids.length - 1; i >= 0; i--) {
      const id = ids[i] as number;
      const t = await this.get(id);
      if (t !== undefined) return [id, t];
    }
    return undefined;
  }

  /** Entries with `start <= batchId <= end` (either bound optional), ascending. */
  async getRange(start?: BatchId, end?: BatchId): Promise<Array<[BatchId, T]>> {
    const out: Array<[BatchId, T]> = [];
    for (const id of await this.listBatchIds()) {
      if (start !== undefined && id < start) continue;
      if (end !== undefined && id > end) continue;
      const t = await this.get(id);
      if (t !== undefined) out.push([id, t]);
    }
    return out;
  }

  /** Deletes every entry with batch id strictly below `thresholdBatchId` (Spark's `purge`). */
  async purge(thresholdBatchId: BatchId): Promise<void> {
    for (const id of await this.listBatchIds()) {
      if (id >= thresholdBatchId) break;
      await this.storage.delete(this.batchPath(id));
    }
  }

  private parse(text: string, path: string): T {
    const nl = text.indexOf('\n');
    const header = nl < 0 ? text : text.slice(0, nl);
    validateVersion(header, this.version, path);
    return this.deserialize(nl < 0 ? '' : text.slice(nl + 1), path);
  }
}

/**
 * Spark's `validateVersion`: the header must be `v<N>` with `1 <= N <= maxSupportedVersion`.
 * Returns `N`.
 */
export function validateVersion(header: string, maxSupportedVersion: number, path: string): number {
  const m = /^v([0-9]+)$/.exec(header.trim());
  if (!m) throw StreamingErrors.MALFORMED_LOG_FILE({ path, reason: `bad version header "${header.slice(0, 20)}"` });
  const version = Number(m[1]);
  if (version < 1) throw StreamingErrors.MALFORMED_LOG_FILE({ path, reason: `bad version header "${header}"` });
  if (version > maxSupportedVersion) throw StreamingErrors.INVALID_LOG_VERSION({ path, version, maxSupportedVersion });
  return version;
}

function assertBatchId(batchId: number): void {
  if (!Number.isSafeInteger(batchId) || batchId < 0) {
    throw CoreErrors.INVALID_ARGUMENT({ option: 'batchId', reason: `must be a non-negative integer but was ${batchId}` });
  }
}

/** Parses one JSON value of a log file, mapping syntax errors to `MALFORMED_LOG_FILE`. */
export function parseLogJSON(text: string, path: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw StreamingErrors.MALFORMED_LOG_FILE({ path, reason: `${what} is not valid JSON` }, { cause });
  }
}
