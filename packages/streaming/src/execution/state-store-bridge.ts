/**
 * The one place @weir/streaming touches @weir/state-store: opens the store of one
 * (checkpoint, operator, partition) at a version, keeping the provider cached in this worker so
 * the partition's state stays hot across batches (the executor routes a partition's tasks to the
 * same worker with `affinity`).
 */
import { createStateStoreProvider, type StateStoreProvider } from '@weir/state-store';
import type { StateStoreView, TaskContext } from '@weir/core';

export interface OpenedStore {
  readonly view: StateStoreView;
  commit(): Promise<number>;
  abort(): void;
  metrics(): { numRowsTotal: number; memoryUsedBytes: number; commitTimeMs: number };
}

const providers = new Map<string, StateStoreProvider>();

/** How often (in batches) a partition's provider deletes files no retained version needs. */
const MAINTENANCE_EVERY = 10;

export async function openStateStore(
  ctx: TaskContext,
  runId: string,
  checkpoint: string,
  operatorId: number,
  partition: number,
  version: number,
  minBatchesToRetain: number,
): Promise<OpenedStore> {
  // Keyed by run: a restarted query (new runId) never trusts a cache from before the restart.
  const run = `${checkpoint}\u0000${runId}\u0000`;
  const key = `${run}${operatorId}\u0000${partition}`;
  let provider = providers.get(key);
  if (provider === undefined) {
    // Drop only other runs' providers of this checkpoint: the other partitions of this run that
    // this worker holds MUST stay hot (dropping them made every batch reload state from files).
    for (const k of [...providers.keys()]) if (k.startsWith(`${checkpoint}\u0000`) && !k.startsWith(run)) providers.delete(k);
    provider = createStateStoreProvider(ctx.engine, { checkpointLocation: checkpoint, operatorId, partition, minBatchesToRetain });
    providers.set(key, provider);
  }
  const p = provider;
  const store = await p.load(version);
  return {
    view: store,
    commit: async () => {
      const v = await store.commit();
      if (v % MAINTENANCE_EVERY === 0) await p.doMaintenance();
      return v;
    },
    abort: () => void store.abort(),
    metrics: () => {
      const m = store.metrics();
      return { numRowsTotal: m.numRowsTotal, memoryUsedBytes: m.memoryUsedBytes, commitTimeMs: m.commitTimeMs };
    },
  };
}

/** Drops cached providers of a checkpoint (in this thread), so a restarted query reloads from storage. */
export function forgetStateStores(checkpoint: string): void {
  for (const key of [...providers.keys()]) if (key.startsWith(`${checkpoint}\u0000`)) providers.delete(key);
}
