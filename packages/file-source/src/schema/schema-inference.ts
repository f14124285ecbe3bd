import { field, struct, utf8Decode, type DataType, type Engine, type FileInfo, type StructField, type StructType } from '@weir/core';
import type { FileFormat } from '../file-source-config.js';
import { tokenizeCsv } from '../reader/csv-tokenizer.js';
import type { ParseOptions } from '../reader/parse-options.js';
import { finalType, inferJsonValue, inferStringType, mergeTypes, widenParquet, type InferredType } from './type-inference.js';

export interface InferenceOptions {
  readonly format: FileFormat;
  /** Exact types for JSON/CSV; otherwise every column is a string (Auto Loader's default). */
  readonly inferColumnTypes: boolean;
  readonly parse: Pick<ParseOptions, 'multiLine' | 'header' | 'sep' | 'quote' | 'escape' | 'nullValue' | 'mode'>;
}

/** The inferred data columns (partition and system columns are added by the caller). */
export interface InferenceResult {
  readonly dataSchema: StructType;
  /** Some record could not be parsed (Spark then adds the corrupt record column in PERMISSIVE mode). */
  readonly sawMalformed: boolean;
  /** Columns only ever null so far (reported as strings; a later non-null value decides their type). */
  readonly nullColumns?: readonly string[];
}

function jsonRecords(text: string, multiLine: boolean, onMalformed: () => void): unknown[] {
  if (multiLine) {
    try {
      const v: unknown = JSON.parse(text);
      return Array.isArray(v) ? v : [v];
    } catch {
      onMalformed();
      return [];
    }
  }
  const out: unknown[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      out.push(JSON.parse(line));
    } catch {
      onMalformed();
    }
  }
  return out;
}

/**
 * Infers the data schema of sample files the way Spark/Auto Loader do: JSON fields sorted by
 * name, CSV columns in header order (`_c0`… without a header), Parquet schemas merged with
 * widening. JSON/CSV columns are strings unless `inferColumnTypes`.
 */
export async function inferDataSchema(engine: Pick<Engine, 'storage' | 'parquet'>, files: readonly FileInfo[], opts: InferenceOptions): Promise<InferenceResult> {
  let sawMalformed = false;
  const malformed = () => {
    sawMalformed = true;
  };
  if (opts.format === 'text') return { dataSchema: struct([field('value', 'string')]), sawMalformed };
  if (opts.format === 'parquet') {
    let merged: DataType | null = null;
    for (const f of files) {
      const meta = await engine.parquet.readMetadata(await engine.storage.read(f.path));
      merged = merged === null ? meta.schema : (widenParquet(merged, meta.schema) ?? mergeTypes(merged, meta.schema) ?? meta.schema);
    }
    const s = (merged ?? struct([])) as StructType;
    return { dataSchema: struct(s.fields.map((x) => field(x.name, x.type, true, x.metadata))), sawMalformed };
  }
  const columns = new Map<string, InferredType>();
  const see = (name: string, t: InferredType) => {
    columns.set(name, columns.has(name) ? mergeTypes(columns.get(name) ?? null, t) : t);
  };
  for (const f of files) {
    const text = utf8Decode(await engine.storage.read(f.path));
    if (opts.format === 'json') {
      for (const r of jsonRecords(text, opts.parse.multiLine, malformed)) {
        if (r === null || typeof r !== 'object' || Array.isArray(r)) {
          malformed();
          continue;
        }
        for (const [k, v] of Object.entries(r as Record<string, unknown>)) {
          see(k, opts.inferColumnTypes ? inferJsonValue(v) : v === null ? null : 'string');
        }
      }
    } else {
      const recs = tokenizeCsv(text, { ...opts.parse });
      let names: string[] | null = null;
      let first = 0;
      if (opts.parse.header && recs.length > 0) {
        names = (recs[0] as { fields: Array<string | null> }).fields.map((x, i) => x ?? `_c${i}`);
        first = 1;
        for (const n of names) if (!columns.has(n)) columns.set(n, null);
      }
      for (let r = first; r < recs.length; r++) {
        const rec = recs[r] as { fields: Array<string | null>; error?: string };
        if (rec.error !== undefined || (names !== null && rec.fields.length !== names.length)) malformed();
        rec.fields.forEach((v, i) => {
          const name = names ? names[i] : `_c${i}`;
          if (name === undefined) return;
          see(name, v === null ? null : opts.inferColumnTypes ? inferStringType(v, true) : 'string');
        });
      }
    }
  }
  let entries = [...columns.entries()];
  if (opts.format === 'json') entries = entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    dataSchema: struct(entries.map(([name, t]) => field(name, finalType(t)))),
    sawMalformed,
    nullColumns: entries.filter(([, t]) => t === null).map(([n]) => n),
  };
}

/** Applies `schemaHints`: listed columns take the hinted type; hinted columns not present are appended. */
export function applySchemaHints(schema: StructType, hints: StructType | undefined): StructType {
  if (hints === undefined) return schema;
  const fields: StructField[] = schema.fields.map((f) => {
    const h = hints.fields.find((x) => x.name.toLowerCase() === f.name.toLowerCase());
    return h ? field(f.name, h.type, h.nullable, f.metadata) : f;
  });
  for (const h of hints.fields) if (!fields.some((f) => f.name.toLowerCase() === h.name.toLowerCase())) fields.push(h);
  return struct(fields);
}
