/**
 * Streaming data-file writer: rows arrive in chunks, are routed to one open Parquet file per
 * partition directory, and leave as `add` actions when the writer finishes. This is the one code
 * path for writing Delta data files (`writeDataFiles` is open → write → finish).
 *
 * Why streaming: a map task that holds its whole split until it writes keeps hundreds of thousands
 * of row objects alive (promoted, heap growth, GC). Here an appended chunk is shredded into the
 * ParquetHandler's column buffers at once (`engine.parquet.openWriter`) and its statistics folded
 * into a per-file {@link FileStatsBuilder}, so the caller can drop the chunk as soon as `write`
 * returns. Handlers without `openWriter` fall back to buffering (projected copies of) the rows and
 * one `engine.parquet.write` per file.
 */
import {
  StructType,
  columnChunkToRows,
  joinPath,
  type ColumnChunk,
  type ColumnVector,
  type Engine,
  type ParquetFileWriter,
  type ParquetWriteOptions,
  type Row,
  type StructField,
} from '@weir/core';
import { DeltaErrors } from '../errors.js';
import type { AddAction } from '../actions/actions.js';
import { encodeDataFilePath } from '../log/table-path.js';
import { DEFAULT_NUM_INDEXED_COLS } from './file-stats.js';
import { openHivePartitionRouter, type HivePartition } from './partition-router.js';
import { fileStatsBuilderFactory, type FileStatsBuilder } from './stats-builder.js';

export interface WriteDataFilesOptions {
  /** Partition columns, in order. Defaults to none. */
  readonly partitionColumns?: readonly string[];
  /** Maximum rows per file (Spark's `maxRecordsPerFile`); 0 = unlimited. Defaults to `0`. */
  readonly targetFileRows?: number;
  /** `delta.dataSkippingNumIndexedCols`: leaf columns with min/max/nullCount stats. Defaults to `32`. */
  readonly numIndexedCols?: number;
  /** Makes the job UUID in file names. Defaults to `crypto.randomUUID()`; inject for deterministic tests. */
  readonly uuid?: () => string;
  /** First 5-digit part number (Spark's task id). Defaults to `0`. */
  readonly firstPartNumber?: number;
  /** Rows per Parquet row group. Defaults to the ParquetHandler's choice. */
  readonly rowGroupSize?: number;
}

const DEFAULTS: Required<Omit<WriteDataFilesOptions, 'rowGroupSize'>> = Object.freeze({
  partitionColumns: [],
  targetFileRows: 0,
  numIndexedCols: DEFAULT_NUM_INDEXED_COLS,
  uuid: () => globalThis.crypto.randomUUID(),
  firstPartNumber: 0,
});

/**
 * A task's data files being written (Spark's `DataWriter` for Delta).
 *
 * Contracts:
 * - `write` MUST NOT retain `rows` or the row objects after its promise settles; calls MUST NOT
 *   overlap (await each).
 * - Any split of the same rows into `write` calls gives the same files: same rows per file, same
 *   `partitionValues` and stats, same part numbers (partition directories numbered in first-seen
 *   order, a directory's files consecutively; `targetFileRows` rolls to a new file).
 * - Nothing is visible in the table until a transaction commits the actions `finish` returns.
 * - After `finish` or `abort` the writer MUST NOT be used again (`DELTA_INVALID_ARGUMENT`).
 */
export interface DataFileWriter {
  write(rows: readonly Row[]): Promise<void>;
  /**
   * The same as `write(columnChunkToRows(chunk))` (same files, bytes, stats and actions), without
   * row objects: the router splits the chunk by the partition columns' vectors (no split when
   * the whole chunk is in one directory, always so when unpartitioned), each directory's data
   * columns go to its open file's `appendColumns` (its rows when the handler has only `append`)
   * and the file's stats builder's `addColumns`. Chunks whose fields are not the table's (by
   * name, in order) and handlers without `openWriter` take the rows. MUST NOT retain the
   * chunk's arrays after its promise settles.
   */
  writeColumns(chunk: ColumnChunk): Promise<void>;
  /** Ends every open file and returns their `add` actions (`dataChange: true`, with stats). */
  finish(): Promise<AddAction[]>;
  /** Best effort: drops open files and deletes the files already stored (never committed). */
  abort(): Promise<void>;
}

