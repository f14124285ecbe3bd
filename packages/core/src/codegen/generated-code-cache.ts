/**
 * A per-thread cache of functions compiled from generated source, keyed by the source text, so
 * each distinct shape is compiled once per worker and later tasks reuse the code V8 already
 * optimised (a fresh `new Function` per task must be profiled and optimised again). Each
 * generator keeps its own cache: equal text compiled with different parameters is a different
 * function. Beyond `maxEntries` the oldest entry is dropped.
 */
export type GeneratedCodeCache<F> = (source: string, compile: (source: string) => F) => F;

export function createGeneratedCodeCache<F>(maxEntries = 256): GeneratedCodeCache<F> {
  const compiled = new Map<string, F>();
  return (source, compile) => {
    let fn = compiled.get(source);
    if (fn === undefined) {
      fn = compile(source);
      if (compiled.size >= maxEntries) compiled.delete(compiled.keys().next().value as string);
      compiled.set(source, fn);
    }
    return fn;
  };
}
