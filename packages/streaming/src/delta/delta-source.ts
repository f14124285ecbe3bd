import {
  CoreErrors,
  defineOptions,
  parseOptions,
  type InputPartition,
  type Offset,
  type ReadLimit,
  type Source,
  type SourceContext,
  type SourcePlugin,
  type StructType,
  type Engine,
} from '@weir/core';
import { DeltaStreamingErrors } from './delta-errors.js';
import {
  loadTableState,
  tableCommits,
  firstVersionAtOrAfter,
  type DeltaAddFile,
  type DeltaCommitChanges,
} from './delta-table-access.js';
import { DELTA_TASKS_MODULE } from './task-module.js';

/** Options of the `delta` streaming source (Delta's names and defaults). */
export const DELTA_SOURCE_OPTIONS = defineOptions([
  { name: 'path', kind: 'string', doc: 'The table path (or pass it to load(path)).' },
  { name: 'startingVersion', kind: 'string', doc: 'Read changes from this version on (a number, or "latest" for only new changes) instead of the current snapshot first.' },
  { name: 'startingTimestamp', kind: 'string', doc: 'Read changes from the first version committed at or after this timestamp (ISO-8601 or "YYYY-MM-DD").' },
  { name: 'maxFilesPerTrigger', kind: 'int', default: '1000', min: 1, doc: 'At most this many new files per micro-batch.' },
  { name: 'maxBytesPerTrigger', kind: 'bytes', doc: 'Soft maximum of bytes per micro-batch (at least one file is always admitted).' },
  { name: 'ignoreDeletes', kind: 'boolean', default: 'false', doc: 'Ignore commits that only remove data (e.g. partition deletes).' },
  { name: 'skipChangeCommits', kind: 'boolean', default: 'false', doc: 'Skip commits that remove or rewrite data (updates, deletes, merges, overwrites) entirely.' },
]);

/** Delta's `DeltaSourceOffset`: a position in the table's ordered stream of data files. */
export interface DeltaSourceOffset extends Offset {
  readonly v: 1;
  /** The table version the position is in. */
  readonly reservoirVersion: number;
  /** The last file admitted within that version (-1: none yet). */
  readonly index: number;
  /** True while reading the initial snapshot of `reservoirVersion` (its files, not its changes). */
  readonly isStartingVersion: boolean;
}

interface IndexedFile {
  readonly version: number;
  readonly index: number;
  readonly isStartingVersion: boolean;
  readonly add: DeltaAddFile;
}

/** What a worker needs to read one Delta data file (plain data). */
export interface DeltaFilePartition {
  readonly tablePath: string;
  readonly add: DeltaAddFile;
  readonly schema: StructType;
  readonly partitionColumns: readonly string[];
}

interface DeltaSourceConfig {
  readonly path: string;
  readonly startingVersion: number | undefined;
  readonly startingTimestampMs: number | undefined;
  readonly maxFilesPerTrigger: number;
  readonly maxBytesPerTrigger: number | undefined;
  readonly ignoreDeletes: boolean;
  readonly skipChangeCommits: boolean;
}

function compareFiles(a: DeltaAddFile, b: DeltaAddFile): number {
  // Delta orders the initial snapshot by modification time, then path: deterministic on replay.
  return a.modificationTime - b.modificationTime || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
}

/**
 * The Delta streaming source (Delta's `DeltaSource`, notebook 08). Without a starting point it
 * first streams the current snapshot's files (`isStartingVersion: true`), then every later
 * commit's data-changing `add`s in version order. Commits that remove data fail the query
 * (`DELTA_SOURCE_IGNORE_DELETE` / `DELTA_SOURCE_TABLE_IGNORE_CHANGES`) unless `ignoreDeletes` /
 * `skipChangeCommits` say to skip them. Offsets name `(version, index)`, so a batch replays the
 * same files after a crash. Files are read in workers (`partitionReaders.deltaFile`).
 */
export class DeltaSource implements Source {
  readonly #engine: Engine;
  readonly #config: DeltaSourceConfig;
  readonly #schema: StructType;
  readonly #partitionColumns: readonly string[];
  readonly #snapshotCache = new Map<number, readonly DeltaAddFile[]>();
  #pinnedVersion: number | null = null;
  #outstanding = { files: 0, bytes: 0 };

  constructor(engine: Engine, config: DeltaSourceConfig, schema: StructType, partitionColumns: readonly string[]) {
    this.#engine = engine;
    this.#config = config;
    this.#schema = schema;
    this.#partitionColumns = partitionColumns;
  }

  schema(): StructType {
    return this.#schema;
  }

