// The Delta sink and source through the public session API (WeirSession → MicroBatchExecution →
// WriterFactory in tasks → commitBatch): end-to-end results read back by DuckDB, the Delta → Delta
// chain (notebook 08), and the crash property for every trigger type on a fault-injecting storage.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import fc from 'fast-check';
import { MemoryStream, StructType, WeirError, joinPath, utf8Decode, utf8Encode, type Engine, type Row, type Source, type SourcePlugin } from '@weir/core';
import { createNodeEngine } from '@weir/node';
import { functions as F } from '@weir/planner';
import { createSession, defaultRegistry, readDeltaTable, readFileSinkOutput, writeDeltaBatch, type StreamingQuery, type Trigger } from '@weir/streaming';
import { rowBatch } from '@weir/core';
import { FaultyMemoryStorage, type FaultPlan } from './delta-crash-helpers.js';
import { duckRows, tempDir, txnVersions } from './delta-test-helpers.js';

const schema = StructType.fromDDL('k STRING, n LONG');
const RUNS = process.env['WEIR_SOAK'] ? 1000 : process.env['CI'] ? 200 : 12;

/** MemoryStream admitting at most `maxFiles` chunks per batch (so runs have several batches), pinned by availableNow. */
function limitedStream(stream: MemoryStream, maxFiles: number): SourcePlugin {
  return Object.freeze({
    name: 'mem',
    options: [],
    createSource: (): Source => {
      let pinned: number | null = null;
      return {
        schema: () => stream.schema(),
        getDefaultReadLimit: () => ({ maxFiles }),
        async latestOffset(s, l) {
          const o = (await stream.latestOffset(s, l)) as { v: 1; index: number } | null;
          return o === null || pinned === null ? o : { v: 1, index: Math.min(o.index, pinned) };
        },
        async prepareForTriggerAvailableNow() {
          pinned = ((await stream.latestOffset(null, {})) as { index: number } | null)?.index ?? 0;
        },
        planInputPartitions: (s, e) => stream.planInputPartitions(s, e),
        commit: async () => undefined,
        close: async () => undefined,
      };
    },
  });
}

/* eslint-disable @typescript-eslint/no-explicit-any */
function pipeline(session: any): any {
  return session.readStream
    .format('mem')
    .load()
    .where(F.col('n').mod(2).eq(0))
    .withColumn('k', F.concat(F.col('k'), F.lit('!')));
}
const transform = (rows: readonly Row[]) => rows.filter((r) => Number(r['n']) % 2 === 0).map((r) => ({ k: `${r['k']}!`, n: r['n'] }));
const key = (rows: readonly Row[]) => rows.map((r) => `${r['k']}|${r['n']}`).sort();

