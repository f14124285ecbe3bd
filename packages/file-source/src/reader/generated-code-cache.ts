/**
 * Generated functions cached by their source text, per thread. A task compiles its conformer
 * from the partition's schema; without the cache every task of a long-running worker made a fresh
 * function that V8 had to profile and optimise again (traced: a worker's first tasks ran 1.5–2.5×
 * slower than later ones). With it, later tasks reuse the optimised code.
 */
const MAX_ENTRIES = 256;
const compiled = new Map<string, unknown>();

/** `build(source)` once per distinct `source` (oldest entry dropped beyond 256). */
export function cachedByGeneratedSource<F>(source: string, build: (source: string) => F): F {
  let fn = compiled.get(source) as F | undefined;
  if (fn === undefined) {
    fn = build(source);
    if (compiled.size >= MAX_ENTRIES) compiled.delete(compiled.keys().next().value as string);
    compiled.set(source, fn);
  }
  return fn;
}