  getDefaultReadLimit(): ReadLimit {
    return this.#config.maxBytesPerTrigger === undefined
      ? { maxFiles: this.#config.maxFilesPerTrigger }
      : { maxFiles: this.#config.maxFilesPerTrigger, maxBytes: this.#config.maxBytesPerTrigger };
  }

  async prepareForTriggerAvailableNow(): Promise<void> {
    this.#pinnedVersion = (await loadTableState(this.#engine, this.#config.path))?.version ?? -1;
  }

  /** Where a query with no committed offset starts: a deterministic function of the options (and the log). */
  async #initialPosition(): Promise<DeltaSourceOffset | null> {
    const { startingVersion, startingTimestampMs, path } = this.#config;
    if (startingVersion !== undefined) return { v: 1, reservoirVersion: startingVersion, index: -1, isStartingVersion: false };
    if (startingTimestampMs !== undefined) {
      const version = await firstVersionAtOrAfter(this.#engine, path, startingTimestampMs);
      return { v: 1, reservoirVersion: version, index: -1, isStartingVersion: false };
    }
    return null; // the current snapshot, pinned by the first end offset
  }

  async #snapshotFiles(version: number): Promise<readonly DeltaAddFile[]> {
    let files = this.#snapshotCache.get(version);
    if (!files) {
      const state = await loadTableState(this.#engine, this.#config.path, { version });
      files = [...(state?.files ?? [])].sort(compareFiles);
      this.#snapshotCache.set(version, files);
    }
    return files;
  }

  #changeFiles(commit: DeltaCommitChanges): readonly DeltaAddFile[] {
    const adds = commit.adds;
    if (!commit.removesData) return adds;
    if (adds.length === 0) {
      if (this.#config.ignoreDeletes || this.#config.skipChangeCommits) return [];
      throw DeltaStreamingErrors.DELTA_SOURCE_IGNORE_DELETE({ path: this.#config.path, version: commit.version });
    }
    if (this.#config.skipChangeCommits) return [];
    throw DeltaStreamingErrors.DELTA_SOURCE_TABLE_IGNORE_CHANGES({ path: this.#config.path, version: commit.version });
  }

  /** Files after `from` (exclusive) in stream order; `snapshotOnly` stops at the snapshot's end. */
  async *#filesAfter(from: DeltaSourceOffset, snapshotOnly: boolean): AsyncGenerator<IndexedFile> {
    let nextVersion = from.reservoirVersion;
    if (from.isStartingVersion) {
      const files = await this.#snapshotFiles(from.reservoirVersion);
      for (let i = from.index + 1; i < files.length; i++) {
        yield { version: from.reservoirVersion, index: i, isStartingVersion: true, add: files[i] as DeltaAddFile };
      }
      if (snapshotOnly) return;
      nextVersion = from.reservoirVersion + 1;
    }
    const limitVersion = this.#pinnedVersion ?? Number.MAX_SAFE_INTEGER;
    for await (const commit of tableCommits(this.#engine, this.#config.path, nextVersion)) {
      if (commit.version > limitVersion) return;
      const files = this.#changeFiles(commit);
      const first = !from.isStartingVersion && commit.version === from.reservoirVersion ? from.index + 1 : 0;
      for (let i = first; i < files.length; i++) {
        yield { version: commit.version, index: i, isStartingVersion: false, add: files[i] as DeltaAddFile };
      }
    }
  }

  async #startPosition(start: Offset | null, end?: DeltaSourceOffset): Promise<{ from: DeltaSourceOffset; snapshotOnly: boolean } | null> {
    if (start !== null) return { from: start as DeltaSourceOffset, snapshotOnly: false };
    const initial = await this.#initialPosition();
    if (initial) return { from: initial, snapshotOnly: false };
    if (end) return { from: { v: 1, reservoirVersion: end.reservoirVersion, index: -1, isStartingVersion: true }, snapshotOnly: true };
    const state = await loadTableState(this.#engine, this.#config.path);
    if (!state) return null;
    const version = this.#pinnedVersion === null ? state.version : Math.min(state.version, this.#pinnedVersion);
    return { from: { v: 1, reservoirVersion: version, index: -1, isStartingVersion: true }, snapshotOnly: true };
  }

  async latestOffset(start: Offset | null, limit: ReadLimit): Promise<Offset | null> {
    const pos = await this.#startPosition(start);
    if (!pos) return start;
    let count = 0;
    let bytes = 0;
    let last: IndexedFile | null = null;
    let outstandingFiles = 0;
    let outstandingBytes = 0;
    for await (const f of this.#filesAfter(pos.from, pos.snapshotOnly)) {
      const full =
        (limit.maxFiles !== undefined && count >= limit.maxFiles) ||
        (limit.maxBytes !== undefined && count > 0 && bytes + f.add.size > limit.maxBytes);
      if (full || outstandingFiles > 0) {
        // Keep walking only to count the backlog (Delta's numFilesOutstanding / numBytesOutstanding).
        outstandingFiles++;
        outstandingBytes += f.add.size;
        continue;
      }
      count++;
      bytes += f.add.size;
      last = f;
    }
    this.#outstanding = { files: outstandingFiles, bytes: outstandingBytes };
    if (!last) return start;
    const end: DeltaSourceOffset = { v: 1, reservoirVersion: last.version, index: last.index, isStartingVersion: last.isStartingVersion };
    return end;
  }

  /** Delta's source metrics: the backlog left after the last `latestOffset`. */
  metrics(): Readonly<Record<string, string>> {
    return { numFilesOutstanding: String(this.#outstanding.files), numBytesOutstanding: String(this.#outstanding.bytes) };
  }

  async planInputPartitions(start: Offset | null, endOffset: Offset): Promise<readonly InputPartition[]> {
    const end = endOffset as DeltaSourceOffset;
    const pos = await this.#startPosition(start, end);
    if (!pos) return [];
    const out: InputPartition[] = [];
    const endKey = [end.isStartingVersion ? 0 : 1, end.reservoirVersion, end.index];
    for await (const f of this.#filesAfter(pos.from, pos.snapshotOnly)) {
      const key = [f.isStartingVersion ? 0 : 1, f.version, f.index];
      // Snapshot files (stage 0) come before change files (stage 1); stop past the end offset.
      if (key[0]! > endKey[0]! || (key[0] === endKey[0] && (key[1]! > endKey[1]! || (key[1] === endKey[1] && key[2]! > endKey[2]!)))) break;
      const data: DeltaFilePartition = { tablePath: this.#config.path, add: f.add, schema: this.#schema, partitionColumns: this.#partitionColumns };
      out.push({ readerModule: DELTA_TASKS_MODULE, reader: 'deltaFile', data, sizeInBytes: f.add.size });
    }
    return out;
  }

  async commit(): Promise<void> {}
  async close(): Promise<void> {}
}

function parseTimestampMs(raw: string): number {
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(raw) ? `${raw}T00:00:00Z` : raw);
  if (!Number.isFinite(ms)) {
    throw CoreErrors.INVALID_OPTION({ option: 'startingTimestamp', owner: 'delta source', reason: `"${raw}" is not a timestamp`, validOptions: DELTA_SOURCE_OPTIONS.map((o) => o.name).join(', ') });
  }
  return ms;
}

/** The `delta` source plugin: `session.readStream.format('delta').load(path)`. */
export const deltaSourcePlugin: SourcePlugin = Object.freeze({
  name: 'delta',
  options: DELTA_SOURCE_OPTIONS,
  async createSource(raw: Readonly<Record<string, string>>, ctx: SourceContext): Promise<Source> {
    const opts = parseOptions(DELTA_SOURCE_OPTIONS, raw, 'delta source');
    const path = ctx.path ?? opts.path;
    if (path === undefined) throw DeltaStreamingErrors.DELTA_SINK_PATH_REQUIRED({ sink: 'delta source' });
    if (opts.startingVersion !== undefined && opts.startingTimestamp !== undefined) {
      throw DeltaStreamingErrors.DELTA_STARTING_VERSION_AND_TIMESTAMP_BOTH_SET();
    }
    let startingVersion: number | 'latest' | undefined;
    if (opts.startingVersion !== undefined) {
      const s = opts.startingVersion.trim().toLowerCase();
      if (s === 'latest') startingVersion = 'latest';
      else if (/^\d+$/.test(s)) startingVersion = Number(s);
      else parseOptions(defineOptions([{ name: 'startingVersion', kind: 'long', doc: '' }]), { startingVersion: s }, 'delta source');
    }
    const state = await loadTableState(ctx.engine, path);
    if (!state) throw DeltaStreamingErrors.DELTA_STREAMING_SOURCE_TABLE_NOT_FOUND({ path });
    // Delta resolves "latest" when the source is created: only commits after this moment are read.
    if (startingVersion === 'latest') startingVersion = state.version + 1;
    const config: DeltaSourceConfig = {
      path,
      startingVersion,
      startingTimestampMs: opts.startingTimestamp === undefined ? undefined : parseTimestampMs(opts.startingTimestamp),
      maxFilesPerTrigger: opts.maxFilesPerTrigger,
      maxBytesPerTrigger: opts.maxBytesPerTrigger,
      ignoreDeletes: opts.ignoreDeletes,
      skipChangeCommits: opts.skipChangeCommits,
    };
    if (config.startingTimestampMs !== undefined) {
      await firstVersionAtOrAfter(ctx.engine, path, config.startingTimestampMs); // fail at start(), not mid-stream
    }
    return new DeltaSource(ctx.engine, config, state.schema, state.partitionColumns);
  },
});
