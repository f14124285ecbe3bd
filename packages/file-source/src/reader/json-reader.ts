import type { StructField } from '@weir/core';
import type { ConformPlan } from './conform-plan.js';
import type { PartitionFile } from './file-partition-data.js';
import { ColumnSink } from './column-sink.js';
import type { RowSink } from './row-sink.js';
import { decodeLine, decodeWhole, firstTextByte, textWindows } from './text-windows.js';
import { columnLineScanner, lineScanner, scannedLineEnd } from './json-line-scanner.js';

/**
 * Conforms one parsed JSON object to the plan (the hot path: see `compileJsonConformer`). The
 * record's text is `text.slice(start, end)`, cut only when the record turns out malformed.
 */
function conformObject(obj: Record<string, unknown>, plan: ConformPlan, file: PartitionFile, text: string, start: number, end: number, sink: RowSink): void {
  const st = plan.state;
  const row = plan.conformer(obj, plan.convs, st);
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
    sink.malformed(file, text.slice(start, end), `field ${f.name}: cannot convert ${JSON.stringify(obj[f.name])} to ${JSON.stringify(f.type)}`, row);
  } else {
    sink.emit(row, file, rescued);
  }
}

/** `[start, end)` of each line of a window, reused across the windows of one file (never shared: readers interleave). */
interface LineSpans {
  spans: Int32Array;
}

/**
 * The fast path: parses every line of a window with ONE `JSON.parse` of
 * `[line1,\nline2,\n…]`, which costs ~20% less than a call per line plus a `slice` per line.
 * Returns the objects, one per line in order, or null when the window must go line by line.
 *
 * It is taken only when every line (after one trailing `\r`) starts with `{`, ends with `}` and
 * holds no other `{` and no `[`. Then each array element is exactly its own line's object, as
 * a per-line `JSON.parse` would return it (same values, same key order, same duplicate-key and
 * `__proto__` handling), because: no string can span lines (the raw newline kept in the joint is
 * illegal inside a JSON string); a line's last `}` is therefore structural and, with no other
 * `{`/`[` in the line to open a value, closes the object its first `{` opened; so the object is
 * the whole line and every line holds exactly one element. Blank, malformed, non-object or
 * nested lines fail the check (or the joint parse) and the window goes line by line, with the
 * per-line error messages.
 */
function parseWindow(text: string, lines: LineSpans): unknown[] | null {
  let spans = lines.spans;
  const n = text.length;
  let count = 0;
  let start = 0;
  let bracket = text.indexOf('[');
  if (bracket < 0) bracket = n;
  while (start < n) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = n;
    let e = end;
    if (e > start && text.charCodeAt(e - 1) === 13) e--;
    if (e - start < 2 || text.charCodeAt(start) !== 123 || text.charCodeAt(e - 1) !== 125 || bracket < e) return null;
    const brace = text.indexOf('{', start + 1);
    if (brace >= 0 && brace < e) return null;
    if (2 * count + 2 > spans.length) {
      const grown = new Int32Array(spans.length * 2);
      grown.set(spans);
      spans = lines.spans = grown;
    }
    spans[2 * count] = start;
    spans[2 * count + 1] = e;
    count++;
    start = end + 1;
  }
  const body = text.charCodeAt(n - 1) === 10 ? text.slice(0, n - 1) : text;
  let parsed: unknown;
  try {
    parsed = JSON.parse('[' + body.replaceAll('\n', ',\n') + ']');
  } catch {
    return null;
  }
  // Always true by the argument above; checked so a flaw there cannot misalign rows silently.
  return Array.isArray(parsed) && parsed.length === count ? parsed : null;
}

/** One window line by line: Spark's per-record semantics, with the exact error of each line. */
function* lineByLine(text: string, file: PartitionFile, plan: ConformPlan, sink: RowSink): Generator<void, void, void> {
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
      if (sink.full) yield;
      continue;
    }
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) sink.malformed(file, line, 'not a JSON object', null);
    else conformObject(obj as Record<string, unknown>, plan, file, line, 0, line.length, sink);
    if (sink.full) yield;
  }
}

