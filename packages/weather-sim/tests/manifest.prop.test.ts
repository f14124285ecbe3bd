// Property: for any seed and mix of imperfections, the manifest equals what an independent
// parser observes in the files (tests/observe.ts), and every generated reading lands exactly once.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { createNodeEngine } from '@weir/node';
import { simulate } from '@weir/weather-sim';
import { observe } from './observe.js';

const engine = createNodeEngine();
const runs = { seed: Number(process.env['FC_SEED'] ?? 42), numRuns: process.env['CI'] ? 40 : 12 };
const frac = fc.oneof(fc.constant(0), fc.double({ min: 0, max: 0.3, noNaN: true }));

describe('manifest = observation (property)', () => {
  it('holds for random seeds, sizes, formats and imperfection mixes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            seed: fc.nat(1_000_000),
            stations: fc.integer({ min: 1, max: 9 }),
            files: fc.integer({ min: 1, max: 5 }),
            rowsPerFile: fc.integer({ min: 1, max: 120 }),
            rate: fc.constantFrom(0.2, 1, 7, 2500),
            format: fc.constantFrom('json' as const, 'csv' as const),
            lateFraction: frac,
            maxLateness: fc.constantFrom('1s', '1 minute', '30 minutes'),
            outOfOrderFraction: frac,
            duplicateFraction: frac,
            malformedFraction: frac,
            missingFraction: frac,
            driftAtFile: fc.option(fc.integer({ min: 0, max: 4 }), { nil: null }),
          },
          { noNullPrototype: true },
        ),
        async (o) => {
          const out = mkdtempSync(join(tmpdir(), 'weir-weather-sim-prop-'));
          const m = await simulate({ engine, out, ...o });
          const paths = readdirSync(out).map((n) => join(out, n));
          const seen = observe(paths, o.format, m);
          assert.equal(seen.rows, m.counts.rows);
          assert.equal(seen.malformed, m.counts.malformed);
          assert.equal(seen.drifted, m.counts.drifted);
          assert.deepEqual([...seen.late].sort(), [...m.ids.late].sort());
          assert.deepEqual([...seen.outOfOrder].sort(), [...m.ids.outOfOrder].sort());
          assert.deepEqual([...seen.duplicates].sort(), [...m.ids.duplicates].sort());
          assert.deepEqual([...seen.missing].sort(), [...m.ids.missing].sort());
          assert.equal(m.counts.rows, o.files * o.rowsPerFile + m.counts.duplicates);
          // Every reading of the run appears (possibly damaged) exactly once besides duplicates.
          const stationLines = paths.reduce((n, p) => n + (readFileSync(p, 'utf8').match(/ST-\d{4}/g) ?? []).length, 0);
          assert.equal(stationLines, m.counts.rows);
        },
      ),
      runs,
    );
  });
});
