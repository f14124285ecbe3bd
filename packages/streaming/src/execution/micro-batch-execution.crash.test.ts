import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MemoryStream, StructType, WeirError, listAll, utf8Decode, utf8Encode, type Row } from '@weir/core';
import { createNodeEngine } from '@weir/node';
import { col, window } from '@weir/planner';
import { createSession, defaultRegistry } from '../session/weir-session.js';
import { writeStream } from '../session/data-stream-writer.js';
import type { Trigger } from './trigger.js';
import { ManualClock, MemoryStorage, type FaultPlan } from '@weir/testkit';
import { limitedMemorySource } from '../testing/limited-memory-source.js';
import type { StreamingQuery } from '../streaming-query.js';

const schema = StructType.fromDDL('id LONG, station STRING, temp DOUBLE, ts TIMESTAMP');
type Pipeline = 'stateless' | 'window-append' | 'window-update' | 'files';
const runs = process.env['WEIR_SOAK'] ? 1000 : process.env['CI'] ? 200 : 12;
const seed = Number(process.env['FC_SEED'] ?? 42);

function isCrash(e: unknown): boolean {
  for (let c: unknown = e; c; c = (c as { cause?: unknown }).cause) if (WeirError.hasCode(c, 'SIMULATED_CRASH')) return true;
  return false;
}

type TriggerKind = 'default' | 'processingTime' | 'once' | 'availableNow';
const TRIGGERS: Record<TriggerKind, Trigger | null> = {
  default: null,
  processingTime: { processingTime: '1 second' },
  once: { once: true },
  availableNow: { availableNow: true },
};

async function settle(p: Promise<unknown>, clock: ManualClock, advance: boolean): Promise<void> {
  let done = false;
  const guarded = p.then(
    () => (done = true),
    () => (done = true),
  );
  for (let i = 0; !done && i < 10_000; i++) {
    if (advance) clock.advance(1000);
    await new Promise((r) => setImmediate(r));
  }
  await guarded;
}

/** One run of the pipeline on `storage`; returns the number of batches it ran, or 'crashed'. */
async function runOnce(storage: MemoryStorage, clock: ManualClock, stream: MemoryStream, kind: TriggerKind, pipeline: Pipeline): Promise<number | 'crashed'> {
  const engine = createNodeEngine({ storage, clock });
  const session = createSession({
    engine,
    conf: { 'weir.executor.threads': 0, 'weir.sql.streaming.minBatchesToRetain': 1 },
    registry: defaultRegistry({ sources: [limitedMemorySource(stream)] }),
  });
  let df =
    pipeline === 'files'
      ? session.readStream
          .format('cloudFiles')
          .option('cloudFiles.format', 'json')
          .option('cloudFiles.maxFilesPerTrigger', 2)
          .schema('id LONG, station STRING, temp DOUBLE, ts TIMESTAMP')
          .load('/landing')
      : session.readStream.format('mem').option('maxFilesPerTrigger', 2).load();
  if (pipeline === 'window-append' || pipeline === 'window-update') {
    df = df.withWatermark('ts', '10 seconds').groupBy(window(col('ts'), '10 seconds'), col('station')).count();
  }
  const writer = writeStream(df)
    .outputMode(pipeline === 'window-update' ? 'update' : 'append')
    .option('checkpointLocation', '/chk')
    .foreachBatch(async (batch, batchId) => {
      // A durable, idempotent sink: one file per batch id, overwritten on replay.
      await engine.storage.put(`/out/batch-${String(batchId).padStart(6, '0')}.json`, utf8Encode(JSON.stringify(batch.rows)));
    });
  const trigger = TRIGGERS[kind];
  if (trigger) writer.trigger(trigger);
  let q: StreamingQuery;
  try {
    q = await writer.start();
  } catch (e) {
    if (isCrash(e)) return 'crashed';
    throw e;
  }
  if (kind === 'default') await settle(q.processAllAvailable(), clock, false);
  else if (kind === 'processingTime') await settle(q.processAllAvailable(), clock, true);
  else await settle(q.awaitTermination(), clock, false);
  await q.stop();
  if (q.exception) {
    if (isCrash(q.exception)) return 'crashed';
    throw q.exception;
  }
  return q.recentProgress.length;
}

/** Crash points as fractions of the crash-free run's mutating storage calls (so every point is reachable). */
interface CrashDraw {
  readonly frac: number;
  readonly when: 'before' | 'after';
}

