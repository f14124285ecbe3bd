import type { Engine, InputPartition, PartitionReader, Row } from '@weir/core';

/**
 * Reads input partitions the way a worker does: import `readerModule`, call its
 * `partitionReaders[reader](data, { engine })`. The partition first makes a structured-clone
 * round trip, as it would crossing to a worker thread, so a partition holding non-plain data fails here.
 */
export async function readPartitions(engine: Engine, partitions: readonly InputPartition[]): Promise<Row[]> {
  const rows: Row[] = [];
  const { tasks: _tasks, ...taskEngine } = engine;
  for (const p of partitions) {
    const crossed = structuredClone(p);
    const mod = (await import(crossed.readerModule)) as { partitionReaders?: Record<string, PartitionReader> };
    const reader = mod.partitionReaders?.[crossed.reader];
    if (typeof reader !== 'function') throw new Error(`${crossed.readerModule} exports no partitionReaders.${crossed.reader}`);
    const batch = await reader(crossed.data, { engine: taskEngine });
    rows.push(...batch.rows);
  }
  return rows;
}
