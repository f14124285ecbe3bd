import {
  StructType,
  field,
  joinPath,
  struct,
  type FileInfo,
  type InputPartition,
  type Offset,
  type ReadLimit,
  type Source,
  type SourceContext,
  type StructField,
} from '@weir/core';
import { FileLister, type DiscoveredFile } from './discovery/file-listing.js';
import { FileSourceErrors } from './errors.js';
import type { FileSourceConfig, SchemaEvolutionMode } from './file-source-config.js';
import { FileStreamSourceLog, type LoggedFile } from './log/file-stream-source-log.js';
import { badRecordsFileFor, type FilePartitionData } from './reader/file-partition-reader.js';
import type { ParseOptions } from './reader/parse-options.js';
import { inferInTasks } from './schema/infer-schema-task.js';
import { applySchemaHints, inferDataSchema } from './schema/schema-inference.js';
import { SchemaLog, type SchemaVersion } from './schema/schema-log.js';

/**
 * A file source offset: the number of the last source-log batch included. Deterministic — the
 * log entry `<metadataPath>/<logOffset>` pins exactly which files every batch holds.
 * `schemaVersion` is the schema version those rows conform to (it changes when
 * `addNewColumns` added columns: re-plan at that batch boundary).
 */
export interface FileSourceOffset extends Offset {
  readonly v: 1;
  readonly logOffset: number;
  readonly schemaVersion: number;
}

/** The module specifier workers import to read this source's partitions. */
export const READER_MODULE = '@weir/file-source';
/** The reader name in `partitionReaders`. */
export const FILE_READER = 'file';

const DEFAULT_RESCUED = '_rescued_data';
/** Spark's `spark.sql.files.maxPartitionBytes` and `openCostInBytes`. */
const MAX_PARTITION_BYTES = 128 * 1024 * 1024;
const OPEN_COST_BYTES = 4 * 1024 * 1024;

function asOffset(o: Offset | null, metadataPath: string): FileSourceOffset | null {
  if (o === null) return null;
  if (o.v !== 1 || typeof o['logOffset'] !== 'number') {
    throw FileSourceErrors.FILE_SOURCE_OFFSET_INVALID({ offset: JSON.stringify(o), metadataPath, reason: 'not a {"v":1,"logOffset":n} offset' });
  }
  return o as FileSourceOffset;
}

function insertBefore(schema: StructType, added: readonly StructField[], systemNames: ReadonlySet<string>): StructType {
  const firstSystem = schema.fields.findIndex((f) => systemNames.has(f.name));
  const at = firstSystem < 0 ? schema.fields.length : firstSystem;
  return struct([...schema.fields.slice(0, at), ...added, ...schema.fields.slice(at)]);
}

/** What the last `latestOffset` did to the schema, reported through `metrics()`. */
interface SchemaChange {
  readonly fromVersion: number;
  readonly toVersion: number;
  readonly addedColumns: readonly string[];
}

/**
 * The file stream source behind `cloudFiles`, `json`, `csv`, `parquet` and `text`: Auto Loader's
 * discovery, rate limits, schema inference/evolution and rescued data over `engine.storage`.
 *
 * Contracts (beyond `Source`'s):
 * - `latestOffset(start, …)` MUST only be called once every batch up to `start` is committed
 *   (Spark's micro-batch loop does this); the log compacts entries up to `start`.
 * - When `latestOffset` finds a log entry after `start` (written before a crash, never made it
 *   into the engine's offset WAL) it returns that entry again instead of listing: nothing is lost
 *   and nothing is admitted twice.
 * - Schema changes (`addNewColumns`): `latestOffset` records a new schema version BEFORE the
 *   log entry that needs it; the returned offset carries `schemaVersion`, `schema()` returns the
 *   new schema from then on, and `metrics()` reports `schemaChanged`/`addedColumns`. The engine
 *   re-plans at that batch boundary. With `weir.fileSource.restartOnSchemaChange=true` it throws
 *   `UNKNOWN_FIELD_EXCEPTION` instead (after recording the version), like Auto Loader.
 */
