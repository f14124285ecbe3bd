/**
 * Calls `onKey` with each top-level key of a one-line JSON object, without building the object
 * (a character scan is several times cheaper than `JSON.parse`). Returns false when the text is
 * not a JSON object as far as the scan can tell (unbalanced, not starting with `{`); it does not
 * validate values — callers use it only to decide whether a full parse is needed.
 */
export function scanTopLevelKeys(text: string, start: number, end: number, onKey: (key: string) => void): boolean {
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
      let escaped = false;
      while (i < end) {
        const d = text.charCodeAt(i);
        if (d === 92 /* \ */) {
          escaped = true;
          i += 2;
          continue;
        }
        if (d === 34) break;
        i++;
      }
      if (i >= end) return false;
      if (depth === 1 && expectKey) {
        const raw = text.slice(s, i);
        onKey(escaped ? (JSON.parse(`"${raw}"`) as string) : raw);
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
