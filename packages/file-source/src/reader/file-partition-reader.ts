import { StructType, joinPath, utf8Decode, utf8Encode, WeirError, type Row, type RowBatch, type StructField, type TaskContext } from '@weir/core';
import { FileSourceErrors } from '../errors.js';
import type { FileFormat } from '../file-source-config.js';
import { tokenizeCsv } from './csv-tokenizer.js';
import { compileJsonConformer, type ConformState, type JsonConformer } from './json-conformer.js';
import type { ParseOptions } from './parse-options.js';
import { MISMATCH, csvConverter, jsonConverter, parquetConverter, type Converter } from './value-converters.js';

/** One input file of a partition. */
export interface PartitionFile {
  readonly path: string;
  readonly size: number;
  /** Hive partition values from the directory names (raw strings). */
  readonly partitionValues: Readonly<Record<string, string | null>>;
}

/**
 * The plain data of a file-source `InputPartition` (crosses to the worker): which files, how to
 * parse them, and the schema (Spark JSON) the rows MUST conform to.
 */
export interface FilePartitionData {
  readonly v: 1;
  readonly format: FileFormat;
  readonly files: readonly PartitionFile[];
  readonly schemaJson: string;
  readonly partitionColumns: readonly string[];
  readonly parse: ParseOptions;
  /** Where this partition writes its bad records (`badRecordsPath`), deterministic per batch + partition. */
  readonly badRecordsFile: string | null;
}

/** A bad record as Databricks writes it under `badRecordsPath`. */
export interface BadRecord {
  readonly path: string;
  readonly record: string;
  readonly reason: string;
}

/** Everything a record needs to be conformed to the schema, compiled once per partition. */
interface ConformPlan {
  readonly names: readonly string[];
  readonly types: readonly StructField[];
  readonly index: ReadonlyMap<string, number>;
  readonly rescued: string | null;
  readonly corrupt: string | null;
  readonly partition: ReadonlyArray<readonly [string, Converter]>;
  readonly parse: ParseOptions;
  readonly conformer: JsonConformer;
  readonly state: ConformState;
}

function compile(data: FilePartitionData): ConformPlan {
  const schema = StructType.fromJSON(data.schemaJson);
  const rescued = data.parse.rescuedDataColumn;
  const corruptName = data.parse.columnNameOfCorruptRecord;
  const corrupt = schema.fields.some((f) => f.name === corruptName) ? corruptName : null;
  const partitionSet = new Set(data.partitionColumns);
  const dataFields = schema.fields.filter((f) => f.name !== rescued && f.name !== corrupt && !partitionSet.has(f.name));
  const partition = schema.fields
    .filter((f) => partitionSet.has(f.name))
    .map((f) => [f.name, csvConverter(f.type)] as const);
  const names = dataFields.map((f) => f.name);
  return {
    conformer: compileJsonConformer(names, schema.fields.map((f) => f.name), rescued !== null, dataFields.map((f) => f.type)),
    state: { matched: 0, rescued: null, bad: -1 },
    names,
    types: dataFields,
    index: new Map(dataFields.map((f, i) => [f.name, i])),
    rescued,
    corrupt,
    partition,
    parse: data.parse,
  };
}

/** Collects rows and bad records for one partition, applying the parse mode. */
class RowSink {
  readonly rows: Row[] = [];
  readonly bad: BadRecord[] = [];
  readonly #plan: ConformPlan;

  constructor(plan: ConformPlan) {
    this.#plan = plan;
  }

  /** Finishes a good row: partition values, rescued blob, corrupt column. */
  emit(row: Row, file: PartitionFile, rescued: Record<string, unknown> | null): void {
    const plan = this.#plan;
    for (const [name, conv] of plan.partition) {
      const raw = file.partitionValues[name];
      const v = raw === null || raw === undefined ? null : conv(raw);
      row[name] = v === MISMATCH ? null : v;
    }
    if (plan.corrupt !== null) row[plan.corrupt] = null;
    if (plan.rescued !== null) {
      // Rows from the JSON conformer already hold null here; store only when something was rescued.
      if (rescued !== null) row[plan.rescued] = JSON.stringify({ ...rescued, _file_path: file.path });
      else if (row[plan.rescued] !== null) row[plan.rescued] = null;
    }
    this.rows.push(row);
  }

