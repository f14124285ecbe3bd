// Exactly-once discovery: random interleavings of files landing, micro-batches (planned, read,
// "sunk", committed through a simulated engine WAL), crashes at any mutating storage call and
// restarts. Every landed file's rows must end up in exactly one committed batch.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { WeirError, utf8Decode, utf8Encode, type Offset, type Source } from '@weir/core';
import { MemoryStorage } from '@weir/testkit';
import { cloudFiles, readBatch } from './helpers/harness.js';

type Op =
  | { kind: 'land'; extra: boolean; count: number }
  | { kind: 'batch' }
  | { kind: 'crash'; after: number; when: 'before' | 'after' }
  | { kind: 'ioError'; nth: number; errno: 'EIO' | 'ENOSPC' };


/** The slice of Spark's MicroBatchExecution this property needs: offsets WAL, sink, commits log. */
class EngineSim {
  fs: MemoryStorage;
  source!: Source;
  readonly #options: Record<string, string>;

  constructor(fs: MemoryStorage, options: Record<string, string>) {
    this.fs = fs;
    this.#options = options;
  }

  async #entries(dir: string): Promise<number[]> {
    const out: number[] = [];
    for await (const f of this.fs.list(dir)) out.push(Number(f.path.slice(f.path.lastIndexOf('/') + 1)));
    return out.sort((a, b) => a - b);
  }

  async #offset(n: number): Promise<Offset | null> {
    if (n < 0) return null;
    return JSON.parse(utf8Decode(await this.fs.read(`/ckpt/offsets/${n}`))) as Offset;
  }

  async #runBatch(n: number, start: Offset | null, end: Offset): Promise<void> {
    const rows = await readBatch(this.source, this.fs, start, end);
    try {
      await this.fs.put(`/sink/${n}`, utf8Encode(JSON.stringify(rows.map((r) => r['id']))), { ifAbsent: true });
    } catch (e) {
      if (!WeirError.hasCode(e, 'FILE_ALREADY_EXISTS')) throw e; // idempotent sink: batch n already written
    }
    await this.fs.put(`/ckpt/commits/${n}`, utf8Encode('v1\n{}'), { ifAbsent: true });
    await this.source.commit(end);
  }

  /** Start (or restart): create the source, re-run an uncommitted batch from the WAL. */
  async start(): Promise<void> {
    this.source = await cloudFiles(this.fs, this.#options);
    const offsets = await this.#entries('/ckpt/offsets');
    const commits = await this.#entries('/ckpt/commits');
    const last = offsets[offsets.length - 1];
    if (last !== undefined && !commits.includes(last)) await this.#runBatch(last, await this.#offset(last - 1), (await this.#offset(last)) as Offset);
  }

  /** One trigger: returns false when idle. */
  async step(): Promise<boolean> {
    const offsets = await this.#entries('/ckpt/offsets');
    const n = offsets.length === 0 ? 0 : (offsets[offsets.length - 1] as number) + 1;
    const start = await this.#offset(n - 1);
    const end = await this.source.latestOffset(start, this.source.getDefaultReadLimit());
    if (end === null || JSON.stringify(end) === JSON.stringify(start)) return false;
    await this.fs.put(`/ckpt/offsets/${n}`, utf8Encode(JSON.stringify(end)), { ifAbsent: true });
    await this.#runBatch(n, start, end);
    return true;
  }
}

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('land' as const), extra: fc.boolean(), count: fc.integer({ min: 1, max: 3 }) }, { noNullPrototype: true }) },
  { weight: 4, arbitrary: fc.constant({ kind: 'batch' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('crash' as const), after: fc.integer({ min: 0, max: 4 }), when: fc.constantFrom('before' as const, 'after' as const) }, { noNullPrototype: true }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('ioError' as const), nth: fc.integer({ min: 1, max: 4 }), errno: fc.constantFrom('EIO' as const, 'ENOSPC' as const) }, { noNullPrototype: true }),
  },
);

/** A crash or an injected I/O failure ends the query; anything else is a bug. */
const isFault = (e: unknown) => WeirError.hasCode(e, 'SIMULATED_CRASH') || WeirError.hasCode(e, 'STORAGE_IO_ERROR');