export class FileStreamSource implements Source {
  readonly #config: FileSourceConfig;
  readonly #ctx: SourceContext;
  readonly #inputPath: string;
  readonly #lister: FileLister;
  readonly #log: FileStreamSourceLog;
  readonly #schemaLog: SchemaLog | null;
  readonly #mode: SchemaEvolutionMode;
  readonly #inferred: boolean;
  #current: SchemaVersion;
  #lastChange: SchemaChange | null = null;
  #outstanding = { files: 0, bytes: 0 };
  #latestBatch = { files: 0, bytes: 0 };
  #availableNow: Set<string> | null = null;
  /** The files of {@link #availableNow}, as listed (see `latestOffset`). */
  #availableNowFiles: readonly DiscoveredFile[] | null = null;
  /** Incremental listing: files listed but not admitted yet, and the greatest path listed so far. */
  #backlog: DiscoveredFile[] = [];
  #listedThrough: string | undefined;
  #lastCommitted: number | null = null;
  readonly #planned = new Map<number, { startId: number; files: readonly LoggedFile[] }>();

  private constructor(
    config: FileSourceConfig,
    ctx: SourceContext,
    inputPath: string,
    lister: FileLister,
    log: FileStreamSourceLog,
    schemaLog: SchemaLog | null,
    current: SchemaVersion,
    mode: SchemaEvolutionMode,
    inferred: boolean,
  ) {
    this.#config = config;
    this.#ctx = ctx;
    this.#inputPath = inputPath;
    this.#lister = lister;
    this.#log = log;
    this.#schemaLog = schemaLog;
    this.#current = current;
    this.#mode = mode;
    this.#inferred = inferred;
  }

  /** Validates options, loads the source log, and resolves the schema (reusing or inferring a schema version). */
  static async create(config: FileSourceConfig, ctx: SourceContext): Promise<FileStreamSource> {
    const inputPath = ctx.path;
    if (inputPath === undefined || inputPath === '') throw FileSourceErrors.CF_SOURCE_DIRECTORY_PATH_REQUIRED();
    if (config.cleanSource === 'archive' && config.sourceArchiveDir !== undefined) {
      const base = inputPath.replace(/\/+$/, '');
      const archive = config.sourceArchiveDir.replace(/\/+$/, '');
      if (archive === base || archive.startsWith(base + '/')) {
        throw FileSourceErrors.CF_INVALID_OPTION_COMBINATION({ reason: `sourceArchiveDir ${archive} must not be under the input path ${base}` });
      }
    }
    const engine = ctx.engine;
    const lister = new FileLister(engine.storage, inputPath, config);
    const log = new FileStreamSourceLog(engine.storage, ctx.metadataPath, {
      fileNameOnly: config.fileNameOnly,
      ...(config.maxFileAgeMs === undefined ? {} : { maxFileAgeMs: config.maxFileAgeMs }),
    });
    await log.load();
    const restartConf = ctx.conf['weir.fileSource.restartOnSchemaChange'];
    const effective: FileSourceConfig =
      restartConf !== undefined && restartConf.toLowerCase() === 'true' ? { ...config, restartOnSchemaChange: true } : config;

    const userSchema = ctx.userSchema;
    const mode: SchemaEvolutionMode = config.schemaEvolutionMode ?? (userSchema ? 'none' : 'addNewColumns');
    if (userSchema !== undefined) {
      if (mode === 'addNewColumns') {
        throw FileSourceErrors.CF_INVALID_OPTION_COMBINATION({ reason: 'schemaEvolutionMode addNewColumns needs an inferred schema, not a user schema (.schema(...))' });
      }
      // Partition columns: the configured ones, else the key=value directories of one file (no full listing).
      const detected = config.partitionColumns ?? Object.keys((await lister.first())?.partitionValues ?? {});
      const partitionColumns = detected.filter((c) =>
        userSchema.fields.some((f) => f.name === c),
      );
      const rescued = config.rescuedDataColumn ?? (mode === 'rescue' ? DEFAULT_RESCUED : null);
      const schema =
        rescued !== null && !userSchema.fields.some((f) => f.name === rescued) ? StructType.add(userSchema, field(rescued, 'string')) : userSchema;
      const current: SchemaVersion = { version: 0, schema, partitionColumns, rescuedDataColumn: rescued, addedColumns: [] };
      return new FileStreamSource(effective, ctx, inputPath, lister, log, null, current, mode, false);
    }
    if (config.format === 'text') {
      const current: SchemaVersion = { version: 0, schema: struct([field('value', 'string')]), partitionColumns: [], rescuedDataColumn: null, addedColumns: [] };
      return new FileStreamSource(effective, ctx, inputPath, lister, log, null, current, 'none', false);
    }
    if (config.schemaLocation === undefined) throw FileSourceErrors.CF_SCHEMA_LOCATION_REQUIRED({ format: config.format });
    const schemaLog = new SchemaLog(engine.storage, config.schemaLocation);
    let current = await schemaLog.latest();
    if (current === null) {
      const inferredVersion = await FileStreamSource.#inferInitial(effective, ctx, lister, mode);
      if (!(await schemaLog.add(inferredVersion))) current = await schemaLog.latest();
      current ??= inferredVersion;
    }
    return new FileStreamSource(effective, ctx, inputPath, lister, log, schemaLog, current, mode, true);
  }

