import { WeirError, type Row, type RowBatch, type TaskContext } from '@weir/core';
import type { ConformPlan } from './conform-plan.js';
import type { PartitionFile } from './file-partition-data.js';
import type { RowSink } from './row-sink.js';
import { MISMATCH, parquetConverter, type Converter } from './value-converters.js';

/** Decodes a Parquet file, or returns null after recording it as malformed (a corrupt file is a bad record). */
export async function decodeParquet(bytes: Uint8Array, file: PartitionFile, sink: RowSink, ctx: TaskContext): Promise<RowBatch | null> {
  try {
    return await ctx.engine.parquet.read(bytes);
  } catch (e) {
    if (!WeirError.is(e)) throw e;
    sink.malformed(file, '', `corrupt Parquet file: ${e.code}`, null);
    return null;
  }
}

function jsonSafe(v: unknown): unknown {
  if (v instanceof Uint8Array) return Array.from(v);
  if (v instanceof Map) return Object.fromEntries([...v.entries()].map(([k, x]) => [String(k), jsonSafe(x)]));
  if (Array.isArray(v)) return v.map(jsonSafe);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, jsonSafe(x)]));
  return v;
}

/**
 * Conforms a decoded Parquet file's rows to the plan (Spark's safe widenings; incompatible types
 * rescued or malformed), yielding whenever the sink's chunk is full. The whole file is decoded
 * at once (the Parquet handler reads files, not row groups); chunking still bounds the
 * conformed rows a task holds.
 */
export function* readParquetRows(batch: RowBatch, file: PartitionFile, plan: ConformPlan, sink: RowSink): Generator<void, void, void> {
  const convs: Array<Converter | null | undefined> = plan.types.map((f) => {
    const src = batch.schema.fields.find((x) => x.name === f.name);
    return src === undefined ? undefined : parquetConverter(src.type, f.type);
  });
  const extra = batch.schema.fields.filter((f) => !plan.index.has(f.name)).map((f) => f.name);
  // A column named like an Object.prototype member (`__proto__`) is read as an own field only,
  // and rows are built by the plan's row builder, which defines such a field instead of setting
  // the prototype.
  const ownOnly = plan.names.map((n) => n in Object.prototype);
  const values: unknown[] = new Array<unknown>(plan.names.length).fill(null);
  for (const src of batch.rows) {
    let rescued: Record<string, unknown> | null = null;
    let mismatch: string | null = null;
    for (let i = 0; i < plan.names.length; i++) {
      const name = plan.names[i] as string;
      const conv = convs[i];
      const v = ownOnly[i] === true && !Object.prototype.hasOwnProperty.call(src, name) ? undefined : src[name];
      if (conv === undefined || v === null || v === undefined) {
        values[i] = null;
      } else if (conv === null) {
        values[i] = null;
        if (plan.rescued !== null) (rescued ??= {})[name] = jsonSafe(v);
        else mismatch ??= `field ${name} has an incompatible Parquet type`;
      } else {
        const c = conv(v);
        values[i] = c === MISMATCH ? null : c;
      }
    }
    const row = plan.buildRow(values);
    if (plan.rescued !== null) for (const name of extra) if (src[name] != null) (rescued ??= {})[name] = jsonSafe(src[name]);
    if (mismatch !== null) sink.malformed(file, JSON.stringify(jsonSafe(src)), mismatch, row);
    else sink.emit(row, file, rescued);
    if (sink.full) yield;
  }
}
