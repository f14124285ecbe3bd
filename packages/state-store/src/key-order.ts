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
 * True when some key holds a code unit ≥ U+D800, i.e. when UTF-16 order (JavaScript's `<`) may
 * differ from {@link compareKeys} for a set that contains it. One regex pass per key.
 */
export function needsFixup(keys: readonly string[], from = 0, to = keys.length): boolean {
  for (let i = from; i < to; i++) if (NEEDS_FIXUP.test(keys[i] as string)) return true;
  return false;
}

/** True when `key` holds a code unit ≥ U+D800 (see {@link needsFixup}). */
export function keyNeedsFixup(key: string): boolean {
  return NEEDS_FIXUP.test(key);
}

/**
 * Sorts `keys` in place in {@link compareKeys} order and returns them. Why not just
 * `sort(compareKeys)`: state keys share long prefixes (`[[<window start>,…`) and the per-char
 * fix-up loop is several times slower than the engine's own string order; when no key holds a
 * unit ≥ U+D800 (the usual case, checked in one pass) both orders are the same, and the built-in
 * comparator-less sort (UTF-16 order, no JS callback per comparison; 1.3–2× faster than
 * `sort((a, b) => a < b ? -1 : …)` on 250k JSON keys) is used. Both are TimSort, so an input
 * that is already sorted costs one pass.
 */
export function sortKeys(keys: string[], fixupNeeded: boolean = needsFixup(keys)): string[] {
  return fixupNeeded ? keys.sort(compareKeys) : keys.sort();
}

/** `a < b` as a comparator: {@link compareKeys} for keys that need no fix-up, without the per-char loop. */
export function lessThan(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The comparator for a set of keys: `lessThan` unless some key needs the code-point fix-up. */
export function comparatorFor(fixupNeeded: boolean): (a: string, b: string) => number {
  return fixupNeeded ? compareKeys : lessThan;
}