/**
 * Takes the line at `bytes[start]` through the byte scanner into the sink: returns the index of
 * its `\n` (or `limit`), or -1 when the scanner declines it (nothing was added to the sink).
 */
type ScannedLineTaker = (bytes: Uint8Array, start: number, limit: number) => number;

/**
 * The byte scanner feeding `sink` with `file`'s rows, or null when the schema has none. A column
 * sink gets the values written straight into its builder (no row object); a row sink gets rows.
 */
function scannedLineTaker(plan: ConformPlan, file: PartitionFile, sink: RowSink): ScannedLineTaker | null {
  if (sink instanceof ColumnSink) {
    const scan = columnLineScanner(plan, sink.used);
    if (scan === null) return null;
    const builder = sink.builder;
    return (bytes, start, limit) => {
      const end = scan(bytes, start, limit, builder);
      if (end >= 0) sink.endScannedRow(file);
      return end;
    };
  }
  const scan = lineScanner(plan);
  if (scan === null) return null;
  return (bytes, start, limit) => {
    const row = scan(bytes, start, limit);
    if (row === null) return -1;
    sink.emit(row, file, null);
    return scannedLineEnd;
  };
}

/**
 * Reads one NDJSON file (one JSON object per line; blank lines skipped; CRLF accepted) into the
 * sink, yielding whenever the sink's chunk is full. Lines go through the schema's byte scanner
 * (`json-line-scanner.ts`) when the schema has one; a line it declines (and every line of a
 * schema without one, or with `scanner: false`) is decoded and parsed as before: per 64 KiB
 * window with one `JSON.parse` (see `parseWindow`), or line by line.
 */
export function* readJsonLines(bytes: Uint8Array, file: PartitionFile, plan: ConformPlan, sink: RowSink, scanner = true): Generator<void, void, void> {
  const take = scanner && !plan.nested ? scannedLineTaker(plan, file, sink) : null;
  if (take === null) {
    yield* readJsonWindows(bytes, file, plan, sink);
    return;
  }
  const n = bytes.length;
  let pos = firstTextByte(bytes);
  while (pos < n) {
    const end = take(bytes, pos, n);
    if (end >= 0) {
      pos = end + 1;
    } else {
      let nl = bytes.indexOf(10, pos);
      if (nl < 0) nl = n;
      if (nl > pos) yield* lineByLine(decodeLine(bytes, pos, nl), file, plan, sink);
      pos = nl + 1;
    }
    if (sink.full) yield;
  }
}

function* readJsonWindows(bytes: Uint8Array, file: PartitionFile, plan: ConformPlan, sink: RowSink): Generator<void, void, void> {
  const lines: LineSpans = { spans: new Int32Array(2 * 1024) };
  for (const text of textWindows(bytes)) {
    const objs = plan.nested ? null : parseWindow(text, lines);
    if (objs === null) {
      yield* lineByLine(text, file, plan, sink);
      continue;
    }
    const spans = lines.spans;
    for (let i = 0; i < objs.length; i++) {
      conformObject(objs[i] as Record<string, unknown>, plan, file, text, spans[2 * i] as number, spans[2 * i + 1] as number, sink);
      if (sink.full) yield;
    }
  }
}

/** Reads a `multiLine` JSON file: one JSON value, an array of records or a single record. */
export function* readJsonDocument(bytes: Uint8Array, file: PartitionFile, plan: ConformPlan, sink: RowSink): Generator<void, void, void> {
  const text = decodeWhole(bytes);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    sink.malformed(file, text, `invalid JSON: ${(e as Error).message}`, null);
    return;
  }
  const records = Array.isArray(parsed) ? parsed : [parsed];
  for (const r of records) {
    if (r === null || typeof r !== 'object' || Array.isArray(r)) {
      sink.malformed(file, JSON.stringify(r), 'not a JSON object', null);
    } else {
      const record = JSON.stringify(r);
      conformObject(r as Record<string, unknown>, plan, file, record, 0, record.length, sink);
    }
    if (sink.full) yield;
  }
}