/** A finished file waiting for its part number (partition directories after the first). */
interface PendingFile {
  readonly bytes: Uint8Array;
  readonly stats: string;
}

/** One open Parquet file: streamed through `openWriter`, or buffered rows for the fallback. */
interface OpenFile {
  readonly writer: ParquetFileWriter | null;
  readonly buffered: Row[];
  readonly stats: FileStatsBuilder;
}

/** One partition directory's files (the router's group). */
interface Group {
  readonly partition: HivePartition;
  open: OpenFile | null;
  /** Finished files of this directory (the first directory's are stored at once: numbered `put`). */
  readonly finished: Array<AddAction | PendingFile>;
}

/** Rows `from..to` of `chunk` as a chunk of views (no copy). */
function sliceChunk(chunk: ColumnChunk, from: number, to: number): ColumnChunk {
  if (from === 0 && to === chunk.numRows) return chunk;
  const vectors = chunk.vectors.map((v): ColumnVector => {
    if (v.kind === 'values') return { kind: 'values', values: v.values.slice(from, to) };
    const nulls = v.nulls === null ? null : v.nulls.subarray(from, to);
    return v.kind === 'float64' ? { kind: 'float64', values: v.values.subarray(from, to), nulls } : { kind: 'boolean', values: v.values.subarray(from, to), nulls };
  });
  return { schema: chunk.schema, numRows: to - from, vectors };
}

/** The values of `v` at `indices`, in that order, as a new vector of the same kind. */
function gatherVector(v: ColumnVector, indices: readonly number[]): ColumnVector {
  const n = indices.length;
  if (v.kind === 'values') {
    const out = new Array<unknown>(n);
    for (let j = 0; j < n; j++) out[j] = v.values[indices[j] as number];
    return { kind: 'values', values: out };
  }
  let nulls: Uint8Array | null = null;
  if (v.nulls !== null) {
    const src = v.nulls;
    const gathered = new Uint8Array(n);
    let any = false;
    for (let j = 0; j < n; j++) {
      const x = src[indices[j] as number] as number;
      gathered[j] = x;
      if (x === 1) any = true;
    }
    if (any) nulls = gathered;
  }
  if (v.kind === 'float64') {
    const out = new Float64Array(n);
    for (let j = 0; j < n; j++) out[j] = v.values[indices[j] as number] as number;
    return { kind: 'float64', values: out, nulls };
  }
  const out = new Uint8Array(n);
  for (let j = 0; j < n; j++) out[j] = v.values[indices[j] as number] as number;
  return { kind: 'boolean', values: out, nulls };
}

/**
 * A copy of a row's data columns, compiled per column list: an object literal with constant keys
 * gets one hidden class and no keyed stores (a generic loop copy costs ~1 µs per row).
 */
function projector(names: readonly string[]): (row: Row) => Row {
  // `"__proto__": v` in a literal would set the prototype; the computed form defines the property.
  const body = names.map((n) => `${n === '__proto__' ? '["__proto__"]' : JSON.stringify(n)}: r[${JSON.stringify(n)}] ?? null`).join(', ');
  return new Function('r', `return { ${body} };`) as (row: Row) => Row;
}

/**
 * Opens a writer of Parquet data files for rows of `schema` under `tablePath`. File names follow
 * Spark: `<col>=<value>/…/part-00000-<uuid>.c000.snappy.parquet`; partition values are escaped as
 * Spark escapes path names, null as `__HIVE_DEFAULT_PARTITION__`; `add.path` is the URI-encoded
 * relative path. Pure over the Engine, so it runs inside a worker.
 *
 * ```ts
 * const writer = openDataFileWriter(engine, '/tmp/weather', schema, { partitionColumns: ['day'] });
 * for await (const chunk of chunks) await writer.write(chunk.rows); // chunk may be dropped now
 * const adds = await writer.finish(); // commit them: table.startTransaction() … txn.addFiles(adds)
 * ```
 * @throws DELTA_PARTITION_COLUMN_NOT_FOUND for a partition column missing from `schema`.
 */
