import type { Row, RowBatch } from '../batch/row-batch.js';
import type { StructType } from '../schema/data-type.js';
import { CoreErrors } from '../errors/core-errors.js';
import type { Offset, ReadLimit } from './offset.js';
import type { InputPartition, PartitionReader, Source, SourcePlugin } from './source.js';

/** The memory stream's offset: the number of `addData` calls admitted so far. */
export interface MemoryStreamOffset extends Offset {
  readonly v: 1;
  readonly index: number;
}

/**
 * Spark's `MemoryStream` for tests: rows pushed with `addData` become one admitted unit each.
 * Rows travel inline in the input partition, so it also works with worker threads. It lives
 * in memory: a "restart" must reuse the same instance.
 */
export class MemoryStream implements Source {
  readonly #schema: StructType;
  readonly #chunks: Row[][] = [];

  constructor(schema: StructType) {
    this.#schema = schema;
  }

  /** Appends rows as the next unit; returns the offset that includes them. */
  addData(rows: readonly Row[]): MemoryStreamOffset {
    this.#chunks.push(rows.map((r) => ({ ...r })));
    return { v: 1, index: this.#chunks.length };
  }

  schema(): StructType {
    return this.#schema;
  }

  getDefaultReadLimit(): ReadLimit {
    return {};
  }

  async latestOffset(start: Offset | null, limit: ReadLimit): Promise<Offset | null> {
    const from = start === null ? 0 : (start as MemoryStreamOffset).index;
    if (this.#chunks.length === 0) return null;
    const end = limit.maxFiles === undefined ? this.#chunks.length : Math.min(this.#chunks.length, from + Math.max(1, limit.maxFiles));
    return { v: 1, index: end };
  }

  async planInputPartitions(start: Offset | null, end: Offset): Promise<readonly InputPartition[]> {
    const from = start === null ? 0 : (start as MemoryStreamOffset).index;
    const to = (end as MemoryStreamOffset).index;
    if (to > this.#chunks.length) {
      throw CoreErrors.INTERNAL_ERROR({ reason: `memory stream offset ${to} beyond ${this.#chunks.length} chunks`, package: '@weir/core' });
    }
    return this.#chunks.slice(from, to).map((rows) => ({
      readerModule: '@weir/core',
      reader: 'memory',
      data: { schema: this.#schema, rows },
      sizeInBytes: 0,
    }));
  }

  async commit(): Promise<void> {}
  async close(): Promise<void> {}
}

/** The worker-side reader for memory-stream partitions (rows are inline). */
export const readMemoryPartition: PartitionReader = async (data) => data as RowBatch;

/** A `memory` source plugin over one MemoryStream instance, for tests that go through `format()`. */
export function memorySourcePlugin(stream: MemoryStream, name = 'memory'): SourcePlugin {
  return Object.freeze({ name, options: [], createSource: () => stream });
}
