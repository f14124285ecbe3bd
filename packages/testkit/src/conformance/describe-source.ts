import assert from 'node:assert/strict';
import { canonicalJSON, offsetEquals, type Engine, type Offset, type ReadLimit, type Row, type Source } from '@weir/core';
import { readPartitions } from './read-partitions.js';
import { rowMultiset } from './row-multiset.js';
import { NODE_TEST, type TestApi } from './test-api.js';

/**
 * A source under test plus the means to give it data. The suite calls `feed` to add data in
 * "units" (the source's admission unit: a file for a file source, an `addData` call for a
 * memory stream) and `restart` to get the source a restarted query would create over the same
 * data and checkpoint directory.
 */
export interface SourceUnderTest {
  readonly engine: Engine;
  readonly source: Source;
  /** Adds `units` units of new data; returns every row they contain. */
  feed(units: number): Promise<readonly Row[]>;
  /** A new source instance as after a restart (same options, data and metadata path). */
  restart(): Promise<Source>;
  readonly cleanup?: () => Promise<void> | void;
}

export type SourceFactory = () => Promise<SourceUnderTest>;

export interface DescribeSourceOptions {
  readonly test?: TestApi;
  /**
   * A read limit that admits exactly one unit per batch, if the source supports one
   * (e.g. `{ maxFiles: 1 }` for `maxFilesPerTrigger`). `null` skips the admission test.
   * Defaults to `{ maxFiles: 1 }`.
   */
  readonly oneUnitLimit?: ReadLimit | null;
}

const nothingNew = (start: Offset | null, end: Offset | null): boolean => end === null || (start !== null && offsetEquals(start, end));

/** Runs batches under `limit` from `start` until the source has nothing new; returns rows per batch. */
async function drain(sut: SourceUnderTest, source: Source, start: Offset | null, limit: ReadLimit): Promise<{ batches: Row[][]; end: Offset | null }> {
  const batches: Row[][] = [];
  let current = start;
  for (let guard = 0; guard < 1000; guard++) {
    const end = await source.latestOffset(current, limit);
    if (nothingNew(current, end)) return { batches, end: current };
    const parts = await source.planInputPartitions(current, end as Offset);
    batches.push(await readPartitions(sut.engine, parts));
    await source.commit(end as Offset);
    current = end;
  }
  throw new Error('source never ran out of data (1000 batches)');
}

/**
 * Spark's source contract (core's `Source` TSDoc) as a test suite, for source plugin authors:
 *
 * ```ts
 * describeSource('memory', async () => {
 *   const stream = new MemoryStream(schema);
 *   let n = 0;
 *   return { engine: createTestEngine(), source: stream, restart: async () => stream,
 *            feed: async (units) => { const rows = …; for (…) stream.addData(…); return rows; } };
 * });
 * ```
 */
export function describeSource(name: string, make: SourceFactory, options: DescribeSourceOptions = {}): void {
  const { describe, it } = options.test ?? NODE_TEST;
  const oneUnit = options.oneUnitLimit === undefined ? { maxFiles: 1 } : options.oneUnitLimit;

  const withSource = (title: string, body: (sut: SourceUnderTest) => Promise<void>): void => {
    it(title, async () => {
      const sut = await make();
      try {
        await body(sut);
      } finally {
        await sut.source.close();
        await sut.cleanup?.();
      }
    });
  };

  describe(`Source conformance: ${name}`, () => {
    withSource('latestOffset reports nothing new before any data arrives', async (sut) => {
      assert.ok(nothingNew(null, await sut.source.latestOffset(null, {})));
    });

    withSource('latestOffset is deterministic and free of side effects', async (sut) => {
      await sut.feed(2);
      const a = await sut.source.latestOffset(null, {});
      const b = await sut.source.latestOffset(null, {});
      assert.ok(a !== null);
      assert.ok(offsetEquals(a, b), `${canonicalJSON(a)} vs ${canonicalJSON(b)}`);
      const restarted = await sut.restart();
      try {
        assert.ok(offsetEquals(a, await restarted.latestOffset(null, {})));
      } finally {
        if (restarted !== sut.source) await restarted.close();
      }
    });

    withSource('offsets are versioned JSON data ({"v": n, …}) that survive a JSON round trip', async (sut) => {
      await sut.feed(1);
      const end = await sut.source.latestOffset(null, {});
      assert.ok(end !== null);
      assert.equal(typeof end.v, 'number');
      assert.ok(Number.isInteger(end.v) && end.v >= 1);
      const json = JSON.stringify(end);
      assert.deepEqual(JSON.parse(json), JSON.parse(JSON.stringify(JSON.parse(json))));
      assert.ok(offsetEquals(JSON.parse(json) as Offset, end));
    });

    withSource('planInputPartitions is plain data and replays to the same rows after a restart', async (sut) => {
      const fed = await sut.feed(3);
      const end = await sut.source.latestOffset(null, {});
      assert.ok(end !== null);
      const parts = await sut.source.planInputPartitions(null, end);
      assert.deepEqual(structuredClone(parts), parts, 'input partitions must be plain data');
      const rows = await readPartitions(sut.engine, parts);
      assert.deepEqual(rowMultiset(rows), rowMultiset(fed));
      // A restart must replay (start, end) to the same partitions and rows, with the offset read back from JSON.
      const restarted = await sut.restart();
      try {
        const replay = await restarted.planInputPartitions(null, JSON.parse(JSON.stringify(end)) as Offset);
        assert.deepEqual(replay, parts);
        assert.deepEqual(rowMultiset(await readPartitions(sut.engine, replay)), rowMultiset(rows));
        assert.deepEqual(restarted.schema(), sut.source.schema());
      } finally {
        if (restarted !== sut.source) await restarted.close();
      }
    });

    withSource('successive batches neither lose nor repeat rows, and commit leaves nothing new', async (sut) => {
      const first = await sut.feed(2);
      const one = await drain(sut, sut.source, null, {});
      const second = await sut.feed(2);
      const two = await drain(sut, sut.source, one.end, {});
      assert.deepEqual(rowMultiset(one.batches.flat()), rowMultiset(first));
      assert.deepEqual(rowMultiset(two.batches.flat()), rowMultiset(second));
      assert.ok(nothingNew(two.end, await sut.source.latestOffset(two.end, {})));
    });

    if (oneUnit !== null) {
      withSource(`a read limit (${JSON.stringify(oneUnit)}) admits one unit per batch, and every unit eventually`, async (sut) => {
        const units: Array<readonly Row[]> = [];
        for (let i = 0; i < 3; i++) units.push(await sut.feed(1));
        const { batches } = await drain(sut, sut.source, null, oneUnit);
        assert.equal(batches.length, units.length, `expected ${units.length} batches of one unit, got ${batches.length}`);
        assert.deepEqual(rowMultiset(batches.flat()), rowMultiset(units.flat()));
        const byUnit = new Set(units.map((u) => rowMultiset(u).join('\n')));
        for (const b of batches) assert.ok(byUnit.has(rowMultiset(b).join('\n')), 'a batch mixed rows of several units');
      });
    }
  });
}
