import { defineOptions, parseOptions, type BatchInfo, type Row, type RowBatch, type Sink, type SinkPlugin } from '@weir/core';
import { StreamingErrors } from '../errors.js';

/** The rows of one memory-sink table and the last batch it took (for idempotency). */
export interface MemoryTable {
  rows: Row[];
  lastBatchId: number;
}

const MEMORY_SINK_OPTIONS = defineOptions([
  { name: 'queryName', kind: 'string', doc: 'The table name (set by queryName()).' },
]);

/**
 * Spark's memory sink, for tests and notebooks: output is kept in the session, queryable by the
 * query name (`session.table(name)`). Append/update add the batch's rows; complete replaces the
 * table. A batch id at or below the last one taken is ignored (idempotent per batchId). Not
 * durable: it lives and dies with the session.
 */
export function createMemorySinkPlugin(tables: Map<string, MemoryTable>): SinkPlugin {
  return Object.freeze({
    name: 'memory',
    options: MEMORY_SINK_OPTIONS,
    outputModes: Object.freeze(['append', 'update', 'complete'] as const),
    createSink(raw: Readonly<Record<string, string>>): Sink {
      const opts = parseOptions(MEMORY_SINK_OPTIONS, raw, 'memory sink');
      const name = opts.queryName;
      if (name === undefined || name === '') throw StreamingErrors.MEMORY_TABLE_NOT_FOUND({ name: '(queryName is required for the memory sink)' });
      if (!tables.has(name)) tables.set(name, { rows: [], lastBatchId: -1 });
      return {
        async addBatch(batchId: number, batch: RowBatch, info: BatchInfo): Promise<void> {
          const table = tables.get(name)!;
          if (batchId <= table.lastBatchId) return;
          const rows = batch.rows.map((r) => ({ ...r }));
          table.rows = info.outputMode === 'complete' ? rows : [...table.rows, ...rows];
          table.lastBatchId = batchId;
        },
        async close(): Promise<void> {},
      };
    },
  });
}
