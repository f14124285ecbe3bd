/**
 * A per-thread cache for task handlers: the first call on a thread creates the value, later
 * calls on the same thread get it back. Stateful operators keep their `StateStoreProvider`
 * here, so with task affinity a partition's state stays hot in the one thread that owns it.
 *
 * The cache lives on `globalThis` under a `Symbol.for` key, so it is one cache per thread even if
 * two copies of this package are loaded (source and dist, or two installs).
 *
 * ```ts
 * import { workerLocal } from '@weir/executor';
 * export const taskHandlers = {
 *   async aggregate(input: { partition: number }, ctx) {
 *     const provider = workerLocal(`state:${input.partition}`, () => createStateStoreProvider(ctx.engine, …));
 *     …
 *   },
 * };
 * ```
 */
export function workerLocal<T>(key: string, create: () => T): T {
  const cache = threadCache();
  if (cache.has(key)) return cache.get(key) as T;
  const value = create();
  cache.set(key, value);
  return value;
}

/** Drops one entry (or, without a key, every entry) of this thread's cache. */
export function clearWorkerLocal(key?: string): void {
  if (key === undefined) threadCache().clear();
  else threadCache().delete(key);
}

const CACHE = Symbol.for('@weir/executor/workerLocal');

function threadCache(): Map<string, unknown> {
  const g = globalThis as unknown as Record<symbol, Map<string, unknown> | undefined>;
  let cache = g[CACHE];
  if (cache === undefined) {
    cache = new Map();
    g[CACHE] = cache;
  }
  return cache;
}
