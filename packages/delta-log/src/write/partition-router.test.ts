import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { columnChunkFromRows, columnChunkToRows, field, type DataType, type Row, type StructField } from '@weir/core';
import { openHivePartitionRouter, type HivePartition } from './partition-router.js';
import { decodePartitionValue, encodePartitionValue, partitionValueEncoder } from './partition-values.js';

const SEED = Number(process.env.FC_SEED ?? 42);
const RUNS = process.env.CI ? 200 : 40;

// Few distinct values per column, so directories repeat; strings with characters Spark escapes.
const VALUES: Record<string, fc.Arbitrary<unknown>> = {
  s: fc.constantFrom('a', 'b', '', 'x/y', 'k=v', '%', 'é ü', '#?'),
  i: fc.integer({ min: -2, max: 2 }),
  d: fc.constantFrom(1, 1.5, -0, 0, 1e10, 1.5e-5, -2.25),
  dt: fc.integer({ min: -1, max: 1 }).map((k) => 19_000 + k * 400),
  ts: fc.constantFrom(0, 1, 1_700_000_000_123_456, -86_400_000_001),
  b: fc.boolean(),
  dec: fc.constantFrom('1.5', '-0.25', '10'),
};
const FIELDS: StructField[] = [
  field('s', 'string'),
  field('i', 'integer'),
  field('d', 'double'),
  field('dt', 'date'),
  field('ts', 'timestamp'),
  field('b', 'boolean'),
  field('dec', 'decimal(5,2)'),
];

const rowArb: fc.Arbitrary<Row> = fc.record(
  Object.fromEntries(Object.entries(VALUES).map(([k, v]) => [k, fc.option(v, { nil: null, freq: 5 })])),
  { noNullPrototype: true },
) as fc.Arbitrary<Row>;

/** A row's value as the directory will hold it: decoded back from its serialised form ("" is null). */
function canonical(v: unknown, type: DataType): unknown {
  if (v === null || v === undefined || v === '') return null;
  return decodePartitionValue(encodePartitionValue(v, type), type);
}

interface Collected {
  readonly partition: HivePartition;
  readonly rows: Row[];
}

async function routeAll(fields: readonly StructField[], chunks: readonly Row[][]): Promise<Collected[]> {
  const router = openHivePartitionRouter<Collected>(fields, (partition) => ({ partition, rows: [] }));
  for (const chunk of chunks) await router.route(chunk, async (g, rs) => void g.rows.push(...rs));
  return [...router.groups()];
}