describe('delta sink through the session', () => {
  for (const threads of [0, 2]) {
    it(`memory stream → transform → delta (threads ${threads}), availableNow; DuckDB reads exactly the rows`, async () => {
      const dir = tempDir();
      const stream = new MemoryStream(schema);
      stream.addData([{ k: 'a', n: 1 }, { k: 'b', n: 2 }]);
      stream.addData([{ k: 'c', n: 4 }]);
      stream.addData([{ k: 'd', n: 6 }, { k: 'e', n: 7 }]);
      const engine = createNodeEngine();
      const session = createSession({ engine, conf: { 'weir.executor.threads': threads }, registry: defaultRegistry({ sources: [limitedStream(stream, 1)] }) });
      try {
        const q = await pipeline(session).writeStream.format('delta').option('checkpointLocation', path.join(dir, 'chk')).trigger({ availableNow: true }).start(path.join(dir, 'out'));
        await q.awaitTermination();
        assert.equal(q.recentProgress.length, 3);
        const duck = await duckRows(path.join(dir, 'out'), 'k, n', 'n');
        assert.deepEqual(duck.map((r) => [r['k'], Number(r['n'])]), [['b!', 2], ['c!', 4], ['d!', 6]]);
        assert.deepEqual(txnVersions(path.join(dir, 'out')).get(q.id), [0, 1, 2]);
      } finally {
        await session.close();
      }
    });
  }

  it('delta → delta stream-to-stream (notebook 08), then new upstream commits flow on restart', async () => {
    const dir = tempDir();
    const engine = createNodeEngine();
    const up = path.join(dir, 'bronze');
    await writeDeltaBatch(engine, up, rowBatch(schema, [{ k: 'a', n: 2 }, { k: 'b', n: 3 }]));
    await writeDeltaBatch(engine, up, rowBatch(schema, [{ k: 'c', n: 4 }]));
    const session = createSession({ engine, conf: { 'weir.executor.threads': 0 } });
    try {
      const run = async () => {
        const q: StreamingQuery = await (session.readStream.format('delta').option('maxFilesPerTrigger', '1').load(up) as any)
          .where(F.col('n').mod(2).eq(0))
          .writeStream.format('delta').option('checkpointLocation', path.join(dir, 'chk')).trigger({ availableNow: true }).start(path.join(dir, 'silver'));
        await q.awaitTermination();
        return q;
      };
      const q1 = await run();
      assert.equal(q1.recentProgress.length, 2);
      await writeDeltaBatch(engine, up, rowBatch(schema, [{ k: 'd', n: 6 }, { k: 'e', n: 8 }]));
      await run();
      const rows = (await readDeltaTable(engine, path.join(dir, 'silver'))).rows;
      assert.deepEqual(key(rows), ['a|2', 'c|4', 'd|6', 'e|8']);
    } finally {
      await session.close();
    }
  });

  it('parquet file sink through the session: every row once in the _weir_metadata-listed files', async () => {
    const dir = tempDir();
    const stream = new MemoryStream(schema);
    stream.addData([{ k: 'a', n: 2 }]);
    stream.addData([{ k: 'b', n: 4 }]);
    const engine = createNodeEngine();
    const session = createSession({ engine, conf: { 'weir.executor.threads': 0 }, registry: defaultRegistry({ sources: [limitedStream(stream, 1)] }) });
    try {
      const q = await pipeline(session).writeStream.format('parquet').option('checkpointLocation', path.join(dir, 'chk')).trigger({ availableNow: true }).start(path.join(dir, 'out'));
      await q.awaitTermination();
      assert.deepEqual(key(await readFileSinkOutput(engine, path.join(dir, 'out'))), ['a!|2', 'b!|4']);
    } finally {
      await session.close();
    }
  });
});

// ---- crash property at the session level ---------------------------------------------------

type TriggerKind = 'default' | 'processingTime' | 'once' | 'availableNow';
const TRIGGERS: Record<TriggerKind, Trigger | null> = {
  default: null,
  processingTime: { processingTime: '5 ms' },
  once: { once: true },
  availableNow: { availableNow: true },
};

function isCrash(e: unknown): boolean {
  for (let c: unknown = e; c; c = (c as { cause?: unknown }).cause) if (WeirError.hasCode(c, 'SIMULATED_CRASH')) return true;
  return false;
}

/** The query's input: the memory stream, or (chain, notebook 08) the upstream Delta table `/src`. */
type Input = { readonly stream: MemoryStream } | { readonly deltaTable: string } | { readonly landing: string };
type InputKind = 'memory' | 'files' | 'delta';

async function runOnce(storage: FaultyMemoryStorage, input: Input, kind: TriggerKind): Promise<number | 'crashed'> {
  const engine: Engine = createNodeEngine({ storage });
  const session = createSession({
    engine,
    conf: { 'weir.executor.threads': 0, 'weir.sql.streaming.minBatchesToRetain': 3 },
    registry: 'stream' in input ? defaultRegistry({ sources: [limitedStream(input.stream, 2)] }) : defaultRegistry(),
  });
  try {
    const source =
      'stream' in input
        ? session.readStream.format('mem').load()
        : 'deltaTable' in input
          ? session.readStream.format('delta').option('maxFilesPerTrigger', '2').load(input.deltaTable)
          : session.readStream
              .format('cloudFiles')
              .option('cloudFiles.format', 'json')
              .option('cloudFiles.schemaLocation', '/chk/schema')
              .option('cloudFiles.maxFilesPerTrigger', '2')
              .schema('k STRING, n LONG')
              .load(input.landing);
    const df = (source as any).where(F.col('n').mod(2).eq(0)).withColumn('k', F.concat(F.col('k'), F.lit('!')));
    const writer = df.writeStream.format('delta').option('checkpointLocation', '/chk');
    if (TRIGGERS[kind]) writer.trigger(TRIGGERS[kind]);
    let q: StreamingQuery;
    try {
      q = await writer.start('/out');
    } catch (e) {
      if (isCrash(e)) return 'crashed';
      throw e;
    }
    try {
      if (kind === 'default' || kind === 'processingTime') await q.processAllAvailable();
      else await q.awaitTermination();
    } catch (e) {
      if (!isCrash(e)) throw e;
    }
    await q.stop();
    if (q.exception) {
      if (isCrash(q.exception)) return 'crashed';
      throw q.exception;
    }
    return q.recentProgress.filter((p) => p.numInputRows > 0 || p.batchId >= 0).length;
  } finally {
    await session.close().catch(() => undefined);
  }
}

