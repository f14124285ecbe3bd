/**
 * Routing rows to Hive partition directories: the one loop every file writer that partitions
 * its output shares (Delta's data-file writer, the streaming parquet file sink). Each directory
 * gets one group of the caller's (typically one open file); a chunk of rows is split by
 * directory and handed to the caller once per directory it touches.
 *
 * Why one place: the partition value → directory text (Delta's value serialisation, Spark's path
 * escaping, `__HIVE_DEFAULT_PARTITION__` for null or empty) decides where readers find rows and
 * what they decode; two copies drifted (a double `1` was `x=1` in one sink, `x=1.0` in the other,
 * and an empty string was its own `x=` directory in one, the default partition in the other).
 */
import { vectorValue, type ColumnChunk, type ColumnVector, type Row, type StructField } from '@weir/core';
import { partitionDirectory, partitionValueEncoder } from './partition-values.js';

/** One partition directory, as the router first saw it. */
export interface HivePartition {
  /** First-seen order (0, 1, …): writers number their files by it. */
  readonly index: number;
  /** Serialised values by column (`encodePartitionValue`; null for null or empty). Frozen. */
  readonly values: Readonly<Record<string, string | null>>;
  /** `col=value/…` relative to the table root (escaped); `''` when unpartitioned. */
  readonly dir: string;
}

/**
 * Groups of rows by partition directory. `route` MUST NOT be called again before its promise
 * settles; the rows arrays it hands to `append` are reused afterwards, so `append` MUST NOT
 * retain them (the row objects are the caller's).
 */
export interface HivePartitionRouter<G> {
  /**
   * Splits `rows` by directory (creating groups for new directories) and awaits
   * `append(group, rowsOfThatDirectory)` once per directory touched, in first-touched order,
   * rows in input order. An empty `rows` does nothing.
   */
  route(rows: readonly Row[], append: (group: G, rows: readonly Row[]) => Promise<void>): Promise<void>;
  /**
   * The column form of `route`, for a chunk of `numRows` rows: the same groups, made in the same
   * order, and `append(group, indices)` awaited once per directory touched, in first-touched
   * order, with the chunk's row indices of that directory in input order — or `null` when every
   * row of the chunk is in that one directory (no index list built). Partition columns are found
   * in `chunk.schema` by name (a missing one reads as undefined, as an absent row field does).
   * The index arrays are reused afterwards: `append` MUST NOT retain them.
   */
  routeColumns(chunk: ColumnChunk, append: (group: G, indices: readonly number[] | null) => Promise<void>): Promise<void>;
  /** Every group so far, in first-seen order of its directory. */
  groups(): IterableIterator<G>;
  /** Forgets every group (after the writer finished or aborted). */
  clear(): void;
}

interface Slot<G> {
  readonly group: G;
  /** This route call's rows for the directory (reused; emptied after each call). */
  readonly chunk: Row[];
  /** This routeColumns call's row indices for the directory (reused; emptied after each call). */
  readonly ids: number[];
}

/**
 * A router over the partition columns `fields` (in order; none: every row goes to one group with
 * `dir === ''`). `open` makes the caller's group for a directory the first time a row lands in it.
 *
 * ```ts
 * const router = openHivePartitionRouter([{ name: 'day', type: 'date', nullable: true }], (p) => ({ p, rows: [] as Row[] }));
 * await router.route(rows, async (g, rs) => void g.rows.push(...rs)); // day=2024-01-01/, …
 * ```
 */
