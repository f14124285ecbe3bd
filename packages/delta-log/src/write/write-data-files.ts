/**
 * Writing data files: rows → Parquet files in Hive-style partition directories, returned as
 * `add` actions (with stats) ready to commit. Pure over the Engine, so it runs inside a worker;
 * nothing is visible in the table until a transaction commits the returned actions.
 */
import { StructType, joinPath, type Engine, type Row, type RowBatch, type StructField } from '@weir/core';
import { DeltaErrors } from '../errors.js';
import type { AddAction } from '../actions/actions.js';
import { encodeDataFilePath } from '../log/table-path.js';
import { computeFileStats, DEFAULT_NUM_INDEXED_COLS } from './file-stats.js';
import { encodePartitionValue, partitionDirectory } from './partition-values.js';

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
 * Writes `batch` as Parquet data files under `tablePath` and returns their `add` actions
 * (`dataChange: true`, stats for the data columns). File names follow Spark:
 * `<col>=<value>/…/part-00000-<uuid>.c000.snappy.parquet`; partition values are escaped as Spark
 * escapes path names, null as `__HIVE_DEFAULT_PARTITION__`; `add.path` is the URI-encoded relative path.
 * @throws DELTA_PARTITION_COLUMN_NOT_FOUND for a partition column missing from the batch schema.
 */
export async function writeDataFiles(engine: Engine, tablePath: string, batch: RowBatch, options: WriteDataFilesOptions = {}): Promise<AddAction[]> {
  const o = { ...DEFAULTS, ...options };
  const partFields: StructField[] = o.partitionColumns.map((c) => {
    const f = StructType.findField(batch.schema, c);
    if (f === undefined) throw DeltaErrors.DELTA_PARTITION_COLUMN_NOT_FOUND({ path: tablePath, column: c });
    return f;
  });
  const partNames = new Set(partFields.map((f) => f.name));
  const dataSchema = StructType.fromJSON({ type: 'struct', fields: batch.schema.fields.filter((f) => !partNames.has(f.name)) });
  const dataNames = dataSchema.fields.map((f) => f.name);

  // Group rows by their partition values, keeping first-seen order for deterministic part numbers.
  const groups = new Map<string, { values: Record<string, string | null>; rows: Row[] }>();
  for (const row of batch.rows) {
    const values: Record<string, string | null> = {};
    for (const f of partFields) values[f.name] = encodePartitionValue(row[f.name] ?? null, f.type);
    const key = JSON.stringify(partFields.map((f) => values[f.name]));
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { values, rows: [] }));
    g.rows.push(partFields.length === 0 ? row : project(row, dataNames));
  }

  const jobId = o.uuid();
  const adds: AddAction[] = [];
  let part = o.firstPartNumber;
  for (const g of groups.values()) {
    const chunk = o.targetFileRows > 0 ? o.targetFileRows : Math.max(1, g.rows.length);
    for (let start = 0; start < g.rows.length; start += chunk) {
      const rows = g.rows.slice(start, start + chunk);
      const dir = partFields.map((f) => partitionDirectory(f.name, g.values[f.name] ?? null)).join('/');
      const name = `part-${String(part++).padStart(5, '0')}-${jobId}.c000.snappy.parquet`;
      const relative = dir.length > 0 ? `${dir}/${name}` : name;
      const bytes = await engine.parquet.write(
        { schema: dataSchema, rows },
        { compression: 'snappy', ...(options.rowGroupSize === undefined ? {} : { rowGroupSize: options.rowGroupSize }) },
      );
      await engine.storage.put(joinPath(tablePath, relative), bytes);
      const stats = computeFileStats(dataSchema, rows, o.numIndexedCols);
      adds.push(
        Object.freeze({
          path: encodeDataFilePath(relative),
          partitionValues: Object.freeze({ ...g.values }),
          size: bytes.byteLength,
          modificationTime: engine.clock.now(),
          dataChange: true,
          stats: JSON.stringify(stats),
        }),
      );
    }
  }
  return adds;
}

function project(row: Row, names: readonly string[]): Row {
  const out: Row = {};
  for (const n of names) out[n] = row[n] ?? null;
  return out;
}
