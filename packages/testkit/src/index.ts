/**
 * @packageDocumentation
 * `@weir/testkit` is what weir's own tests, and plugin authors' tests, stand on:
 *
 * - {@link MemoryStorage}: an in-memory `Storage` with a **fault plan** — crash before/after the
 *   k-th mutating call (then every call throws `SIMULATED_CRASH`), `EIO`/`ENOSPC` on chosen
 *   calls — and `restart()`, a fresh view of exactly what was durably written.
 * - {@link ManualClock}: time that moves only when the test calls `advance`, with
 *   `waitForSleepers` so trigger tests need no real sleeps.
 * - {@link createTestEngine}: MemoryStorage + ManualClock + `@weir/node`'s Parquet handler and
 *   codec + an in-thread task executor bound to that engine.
 * - Conformance suites every adapter and plugin runs: {@link describeStorage},
 *   {@link describeSource}, {@link describeSink}.
 *
 * ```ts
 * import { MemoryStorage, createTestEngine, describeStorage } from '@weir/testkit';
 *
 * describeStorage('MemoryStorage', () => new MemoryStorage());
 *
 * const storage = new MemoryStorage({ faults: { crash: { atMutation: 2, when: 'after' } } });
 * const engine = createTestEngine({ storage });
 * // … run until SIMULATED_CRASH, then continue on storage.restart()
 * ```
 */
export { MemoryStorage } from './memory-storage.js';
export type { FaultPlan, InjectedFailure, MemoryStorageOptions, StorageCall, StorageOperation } from './memory-storage.js';
export { ManualClock } from './manual-clock.js';
export { createTestEngine } from './create-test-engine.js';
export type { TestEngineOptions } from './create-test-engine.js';
export { TestkitErrors } from './errors.js';
export { describeStorage } from './conformance/describe-storage.js';
export type { DescribeStorageOptions, StorageFactory, StorageUnderTest } from './conformance/describe-storage.js';
export { describeSource } from './conformance/describe-source.js';
export type { DescribeSourceOptions, SourceFactory, SourceUnderTest } from './conformance/describe-source.js';
export { describeSink } from './conformance/describe-sink.js';
export type { DescribeSinkOptions, SinkFactory, SinkUnderTest } from './conformance/describe-sink.js';
export { readPartitions } from './conformance/read-partitions.js';
export { rowKey, rowMultiset } from './conformance/row-multiset.js';
export type { TestApi } from './conformance/test-api.js';