export function openHivePartitionRouter<G>(fields: readonly StructField[], open: (partition: HivePartition) => G): HivePartitionRouter<G> {
  // An empty value is null (Delta's spec reads `""` as null; Spark writes both to the default
  // partition): one key for both, or null and "" rows would be two groups in one directory.
  const encoders = fields.map((f) => {
    const encode = partitionValueEncoder(f.type);
    return (v: unknown): string | null => {
      const s = encode(v);
      return s === '' ? null : s;
    };
  });
  const slots = new Map<string | null, Slot<G>>();
  const touched: Slot<G>[] = [];

  const slotFor = (key: string | null, values: Record<string, string | null>): Slot<G> => {
    let s = slots.get(key);
    if (s === undefined) {
      const dir = fields.map((f) => partitionDirectory(f.name, values[f.name] ?? null)).join('/');
      s = { group: open(Object.freeze({ index: slots.size, values: Object.freeze(values), dir })), chunk: [], ids: [] };
      slots.set(key, s);
    }
    return s;
  };

  return {
    async route(rows, append) {
      if (rows.length === 0) return;
      if (fields.length === 0) {
        await append(slotFor(null, {}).group, rows);
        return;
      }
      // One column keys the map by its encoded value directly, and consecutive rows of the same
      // directory (sorted or clustered input) skip the lookup. Keys are the value strings:
      // escaping is injective, so equal keys ⇔ equal directories.
      const single = fields.length === 1;
      const name0 = (fields[0] as StructField).name;
      const enc0 = encoders[0] as (v: unknown) => string | null;
      let last: Slot<G> | undefined;
      let lastKey: string | null | undefined;
      try {
        for (let i = 0; i < rows.length; i++) {
          const row = rows[i] as Row;
          let s: Slot<G>;
          if (single) {
            const key = enc0(row[name0]);
            if (last !== undefined && key === lastKey) s = last;
            else {
              s = last = slots.get(key) ?? slotFor(key, { [name0]: key });
              lastKey = key;
            }
          } else {
            const values: (string | null)[] = new Array<string | null>(fields.length);
            for (let k = 0; k < fields.length; k++) values[k] = (encoders[k] as (v: unknown) => string | null)(row[(fields[k] as StructField).name]);
            const key = JSON.stringify(values);
            s = slots.get(key) ?? slotFor(key, Object.fromEntries(fields.map((f, k) => [f.name, values[k] ?? null])));
          }
          if (s.chunk.length === 0) touched.push(s);
          s.chunk.push(row);
        }
        for (const s of touched) await append(s.group, s.chunk);
      } finally {
        // Also after a failure: the next call must not see this one's routed rows.
        for (const s of touched) s.chunk.length = 0;
        touched.length = 0;
      }
    },
    async routeColumns(chunk, append) {
      const numRows = chunk.numRows;
      if (numRows === 0) return;
      if (fields.length === 0) {
        await append(slotFor(null, {}).group, null);
        return;
      }
      const names = chunk.schema.fields.map((f) => f.name);
      const vectors: Array<ColumnVector | null> = fields.map((f) => {
        const i = names.indexOf(f.name);
        return i < 0 ? null : (chunk.vectors[i] as ColumnVector);
      });
      const valueAt = (k: number, i: number): unknown => {
        const v = vectors[k] as ColumnVector | null;
        return v === null ? undefined : vectorValue(v, i);
      };
      const single = fields.length === 1;
      const name0 = (fields[0] as StructField).name;
      const enc0 = encoders[0] as (v: unknown) => string | null;
      // Consecutive rows with the same raw value (Object.is: -0 and 0 may encode apart) skip the
      // encoding and the lookup: the encoders are functions of the value.
      let last: Slot<G> | undefined;
      let lastRaw: unknown;
      try {
        for (let i = 0; i < numRows; i++) {
          let s: Slot<G>;
          if (single) {
            const raw = valueAt(0, i);
            if (last !== undefined && Object.is(raw, lastRaw)) s = last;
            else {
              const key = enc0(raw);
              s = last = slots.get(key) ?? slotFor(key, { [name0]: key });
              lastRaw = raw;
            }
          } else {
            const values: (string | null)[] = new Array<string | null>(fields.length);
            for (let k = 0; k < fields.length; k++) values[k] = (encoders[k] as (v: unknown) => string | null)(valueAt(k, i));
            const key = JSON.stringify(values);
            s = slots.get(key) ?? slotFor(key, Object.fromEntries(fields.map((f, k) => [f.name, values[k] ?? null])));
          }
          if (s.ids.length === 0) touched.push(s);
          s.ids.push(i);
        }
        if (touched.length === 1) await append((touched[0] as Slot<G>).group, null);
        else for (const s of touched) await append(s.group, s.ids);
      } finally {
        for (const s of touched) s.ids.length = 0;
        touched.length = 0;
      }
    },
    *groups() {
      for (const s of slots.values()) yield s.group;
    },
    clear() {
      slots.clear();
    },
  };
}
