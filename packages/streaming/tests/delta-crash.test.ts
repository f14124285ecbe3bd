// Crash property tests for the Delta sink and the Delta source → Delta sink chain: a random fault
// plan crashes the run at any storage operation (before or after it lands); the run restarts on
// the durable state until done; the final table must hold exactly the crash-free run's rows
// (multiset) and the log no duplicate txn versions. The loop below is the micro-batch protocol of
// DESIGN.md §3 (offsets WAL → sink → commits), driven directly so every storage call of the sink
// and source is a crash point. (The session-level variant runs once @weir/testkit lands.)
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { StructType, joinPath, rowBatch, utf8Decode, utf8Encode, type Engine, type Offset, type Row, type Sink, type Source, type TaskContext, type WriterTaskInput } from '@weir/core';
import { deltaSinkPlugins, deltaSourcePlugins, readDeltaTable, writeDeltaBatch } from '@weir/streaming';
import { FaultyMemoryStorage, isSimulatedCrash, memoryEngine, type FaultPlan } from './delta-crash-helpers.js';

const schema = StructType.fromDDL('k STRING, n LONG');
const RUNS = process.env['WEIR_SOAK'] ? 1000 : process.env['CI'] ? 200 : 40;
const CHK = '/chk';
const OUT = '/out';
const SRC = '/src';

type Mode = 'append' | 'complete';
type Path = 'addBatch' | 'writerFactory';

/** The transform: keep even n, tag them. */
const transform = (rows: readonly Row[]) => rows.filter((r) => Number(r['n']) % 2 === 0).map((r) => ({ k: `${r['k']}!`, n: r['n'] }));

async function exists(engine: Engine, p: string) {
  return (await engine.storage.head(p)) !== null;
}

async function runBatch(engine: Engine, sink: Sink, batchId: number, rows: Row[], mode: Mode, via: Path) {
  const info = { schema, outputMode: mode } as const;
  if (via === 'addBatch') return sink.addBatch(batchId, rowBatch(schema, rows), info);
  const factory = sink.createWriterFactory!(batchId, info)!;
  const mod = (await import(factory.module)) as { taskHandlers: Record<string, (i: WriterTaskInput, c: TaskContext) => Promise<unknown>> };
  const half = Math.ceil(rows.length / 2);
  const messages = [];
  for (const [taskId, part] of [rows.slice(0, half), rows.slice(half)].entries()) {
    messages.push(await mod.taskHandlers[factory.handler]!({ options: factory.options, batchId, taskId, batch: rowBatch(schema, part) }, { engine }));
  }
  await sink.commitBatch!(batchId, messages, info);
}

/** One run of the query until its input is exhausted; throws SIMULATED_CRASH when the plan fires. */
async function runQuery(engine: Engine, mode: Mode, via: Path, input: { batches?: Row[][]; source?: Source }) {
  const sink = await deltaSinkPlugins.find((p) => p.name === 'delta')!.createSink({}, {
    engine, path: OUT, queryId: 'query-1', outputMode: mode, partitionBy: [], conf: {}, log: () => {},
  });
  let complete: Row[] = []; // complete mode: the running "aggregate" is all rows so far
  for (let batchId = 0; ; batchId++) {
    const offPath = joinPath(CHK, 'offsets', String(batchId));
    let start: Offset | null = null;
    if (batchId > 0) start = JSON.parse(utf8Decode(await engine.storage.read(joinPath(CHK, 'offsets', String(batchId - 1))))) as Offset | null;
    let end: Offset | null;
    if (await exists(engine, offPath)) end = JSON.parse(utf8Decode(await engine.storage.read(offPath))) as Offset;
    else {
      if (input.source) end = await input.source.latestOffset(start, { maxFiles: 2 });
      else end = batchId < input.batches!.length ? { v: 1, index: batchId + 1 } : null;
      if (end === null || JSON.stringify(end) === JSON.stringify(start)) return;
      await engine.storage.put(offPath, utf8Encode(JSON.stringify(end)), { ifAbsent: true });
    }
    let rows: Row[];
    if (input.source) {
      rows = [];
      for (const p of await input.source.planInputPartitions(start, end!)) {
        const mod = (await import(p.readerModule)) as { partitionReaders: Record<string, (d: unknown, c: { engine: Engine }) => Promise<{ rows: Row[] }>> };
        rows.push(...(await mod.partitionReaders[p.reader]!(p.data, { engine })).rows);
      }
    } else rows = input.batches![batchId]!;
    const out = transform(rows);
    complete = [...complete, ...out];
    if (!(await exists(engine, joinPath(CHK, 'commits', String(batchId))))) {
      await runBatch(engine, sink, batchId, mode === 'complete' ? complete : out, mode, via);
      await engine.storage.put(joinPath(CHK, 'commits', String(batchId)), utf8Encode('v1\n{}'), { ifAbsent: true });
    }
  }
}

/** Runs with the fault plan, restarting on the durable state until the query finishes. */
async function runToCompletion(initial: FaultyMemoryStorage, plan: FaultPlan, body: (engine: Engine) => Promise<void>) {
  let storage = initial.restart(plan);
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      await body(memoryEngine(storage));
      return storage;
    } catch (err) {
      if (!isSimulatedCrash(err)) throw err;
      storage = storage.restart(); // later runs: no more faults
    }
  }
  throw new Error('did not finish');
}

