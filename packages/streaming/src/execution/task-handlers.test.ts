import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CoreErrors,
  StructType,
  joinPath,
  type DataWriter,
  type DataWriterInput,
  type Engine,
  type FileInfo,
  type ListOptions,
  type PartitionChunkReader,
  type PutOptions,
  type Row,
  type RowBatch,
  type Storage,
  type TaskContext,
  type WriterFactory,
} from '@weir/core';
import { createNodeEngine } from '@weir/node';
import { TestkitErrors } from '@weir/testkit';
import { DELTA_TASKS_MODULE } from '../delta/task-module.js';
import { frameFromSource, planQuery } from './planner-bridge.js';
import { mapTask, statefulTask, type MapTaskInput } from './task-handlers.js';

// This test module is also the reader and writer module its tasks import (by its own URL): the
// task handlers load modules by specifier, and a module imported twice is the same instance.
const SELF = import.meta.url;
const SCHEMA = StructType.fromDDL('id BIGINT, p STRING');

/** What `rows` (the chunk reader below) yields: `chunks` chunks; `failAtChunk` (1-based) throws instead. */
interface ChunkSpec {
  readonly chunks: number;
  readonly rowsPerChunk: number;
  readonly failAtChunk?: number;
}

const injected = (operation: string, p: string): Error => CoreErrors.STORAGE_IO_ERROR({ operation, path: p, reason: 'injected fault' });

const rowsReader: PartitionChunkReader = async function* (data): AsyncIterable<RowBatch> {
  const spec = data as ChunkSpec;
  let id = 0;
  for (let c = 1; c <= spec.chunks; c++) {
    if (c === spec.failAtChunk) throw injected('read', `chunk ${c}`);
    const rows: Row[] = [];
    for (let i = 0; i < spec.rowsPerChunk; i++, id++) rows.push({ id, p: ['a', 'b', 'c'][id % 3] as string });
    yield { schema: SCHEMA, rows };
  }
};

export const partitionChunkReaders = Object.freeze({ rows: rowsReader });

/** The `filePerWrite` writer's options: it stores one file per `write` under `dir`. */
interface FilePerWriteOptions {
  readonly dir: string;
  /** 1-based `write` call that throws (after nothing is stored for it). */
  readonly failAtWrite?: number;
  readonly failAtCommit?: boolean;
  /** `abort` deletes its files, then throws anyway (a failing abort must not hide the cause). */
  readonly abortThrows?: boolean;
}

/** A writer that makes files as it goes (like a writer rolling files), so an un-aborted failure leaves them. */
async function filePerWrite(input: DataWriterInput, ctx: TaskContext): Promise<DataWriter> {
  const o = input.options as FilePerWriteOptions;
  const written: string[] = [];
  let calls = 0;
  return {
    async write(rows) {
      calls++;
      if (calls === o.failAtWrite) throw injected('write', `write ${calls}`);
      const file = joinPath(o.dir, `part-${input.taskId}-${calls}.bin`);
      await ctx.engine.storage.put(file, new TextEncoder().encode(JSON.stringify(rows)));
      written.push(file);
    },
    async commit() {
      if (o.failAtCommit === true) throw injected('commit', o.dir);
      return written.slice();
    },
    async abort() {
      for (const f of written) await ctx.engine.storage.delete(f);
      if (o.abortThrows === true) throw TestkitErrors.SIMULATED_CRASH({ call: 0, operation: 'abort', path: o.dir });
    },
  };
}

export const dataWriters = Object.freeze({ filePerWrite });

/** A Storage whose `failAtPut`-th `put` (1-based) throws `STORAGE_IO_ERROR` before writing anything. */
class FaultyStorage implements Storage {
  puts = 0;
  constructor(
    private readonly inner: Storage,
    private readonly failAtPut: number,
    /** Also fail every put whose path contains this. */
    private readonly failPathsWith: string | null = null,
  ) {}
  read(p: string): Promise<Uint8Array> {
    return this.inner.read(p);
  }
  head(p: string): Promise<FileInfo | null> {
    return this.inner.head(p);
  }
  list(dir: string, options?: ListOptions): AsyncIterable<FileInfo> {
    return this.inner.list(dir, options);
  }
  async put(p: string, data: Uint8Array, options?: PutOptions): Promise<void> {
    this.puts++;
    if (this.puts === this.failAtPut || (this.failPathsWith !== null && p.includes(this.failPathsWith))) throw injected('put', p);
    return this.inner.put(p, data, options);
  }
  delete(p: string): Promise<void> {
    return this.inner.delete(p);
  }
}

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'weir-streaming-'));
}

