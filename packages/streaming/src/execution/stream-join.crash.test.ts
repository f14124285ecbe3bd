import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MemoryStream, StructType, WeirError, listAll, utf8Decode, utf8Encode, type Row } from '@weir/core';
import { createNodeEngine } from '@weir/node';
import { ManualClock, MemoryStorage, type FaultPlan } from '@weir/testkit';
import { createSession, defaultRegistry } from '../session/weir-session.js';
import { writeStream } from '../session/data-stream-writer.js';
import { limitedMemorySource } from '../testing/limited-memory-source.js';

// Exactly-once for the stream-stream join: crashes at random storage operations (state store
// commits, offset/commit logs, the sink) and restarts from the checkpoint must emit exactly
// the crash-free run's joined rows.
const impSchema = StructType.fromDDL('ad STRING, it TIMESTAMP, n INT');
const clkSchema = StructType.fromDDL('ad STRING, ct TIMESTAMP, m INT');
const runs = process.env['WEIR_SOAK'] ? 400 : process.env['CI'] ? 60 : 10;
const seed = Number(process.env['FC_SEED'] ?? 42);
const S = 1_000_000;
const BASE = 1_700_000_000 * S;

function isCrash(e: unknown): boolean {
  for (let c: unknown = e; c; c = (c as { cause?: unknown }).cause) if (WeirError.hasCode(c, 'SIMULATED_CRASH')) return true;
  return false;
}

async function runOnce(storage: MemoryStorage, clock: ManualClock, imp: MemoryStream, clk: MemoryStream): Promise<number | 'crashed'> {
  const engine = createNodeEngine({ storage, clock });
  const session = createSession({
    engine,
    conf: { 'weir.executor.threads': 0, 'weir.sql.streaming.minBatchesToRetain': 1, 'weir.sql.shuffle.partitions': 3 },
    registry: defaultRegistry({ sources: [limitedMemorySource(imp, 'imp'), limitedMemorySource(clk, 'clk')] }),
  });
  const df = session.readStream
    .format('imp')
    .option('maxFilesPerTrigger', 1)
    .load()
    .withWatermark('it', '5 seconds')
    .join(session.readStream.format('clk').option('maxFilesPerTrigger', 1).load().withWatermark('ct', '5 seconds'), 'ad', 'inner', {
      condition: 'ct BETWEEN it AND it + interval 10 seconds',
    });
  let q;
  try {
    q = await writeStream(df)
      .outputMode('append')
      .option('checkpointLocation', '/chk')
      .foreachBatch(async (batch, batchId) => {
        await engine.storage.put(`/out/batch-${String(batchId).padStart(6, '0')}.json`, utf8Encode(JSON.stringify(batch.rows)));
      })
      .start();
  } catch (e) {
    if (isCrash(e)) return 'crashed';
    throw e;
  }
  await q.processAllAvailable().catch(() => undefined);
  await q.stop();
  await session.close();
  if (q.exception) {
    if (isCrash(q.exception)) return 'crashed';
    throw q.exception;
  }
  return q.recentProgress.length;
}

async function runToCompletion(chunks: { imp: Row[]; clk: Row[] }[], draws: { frac: number; when: 'before' | 'after' }[], cleanMutations = 0) {
  const plans: FaultPlan[] = draws.map((d) => ({ crash: { atMutation: 1 + Math.floor(d.frac * Math.max(1, cleanMutations)), when: d.when } }));
  const clock = new ManualClock(1_700_000_000_000);
  const imp = new MemoryStream(impSchema);
  const clk = new MemoryStream(clkSchema);
  for (const c of chunks) {
    imp.addData(c.imp);
    clk.addData(c.clk);
  }
  let storage = new MemoryStorage();
  storage.arm(plans[0] ?? {});
  const first = storage;
  let attempts = 0;
  for (let attempt = 1; attempt < 100; attempt++) {
    attempts = attempt;
    const r = await runOnce(storage, clock, imp, clk);
    if (r === 0) break;
    storage = storage.restart();
    storage.arm(plans[attempt] ?? {});
  }
  const disk = storage.restart();
  const rows: Row[] = [];
  for (const f of await listAll(disk, '/out')) rows.push(...(JSON.parse(utf8Decode(await disk.read(f.path))) as Row[]));
  return { rows, mutations: first.stats.mutations, attempts };
}

// Event time increases chunk by chunk on each side (so a restart, which forgets the per-source
// max event times as Spark does, computes the same watermarks), with ties and range edges.
const chunksArb = fc
  .array(
    fc.record(
      {
        imp: fc.array(fc.record({ ad: fc.constantFrom('a', 'b'), s: fc.integer({ min: 0, max: 12 }), n: fc.nat(99) }, { noNullPrototype: true }), { minLength: 1, maxLength: 4 }),
        clk: fc.array(fc.record({ ad: fc.constantFrom('a', 'b'), s: fc.integer({ min: 0, max: 12 }), m: fc.nat(99) }, { noNullPrototype: true }), { minLength: 1, maxLength: 4 }),
      },
      { noNullPrototype: true },
    ),
    { minLength: 1, maxLength: 5 },
  )
  .map((cs) =>
    cs.map((c, i) => ({
      imp: c.imp.map((r) => ({ ad: r.ad, it: BASE + (13 * i + r.s) * S, n: r.n })),
      clk: c.clk.map((r) => ({ ad: r.ad, ct: BASE + (13 * i + r.s) * S, m: r.m })),
    })),
  );
const plansArb = fc.array(
  fc.record({ frac: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), when: fc.constantFrom<'before' | 'after'>('before', 'after') }, { noNullPrototype: true }),
  { minLength: 1, maxLength: 3 },
);
const multiset = (rows: Row[]) => rows.map((r) => JSON.stringify(r)).sort();

describe('exactly-once under crashes (stream-stream join → foreachBatch file sink)', () => {
  it('joined rows after crashes at random storage ops equal the crash-free run', async () => {
    await fc.assert(
      fc.asyncProperty(chunksArb, plansArb, async (chunks, plans) => {
        const clean = await runToCompletion(chunks, []);
        // The crash-free run is the nested-loop join (no row is late: event time only grows).
        const expected: Row[] = [];
        for (const i of chunks.flatMap((c) => c.imp)) {
          for (const c of chunks.flatMap((x) => x.clk)) {
            const d = (c['ct'] as number) - (i['it'] as number);
            if (i['ad'] === c['ad'] && d >= 0 && d <= 10 * S) expected.push({ ad: i['ad'], it: i['it'], n: i['n'], ct: c['ct'], m: c['m'] });
          }
        }
        assert.deepEqual(multiset(clean.rows), multiset(expected));
        const crashed = await runToCompletion(chunks, plans, clean.mutations);
        assert.ok(crashed.attempts > 1, 'the run crashed at least once');
        assert.deepEqual(multiset(crashed.rows), multiset(clean.rows));
      }),
      { seed, numRuns: runs },
    );
  });
});