async function runToCompletion(
  kind: TriggerKind,
  chunks: Row[][],
  draws: CrashDraw[],
  pipeline: Pipeline = 'stateless',
  cleanMutations = 0,
): Promise<{ rows: Row[]; mutations: number }> {
  const plans: FaultPlan[] = draws.map((d) => ({ crash: { atMutation: 1 + Math.floor(d.frac * Math.max(1, cleanMutations)), when: d.when } }));
  const clock = new ManualClock(1_700_000_000_000);
  const stream = new MemoryStream(schema);
  for (const c of chunks) stream.addData(c);
  const durable = new MemoryStorage();
  if (pipeline === 'files') {
    // One landed JSON file per chunk (ts as ISO text, as files carry it).
    for (const [i, c] of chunks.entries()) {
      const text = c.map((r) => JSON.stringify({ ...r, ts: new Date((r['ts'] as number) / 1000).toISOString() })).join('\n');
      await durable.put(`/landing/part-${String(i).padStart(4, '0')}.json`, utf8Encode(text));
    }
  }
  let storage = durable;
  // Count mutations from here (the landed files are the test's input, not the query's work).
  storage.arm(plans[0] ?? {});
  const first = storage;
  for (let attempt = 1; attempt < 200; attempt++) {
    const r = await runOnce(storage, clock, stream, kind, pipeline);
    // Done when a clean run finds nothing left to do.
    if (r === 0) break;
    storage = storage.restart();
    storage.arm(plans[attempt] ?? {});
  }
  const disk = storage.restart();
  const rows: Row[] = [];
  for (const f of await listAll(disk, '/out')) rows.push(...(JSON.parse(utf8Decode(await disk.read(f.path))) as Row[]));
  return { rows, mutations: first.stats.mutations };
}

const key = (r: Row): string => JSON.stringify(r);
const multiset = (rows: Row[]): string[] => rows.map(key).sort();

const rowArb = fc.record(
  {
    id: fc.nat(),
    station: fc.constantFrom('KSEA', 'KPDX', 'KSFO'),
    temp: fc.integer({ min: -300, max: 400 }).map((t) => t / 10),
    // Event times over two minutes, in µs: windows close as the watermark moves.
    ts: fc.integer({ min: 0, max: 120 }).map((s) => (1_700_000_000 + s) * 1_000_000),
  },
  { noNullPrototype: true },
);
const chunksArb = fc.array(fc.array(rowArb, { minLength: 0, maxLength: 4 }), { minLength: 1, maxLength: 6 });
const plansArb = fc.array(
  fc.record({ frac: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), when: fc.constantFrom<'before' | 'after'>('before', 'after') }, { noNullPrototype: true }),
  { minLength: 1, maxLength: 3 },
);

describe('exactly-once under crashes (MemoryStream → foreachBatch file sink)', () => {
  for (const kind of Object.keys(TRIGGERS) as TriggerKind[]) {
    it(`trigger ${kind}: output after crashes at random storage ops equals the crash-free run's`, async () => {
      await fc.assert(
        fc.asyncProperty(chunksArb, plansArb, async (chunks, plans) => {
          const clean = await runToCompletion(kind, chunks, []);
          assert.deepEqual(multiset(clean.rows), multiset(chunks.flat()));
          const crashed = await runToCompletion(kind, chunks, plans, 'stateless', clean.mutations);
          assert.deepEqual(multiset(crashed.rows), multiset(clean.rows));
        }),
        { seed, numRuns: runs },
      );
    });
  }
});

describe('exactly-once under crashes (windowed aggregation → foreachBatch file sink)', () => {
  for (const pipeline of ['window-append', 'window-update'] as const) {
    for (const kind of ['default', 'availableNow', 'once'] as const) {
      it(`${pipeline}, trigger ${kind}: emitted rows after crashes equal the crash-free run's`, async () => {
        await fc.assert(
          fc.asyncProperty(chunksArb, plansArb, async (chunks, plans) => {
            const clean = await runToCompletion(kind, chunks, [], pipeline);
            const crashed = await runToCompletion(kind, chunks, plans, pipeline, clean.mutations);
            assert.deepEqual(multiset(crashed.rows), multiset(clean.rows));
          }),
          { seed, numRuns: Math.max(8, Math.floor(runs / 4)) },
        );
      });
    }
  }
});

describe('exactly-once under crashes (cloudFiles JSON files → foreachBatch file sink)', () => {
  for (const kind of ['default', 'availableNow'] as const) {
    it(`trigger ${kind}: every landed record is delivered exactly once despite crashes`, async () => {
      await fc.assert(
        fc.asyncProperty(chunksArb, plansArb, async (chunks, plans) => {
          const clean = await runToCompletion(kind, chunks, [], 'files');
          assert.deepEqual(multiset(clean.rows), multiset(chunks.flat()));
          const crashed = await runToCompletion(kind, chunks, plans, 'files', clean.mutations);
          assert.deepEqual(multiset(crashed.rows), multiset(clean.rows));
        }),
        { seed, numRuns: Math.max(8, Math.floor(runs / 4)) },
      );
    });
  }
});
