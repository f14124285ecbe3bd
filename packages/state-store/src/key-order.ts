/**
 * Key order for `entries()`: UTF-8 byte order, which is Unicode code-point order. JavaScript's
 * `<` compares UTF-16 code units, which differs only when one side is a surrogate (a code point
 * above U+FFFF) and the other a unit in U+E000..U+FFFF; fix those units up at the first difference.
 */
export function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return fixup(x) - fixup(y);
  }
  return a.length - b.length;
}

function fixup(u: number): number {
  // Surrogates (U+D800..U+DFFF) encode code points >= U+10000: they must sort after U+E000..U+FFFF.
  if (u >= 0xe000) return u - 0x800;
  if (u >= 0xd800) return u + 0x2000;
  return u;
}

/** A code unit at or above U+D800: where UTF-16 order and code-point order can disagree. */
const NEEDS_FIXUP = /[\uD800-\uFFFF]/;

/**
 * Sorts `keys` in place in {@link compareKeys} order and returns them. Why not just
 * `sort(compareKeys)`: state keys share long prefixes (`[[<window start>,…`) and the per-char
 * fix-up loop is several times slower than the engine's own string `<`; when no key holds a
 * unit ≥ U+D800 (the usual case, checked in one pass) both orders are the same, so the fast
 * comparison is used.
 */
export function sortKeys(keys: string[]): string[] {
  for (let i = 0; i < keys.length; i++) {
    if (NEEDS_FIXUP.test(keys[i] as string)) return keys.sort(compareKeys);
  }
  return keys.sort(lessThan);
}

function lessThan(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