/** Runs until a run finds nothing to do; returns the final storage and the mutating calls made in all. */
async function runToCompletion(
  kind: TriggerKind,
  chunks: Row[][],
  plan: FaultPlan | null,
  inputKind: InputKind = 'memory',
): Promise<{ storage: FaultyMemoryStorage; mutations: number }> {
  let storage = new FaultyMemoryStorage();
  let input: Input;
  if (inputKind === 'files') {
    // One NDJSON file per chunk, landed before the query starts (names sort in landing order).
    for (const [i, c] of chunks.entries()) {
      await storage.put(`/landing/part-${String(i).padStart(4, '0')}.json`, utf8Encode(c.map((r) => JSON.stringify(r)).join('\n')));
    }
    input = { landing: '/landing' };
  } else if (inputKind === 'delta') {
    // The upstream table: one commit per chunk, written crash-free before the query starts.
    const upstream = createNodeEngine({ storage });
    for (const c of chunks) await writeDeltaBatch(upstream, '/src', rowBatch(schema, c));
    input = { deltaTable: '/src' };
  } else {
    const stream = new MemoryStream(schema);
    for (const c of chunks) stream.addData(c);
    input = { stream };
  }
  storage = storage.restart(plan ?? undefined);
  let mutations = 0;
  for (let attempt = 0; attempt < 100; attempt++) {
    const r = await runOnce(storage, input, kind);
    mutations += storage.mutations;
    if (r === 0) return { storage, mutations };
    storage = storage.restart();
  }
  throw new Error('query did not finish');
}

async function tableTxnVersions(storage: FaultyMemoryStorage): Promise<number[]> {
  const s = storage.restart();
  const out: number[] = [];
  for await (const f of s.list(joinPath('/out', '_delta_log'))) {
    if (!f.path.endsWith('.json')) continue;
    for (const line of utf8Decode(await s.read(f.path)).split('\n')) if (line.trim() && JSON.parse(line).txn) out.push(JSON.parse(line).txn.version);
  }
  return out;
}

const chunksArb = fc.array(fc.array(fc.record({ k: fc.constantFrom('a', 'b'), n: fc.integer({ min: 0, max: 20 }) }, { noNullPrototype: true }), { maxLength: 3 }), {
  minLength: 1,
  maxLength: 5,
});
// Where to crash: any of the crash-free run's mutating storage calls (uniformly, via the modulo).
const planArb = fc.record({ at: fc.integer({ min: 0, max: 0x7fffffff }), when: fc.constantFrom('before' as const, 'after' as const) }, { noNullPrototype: true });

const SUITES: Record<InputKind, string> = {
  memory: 'delta sink through the session (memory source): crash property per trigger',
  files: 'file source (cloudFiles) → delta sink through the session: crash property per trigger',
  delta: 'delta source → delta sink chain through the session: crash property per trigger',
};
for (const inputKind of ['memory', 'files', 'delta'] as const) {
  describe(SUITES[inputKind], () => {
    for (const kind of Object.keys(TRIGGERS) as TriggerKind[]) {
      it(`trigger ${kind}: after crashes at random storage ops the table holds the crash-free rows, txn versions unique`, async () => {
        await fc.assert(
          fc.asyncProperty(chunksArb, planArb, async (chunks, plan) => {
            const clean = await runToCompletion(kind, chunks, null, inputKind);
            const expected = key((await readDeltaTable(createNodeEngine({ storage: clean.storage.restart() }), '/out').catch(() => ({ rows: [] }))).rows);
            assert.deepEqual(expected, key(transform(chunks.flat())));
            const crashAt = 1 + (plan.at % Math.max(1, clean.mutations));
            const { storage: crashed } = await runToCompletion(kind, chunks, { crashAt, when: plan.when }, inputKind);
            const actual = key((await readDeltaTable(createNodeEngine({ storage: crashed.restart() }), '/out').catch(() => ({ rows: [] }))).rows);
            assert.deepEqual(actual, expected);
            const txns = await tableTxnVersions(crashed);
            assert.equal(new Set(txns).size, txns.length, `duplicate txn versions: ${txns}`);
          }),
          { seed: Number(process.env['FC_SEED'] ?? 42), numRuns: inputKind === 'memory' ? RUNS : Math.max(8, Math.floor(RUNS / 2)) },
        );
      });
    }
  });
}
