import type { ConformPlan } from './conform-plan.js';
import { tokenizeCsv, type CsvRecord } from './csv-tokenizer.js';
import type { PartitionFile } from './file-partition-data.js';
import type { RowSink } from './row-sink.js';
import { decodeWhole, textWindows } from './text-windows.js';
import { MISMATCH, type Converter } from './value-converters.js';

/** The file's columns once its header (or the schema) is known: file column j lands in schema slot `target[j]` (-1 = not in the schema). */
interface CsvLayout {
  readonly columns: readonly string[];
  readonly target: readonly number[];
}

function layout(plan: ConformPlan, columns: readonly string[]): CsvLayout {
  return { columns, target: columns.map((c) => plan.index.get(c) ?? -1) };
}

function conformRecord(rec: CsvRecord, at: CsvLayout, file: PartitionFile, plan: ConformPlan, values: unknown[], sink: RowSink): void {
  const { columns, target } = at;
  const convs = plan.convs;
  if (rec.error !== undefined) {
    sink.malformed(file, rec.text, rec.error, null);
    return;
  }
  values.fill(null);
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
    const c = (convs[slot] as Converter)(raw);
    if (c === MISMATCH) {
      const name = plan.names[slot] as string;
      if (plan.rescued !== null) (rescued ??= {})[name] = raw;
      else mismatch ??= `field ${name}: cannot convert "${raw}"`;
    } else {
      values[slot] = c;
    }
  }
  const row = plan.buildRow(values);
  if (mismatch !== null) sink.malformed(file, rec.text, mismatch, row);
  else sink.emit(row, file, rescued);
}

/**
 * Reads one CSV file into the sink, yielding whenever the sink's chunk is full. Without
 * `multiLine` a record never spans lines (the tokenizer ends an unterminated quote at the line
 * end), so the file is tokenized window by window (see `textWindows`); with it, as a whole. The
 * header is the file's first record.
 */
export function* readCsv(bytes: Uint8Array, file: PartitionFile, plan: ConformPlan, sink: RowSink): Generator<void, void, void> {
  const p = plan.parse;
  const syntax = { sep: p.sep, quote: p.quote, escape: p.escape, nullValue: p.nullValue, multiLine: p.multiLine };
  let at: CsvLayout | null = p.header ? null : layout(plan, plan.names);
  const texts = p.multiLine ? [decodeWhole(bytes)] : textWindows(bytes);
  const values = new Array<unknown>(plan.names.length).fill(null);
  for (const text of texts) {
    const records = tokenizeCsv(text, syntax);
    let first = 0;
    if (at === null && records.length > 0) {
      at = layout(plan, (records[0] as CsvRecord).fields.map((f, i) => f ?? `_c${i}`));
      first = 1;
    }
    if (at === null) continue;
    for (let r = first; r < records.length; r++) {
      conformRecord(records[r] as CsvRecord, at, file, plan, values, sink);
      if (sink.full) yield;
    }
  }
}