  /**
   * A malformed record: recorded under badRecordsPath (then dropped), fatal in FAILFAST, dropped
   * in DROPMALFORMED, or kept in PERMISSIVE with whatever parsed (`partial`) and the corrupt column.
   */
  malformed(file: PartitionFile, record: string, reason: string, partial: Row | null): void {
    const plan = this.#plan;
    if (plan.parse.badRecordsPath !== null) {
      this.bad.push({ path: file.path, record, reason });
      return;
    }
    if (plan.parse.mode === 'FAILFAST') {
      throw FileSourceErrors.MALFORMED_RECORD_IN_PARSING({ path: file.path, reason, record: record.slice(0, 200) });
    }
    if (plan.parse.mode === 'DROPMALFORMED') return;
    const row: Row = partial ?? {};
    if (partial === null) for (const name of plan.names) row[name] = null;
    this.emit(row, file, null);
    if (plan.corrupt !== null) row[plan.corrupt] = record;
  }
}

/** Conforms one parsed JSON object to the plan (the hot path: see `compileJsonConformer`). */
function conformObject(
  obj: Record<string, unknown>,
  plan: ConformPlan,
  convs: readonly Converter[],
  file: PartitionFile,
  text: string,
  sink: RowSink,
): void {
  const st = plan.state;
  const row = plan.conformer(obj, convs, st);
  let rescued = st.rescued;
  if (plan.rescued !== null) {
    let keys = 0;
    for (const _k in obj) keys++;
    if (keys > st.matched) {
      for (const k of Object.keys(obj)) {
        // Unknown and case-mismatched fields are rescued (Auto Loader).
        if (!plan.index.has(k)) (rescued ??= {})[k] = obj[k];
      }
    }
  }
  if (st.bad >= 0) {
    const f = plan.types[st.bad] as StructField;
    sink.malformed(file, text, `field ${f.name}: cannot convert ${JSON.stringify(obj[f.name])} to ${JSON.stringify(f.type)}`, row);
  } else {
    sink.emit(row, file, rescued);
  }
}

function readJson(text: string, file: PartitionFile, plan: ConformPlan, convs: readonly Converter[], sink: RowSink): void {
  if (plan.parse.multiLine) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      sink.malformed(file, text, `invalid JSON: ${(e as Error).message}`, null);
      return;
    }
    const records = Array.isArray(parsed) ? parsed : [parsed];
    for (const r of records) {
      if (r === null || typeof r !== 'object' || Array.isArray(r)) sink.malformed(file, JSON.stringify(r), 'not a JSON object', null);
      else conformObject(r as Record<string, unknown>, plan, convs, file, JSON.stringify(r), sink);
    }
    return;
  }
  let start = 0;
  const n = text.length;
  while (start < n) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = n;
    let line = text.slice(start, end);
    start = end + 1;
    if (line.length === 0) continue;
    if (line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch (e) {
      if (line.trim() === '') continue;
      sink.malformed(file, line, `invalid JSON: ${(e as Error).message}`, null);
      continue;
    }
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
      sink.malformed(file, line, 'not a JSON object', null);
      continue;
    }
    conformObject(obj as Record<string, unknown>, plan, convs, file, line, sink);
  }
}

function readCsv(text: string, file: PartitionFile, plan: ConformPlan, convs: readonly Converter[], sink: RowSink): void {
  const p = plan.parse;
  const records = tokenizeCsv(text, { sep: p.sep, quote: p.quote, escape: p.escape, nullValue: p.nullValue, multiLine: p.multiLine });
  let columns: readonly string[] = plan.names;
  let first = 0;
  if (p.header && records.length > 0) {
    columns = (records[0] as { fields: Array<string | null> }).fields.map((f, i) => f ?? `_c${i}`);
    first = 1;
  }
  // Column j of the file lands in schema slot target[j] (-1 = not in the schema).
  const target = columns.map((c) => plan.index.get(c) ?? -1);
  for (let r = first; r < records.length; r++) {
    const rec = records[r] as { fields: Array<string | null>; text: string; error?: string };
    const row: Row = {};
    for (const name of plan.names) row[name] = null;
    if (rec.error !== undefined) {
      sink.malformed(file, rec.text, rec.error, null);
      continue;
    }
    let rescued: Record<string, unknown> | null = null;
    let mismatch: string | null = null;
    if (rec.fields.length !== columns.length) {
      mismatch = `expected ${columns.length} fields but found ${rec.fields.length}`;
    }
    const count = Math.min(rec.fields.length, columns.length);
    for (let j = 0; j < count; j++) {
      const raw = rec.fields[j];
      const slot = target[j] as number;
      if (slot < 0) {
        if (plan.rescued !== null && raw !== null && raw !== undefined) (rescued ??= {})[columns[j] as string] = raw;
        continue;
      }
      if (raw === null || raw === undefined) continue;
      const name = plan.names[slot] as string;
      const c = (convs[slot] as Converter)(raw);
      if (c === MISMATCH) {
        if (plan.rescued !== null) (rescued ??= {})[name] = raw;
        else mismatch ??= `field ${name}: cannot convert "${raw}"`;
      } else {
        row[name] = c;
      }
    }
    if (mismatch !== null) sink.malformed(file, rec.text, mismatch, row);
    else sink.emit(row, file, rescued);
  }
}