export function openDataFileWriter(engine: Engine, tablePath: string, schema: StructType, options: WriteDataFilesOptions = {}): DataFileWriter {
  return openDataFileWriterImpl(engine, tablePath, schema, options, false);
}

/**
 * The writer behind {@link openDataFileWriter} and `writeDataFiles`. `rowsStable` is the caller's
 * promise that the rows stay unchanged until `finish` (a whole batch it owns): the buffering
 * fallback then keeps unpartitioned rows as they are instead of copying them.
 */
export function openDataFileWriterImpl(engine: Engine, tablePath: string, schema: StructType, options: WriteDataFilesOptions, rowsStable: boolean): DataFileWriter {
  const o = { ...DEFAULTS, ...options };
  const partFields: StructField[] = o.partitionColumns.map((c) => {
    const f = StructType.findField(schema, c);
    if (f === undefined) throw DeltaErrors.DELTA_PARTITION_COLUMN_NOT_FOUND({ path: tablePath, column: c });
    return f;
  });
  const partNames = new Set(partFields.map((f) => f.name));
  // One schema object for every file: the ParquetHandler caches its compiled shredder per schema.
  const dataSchema = partFields.length === 0 ? schema : StructType.fromJSON({ type: 'struct', fields: schema.fields.filter((f) => !partNames.has(f.name)) });
  const copyRow = projector(dataSchema.fields.map((f) => f.name));
  const keepRows = rowsStable && partFields.length === 0;
  const newStats = fileStatsBuilderFactory(dataSchema, o.numIndexedCols);
  const parquetOptions: ParquetWriteOptions = { compression: 'snappy', ...(options.rowGroupSize === undefined ? {} : { rowGroupSize: options.rowGroupSize }) };
  const streaming = typeof engine.parquet.openWriter === 'function';
  const target = o.targetFileRows > 0 ? o.targetFileRows : Infinity;
  const jobId = o.uuid();

  const router = openHivePartitionRouter<Group>(partFields, (partition) => ({ partition, open: null, finished: [] }));
  const stored: string[] = [];
  // 'failed': a finish that threw; abort still cleans up. 'closed': finished (the files belong to
  // the caller's commit now, so abort must not touch them) or aborted.
  let state: 'open' | 'finishing' | 'failed' | 'closed' = 'open';

  const fileName = (part: number): string => `part-${String(part).padStart(5, '0')}-${jobId}.c000.snappy.parquet`;

  const store = async (g: Group, part: number, bytes: Uint8Array, stats: string): Promise<AddAction> => {
    const { dir, values } = g.partition;
    const relative = dir.length > 0 ? `${dir}/${fileName(part)}` : fileName(part);
    const full = joinPath(tablePath, relative);
    stored.push(full);
    await engine.storage.put(full, bytes);
    return Object.freeze({
      path: encodeDataFilePath(relative),
      partitionValues: values,
      size: bytes.byteLength,
      modificationTime: engine.clock.now(),
      dataChange: true,
      stats,
    });
  };

  const closeFile = async (g: Group): Promise<void> => {
    const f = g.open as OpenFile;
    g.open = null;
    const bytes = f.writer !== null ? await f.writer.finish() : await engine.parquet.write({ schema: dataSchema, rows: f.buffered }, parquetOptions);
    const stats = JSON.stringify(f.stats.result());
    // The first directory's files always start at firstPartNumber, so they can be stored now;
    // the others' numbers depend on how many files the directories before them end up with.
    if (g.partition.index === 0) g.finished.push(await store(g, o.firstPartNumber + g.finished.length, bytes, stats));
    else g.finished.push({ bytes, stats });
  };

  const append = async (g: Group, rows: readonly Row[]): Promise<void> => {
    let from = 0;
    while (from < rows.length) {
      const f = (g.open ??= {
        writer: streaming ? (engine.parquet.openWriter as NonNullable<typeof engine.parquet.openWriter>)(dataSchema, parquetOptions) : null,
        buffered: [],
        stats: newStats(),
      });
      const n = Math.min(rows.length - from, target - f.stats.numRecords);
      const to = from + n;
      if (f.writer !== null) {
        // The handler reads only the schema's fields, so partition columns may stay in the rows.
        await f.writer.append(from === 0 && to === rows.length ? rows : rows.slice(from, to));
      } else {
        for (let i = from; i < to; i++) f.buffered.push(keepRows ? (rows[i] as Row) : copyRow(rows[i] as Row));
      }
      f.stats.add(rows, from, to);
      from = to;
      if (f.stats.numRecords >= target) await closeFile(g);
    }
  };

  // Chunks whose fields are the table's (by name, in order) are written from their vectors; the
  // data columns' positions in such a chunk are the table schema's.
  const dataColumns: readonly number[] = schema.fields.flatMap((f, i) => (partNames.has(f.name) ? [] : [i]));
  let columnarSchema: StructType | null = null;
  const columnarFields = (chunkSchema: StructType): boolean => {
    if (chunkSchema === schema || chunkSchema === columnarSchema) return true;
    const mine = schema.fields;
    const theirs = chunkSchema.fields;
    if (mine.length !== theirs.length) return false;
    for (let i = 0; i < mine.length; i++) if ((mine[i] as StructField).name !== (theirs[i] as StructField).name) return false;
    columnarSchema = chunkSchema;
    return true;
  };
  /** The data columns of `chunk` (all rows, or the rows `indices`) as a chunk of the file schema. */
  const dataChunk = (chunk: ColumnChunk, indices: readonly number[] | null): ColumnChunk => {
    const vectors = dataColumns.map((c) => chunk.vectors[c] as ColumnVector);
    if (indices === null) return { schema: dataSchema, numRows: chunk.numRows, vectors };
    return { schema: dataSchema, numRows: indices.length, vectors: vectors.map((v) => gatherVector(v, indices)) };
  };

  /** `append` for a column chunk of one directory's data columns, written through `appendColumns`. */
  const appendColumns = async (g: Group, chunk: ColumnChunk): Promise<void> => {
    let from = 0;
    const total = chunk.numRows;
    while (from < total) {
      const f = (g.open ??= {
        writer: (engine.parquet.openWriter as NonNullable<typeof engine.parquet.openWriter>)(dataSchema, parquetOptions),
        buffered: [],
        stats: newStats(),
      });
      const to = from + Math.min(total - from, target - f.stats.numRecords);
      const w = f.writer as ParquetFileWriter;
      const part = sliceChunk(chunk, from, to);
      if (typeof w.appendColumns === 'function') await w.appendColumns(part);
      else await w.append(columnChunkToRows(part));
      f.stats.addColumns(chunk, from, to);
      from = to;
      if (f.stats.numRecords >= target) await closeFile(g);
    }
  };

  const assertOpen = (): void => {
    if (state !== 'open') throw DeltaErrors.DELTA_INVALID_ARGUMENT({ argument: 'DataFileWriter', reason: 'was used after finish() or abort()' });
  };

  return {
    async write(rows: readonly Row[]): Promise<void> {
      assertOpen();
      await router.route(rows, append);
    },

    async writeColumns(chunk: ColumnChunk): Promise<void> {
      assertOpen();
      if (chunk.numRows === 0) return;
      // The buffering fallback keeps rows anyway; a chunk with other fields than the table's
      // goes by name through its rows, as the row path reads them.
      if (!streaming || !columnarFields(chunk.schema)) {
        await router.route(columnChunkToRows(chunk), append);
        return;
      }
      await router.routeColumns(chunk, (g, indices) => appendColumns(g, dataChunk(chunk, indices)));
    },

    async finish(): Promise<AddAction[]> {
      assertOpen();
      state = 'finishing';
      try {
        const adds: AddAction[] = [];
        let part = o.firstPartNumber;
        for (const g of router.groups()) {
          if (g.open !== null) await closeFile(g);
          for (const f of g.finished) {
            adds.push('path' in f ? f : await store(g, part, f.bytes, f.stats));
            part++;
          }
        }
        state = 'closed';
        return adds;
      } catch (e) {
        state = 'failed';
        throw e;
      }
    },

    async abort(): Promise<void> {
      if (state === 'closed') return;
      state = 'closed';
      router.clear();
      for (const path of stored) {
        try {
          await engine.storage.delete(path);
        } catch {
          // Best effort: an undeleted file is an orphan no commit references (vacuum removes it).
        }
      }
    },
  };
}