describe('openHivePartitionRouter', () => {
  it('every row lands once, in the one directory whose decoded values equal its own; any chunking gives the same groups (fast-check)', async () => {
    const fieldsArb = fc.subarray(FIELDS, { minLength: 1, maxLength: 3 }).chain((fs) => fc.shuffledSubarray(fs, { minLength: fs.length, maxLength: fs.length }));
    await fc.assert(
      // The rows arrive in chunks (empty ones too); the same rows as one chunk are the reference.
      fc.asyncProperty(fc.array(fc.array(rowArb, { maxLength: 20 }), { maxLength: 5 }), fieldsArb, async (chunks, fields) => {
        const rows = chunks.flat();
        const whole = await routeAll(fields, [rows]);
        const chunked = await routeAll(fields, chunks);
        assert.deepEqual(
          chunked.map((g) => [g.partition, g.rows]),
          whole.map((g) => [g.partition, g.rows]),
        );
        assert.equal(whole.reduce((n, g) => n + g.rows.length, 0), rows.length);
        // Directories are distinct, numbered in first-seen order, and `col=value` per field in order.
        assert.deepEqual(
          whole.map((g) => g.partition.index),
          whole.map((_, i) => i),
        );
        assert.equal(new Set(whole.map((g) => g.partition.dir)).size, whole.length);
        const firstSeen: number[] = whole.map((g) => rows.indexOf(g.rows[0] as Row));
        assert.deepEqual(firstSeen, [...firstSeen].sort((a, b) => a - b));
        for (const g of whole) {
          const segments = g.partition.dir.split('/');
          assert.deepEqual(
            segments.map((s) => decodeURIComponent(s.slice(0, s.indexOf('=')))),
            fields.map((f) => f.name),
          );
          for (const [k, f] of fields.entries()) {
            const text = (segments[k] as string).slice(f.name.length + 1);
            const value = g.partition.values[f.name] ?? null;
            // Hive escaping is %XX of the serialised value; null (and empty) is the default partition.
            assert.equal(text === '__HIVE_DEFAULT_PARTITION__' ? null : decodeURIComponent(text), value);
            for (const r of g.rows) assert.deepEqual(canonical(r[f.name], f.type), value === null ? null : decodePartitionValue(value, f.type), `${f.name} of ${JSON.stringify(r)}`);
          }
        }
        // Rows in a group keep their input order.
        for (const g of whole) {
          const at = g.rows.map((r) => rows.indexOf(r));
          assert.deepEqual(at, [...at].sort((a, b) => a - b));
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('unpartitioned: one group, directory "", handed the caller\'s rows as they are', async () => {
    const router = openHivePartitionRouter<{ partition: HivePartition; got: (readonly Row[])[] }>([], (partition) => ({ partition, got: [] }));
    const rows = [{ a: 1 }, { a: 2 }];
    await router.route(rows, async (g, rs) => void g.got.push(rs));
    await router.route([], async () => assert.fail('an empty route touches nothing'));
    const groups = [...router.groups()];
    assert.equal(groups.length, 1);
    assert.deepEqual(groups[0]?.partition, { index: 0, values: {}, dir: '' });
    assert.equal(groups[0]?.got[0], rows);
  });

  it('null and empty string share the default partition directory', async () => {
    const groups = await routeAll([field('p', 'string')], [[{ p: '' }, { p: null }, { p: 'a' }, {}]]);
    assert.deepEqual(
      groups.map((g) => [g.partition.dir, g.rows.length]),
      [
        ['p=__HIVE_DEFAULT_PARTITION__', 3],
        ['p=a', 1],
      ],
    );
  });

  it('a failing append leaves no routed rows behind for the next call', async () => {
    const router = openHivePartitionRouter<{ rows: Row[] }>([field('p', 'string')], () => ({ rows: [] }));
    await assert.rejects(
      router.route([{ p: 'a' }, { p: 'b' }], async () => {
        throw new Error('append failed');
      }),
    );
    await router.route([{ p: 'b' }], async (g, rs) => void g.rows.push(...rs));
    assert.deepEqual(
      [...router.groups()].map((g) => g.rows),
      [[], [{ p: 'b' }]],
    );
  });

  it('partitionValueEncoder agrees with encodePartitionValue for every type (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...FIELDS).chain((f) => fc.tuple(fc.constant(f), fc.option(VALUES[f.name] as fc.Arbitrary<unknown>, { nil: null }))),
        ([f, v]) => {
          assert.equal(partitionValueEncoder(f.type)(v), encodePartitionValue(v, f.type));
        },
      ),
      { seed: SEED, numRuns: RUNS * 5 },
    );
  });
});

describe('HivePartitionRouter.routeColumns', () => {
  it('keeps -0.0 and 0.0 apart between consecutive rows, as route does', async () => {
    const parts = [field('d', 'double')];
    const schema = { type: 'struct' as const, fields: parts };
    const router = openHivePartitionRouter(parts, (p) => ({ p, ids: [] as number[][] }));
    await router.routeColumns(columnChunkFromRows(schema, [{ d: 0 }, { d: -0 }, { d: -0 }, { d: 0 }, { d: null }]), async (g, ids) => void g.ids.push([...(ids ?? [])]));
    assert.deepEqual(
      [...router.groups()].map((g) => [g.p.dir, g.ids]),
      [['d=0.0', [[0, 3]]], ['d=-0.0', [[1, 2]]], ['d=__HIVE_DEFAULT_PARTITION__', [[4]]]],
    );
  });

  it('makes the groups of route, in the same order, with the same rows per call (fast-check)', async () => {
    const schema = { type: 'struct' as const, fields: FIELDS };
    await fc.assert(
      fc.asyncProperty(
        fc.array(rowArb, { maxLength: 30 }),
        fc.subarray(FIELDS.map((f) => f.name), { maxLength: 3 }),
        fc.array(fc.nat({ max: 30 }), { maxLength: 4 }),
        fc.boolean(),
        async (rows, names, cuts, clustered) => {
          // Clustered input: one chunk of a single directory (the no-index-list path).
          const input = clustered && rows.length > 0 ? rows.map(() => rows[0] as Row) : rows;
          const parts = names.map((n) => FIELDS.find((f) => f.name === n) as StructField);
          const byRows = openHivePartitionRouter(parts, (p) => ({ p, calls: [] as Row[][] }));
          const byCols = openHivePartitionRouter(parts, (p) => ({ p, calls: [] as Row[][] }));
          const points = [...new Set(cuts.map((c) => Math.min(c, input.length)))].sort((a, b) => a - b);
          let from = 0;
          for (const to of [...points, input.length]) {
            const slice = input.slice(from, to);
            from = to;
            await byRows.route(slice, async (g, rs) => void g.calls.push([...rs]));
            const chunk = columnChunkFromRows(schema, slice);
            const asRows = columnChunkToRows(chunk);
            await byCols.routeColumns(chunk, async (g, ids) => void g.calls.push(ids === null ? asRows : ids.map((i) => asRows[i] as Row)));
          }
          const norm = (g: { p: HivePartition; calls: Row[][] }) => ({ p: g.p, calls: g.calls.map((c) => c.map((r) => ({ ...r }))) });
          const expected = [...byRows.groups()].map(norm);
          const actual = [...byCols.groups()].map(norm);
          // Row-path rows carry the test's objects; compare the values each call delivered.
          assert.deepEqual(actual.map((g) => g.p), expected.map((g) => g.p));
          assert.deepEqual(
            actual.map((g) => g.calls.map((c) => c.length)),
            expected.map((g) => g.calls.map((c) => c.length)),
          );
          assert.deepEqual(
            actual.map((g) => g.calls.map((c) => c.map((r) => JSON.stringify(r, (_k, v: unknown) => (Object.is(v, -0) ? '-0' : v))))),
            expected.map((g) => g.calls.map((c) => c.map((r) => JSON.stringify(columnChunkToRows(columnChunkFromRows(schema, [r]))[0], (_k, v: unknown) => (Object.is(v, -0) ? '-0' : v))))),
          );
        },
      ),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