async function runScenario(ops: readonly Op[], maxFiles: number, maxBytes: number | null, compactHeavy: boolean, incremental = false): Promise<void> {
  // The query's view of the disk takes the faults; files land through a separate, healthy view
  // (another process writing into the landing directory).
  const disk = new MemoryStorage();
  const lander = disk.restart();
  let fs = disk.restart();
  let seq = 0;
  const landed: string[] = [];
  const land = (extra: boolean) => {
    const id = `id${seq}`;
    // Names are not in time order; some files carry a new column (schema evolution on the way).
    // Incremental listing needs lexically increasing names; otherwise names are not in time order.
    const name = incremental ? `/in/f${String(seq).padStart(6, '0')}.json` : `/in/d${seq % 3}/f${(seq * 7919) % 1000}-${seq}.json`;
    landedWrites.push(lander.put(name, utf8Encode(JSON.stringify(extra ? { id, [`c${seq % 4}`]: seq } : { id }) + '\n')));
    landed.push(id);
    seq++;
  };
  const landedWrites: Array<Promise<void>> = [];
  land(false); // schema inference needs one file
  await Promise.all(landedWrites);
  const options: Record<string, string> = {
    'cloudFiles.format': 'json',
    'cloudFiles.schemaLocation': '/ckpt/schema',
    'cloudFiles.maxFilesPerTrigger': String(maxFiles),
    ...(maxBytes === null ? {} : { 'cloudFiles.maxBytesPerTrigger': `${maxBytes}b` }),
    ...(incremental ? { 'cloudFiles.useIncrementalListing': 'true' } : {}),
  };
  let engine = new EngineSim(fs, options);
  const restart = async () => {
    for (;;) {
      fs = fs.restart();
      engine = new EngineSim(fs, options);
      try {
        await engine.start();
        return;
      } catch (e) {
        if (!isFault(e)) throw e;
      }
    }
  };
  await restart();
  for (const op of ops) {
    if (op.kind === 'land') {
      for (let i = 0; i < op.count; i++) land(op.extra);
      await Promise.all(landedWrites);
    } else if (op.kind === 'crash') fs.arm({ crash: { atMutation: op.after + 1, when: op.when } });
    else if (op.kind === 'ioError') fs.arm({ failures: [{ operation: 'put', nth: op.nth, errno: op.errno }] });
    else {
      try {
        await engine.step();
      } catch (e) {
        if (!isFault(e)) throw e;
        await restart();
      }
    }
    if (fs.crashed) await restart();
  }
  // Final clean restart, then drain.
  await restart();
  let guard = 0;
  while (await engine.step()) if (++guard > 10_000) throw new Error('does not converge');
  const seen: string[] = [];
  for await (const f of fs.list('/sink')) seen.push(...(JSON.parse(utf8Decode(await fs.read(f.path))) as string[]));
  assert.deepEqual([...seen].sort(), [...landed].sort(), 'every landed file read in exactly one committed batch');
  if (compactHeavy) {
    const log: string[] = [];
    for await (const f of fs.list('/ckpt/sources/0')) log.push(f.path);
    assert.ok(log.length <= 25, `source log stays bounded: ${log.length} files`);
  }
}

describe('exactly-once discovery under crashes and restarts', () => {
  it('every file lands in exactly one committed batch (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(opArb, { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 3 }),
        fc.option(fc.integer({ min: 1, max: 60 }), { nil: null }),
        fc.boolean(),
        async (ops, maxFiles, maxBytes, incremental) => runScenario(ops, maxFiles, maxBytes, false, incremental),
      ),
      { seed: Number(process.env['FC_SEED'] ?? 42), numRuns: process.env['CI'] ? 150 : 40 },
    );
  });

  it('long runs cross several compactions and stay bounded', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 80, maxLength: 120 }), async (ops) => runScenario(ops, 1, null, true)),
      { seed: Number(process.env['FC_SEED'] ?? 7), numRuns: process.env['CI'] ? 20 : 6 },
    );
  });
});
