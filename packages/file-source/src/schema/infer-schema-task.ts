import { StructType, field, struct, type Engine, type FileInfo, type TaskContext, type TaskExecutor } from '@weir/core';
import { inferDataSchema, type InferenceOptions, type InferenceResult } from './schema-inference.js';
import { finalType, mergeStructs, mergeTypes, widenParquet, type InferredType } from './type-inference.js';

/** Input of the `inferSchema` task: plain data. */
export interface InferSchemaTaskInput {
  readonly files: ReadonlyArray<Pick<FileInfo, 'path' | 'size' | 'modificationTime'>>;
  readonly options: InferenceOptions;
}

/** Output of the `inferSchema` task: the schema as Spark JSON (it crosses threads). */
export interface InferSchemaTaskOutput {
  readonly dataSchemaJson: string;
  readonly sawMalformed: boolean;
  readonly nullColumns: readonly string[];
}

/** Worker-side schema inference over some files (`taskHandlers.inferSchema`). */
export async function inferSchemaTask(input: unknown, ctx: TaskContext): Promise<InferSchemaTaskOutput> {
  const { files, options } = input as InferSchemaTaskInput;
  const r = await inferDataSchema(ctx.engine, files, options);
  return { dataSchemaJson: StructType.toJSON(r.dataSchema), sawMalformed: r.sawMalformed, nullColumns: r.nullColumns ?? [] };
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
): Promise<InferenceResult> {
  const tasks: TaskExecutor = engine.tasks;
  const groups = Math.max(1, Math.min(tasks.parallelism, files.length));
  const per = Math.ceil(files.length / groups);
  const runs: Array<Promise<InferSchemaTaskOutput>> = [];
  for (let g = 0; g < groups; g++) {
    const slice = files.slice(g * per, (g + 1) * per).map(({ path, size, modificationTime }) => ({ path, size, modificationTime }));
    if (slice.length === 0) continue;
    const input: InferSchemaTaskInput = { files: slice, options };
    runs.push(tasks.run<InferSchemaTaskOutput>({ module, handler: 'inferSchema', input }));
  }
  const outs = await Promise.all(runs);
  return mergeInferenceResults(
    outs.map((o) => ({ dataSchema: StructType.fromJSON(o.dataSchemaJson), sawMalformed: o.sawMalformed, nullColumns: o.nullColumns })),
    options.format,
  );
}
