/**
 * @packageDocumentation
 * `@weir/node` is weir's default Engine for Node.js, and the one place (with `@weir/executor`)
 * where weir touches the operating system. Protocol packages describe *what* to read, write,
 * time and run; this package says *how*:
 *
 * - {@link FsStorage}: `Storage` over `node:fs` — atomic, durable `put` (temp file + fsync +
 *   `link()`/`rename()` + directory fsync), `ifAbsent` exclusive across processes, sorted listings.
 * - {@link NodeParquetHandler}: `ParquetHandler` with Spark's physical types: weir's own streaming
 *   writer (`openWriter`), a reader with a fast flat-column decoder over `@dsnp/parquetjs`.
 * - {@link MsgpackCodec}: `Codec` over msgpackr (Maps and Uint8Arrays survive).
 * - {@link SystemClock}: the wall clock.
 * - {@link InThreadTaskExecutor}: runs tasks on the calling thread (Spark's `local` mode).
 * - {@link createNodeEngine}: all of the above wired together.
 *
 * Foreign errors are mapped once, here: ENOENT → `FILE_NOT_FOUND`, EEXIST → `FILE_ALREADY_EXISTS`,
 * other fs errors → `STORAGE_IO_ERROR` (with `details.errno`), unreadable Parquet → `PARQUET_CORRUPT`.
 *
 * ```ts
 * import { createNodeEngine } from '@weir/node';
 * import { StructType, rowBatch } from '@weir/core';
 *
 * const engine = createNodeEngine();
 * const schema = StructType.fromDDL('station_id STRING, temperature_c DOUBLE');
 * const bytes = await engine.parquet.write(rowBatch(schema, [{ station_id: 'KSEA', temperature_c: 11.5 }]));
 * await engine.storage.put('/tmp/weir-demo/part-0.parquet', bytes);
 * ```
 */
export { FsStorage } from './fs-storage.js';
export type { FsStorageOptions } from './fs-storage.js';
export { NodeParquetHandler } from './node-parquet-handler.js';
export type { NodeParquetHandlerOptions } from './node-parquet-handler.js';
export { MsgpackCodec, type EncodedLease } from './msgpack-codec.js';
export { SystemClock } from './system-clock.js';
export { InThreadTaskExecutor } from './in-thread-task-executor.js';
export type { InThreadTaskExecutorOptions, TaskEngine } from './in-thread-task-executor.js';
export { createNodeEngine } from './create-node-engine.js';
export type { NodeEngineOptions } from './create-node-engine.js';
export { NodeErrors } from './errors.js';
export { compareByteOrder } from './byte-order.js';
