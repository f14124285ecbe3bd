import type { Clock } from './clock.js';
import type { Codec } from './codec.js';
import type { ParquetHandler } from './parquet-handler.js';
import type { Storage } from './storage.js';
import type { TaskExecutor } from './task-executor.js';

/**
 * Everything weir reads, writes, times or runs goes through an Engine (delta-kernel's split of
 * protocol logic from its default engine). `@weir/node` provides the default; `@weir/testkit`
 * an in-memory one with fault plans.
 */
export interface Engine {
  readonly storage: Storage;
  readonly parquet: ParquetHandler;
  readonly codec: Codec;
  readonly clock: Clock;
  readonly tasks: TaskExecutor;
}
