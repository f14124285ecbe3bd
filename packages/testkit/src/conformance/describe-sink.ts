import assert from 'node:assert/strict';
import type { BatchInfo, Engine, OutputMode, Row, RowBatch, Sink, StructType, WriterTaskInput } from '@weir/core';
import { rowMultiset } from './row-multiset.js';
import { NODE_TEST, type TestApi } from './test-api.js';

/** A sink under test: how to create it (again, as after a restart) and read what it made visible. */
export interface SinkUnderTest {
  readonly engine: Engine;
  readonly sink: Sink;
  /** The schema of the rows the suite writes (the suite's rows come from `rows(batchId)`). */
  readonly schema: StructType;
  /** The rows the suite writes as batch `batchId` (distinct per batch). */
  rows(batchId: number): readonly Row[];
  /** Everything visible in the sink's output now (e.g. the Delta table read back). */
  readAll(): Promise<readonly Row[]>;
  /** A new sink instance as after a restart (same options, output and query id). */
  restart(): Promise<Sink>;
  /** Defaults to `append`. */
  readonly outputMode?: OutputMode;
  readonly cleanup?: () => Promise<void> | void;
}

export type SinkFactory = () => Promise<SinkUnderTest>;

export interface DescribeSinkOptions {
  readonly test?: TestApi;
}

/** Writes one batch the way the engine does: through the worker-side writer factory if the sink has one, else addBatch. */
async function writeBatch(engine: Engine, sink: Sink, batchId: number, batch: RowBatch, info: BatchInfo): Promise<void> {
  const factory = sink.createWriterFactory?.(batchId, info) ?? null;
  if (factory === null) {
    await sink.addBatch(batchId, batch, info);
    return;
  }
  const mod = (await import(factory.module)) as { taskHandlers?: Record<string, (input: WriterTaskInput, ctx: { engine: unknown }) => Promise<unknown>> };
  const handler = mod.taskHandlers?.[factory.handler];
  if (typeof handler !== 'function') throw new Error(`${factory.module} exports no taskHandlers.${factory.handler}`);
  const { tasks: _tasks, ...taskEngine } = engine;
  // Two tasks, as two partitions would: each writes half the rows.
  const half = Math.ceil(batch.rows.length / 2);
  const messages = [];
  for (const [taskId, rows] of [batch.rows.slice(0, half), batch.rows.slice(half)].entries()) {
    const input: WriterTaskInput = structuredClone({ options: factory.options, batchId, taskId, batch: { schema: batch.schema, rows } });
    messages.push(structuredClone(await handler(input, { engine: taskEngine })));
  }
  if (sink.commitBatch === undefined) throw new Error('a sink with createWriterFactory must implement commitBatch');
  await sink.commitBatch(batchId, messages, info);
}

/**
 * The sink contract as a test suite: `addBatch`/`commitBatch` MUST be idempotent per
 * `batchId`, including across a restart (the engine re-runs the last uncommitted batch).
 *
 * ```ts
 * describeSink('delta', async () => ({ engine, sink, schema, rows: (id) => […], readAll, restart }));
 * ```
 */
export function describeSink(name: string, make: SinkFactory, options: DescribeSinkOptions = {}): void {
  const { describe, it } = options.test ?? NODE_TEST;

  const withSink = (title: string, body: (sut: SinkUnderTest, info: BatchInfo) => Promise<void>): void => {
    it(title, async () => {
      const sut = await make();
      try {
        await body(sut, { schema: sut.schema, outputMode: sut.outputMode ?? 'append' });
      } finally {
        await sut.sink.close();
        await sut.cleanup?.();
      }
    });
  };
  const batch = (sut: SinkUnderTest, id: number): RowBatch => ({ schema: sut.schema, rows: sut.rows(id) });

  describe(`Sink conformance: ${name}`, () => {
    withSink('a written batch becomes visible with exactly its rows', async (sut, info) => {
      await writeBatch(sut.engine, sut.sink, 0, batch(sut, 0), info);
      assert.deepEqual(rowMultiset(await sut.readAll()), rowMultiset(sut.rows(0)));
    });

    withSink('re-adding the same batchId writes nothing twice', async (sut, info) => {
      await writeBatch(sut.engine, sut.sink, 0, batch(sut, 0), info);
      await writeBatch(sut.engine, sut.sink, 1, batch(sut, 1), info);
      await writeBatch(sut.engine, sut.sink, 1, batch(sut, 1), info);
      assert.deepEqual(rowMultiset(await sut.readAll()), rowMultiset([...sut.rows(0), ...sut.rows(1)]));
    });

    withSink('a batch replayed by a restarted sink is skipped', async (sut, info) => {
      await writeBatch(sut.engine, sut.sink, 0, batch(sut, 0), info);
      await writeBatch(sut.engine, sut.sink, 1, batch(sut, 1), info);
      const restarted = await sut.restart();
      try {
        await writeBatch(sut.engine, restarted, 1, batch(sut, 1), info);
        await writeBatch(sut.engine, restarted, 2, batch(sut, 2), info);
      } finally {
        if (restarted !== sut.sink) await restarted.close();
      }
      assert.deepEqual(rowMultiset(await sut.readAll()), rowMultiset([...sut.rows(0), ...sut.rows(1), ...sut.rows(2)]));
    });

    withSink('an empty batch is accepted and adds nothing', async (sut, info) => {
      await writeBatch(sut.engine, sut.sink, 0, batch(sut, 0), info);
      await writeBatch(sut.engine, sut.sink, 1, { schema: sut.schema, rows: [] }, info);
      assert.deepEqual(rowMultiset(await sut.readAll()), rowMultiset(sut.rows(0)));
    });
  });
}
