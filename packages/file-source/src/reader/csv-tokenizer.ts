/** One CSV record: its fields (null = unquoted value equal to `nullValue`) and its raw text. */
export interface CsvRecord {
  readonly fields: Array<string | null>;
  readonly text: string;
  /** Set when the record is syntactically broken (an unterminated quote). */
  readonly error?: string;
}

export interface CsvSyntax {
  readonly sep: string;
  readonly quote: string;
  readonly escape: string;
  readonly nullValue: string;
  /** Quoted values may span lines. */
  readonly multiLine: boolean;
}

/**
 * Splits CSV text into records with Spark's (univocity) defaults: `sep` between fields, `quote`
 * around values that contain separators or newlines, `escape` before a quote inside a quoted
 * value (and a doubled quote when `escape` equals `quote`). Unquoted values equal to `nullValue`
 * read as null; quoted values never do. Blank lines are skipped, as Spark does.
 */
export function tokenizeCsv(text: string, syntax: CsvSyntax): CsvRecord[] {
  const out: CsvRecord[] = [];
  const sep = syntax.sep.charCodeAt(0);
  const quote = syntax.quote.charCodeAt(0);
  const escape = syntax.escape.charCodeAt(0);
  const n = text.length;
  let i = 0;
  while (i < n) {
    const recordStart = i;
    const fields: Array<string | null> = [];
    let error: string | undefined;
    let endOfRecord = false;
    // Skip a blank line.
    if (text.charCodeAt(i) === 10 || (text.charCodeAt(i) === 13 && text.charCodeAt(i + 1) === 10)) {
      i += text.charCodeAt(i) === 13 ? 2 : 1;
      continue;
    }
    while (!endOfRecord) {
      if (i < n && text.charCodeAt(i) === quote) {
        // Quoted value.
        i++;
        let value = '';
        let chunk = i;
        let closed = false;
        while (i < n) {
          const c = text.charCodeAt(i);
          if (c === escape && escape !== quote && i + 1 < n && (text.charCodeAt(i + 1) === quote || text.charCodeAt(i + 1) === escape)) {
            value += text.slice(chunk, i) + text[i + 1];
            i += 2;
            chunk = i;
          } else if (c === quote) {
            if (escape === quote && text.charCodeAt(i + 1) === quote) {
              value += text.slice(chunk, i + 1);
              i += 2;
              chunk = i;
            } else {
              value += text.slice(chunk, i);
              i++;
              closed = true;
              break;
            }
          } else if (c === 10 && !syntax.multiLine) {
            break;
          } else {
            i++;
          }
        }
        if (!closed) {
          value += text.slice(chunk, i);
          error = 'unterminated quoted value';
        }
        // Anything between the closing quote and the separator is kept, as univocity does.
        const tail = i;
        while (i < n && text.charCodeAt(i) !== sep && text.charCodeAt(i) !== 10) i++;
        let extra = text.slice(tail, i);
        if (extra.endsWith('\r')) extra = extra.slice(0, -1);
        fields.push(value + extra);
      } else {
        const start = i;
        while (i < n) {
          const c = text.charCodeAt(i);
          if (c === sep || c === 10) break;
          i++;
        }
        let value = text.slice(start, i);
        if (value.endsWith('\r') && (i >= n || text.charCodeAt(i) === 10)) value = value.slice(0, -1);
        fields.push(value === syntax.nullValue ? null : value);
      }
      if (i < n && text.charCodeAt(i) === sep) {
        i++;
        if (i >= n) fields.push(syntax.nullValue === '' ? null : '');
        continue;
      }
      endOfRecord = true;
      if (i < n) i++; // the newline
    }
    let raw = text.slice(recordStart, i);
    if (raw.endsWith('\n')) raw = raw.slice(0, raw.endsWith('\r\n') ? -2 : -1);
    out.push(error === undefined ? { fields, text: raw } : { fields, text: raw, error });
  }
  return out;
}
