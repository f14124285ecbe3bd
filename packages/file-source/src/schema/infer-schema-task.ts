import { StructType, field, struct, type Engine, type FileInfo, type TaskContext, type TaskExecutor } from '@weir/core';
import { tokenizeCsv } from '../reader/csv-tokenizer.js';
import { textWindows } from '../reader/text-windows.js';
import { inferDataSchema, type InferenceOptions, type InferenceResult } from './schema-inference.js';
import { keyAt, scanTopLevelKeys } from './top-level-keys.js';
import { finalType, mergeStructs, mergeTypes, widenParquet, type InferredType } from './type-inference.js';

/** Input of the `inferSchema` task: plain data. */
export interface InferSchemaTaskInput {
  readonly files: ReadonlyArray<Pick<FileInfo, 'path' | 'size' | 'modificationTime'>>;
  readonly options: InferenceOptions;
  /**
   * Lower-cased names of the columns already known. When given, files whose top-level keys (JSON
   * lines) or header (CSV) hold no other name are skipped after a cheap scan: only files that
   * may add columns are fully inferred. The result then describes those files only.
   */
  readonly knownColumns?: readonly string[];
}

/** Output of the `inferSchema` task: the schema as Spark JSON (it crosses threads). */
export interface InferSchemaTaskOutput {
  readonly dataSchemaJson: string;
  readonly sawMalformed: boolean;
  readonly nullColumns: readonly string[];
}

/** Worker-side schema inference over some files (`taskHandlers.inferSchema`). */
export async function inferSchemaTask(input: unknown, ctx: TaskContext): Promise<InferSchemaTaskOutput> {
  const { files, options, knownColumns } = input as InferSchemaTaskInput;
  let candidates = files;
  if (knownColumns !== undefined && canScan(options)) {
    const known = new Set(knownColumns);
    const keep = [];
    for (const f of files) if (await mayAddColumns(ctx.engine, f.path, options, known)) keep.push(f);
    candidates = keep;
  }
  const r = await inferDataSchema(ctx.engine, candidates, options);
  return { dataSchemaJson: StructType.toJSON(r.dataSchema), sawMalformed: r.sawMalformed, nullColumns: r.nullColumns ?? [] };
}

function canScan(options: InferenceOptions): boolean {
  return (options.format === 'json' && !options.parse.multiLine) || (options.format === 'csv' && options.parse.header);
}

/**
 * The cheap scan: does this file name any top-level column outside `known` (lower-cased)? Reads
 * the text window by window (`textWindows`: whole lines), never the file as one string, and stops
 * at the first unknown name.
 */
async function mayAddColumns(engine: Pick<Engine, 'storage'>, path: string, options: InferenceOptions, known: ReadonlySet<string>): Promise<boolean> {
  const windows = textWindows(await engine.storage.read(path));
  if (options.format === 'csv') {
    // The header is the first line, and a window holds whole lines: the first window has it.
    const first = windows.next();
    if (first.done === true) return false;
    const text = first.value;
    const nl = text.indexOf('\n');
    const header = tokenizeCsv(nl < 0 ? text : text.slice(0, nl + 1), { ...options.parse, multiLine: false })[0];
    return header === undefined ? false : header.fields.some((f, i) => !known.has((f ?? `_c${i}`).toLowerCase()));
  }
  let unknown = false;
  // Known names grouped by length: a key is matched in place with startsWith, no allocation.
  const byLength = new Map<number, string[]>();
  // (Names holding a backslash are left to the decoded comparison: a raw span is undecoded JSON.)
  for (const k of known) if (!k.includes('\\')) byLength.set(k.length, [...(byLength.get(k.length) ?? []), k]);
  let text = '';
  const onKey = (s: number, e: number) => {
    const same = byLength.get(e - s);
    if (same !== undefined) for (const k of same) if (text.startsWith(k, s)) return;
    const key = keyAt(text, s, e);
    if (!known.has(key) && !known.has(key.toLowerCase())) unknown = true;
  };
  for (text of windows) {
    let start = 0;
    const n = text.length;
    while (start < n && !unknown) {
      let end = text.indexOf('\n', start);
      if (end < 0) end = n;
      // A line the scan cannot read is left to the full parse (it may be malformed, or not).
      if (end > start && !scanTopLevelKeys(text, start, end, onKey) && text.slice(start, end).trim() !== '') return true;
      start = end + 1;
    }
    if (unknown) return true;
  }
  return unknown;
}

/** Merges per-group inference results exactly as one pass over all files would (null-only columns stay undecided). */
export function mergeInferenceResults(results: readonly InferenceResult[], format: InferenceOptions['format']): InferenceResult {
  let sawMalformed = false;
  if (format === 'parquet' || format === 'text') {
    let schema: StructType | null = null;
    for (const r of results) {
      sawMalformed ||= r.sawMalformed;
      schema = schema === null ? r.dataSchema : ((widenParquet(schema, r.dataSchema) as StructType | null) ?? mergeStructs(schema, r.dataSchema, false));
    }
    return { dataSchema: schema ?? struct([]), sawMalformed };
  }
  const columns = new Map<string, InferredType>();
  for (const r of results) {
    sawMalformed ||= r.sawMalformed;
    const nulls = new Set(r.nullColumns ?? []);
    for (const f of r.dataSchema.fields) {
      const t: InferredType = nulls.has(f.name) ? null : f.type;
      columns.set(f.name, columns.has(f.name) ? mergeTypes(columns.get(f.name) ?? null, t) : t);
    }
  }
  let entries = [...columns.entries()];
  if (format === 'json') entries = entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    dataSchema: struct(entries.map(([name, t]) => field(name, finalType(t)))),
    sawMalformed,
    nullColumns: entries.filter(([, t]) => t === null).map(([n]) => n),
  };
}

/**
 * Infers the schema of the files a batch is about to admit, fanned out over the engine's task
 * executor (the files are parsed in workers, not on the driver thread), in admission order.
 */
export async function inferInTasks(
  engine: Pick<Engine, 'tasks'>,
  module: string,
  files: readonly FileInfo[],
  options: InferenceOptions,
  knownColumns?: readonly string[],
): Promise<InferenceResult> {
  const tasks: TaskExecutor = engine.tasks;
  const groups = Math.max(1, Math.min(tasks.parallelism, files.length));
  const per = Math.ceil(files.length / groups);
  const runs: Array<Promise<InferSchemaTaskOutput>> = [];
  for (let g = 0; g < groups; g++) {
    const slice = files.slice(g * per, (g + 1) * per).map(({ path, size, modificationTime }) => ({ path, size, modificationTime }));
    if (slice.length === 0) continue;
    const input: InferSchemaTaskInput = knownColumns === undefined ? { files: slice, options } : { files: slice, options, knownColumns };
    runs.push(tasks.run<InferSchemaTaskOutput>({ module, handler: 'inferSchema', input }));
  }
  const outs = await Promise.all(runs);
  return mergeInferenceResults(
    outs.map((o) => ({ dataSchema: StructType.fromJSON(o.dataSchemaJson), sawMalformed: o.sawMalformed, nullColumns: o.nullColumns })),
    options.format,
  );
}