function readText(text: string, file: PartitionFile, plan: ConformPlan, sink: RowSink): void {
  const name = plan.names[0] ?? 'value';
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (const line of lines) sink.emit({ [name]: line.endsWith('\r') ? line.slice(0, -1) : line }, file, null);
}

async function readParquet(bytes: Uint8Array, file: PartitionFile, plan: ConformPlan, sink: RowSink, ctx: TaskContext): Promise<void> {
  let batch: RowBatch;
  try {
    batch = await ctx.engine.parquet.read(bytes);
  } catch (e) {
    if (!WeirError.is(e)) throw e;
    sink.malformed(file, '', `corrupt Parquet file: ${e.code}`, null);
    return;
  }
  const convs: Array<Converter | null | undefined> = plan.types.map((f) => {
    const src = batch.schema.fields.find((x) => x.name === f.name);
    return src === undefined ? undefined : parquetConverter(src.type, f.type);
  });
  const extra = batch.schema.fields.filter((f) => !plan.index.has(f.name)).map((f) => f.name);
  for (const src of batch.rows) {
    const row: Row = {};
    let rescued: Record<string, unknown> | null = null;
    let mismatch: string | null = null;
    for (let i = 0; i < plan.names.length; i++) {
      const name = plan.names[i] as string;
      const conv = convs[i];
      const v = src[name];
      if (conv === undefined || v === null || v === undefined) {
        row[name] = null;
      } else if (conv === null) {
        row[name] = null;
        if (plan.rescued !== null) (rescued ??= {})[name] = jsonSafe(v);
        else mismatch ??= `field ${name} has an incompatible Parquet type`;
      } else {
        const c = conv(v);
        row[name] = c === MISMATCH ? null : c;
      }
    }
    if (plan.rescued !== null) for (const name of extra) if (src[name] != null) (rescued ??= {})[name] = jsonSafe(src[name]);
    if (mismatch !== null) sink.malformed(file, JSON.stringify(jsonSafe(src)), mismatch, row);
    else sink.emit(row, file, rescued);
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
 * The worker-side reader of a file-source input partition: reads each file through
 * `ctx.engine.storage`, parses it in the partition's format and conforms every record to the
 * batch schema, honouring the parse mode, the rescued data column and `badRecordsPath`.
 */
export async function readFilePartition(input: unknown, ctx: TaskContext): Promise<RowBatch> {
  const data = input as FilePartitionData;
  const plan = compile(data);
  const schema = StructType.fromJSON(data.schemaJson);
  const sink = new RowSink(plan);
  const convs = plan.types.map((f) => (data.format === 'csv' ? csvConverter(f.type) : jsonConverter(f.type)));
  for (const file of data.files) {
    const bytes = await ctx.engine.storage.read(file.path);
    if (data.format === 'parquet') {
      await readParquet(bytes, file, plan, sink, ctx);
      continue;
    }
    const text = utf8Decode(bytes);
    if (data.format === 'json') readJson(text, file, plan, convs, sink);
    else if (data.format === 'csv') readCsv(text, file, plan, convs, sink);
    else readText(text, file, plan, sink);
  }
  if (sink.bad.length > 0 && data.badRecordsFile !== null) {
    const body = sink.bad.map((b) => JSON.stringify(b)).join('\n') + '\n';
    // Overwrite, not ifAbsent: a retried task rewrites the same records to the same file.
    await ctx.engine.storage.put(data.badRecordsFile, utf8Encode(body));
  }
  return { schema, rows: sink.rows };
}

/** The path a partition writes its bad records to (Databricks layout: `<dir>/<batch>/bad_records/part-<n>.json`). */
export function badRecordsFileFor(badRecordsPath: string, batchKey: string, partitionIndex: number): string {
  return joinPath(badRecordsPath, batchKey, 'bad_records', `part-${String(partitionIndex).padStart(5, '0')}.json`);
}
