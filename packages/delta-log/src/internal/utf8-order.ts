/**
 * String order of Delta statistics: Delta and Spark compare strings as UTF-8 bytes, which is
 * Unicode code point order. JS `<` compares UTF-16 code units, which agrees with code point order
 * except when the first differing units are a surrogate (half of a code point ≥ U+10000, units
 * U+D800–U+DFFF) and a unit in U+E000–U+FFFF: UTF-16 puts the surrogate first, UTF-8 puts it last.
 * A wrong order there gives wrong `minValues`/`maxValues`, and data skipping in any reader could
 * then drop a file that holds matching rows.
 */

/**
 * Compares `a` and `b` in UTF-8 byte (= code point) order: negative, zero or positive. Allocates
 * nothing. For well-formed strings the result's sign is exactly `Buffer.compare` of their UTF-8
 * encodings; lone surrogates (which have no UTF-8 form) compare as code units above U+FFFF.
 */
export function compareUtf8(a: string, b: string): number {
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      // Only the first difference decides. Units below U+D800 (either side) order as code points;
      // among units ≥ U+D800 a surrogate (< U+E000) stands for a code point above every
      // U+E000–U+FFFF unit. Two surrogates at the same index are both high or both low halves
      // (the prefixes are equal), which order as their code points.
      if (x >= 0xd800 && y >= 0xd800 && x < 0xe000 !== y < 0xe000) return x < 0xe000 ? 1 : -1;
      return x - y;
    }
  }
  return a.length - b.length;
}

/**
 * True if `s` has a UTF-16 unit ≥ U+D800. When it has none, JS's native `<`/`>` between `s` and ANY
 * string is exact UTF-8 order (the first differing units would have to both be ≥ U+D800 to
 * disagree), so a running min/max can test its bound once, when it changes, and compare natively
 * (a memcmp in V8) until a bound with such units shows up.
 */
export function hasUnitsFromD800(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0xd800) return true;
  return false;
}

/**
 * The stats form of a string bound: strings longer than `prefixLength` code points are cut to that
 * many (a surrogate pair is never split). A min keeps the prefix (≤ the value). A max gets the
 * prefix + U+FFFF, which bounds the value only if the code point after the prefix is below U+FFFF
 * (in UTF-8 order an astral code point sorts above U+FFFF), so the prefix first grows over code
 * points ≥ U+FFFF; a value that is all such code points to its end is kept whole.
 */
export function truncateStringStat(s: string, kind: 'min' | 'max', prefixLength: number): string {
  // ≤ prefixLength UTF-16 units means ≤ prefixLength code points: the common case, no scan.
  if (s.length <= prefixLength) return s;
  let i = 0;
  for (let cps = 0; cps < prefixLength && i < s.length; cps++) {
    const c = s.charCodeAt(i);
    i += c >= 0xd800 && c < 0xdc00 && i + 1 < s.length && isLowSurrogate(s.charCodeAt(i + 1)) ? 2 : 1;
  }
  if (i >= s.length) return s;
  if (kind === 'min') return s.slice(0, i);
  while (i < s.length) {
    const cp = s.codePointAt(i) as number;
    if (cp < 0xffff) break;
    i += cp > 0xffff ? 2 : 1;
  }
  return i >= s.length ? s : s.slice(0, i) + '\uffff';
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c < 0xe000;
}