function txnVersionsOf(storage: FaultyMemoryStorage) {
  return (async () => {
    const engine = memoryEngine(storage.restart());
    const versions: number[] = [];
    for await (const f of engine.storage.list(joinPath(OUT, '_delta_log'))) {
      for (const line of utf8Decode(await engine.storage.read(f.path)).split('\n')) {
        if (line.trim() && JSON.parse(line).txn) versions.push(JSON.parse(line).txn.version);
      }
    }
    return versions;
  })();
}

/** The table's rows, or none when no batch ever committed (e.g. all-empty input). */
async function tableRows(storage: FaultyMemoryStorage): Promise<Row[]> {
  try {
    return [...(await readDeltaTable(memoryEngine(storage.restart()), OUT)).rows];
  } catch (err) {
    if ((err as { code?: string }).code === 'DELTA_TABLE_NOT_FOUND') return [];
    throw err;
  }
}

const sortRows = (rows: readonly Row[]) => rows.map((r) => `${r['k']}|${r['n']}`).sort();

const batchesArb = fc.array(
  fc.array(fc.record({ k: fc.constantFrom('a', 'b', 'c'), n: fc.integer({ min: 0, max: 50 }) }, { noNullPrototype: true }), { maxLength: 5 }),
  { minLength: 1, maxLength: 5 },
);
// Where to crash: any of the crash-free run's mutating storage calls (uniformly, via the modulo).
const planArb = fc.record({ at: fc.integer({ min: 0, max: 0x7fffffff }), when: fc.constantFrom('before' as const, 'after' as const) }, { noNullPrototype: true });
const planFor = (clean: FaultyMemoryStorage, p: { at: number; when: 'before' | 'after' }, base = 0): FaultPlan => ({
  crashAt: base + 1 + (p.at % Math.max(1, clean.mutations - base)),
  when: p.when,
});

describe('delta sink: crash property', () => {
  for (const mode of ['append', 'complete'] as const) {
    for (const via of ['addBatch', 'writerFactory'] as const) {
      it(`${mode} via ${via}: final table equals the crash-free run, txn versions unique`, async () => {
        await fc.assert(
          fc.asyncProperty(batchesArb, planArb, async (batches, plan) => {
            const clean = await runToCompletion(new FaultyMemoryStorage(), { crashAt: 0, when: 'before' }, (e) => runQuery(e, mode, via, { batches }));
            const crashed = await runToCompletion(new FaultyMemoryStorage(), planFor(clean, plan), (e) => runQuery(e, mode, via, { batches }));
            const expected = (await tableRows(clean));
            const actual = (await tableRows(crashed));
            assert.deepEqual(sortRows(actual), sortRows(expected));
            // the crash-free run itself is the plain transform of the input (an outside check on the oracle)
            assert.deepEqual(sortRows(expected), sortRows(transform(batches.flat())));
            const txns = await txnVersionsOf(crashed);
            assert.equal(new Set(txns).size, txns.length, `duplicate txn versions ${txns}`);
          }),
          { seed: Number(process.env['FC_SEED'] ?? 42), numRuns: RUNS },
        );
      });
    }
  }
});

async function chainRun(engine: Engine, options: Record<string, string>) {
  const source = await deltaSourcePlugins.find((p) => p.name === 'delta')!.createSource(options, {
    engine, path: SRC, metadataPath: joinPath(CHK, 'sources', '0'), conf: {}, log: () => {},
  });
  await runQuery(engine, 'append', 'writerFactory', { source });
}

describe('delta source → delta sink chain: crash property', () => {
  it('every upstream row lands downstream exactly once, whatever the crash point', async () => {
    await fc.assert(
      fc.asyncProperty(batchesArb, planArb, fc.boolean(), async (batches, plan, fromStartingVersion) => {
        // the upstream table: one commit per input batch (written crash-free)
        const base = new FaultyMemoryStorage();
        const upstream = memoryEngine(base);
        for (const b of batches) await writeDeltaBatch(upstream, SRC, rowBatch(schema, b));
        const options = fromStartingVersion ? { startingVersion: '0', maxFilesPerTrigger: '2' } : { maxFilesPerTrigger: '2' };
        const clean = await runToCompletion(base, { crashAt: 0, when: 'before' }, (engine) => chainRun(engine, options));
        const crashed = await runToCompletion(base, planFor(clean, plan), async (engine) => {
          const source = await deltaSourcePlugins.find((p) => p.name === 'delta')!.createSource(options, {
            engine, path: SRC, metadataPath: joinPath(CHK, 'sources', '0'), conf: {}, log: () => {},
          });
          await runQuery(engine, 'append', 'writerFactory', { source });
        });
        assert.deepEqual(sortRows((await tableRows(clean))), sortRows(transform(batches.flat())));
        const actual = (await tableRows(crashed));
        assert.deepEqual(sortRows(actual), sortRows(transform(batches.flat())));
        const txns = await txnVersionsOf(crashed);
        assert.equal(new Set(txns).size, txns.length);
      }),
      { seed: Number(process.env['FC_SEED'] ?? 42), numRuns: RUNS },
    );
  });
});
