import { CoreErrors, joinPath, listAll, utf8Decode, utf8Encode, type Engine } from '@weir/core';
import { DeltaStreamingErrors } from './delta-errors.js';

/** The parquet file sink's metadata directory (Spark's `_spark_metadata`). */
export const FILE_SINK_LOG_DIR = '_weir_metadata';

/** Spark's `SinkFileStatus`: one file a batch made visible. `path` is relative to the sink root. */
export interface SinkFileStatus {
  readonly path: string;
  readonly size: number;
  readonly isDir: false;
  readonly modificationTime: number;
  readonly blockReplication: 1;
  readonly blockSize: number;
  readonly action: 'add';
  /** weir: the Hive partition values of the file (strings, Spark's form). */
  readonly partitionValues: Readonly<Record<string, string | null>>;
  readonly numRecords: number;
}

/**
 * Spark's `FileStreamSinkLog`: `_weir_metadata/<batchId>` lists the files batch `batchId` wrote,
 * `v1` then one JSON object per line. An entry exists ⇔ the batch is visible; readers of the sink
 * directory MUST read only the files listed (files without an entry are orphans of a crash).
 * Entries are written with `put(ifAbsent)`, so a replayed batch can never be logged twice.
 */
export class FileStreamSinkLog {
  readonly #engine: Engine;
  readonly #dir: string;

  constructor(engine: Engine, sinkPath: string) {
    this.#engine = engine;
    this.#dir = joinPath(sinkPath, FILE_SINK_LOG_DIR);
  }

  /** The newest logged batch id, or -1. */
  async getLatestBatchId(): Promise<number> {
    let latest = -1;
    for (const f of await listAll(this.#engine.storage, this.#dir)) {
      const name = f.path.slice(f.path.lastIndexOf('/') + 1);
      if (/^\d+$/.test(name)) latest = Math.max(latest, Number(name));
    }
    return latest;
  }

  /** Logs a batch; returns false when it was already logged (a replay). */
  async add(batchId: number, files: readonly SinkFileStatus[]): Promise<boolean> {
    const text = ['v1', ...files.map((f) => JSON.stringify(f))].join('\n');
    try {
      await this.#engine.storage.put(joinPath(this.#dir, String(batchId)), utf8Encode(text), { ifAbsent: true });
      return true;
    } catch (err) {
      if ((err as { code?: string }).code === CoreErrors.FILE_ALREADY_EXISTS.code) return false;
      throw err;
    }
  }

  async get(batchId: number): Promise<SinkFileStatus[] | null> {
    const path = joinPath(this.#dir, String(batchId));
    if ((await this.#engine.storage.head(path)) === null) return null;
    const lines = utf8Decode(await this.#engine.storage.read(path)).split('\n');
    if (lines[0] !== 'v1') throw DeltaStreamingErrors.FILE_SINK_LOG_CORRUPT({ path, reason: `unsupported header ${JSON.stringify(lines[0])}` });
    try {
      return lines.slice(1).filter((l) => l.length > 0).map((l) => JSON.parse(l) as SinkFileStatus);
    } catch (cause) {
      throw DeltaStreamingErrors.FILE_SINK_LOG_CORRUPT({ path, reason: 'invalid JSON line' }, { cause });
    }
  }

  /** Every visible file, in batch order. */
  async allFiles(): Promise<SinkFileStatus[]> {
    const out: SinkFileStatus[] = [];
    const ids: number[] = [];
    for (const f of await listAll(this.#engine.storage, this.#dir)) {
      const name = f.path.slice(f.path.lastIndexOf('/') + 1);
      if (/^\d+$/.test(name)) ids.push(Number(name));
    }
    ids.sort((a, b) => a - b);
    for (const id of ids) out.push(...((await this.get(id)) ?? []));
    return out;
  }
}
