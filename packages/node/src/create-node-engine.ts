import type { Clock, Engine, Storage, TaskExecutor } from '@weir/core';
import { FsStorage } from './fs-storage.js';
import { InThreadTaskExecutor } from './in-thread-task-executor.js';
import { MsgpackCodec } from './msgpack-codec.js';
import { NodeParquetHandler } from './node-parquet-handler.js';
import { SystemClock } from './system-clock.js';

export interface NodeEngineOptions {
  /** Runs the engine's tasks. Defaults to an {@link InThreadTaskExecutor} bound to this engine. */
  readonly tasks?: TaskExecutor;
  /** Defaults to a new {@link FsStorage}. */
  readonly storage?: Storage;
  /** Defaults to a {@link SystemClock}. */
  readonly clock?: Clock;
}

/**
 * The default Engine for Node.js: {@link FsStorage}, {@link NodeParquetHandler},
 * {@link MsgpackCodec}, {@link SystemClock}, and (unless given, e.g. `@weir/executor`'s pool)
 * an {@link InThreadTaskExecutor} whose task handlers see this same engine.
 *
 * ```ts
 * import { createNodeEngine } from '@weir/node';
 * const engine = createNodeEngine();
 * await engine.storage.put('/tmp/weir-demo/hello.txt', new TextEncoder().encode('hi'));
 * ```
 */
export function createNodeEngine(options: NodeEngineOptions = {}): Engine {
  const storage = options.storage ?? new FsStorage();
  const parquet = new NodeParquetHandler();
  const codec = new MsgpackCodec();
  const clock = options.clock ?? new SystemClock();
  const taskEngine = Object.freeze({ storage, parquet, codec, clock });
  const tasks = options.tasks ?? new InThreadTaskExecutor({ engine: taskEngine });
  return Object.freeze({ storage, parquet, codec, clock, tasks });
}