  static async #inferInitial(config: FileSourceConfig, ctx: SourceContext, lister: FileLister, mode: SchemaEvolutionMode): Promise<SchemaVersion> {
    const listed = (await lister.list()).sort((a, b) => a.modificationTime - b.modificationTime || (a.path < b.path ? -1 : 1));
    if (listed.length === 0) throw FileSourceErrors.CF_EMPTY_DIR_FOR_SCHEMA_INFERENCE({ path: ctx.path ?? '' });
    const sample: DiscoveredFile[] = [];
    let bytes = 0;
    for (const f of listed) {
      if (sample.length >= config.sampleNumFiles || (sample.length > 0 && bytes + f.size > config.sampleNumBytes)) break;
      sample.push(f);
      bytes += f.size;
    }
    const { dataSchema, sawMalformed } = await inferDataSchema(ctx.engine, sample, {
      format: config.format,
      inferColumnTypes: config.inferColumnTypes,
      parse: config.parse,
      sampleSize: { numFiles: config.sampleNumFiles, numBytes: config.sampleNumBytes },
    });
    const partitionColumns: string[] = [];
    if (config.partitionColumns !== undefined) partitionColumns.push(...config.partitionColumns);
    else for (const f of sample) for (const k of Object.keys(f.partitionValues)) if (!partitionColumns.includes(k)) partitionColumns.push(k);
    const fields: StructField[] = dataSchema.fields.filter((f) => !partitionColumns.includes(f.name));
    for (const p of partitionColumns) fields.push(field(p, 'string'));
    const corrupt = config.parse.columnNameOfCorruptRecord;
    if (sawMalformed && config.parse.mode === 'PERMISSIVE' && config.format !== 'parquet' && !fields.some((f) => f.name === corrupt)) {
      fields.push(field(corrupt, 'string'));
    }
    const rescued = config.rescuedDataColumn ?? (mode === 'none' ? null : DEFAULT_RESCUED);
    let schema = applySchemaHints(struct(fields), config.schemaHints);
    if (rescued !== null && !schema.fields.some((f) => f.name === rescued)) schema = StructType.add(schema, field(rescued, 'string'));
    return { version: 0, schema, partitionColumns, rescuedDataColumn: rescued, addedColumns: [] };
  }

  /** The newest schema: after `latestOffset` recorded a new version, the new one. */
  schema(): StructType {
    return this.#current.schema;
  }

  /** The current schema version and what it added (for progress events). */
  schemaVersion(): SchemaVersion {
    return this.#current;
  }

  getDefaultReadLimit(): ReadLimit {
    const { maxFilesPerTrigger: maxFiles, maxBytesPerTrigger: maxBytes } = this.#config;
    return Object.freeze({ ...(maxFiles === undefined ? {} : { maxFiles }), ...(maxBytes === undefined ? {} : { maxBytes }) });
  }

  #offset(logOffset: number): FileSourceOffset {
    const schemaVersion = this.#log.batch(logOffset)?.schemaVersion ?? this.#current.version;
    return Object.freeze({ v: 1, logOffset, schemaVersion });
  }

  async prepareForTriggerAvailableNow(): Promise<void> {
    const listed = await this.#lister.list();
    const available = listed.filter((f) => this.#log.isNew(f, this.#config.allowOverwrites));
    this.#availableNow = new Set(available.map((f) => `${f.path}\u0000${f.modificationTime}`));
    this.#availableNowFiles = available;
  }

  async latestOffset(start: Offset | null, limit: ReadLimit): Promise<Offset | null> {
    const startId = asOffset(start, this.#ctx.metadataPath)?.logOffset ?? -1;
    this.#lastChange = null;
    if (startId > this.#log.latestBatchId) {
      throw FileSourceErrors.FILE_SOURCE_OFFSET_INVALID({
        offset: JSON.stringify(start),
        metadataPath: this.#ctx.metadataPath,
        reason: `the source log ends at batch ${this.#log.latestBatchId}`,
      });
    }
    // A batch admitted before a crash but never logged by the engine: hand it out again as is.
    if (this.#log.latestBatchId > startId) return this.#offset(startId + 1);

    const baseline = this.#log.isEmpty && start === null && !this.#config.includeExistingFiles;
    // Trigger.AvailableNow: the files listed when the run began are all this run reads, so later
    // batches take them from that listing instead of listing the input again (as Spark's file
    // source does with `allFilesForTriggerAvailableNow`).
    const listed = !baseline && this.#availableNowFiles !== null ? this.#availableNowFiles : await this.#discover();
    if (baseline) {
      await this.#log.recordBaseline(listed.map(({ path, size, modificationTime, partitionValues }) => ({ path, size, modificationTime, partitionValues })));
      this.#outstanding = { files: 0, bytes: 0 };
      return null;
    }
    const allowOverwrites = this.#config.allowOverwrites;
    const pinned = this.#availableNow;
    const candidates = listed.filter(
      (f) => this.#log.isNew(f, allowOverwrites) && (pinned === null || pinned.has(`${f.path}\u0000${f.modificationTime}`)),
    );
    const dir = this.#config.latestFirst ? -1 : 1;
    candidates.sort((a, b) => dir * (a.modificationTime - b.modificationTime) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const taken = admit(candidates, limit);
    let outstandingBytes = 0;
    for (let i = taken.length; i < candidates.length; i++) outstandingBytes += (candidates[i] as DiscoveredFile).size;
    this.#outstanding = { files: candidates.length - taken.length, bytes: outstandingBytes };
    // Until the log entry is durable nothing is admitted: keep every candidate in the backlog.
    if (this.#config.incrementalListing) this.#backlog = candidates;
    if (taken.length === 0) return start;

    await this.#evolveSchema(taken);
    const entry = await this.#log.add(
      {
        schemaVersion: this.#current.version,
        files: taken.map(({ path, size, modificationTime, partitionValues }) => ({ path, size, modificationTime, partitionValues })),
      },
      startId,
    );
    if (entry === null) {
      throw FileSourceErrors.FILE_SOURCE_OFFSET_INVALID({
        offset: String(this.#log.latestBatchId + 1),
        metadataPath: this.#ctx.metadataPath,
        reason: 'another query wrote this source log entry concurrently; one checkpoint serves one query',
      });
    }
    if (this.#config.incrementalListing) this.#backlog = candidates.slice(taken.length);
    this.#latestBatch = { files: taken.length, bytes: taken.reduce((s, f) => s + f.size, 0) };
    return this.#offset(entry.batchId);
  }

  /** Lists the input: fully, or (incremental listing) only after the greatest path seen, plus the backlog. */
  async #discover(): Promise<DiscoveredFile[]> {
    const allowOverwrites = this.#config.allowOverwrites;
    const log = this.#log;
    // On the very first start with includeExistingFiles=false every listed file is needed (the baseline).
    const accept = log.isEmpty ? undefined : (path: string, modificationTime: number) => log.isNew({ path, modificationTime }, allowOverwrites);
    if (!this.#config.incrementalListing) return this.#lister.list(undefined, Infinity, accept);
    const fresh = await this.#lister.list(this.#listedThrough, Infinity, accept);
    this.#listedThrough = this.#lister.lastListedPath;
    return this.#backlog.length === 0 ? fresh : [...this.#backlog, ...fresh];
  }

  /** Detects new columns in the files about to be admitted and applies the evolution mode. */
  async #evolveSchema(files: readonly FileInfo[]): Promise<void> {
    if (this.#mode !== 'addNewColumns' && this.#mode !== 'failOnNewColumns') return;
    // addNewColumns needs a schema log (inferred schema); failOnNewColumns also guards a user schema.
    if (this.#mode === 'addNewColumns' && (!this.#inferred || this.#schemaLog === null)) return;
    if (this.#config.format === 'text') return;
    // Inference runs as tasks (in workers with @weir/executor); files whose keys/header hold only
    // known columns are skipped after a cheap scan, so only files that may add columns are parsed.
    const cur = this.#current;
    const known = new Set(cur.schema.fields.map((f) => f.name.toLowerCase()));
    const { dataSchema } = await inferInTasks(
      this.#ctx.engine,
      READER_MODULE,
      files,
      { format: this.#config.format, inferColumnTypes: this.#config.inferColumnTypes, parse: this.#config.parse },
      [...known],
    );
    // Case-insensitively known columns are not new: a case mismatch is rescued, not added.
    const added = dataSchema.fields.filter((f) => !known.has(f.name.toLowerCase()) && !cur.partitionColumns.includes(f.name));
    if (added.length === 0) return;
    const names = added.map((f) => f.name);
    if (this.#mode === 'failOnNewColumns') {
      throw FileSourceErrors.UNKNOWN_FIELD_EXCEPTION({
        newFields: names.join(', '),
        path: this.#inputPath,
        mode: 'failOnNewColumns',
        action: 'the stream fails; change the schema or use addNewColumns/rescue',
      });
    }
    const system = new Set([...cur.partitionColumns, this.#config.parse.columnNameOfCorruptRecord, ...(cur.rescuedDataColumn ? [cur.rescuedDataColumn] : [])]);
    const hinted = applySchemaHints(struct(added), this.#config.schemaHints).fields.filter((f) => names.includes(f.name));
    const next: SchemaVersion = {
      version: cur.version + 1,
      schema: insertBefore(cur.schema, hinted, system),
      partitionColumns: cur.partitionColumns,
      rescuedDataColumn: cur.rescuedDataColumn,
      addedColumns: names,
    };
    const schemaLog = this.#schemaLog as SchemaLog;
    const written = await schemaLog.add(next);
    this.#current = written ? next : ((await schemaLog.latest()) ?? next);
    if (this.#config.restartOnSchemaChange) {
      throw FileSourceErrors.UNKNOWN_FIELD_EXCEPTION({
        newFields: names.join(', '),
        path: this.#inputPath,
        mode: 'addNewColumns',
        action: `schema version ${next.version} recorded under ${schemaLog.dir}; restart the query to continue`,
      });
    }
    this.#lastChange = { fromVersion: cur.version, toVersion: this.#current.version, addedColumns: names };
  }

  async planInputPartitions(start: Offset | null, end: Offset): Promise<readonly InputPartition[]> {
    const startId = asOffset(start, this.#ctx.metadataPath)?.logOffset ?? -1;
    const endId = (asOffset(end, this.#ctx.metadataPath) as FileSourceOffset).logOffset;
    const files = this.#log.filesBetween(startId, endId);
    this.#planned.set(endId, { startId, files });
    const versionNumber = this.#log.batch(endId)?.schemaVersion ?? this.#current.version;
    const version = this.#schemaLog === null ? this.#current : await this.#schemaLog.get(versionNumber);
    const parse: ParseOptions = { ...this.#config.parse, rescuedDataColumn: version.rescuedDataColumn };
    const schemaJson = StructType.toJSON(version.schema);
    const groups = groupFiles(files, this.#ctx.engine.tasks.parallelism);
    return groups.map((group, i) => {
      const data: FilePartitionData = {
        v: 1,
        format: this.#config.format,
        files: group.map((f) => ({ path: f.path, size: f.size, partitionValues: f.partitionValues })),
        schemaJson,
        partitionColumns: version.partitionColumns,
        parse,
        badRecordsFile: parse.badRecordsPath === null ? null : badRecordsFileFor(parse.badRecordsPath, `batch-${endId}`, i),
      };
      return Object.freeze({ readerModule: READER_MODULE, reader: FILE_READER, data, sizeInBytes: group.reduce((s, f) => s + f.size, 0) });
    });
  }

  metrics(_latestConsumed: Offset | null): Readonly<Record<string, string>> {
    const out: Record<string, string> = {
      numFilesOutstanding: String(this.#outstanding.files),
      numBytesOutstanding: String(this.#outstanding.bytes),
      latestBatchNumFiles: String(this.#latestBatch.files),
      latestBatchNumBytes: String(this.#latestBatch.bytes),
      schemaVersion: String(this.#current.version),
      schemaChanged: String(this.#lastChange !== null),
    };
    if (this.#lastChange !== null) out['addedColumns'] = this.#lastChange.addedColumns.join(',');
    return Object.freeze(out);
  }

  async commit(end: Offset): Promise<void> {
    const endId = (asOffset(end, this.#ctx.metadataPath) as FileSourceOffset).logOffset;
    const mode = this.#config.cleanSource;
    const planned = this.#planned.get(endId);
    for (const id of [...this.#planned.keys()]) if (id <= endId) this.#planned.delete(id);
    const from = this.#lastCommitted;
    this.#lastCommitted = endId;
    if (mode === 'off' || planned === undefined) return;
    // Clean the files of every batch this commit covers that we planned in this run (best effort, as Spark).
    const files = from !== null && from < planned.startId ? safeFiles(this.#log, from, endId) ?? planned.files : planned.files;
    const storage = this.#ctx.engine.storage;
    for (const f of files) {
      try {
        if (mode === 'archive') {
          const target = joinPath(this.#config.sourceArchiveDir as string, f.path);
          await storage.put(target, await storage.read(f.path));
        }
        await storage.delete(f.path);
      } catch (e) {
        this.#ctx.log(`cleanSource=${mode}: could not clean ${f.path}: ${(e as Error).message}`);
      }
    }
  }

  async close(): Promise<void> {}
}

function safeFiles(log: FileStreamSourceLog, from: number, to: number): LoggedFile[] | undefined {
  try {
    return log.filesBetween(from, to);
  } catch {
    return undefined;
  }
}

/**
 * Admission control: in order, up to `maxFiles` files, and while the bytes admitted so far are
 * below `maxBytes` (a soft maximum: the file that crosses it is still admitted, so a batch always
 * holds at least one file — Delta's and Auto Loader's rule).
 */
export function admit<F extends { size: number }>(candidates: readonly F[], limit: ReadLimit): F[] {
  const maxFiles = limit.maxFiles ?? Infinity;
  const maxBytes = limit.maxBytes ?? Infinity;
  const out: F[] = [];
  let bytes = 0;
  for (const f of candidates) {
    if (out.length >= Math.max(1, maxFiles) || (out.length > 0 && bytes >= maxBytes)) break;
    out.push(f);
    bytes += f.size;
  }
  return out;
}

/**
 * Packs a batch's files into contiguous groups (admission order kept, files never split) of
 * nearly equal cost, each file costing its size plus Spark's `openCostInBytes`. The number of
 * groups is `total / maxPartitionBytes` rounded up to a multiple of `parallelism` (capped by the
 * file count): Spark's split size rule, but 5 splits on 2 threads would leave one thread idle for
 * the last round, so it becomes 6. Unlike Spark's greedy packing, which can leave a small remainder group
 * (12 + 12 + 1 files for 25 equal files on 2 threads) that runs alone after the others, each
 * file goes to the group its cost midpoint falls in, so the groups finish together.
 */
export function groupFiles<F extends { size: number }>(files: readonly F[], parallelism: number): F[][] {
  if (files.length === 0) return [];
  const costs = files.map((f) => f.size + OPEN_COST_BYTES);
  const total = costs.reduce((s, c) => s + c, 0);
  const p = Math.max(1, parallelism);
  const k = Math.min(files.length, p * Math.ceil(Math.ceil(total / MAX_PARTITION_BYTES) / p));
  const out: F[][] = [];
  let before = 0;
  files.forEach((f, i) => {
    const cost = costs[i] as number;
    const group = Math.min(k - 1, Math.floor(((before + cost / 2) * k) / total));
    before += cost;
    while (out.length <= group) out.push([]);
    (out[group] as F[]).push(f);
  });
  return out.filter((g) => g.length > 0);
}
