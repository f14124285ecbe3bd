import type { Clock, Engine, Storage, TaskExecutor } from '@weir/core';
import { InThreadTaskExecutor, MsgpackCodec, NodeParquetHandler } from '@weir/node';
import { ManualClock } from './manual-clock.js';
import { MemoryStorage } from './memory-storage.js';

export interface TestEngineOptions {
  /** Defaults to a new {@link MemoryStorage} (no faults). */
  readonly storage?: Storage;
  /** Defaults to a new {@link ManualClock} at `1_700_000_000_000`: time moves only when the test advances it. */
  readonly clock?: Clock;
  /** Defaults to an `InThreadTaskExecutor` (maxFailures 1) whose handlers see this engine. */
  readonly tasks?: TaskExecutor;
}

/**
 * An Engine for tests: {@link MemoryStorage} + {@link ManualClock} + the real Parquet handler
 * and codec from `@weir/node` + an in-thread task executor bound to this engine, so tasks read
 * and write the same in-memory storage.
 *
 * ```ts
 * const storage = new MemoryStorage();
 * const engine = createTestEngine({ storage });
 * ```
 */
export function createTestEngine(options: TestEngineOptions = {}): Engine {
  const storage = options.storage ?? new MemoryStorage();
  const clock = options.clock ?? new ManualClock();
  const parquet = new NodeParquetHandler();
  const codec = new MsgpackCodec();
  const taskEngine = Object.freeze({ storage, parquet, codec, clock });
  // maxFailures 1: a test sees the first failure rather than a retried success.
  const tasks = options.tasks ?? new InThreadTaskExecutor({ engine: taskEngine, maxFailures: 1 });
  return Object.freeze({ storage, parquet, codec, clock, tasks });
}
