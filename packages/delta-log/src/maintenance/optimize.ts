/**
 * OPTIMIZE (bin-packing compaction): in each partition, files smaller than the target size are
 * read and rewritten together into files of about the target size; the commit removes the old
 * files and adds the new ones with `dataChange: false`, so streaming readers skip it.
 */
import { concatBatches, type Engine, type RowBatch } from '@weir/core';
import type { AddAction } from '../actions/actions.js';
import type { Snapshot, ScanFile } from '../snapshot/snapshot.js';
import { Transaction } from '../transaction/transaction.js';
import type { CommitResult } from '../transaction/commit-result.js';
import { writeDataFiles } from '../write/write-data-files.js';
import { checkpointPostCommitHook } from '../checkpoint/checkpoint-writer.js';

export interface OptimizeOptions {
  /** Target file size in bytes (Spark's `spark.databricks.delta.optimize.maxFileSize`). Defaults to `1073741824` (1 GiB). */
  readonly targetFileSize?: number;
  /** Only compact files in partitions passing this filter. Defaults to all. */
  readonly partitionFilter?: (partitionValues: Readonly<Record<string, unknown>>) => boolean;
}

export interface OptimizeResult {
  readonly numFilesRemoved: number;
  readonly numFilesAdded: number;
  /** Null when there was nothing to compact (no commit made). */
  readonly commit: CommitResult | null;
}

export async function optimize(engine: Engine, snapshot: Snapshot, options: OptimizeOptions = {}): Promise<OptimizeResult> {
  const target = options.targetFileSize ?? 1024 * 1024 * 1024;
  const byPartition = new Map<string, ScanFile[]>();
  for (const f of snapshot.scanFiles(options.partitionFilter ? { partitionFilter: options.partitionFilter } : {})) {
    if (f.add.size >= target || f.add.deletionVector) continue;
    const key = JSON.stringify(snapshot.partitionColumns.map((c) => f.add.partitionValues[c] ?? null));
    const list = byPartition.get(key) ?? [];
    list.push(f);
    byPartition.set(key, list);
  }
  const tx = new Transaction(engine, snapshot.tablePath, snapshot, checkpointPostCommitHook);
  let removed = 0;
  let added = 0;
  for (const files of byPartition.values()) {
    if (files.length < 2) continue;
    // Greedy bins of up to `target` bytes, in file order.
    const bins: ScanFile[][] = [];
    let bin: ScanFile[] = [];
    let binSize = 0;
    for (const f of files) {
      if (bin.length > 0 && binSize + f.add.size > target) {
        bins.push(bin);
        bin = [];
        binSize = 0;
      }
      bin.push(f);
      binSize += f.add.size;
    }
    bins.push(bin);
    for (const b of bins) {
      if (b.length < 2) continue;
      const batches: RowBatch[] = [];
      for (const f of b) batches.push(await snapshot.readFile(f));
      const batch = concatBatches(snapshot.schema, batches);
      const adds = await writeDataFiles(engine, snapshot.tablePath, batch, { partitionColumns: snapshot.partitionColumns });
      tx.addFiles(adds.map((a): AddAction => ({ ...a, dataChange: false })));
      tx.removeFiles(b.map((f) => f.add), { dataChange: false });
      removed += b.length;
      added += adds.length;
    }
  }
  if (removed === 0) return { numFilesRemoved: 0, numFilesAdded: 0, commit: null };
  const commit = await tx.commit({
    operation: 'OPTIMIZE',
    operationParameters: { predicate: '[]', zOrderBy: '[]' },
    commitInfo: { operationMetrics: { numRemovedFiles: String(removed), numAddedFiles: String(added) } },
  });
  return { numFilesRemoved: removed, numFilesAdded: added, commit };
}