/** Every regular file left under `dir` (relative paths). */
function filesUnder(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(dir, f)).isFile()).sort();
}

function contextOver(storage: Storage): TaskContext {
  const e: Engine = createNodeEngine();
  return { engine: { storage, parquet: e.parquet, codec: e.codec, clock: e.clock } };
}

function mapInput(spec: ChunkSpec, writer: WriterFactory | null): MapTaskInput {
  const plan = planQuery(frameFromSource({ index: 0, format: 'memory', schema: SCHEMA }).plan, {
    sourceSchemas: [SCHEMA],
    outputMode: 'append',
    shufflePartitions: 1,
  });
  return {
    plan,
    sourceIndex: 0,
    partition: { readerModule: SELF, reader: 'rows', data: spec, sizeInBytes: 0 },
    batchId: 0,
    taskId: 7,
    batchTimestampMs: 0,
    watermarkMs: 0,
    writer,
    collectLateRows: false,
  };
}

async function expectCode(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.equal((e as { code?: string }).code, code);
    return true;
  });
}

// Three chunks over partition values a/b/c: three partition directories, so three data files.
const THREE_CHUNKS: ChunkSpec = { chunks: 3, rowsPerChunk: 5 };

describe('mapTask aborts the sink writer when the task fails', () => {
  for (const [sink, handler, options] of [
    ['delta', 'writeDeltaFiles', { partitionColumns: ['p'] }],
    ['parquet', 'writeParquetFiles', { partitionColumns: ['p'], queryId: 'q1' }],
  ] as const) {
    it(`${sink} sink: a put failing at the k-th file of commit leaves no data file and surfaces STORAGE_IO_ERROR`, async () => {
      // Control run: how many puts a successful commit makes (one per partition directory).
      const okDir = tempDir();
      const ok = new FaultyStorage(createNodeEngine().storage, 0);
      const out = await mapTask(mapInput(THREE_CHUNKS, { module: DELTA_TASKS_MODULE, handler, options: { ...options, path: okDir } }), contextOver(ok));
      assert.equal(out.numOutputRows, 15);
      assert.equal(filesUnder(okDir).length, 3);
      assert.equal(ok.puts, 3);
      for (let k = 1; k <= ok.puts; k++) {
        const dir = tempDir();
        const storage = new FaultyStorage(createNodeEngine().storage, k);
        await expectCode(mapTask(mapInput(THREE_CHUNKS, { module: DELTA_TASKS_MODULE, handler, options: { ...options, path: dir } }), contextOver(storage)), 'STORAGE_IO_ERROR');
        assert.equal(storage.puts, k, 'the commit stopped at the failing put');
        assert.deepEqual(filesUnder(dir), [], `files left after a failure at put ${k}`);
      }
    });
  }

  it('a write failing at the k-th chunk: the files of earlier writes are deleted, the write error surfaces', async () => {
    for (let k = 1; k <= 3; k++) {
      const dir = tempDir();
      const storage = new FaultyStorage(createNodeEngine().storage, 0);
      await expectCode(mapTask(mapInput(THREE_CHUNKS, { module: SELF, handler: 'filePerWrite', options: { dir, failAtWrite: k } }), contextOver(storage)), 'STORAGE_IO_ERROR');
      assert.equal(storage.puts, k - 1, 'earlier writes had stored their files');
      assert.deepEqual(filesUnder(dir), []);
    }
  });

  it('a failing commit: the written files are deleted, the commit error surfaces', async () => {
    const dir = tempDir();
    const storage = new FaultyStorage(createNodeEngine().storage, 0);
    await expectCode(mapTask(mapInput(THREE_CHUNKS, { module: SELF, handler: 'filePerWrite', options: { dir, failAtCommit: true } }), contextOver(storage)), 'STORAGE_IO_ERROR');
    assert.equal(storage.puts, 3);
    assert.deepEqual(filesUnder(dir), []);
  });

  it('a failing read after some writes: the written files are deleted, the read error surfaces', async () => {
    const dir = tempDir();
    const storage = new FaultyStorage(createNodeEngine().storage, 0);
    await expectCode(mapTask(mapInput({ ...THREE_CHUNKS, failAtChunk: 3 }, { module: SELF, handler: 'filePerWrite', options: { dir } }), contextOver(storage)), 'STORAGE_IO_ERROR');
    assert.equal(storage.puts, 2);
    assert.deepEqual(filesUnder(dir), []);
  });

  it('stateful task: a failing commit of the output writer deletes its files, the commit error surfaces', async () => {
    const plan = planQuery(frameFromSource({ index: 0, format: 'memory', schema: SCHEMA }).groupBy('p').count().plan, {
      sourceSchemas: [SCHEMA],
      outputMode: 'update',
      shufflePartitions: 1,
    });
    const storage = new FaultyStorage(createNodeEngine().storage, 0);
    const ctx = contextOver(storage);
    const mapped = await mapTask({ ...mapInput(THREE_CHUNKS, null), plan }, ctx);
    const blocks = (mapped.blocks ?? []).filter((b): b is Uint8Array => b !== null);
    assert.equal(blocks.length, 1);
    const dir = tempDir();
    const input = {
      plan,
      runId: 'run-1',
      checkpoint: path.join(tempDir(), 'chk'),
      operatorId: 0,
      partition: 0,
      batchId: 0,
      taskId: 0,
      blocks,
      batchTimestampMs: 0,
      watermarkMs: 0,
      outputMode: 'update' as const,
      minBatchesToRetain: 2,
    };
    await expectCode(statefulTask({ ...input, writer: { module: SELF, handler: 'filePerWrite', options: { dir, failAtCommit: true } } }, ctx), 'STORAGE_IO_ERROR');
    assert.deepEqual(filesUnder(dir), []);
    // Control: the same writer without the fault leaves its file (one write: the three groups' counts).
    const okDir = tempDir();
    const ok = await statefulTask({ ...input, checkpoint: path.join(tempDir(), 'chk'), writer: { module: SELF, handler: 'filePerWrite', options: { dir: okDir } } }, ctx);
    assert.equal(ok.numOutputRows, 3);
    assert.equal(filesUnder(okDir).length, 1);
  });

  it('stateful task: a state commit failing while the output is written deletes the output files, the state error surfaces', async () => {
    const plan = planQuery(frameFromSource({ index: 0, format: 'memory', schema: SCHEMA }).groupBy('p').count().plan, {
      sourceSchemas: [SCHEMA],
      outputMode: 'update',
      shufflePartitions: 1,
    });
    const mapped = await mapTask({ ...mapInput(THREE_CHUNKS, null), plan }, contextOver(createNodeEngine().storage));
    const blocks = (mapped.blocks ?? []).filter((b): b is Uint8Array => b !== null);
    const checkpoint = path.join(tempDir(), 'chk');
    const dir = tempDir();
    const storage = new FaultyStorage(createNodeEngine().storage, 0, `${path.sep}state${path.sep}`);
    const input = { plan, runId: 'run-2', checkpoint, operatorId: 0, partition: 0, batchId: 0, taskId: 0, blocks, batchTimestampMs: 0, watermarkMs: 0, outputMode: 'update' as const, minBatchesToRetain: 2 };
    await expectCode(statefulTask({ ...input, writer: { module: SELF, handler: 'filePerWrite', options: { dir } } }, contextOver(storage)), 'STORAGE_IO_ERROR');
    assert.ok(storage.puts >= 1, 'the state commit was attempted');
    assert.deepEqual(filesUnder(dir), []);
    assert.ok(!fs.existsSync(checkpoint) || filesUnder(checkpoint).every((f) => !f.endsWith('.delta')), 'no state version was committed');
  });

  it('an abort that throws does not replace the original error', async () => {
    const dir = tempDir();
    const storage = new FaultyStorage(createNodeEngine().storage, 0);
    await expectCode(
      mapTask(mapInput(THREE_CHUNKS, { module: SELF, handler: 'filePerWrite', options: { dir, failAtCommit: true, abortThrows: true } }), contextOver(storage)),
      'STORAGE_IO_ERROR',
    );
    assert.deepEqual(filesUnder(dir), []);
  });
});
