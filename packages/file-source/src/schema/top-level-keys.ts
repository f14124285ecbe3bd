/** Decodes the key at `[start, end)` of `text` (the raw text between its quotes). */
export function keyAt(text: string, start: number, end: number): string {
  const raw = text.slice(start, end);
  return raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
}

/**
 * Calls `onKey(start, end)` with the span (between the quotes, escapes undecoded: see `keyAt`) of
 * each top-level key of a one-line JSON object, without building the object
 * (a character scan is several times cheaper than `JSON.parse`). Returns false when the text is
 * not a JSON object as far as the scan can tell (unbalanced, not starting with `{`); it does not
 * validate values — callers use it only to decide whether a full parse is needed.
 */
export function scanTopLevelKeys(text: string, start: number, end: number, onKey: (keyStart: number, keyEnd: number) => void): boolean {
  let i = start;
  while (i < end && isSpace(text.charCodeAt(i))) i++;
  if (i >= end || text.charCodeAt(i) !== 123 /* { */) return false;
  i++;
  let depth = 1;
  let expectKey = true;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      const s = ++i;
      // Jump quote to quote (native indexOf); a quote preceded by an odd run of backslashes is escaped.
      for (;;) {
        i = text.indexOf('"', i);
        if (i < 0 || i >= end) return false;
        let b = i - 1;
        while (b >= s && text.charCodeAt(b) === 92 /* \ */) b--;
        if ((i - 1 - b) % 2 === 0) break;
        i++;
      }
      if (depth === 1 && expectKey) {
        onKey(s, i);
        expectKey = false;
      }
      i++;
      continue;
    }
    if (c === 123 || c === 91 /* [ */) depth++;
    else if (c === 125 || c === 93 /* ] */) {
      depth--;
      if (depth === 0) {
        i++;
        while (i < end && isSpace(text.charCodeAt(i))) i++;
        return i === end;
      }
    } else if (c === 44 /* , */ && depth === 1) expectKey = true;
    i++;
  }
  return false;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}
