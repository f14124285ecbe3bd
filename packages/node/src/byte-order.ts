/**
 * Compares strings in UTF-8 byte order (= code point order), the order Storage listings use.
 * JavaScript's `<` compares UTF-16 code units, which disagrees for characters above U+FFFF
 * versus U+E000–U+FFFF; the fast path covers the common all-BMP case.
 */
export function compareByteOrder(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (0xD800–0xDFFF) encode code points above 0xFFFF: they sort after all BMP units.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}
