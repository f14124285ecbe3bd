import { field, struct, type DataType, type Engine, type FileInfo, type StructField, type StructType } from '@weir/core';
import type { FileFormat } from '../file-source-config.js';
import { tokenizeCsv } from '../reader/csv-tokenizer.js';
import type { ParseOptions } from '../reader/parse-options.js';
import { decodeWhole, textWindows } from '../reader/text-windows.js';
import { finalType, inferJsonValue, inferStringType, mergeTypes, widenParquet, type InferredType } from './type-inference.js';

export interface InferenceOptions {
  readonly format: FileFormat;
  /** Exact types for JSON/CSV; otherwise every column is a string (Auto Loader's default). */
  readonly inferColumnTypes: boolean;
  readonly parse: Pick<ParseOptions, 'multiLine' | 'header' | 'sep' | 'quote' | 'escape' | 'nullValue' | 'mode'>;
  /**
   * Auto Loader's `cloudFiles.schemaInference.sampleSize.{numFiles,numBytes}`: at most `numFiles`
   * files are sampled, and JSON/CSV sampling stops once `numBytes` bytes of text were read (at
   * least one window; a window is whole lines, so a record is never cut). Defaults to no limit.
   */
  readonly sampleSize?: { readonly numFiles: number; readonly numBytes: number };
}

/** The inferred data columns (partition and system columns are added by the caller). */
export interface InferenceResult {
  readonly dataSchema: StructType;
  /** Some record could not be parsed (Spark then adds the corrupt record column in PERMISSIVE mode). */
  readonly sawMalformed: boolean;
  /** Columns only ever null so far (reported as strings; a later non-null value decides their type). */
  readonly nullColumns?: readonly string[];
}

/** The records of NDJSON text (whole lines); a line that is not JSON is reported, not returned. */
function jsonLineRecords(text: string, onMalformed: () => void): unknown[] {
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

/** A `multiLine` JSON file: one value, an array of records or a single record. */
function jsonDocumentRecords(text: string, onMalformed: () => void): unknown[] {
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) ? v : [v];
  } catch {
    onMalformed();
    return [];
  }
}

/** UTF-8 length of `s` (what its window took in the file, a malformed sequence aside). */
function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      // A surrogate pair: 2 UTF-16 units, 4 bytes.
      n += 2;
      i++;
    } else n += 2;
  }
  return n;
}

/**
 * A file's text as the sampler reads it: without `multiLine`, window by window (`textWindows`:
 * whole lines, strings small enough to die young) while `budget.left` lasts, so a large file is
 * never one string and sampling stops inside it; with `multiLine` a record may span the file, so
 * it is one string (when any budget is left).
 */
function* sampleTexts(bytes: Uint8Array, multiLine: boolean, budget: { left: number }): Generator<string, void, void> {
  if (multiLine) {
    if (budget.left <= 0) return;
    budget.left -= bytes.length;
    yield decodeWhole(bytes);
    return;
  }
  for (const text of textWindows(bytes)) {
    if (budget.left <= 0) return;
    budget.left -= utf8Length(text);
    yield text;
  }
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
  const budget = { left: opts.sampleSize?.numBytes ?? Infinity };
  const sampled = opts.sampleSize === undefined ? files : files.slice(0, opts.sampleSize.numFiles);
  for (const f of sampled) {
    if (budget.left <= 0) break;
    const texts = sampleTexts(await engine.storage.read(f.path), opts.parse.multiLine, budget);
    if (opts.format === 'json') {
      for (const text of texts) {
        for (const r of opts.parse.multiLine ? jsonDocumentRecords(text, malformed) : jsonLineRecords(text, malformed)) {
          if (r === null || typeof r !== 'object' || Array.isArray(r)) {
            malformed();
            continue;
          }
          for (const [k, v] of Object.entries(r as Record<string, unknown>)) {
            see(k, opts.inferColumnTypes ? inferJsonValue(v) : v === null ? null : 'string');
          }
        }
      }
    } else {
      // Without multiLine a CSV record never spans lines, so each window tokenizes on its own;
      // the header is the file's first record (in its first window that holds one).
      let names: string[] | null = null;
      let headerSeen = !opts.parse.header;
      for (const text of texts) {
        const recs = tokenizeCsv(text, { ...opts.parse });
        let first = 0;
        if (!headerSeen && recs.length > 0) {
          names = (recs[0] as { fields: Array<string | null> }).fields.map((x, i) => x ?? `_c${i}`);
          first = 1;
          headerSeen = true;
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
