// Test harness: builds sources over MemoryFs and runs "batches" the way the micro-batch loop does
// (latestOffset → offset WAL → planInputPartitions → read partitions → commit).
import { simpleString, type Engine, type Offset, type Row, type Source, type SourceContext, type Storage } from '@weir/core';
import { createNodeEngine } from '@weir/node';
import { cloudFilesSource, partitionReaders } from '@weir/file-source';
import { MemoryFs } from './memory-fs.js';

export { MemoryFs };

export function engineOver(storage: Storage): Engine {
  return createNodeEngine({ storage });
}

export async function cloudFiles(
  fs: Storage,
  options: Record<string, string>,
  extra: Partial<SourceContext> = {},
): Promise<Source> {
  const ctx: SourceContext = {
    engine: engineOver(fs),
    metadataPath: '/ckpt/sources/0',
    path: '/in',
    conf: {},
    log: () => {},
    ...extra,
  };
  return cloudFilesSource.createSource(options, ctx);
}

/** Reads every partition of (start, end] in-thread, as a worker would. */
export async function readBatch(source: Source, fs: Storage, start: Offset | null, end: Offset): Promise<Row[]> {
  const parts = await source.planInputPartitions(start, end);
  const rows: Row[] = [];
  const engine = engineOver(fs);
  for (const p of parts) {
    const reader = partitionReaders[p.reader as keyof typeof partitionReaders];
    const batch = await reader(p.data, { engine });
    rows.push(...batch.rows);
  }
  return rows;
}

/** Files (paths) of the batch (start, end]. */
export async function batchFiles(source: Source, start: Offset | null, end: Offset): Promise<string[]> {
  const parts = await source.planInputPartitions(start, end);
  return parts.flatMap((p) => (p.data as { files: Array<{ path: string }> }).files.map((f) => f.path));
}

/** The schema as `name type, …` in Spark's simpleString spelling (`bigint`, `struct<x:string>`). */
export function schemaDDL(source: Source): string {
  return source.schema().fields.map((f) => `${f.name} ${simpleString(f.type)}`).join(', ');
}
