import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { StructType } from '@weir/core';
import { createNodeEngine } from '@weir/node';
import { MemoryFs } from '../../tests/helpers/memory-fs.js';
import { inferDataSchema } from './schema-inference.js';
import { inferSchemaTask, mergeInferenceResults } from './infer-schema-task.js';

const jsonValue = fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null), fc.string({ maxLength: 3 }), fc.constant('2024-06-01T10:00:00Z'));
const record = fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd', 'e'), jsonValue, { maxKeys: 4, noNullPrototype: true });

describe('schema inference split over tasks', () => {
  it('merging per-group results equals one pass over all files (JSON, both inferColumnTypes settings)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(record, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 4 }), fc.boolean(), async (files, groups, types) => {
        const fs = new MemoryFs();
        const infos = files.map((recs, i) => {
          const path = `/in/f${i}.json`;
          fs.write(path, recs.map((r) => JSON.stringify(r)).join('\n') + '\n');
          return { path, size: 0, modificationTime: 0 };
        });
        const engine = createNodeEngine({ storage: fs });
        const opts = { format: 'json' as const, inferColumnTypes: types, parse: { multiLine: false, header: false, sep: ',', quote: '"', escape: '\\', nullValue: '', mode: 'PERMISSIVE' as const } };
        const whole = await inferDataSchema(engine, infos, opts);
        const per = Math.ceil(infos.length / groups);
        const parts = [];
        for (let g = 0; g * per < infos.length; g++) parts.push(await inferDataSchema(engine, infos.slice(g * per, (g + 1) * per), opts));
        const merged = mergeInferenceResults(parts, 'json');
        assert.equal(StructType.toJSON(merged.dataSchema), StructType.toJSON(whole.dataSchema));
      }),
      { seed: Number(process.env['FC_SEED'] ?? 42), numRuns: process.env['CI'] ? 200 : 50 },
    );
  });

  it('the key-scan pre-filter finds the same new columns (and types) as a full inference', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(record, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 5 }),
        fc.subarray(['a', 'b', 'c', 'd', 'e']),
        fc.boolean(),
        async (files, known, types) => {
          const fs = new MemoryFs();
          const infos = files.map((recs, i) => {
            const path = `/in/f${i}.json`;
            fs.write(path, recs.map((r) => JSON.stringify(r)).join('\n') + '\n');
            return { path, size: 0, modificationTime: 0 };
          });
          const engine = createNodeEngine({ storage: fs });
          const options = { format: 'json' as const, inferColumnTypes: types, parse: { multiLine: false, header: false, sep: ',', quote: '"', escape: '\\', nullValue: '', mode: 'PERMISSIVE' as const } };
          const newOnes = (json: string) => StructType.fromJSON(json).fields.filter((f) => !known.includes(f.name)).map((f) => `${f.name}:${JSON.stringify(f.type)}`);
          const full = await inferSchemaTask({ files: infos, options }, { engine });
          const filtered = await inferSchemaTask({ files: infos, options, knownColumns: known }, { engine });
          // Null-only columns stay undecided either way; compare the columns a batch would add.
          const decided = (o: { dataSchemaJson: string; nullColumns: readonly string[] }) => newOnes(o.dataSchemaJson).filter((x) => !o.nullColumns.includes(x.split(':')[0]!));
          assert.deepEqual(new Set(newOnes(filtered.dataSchemaJson).map((x) => x.split(':')[0])), new Set(newOnes(full.dataSchemaJson).map((x) => x.split(':')[0])));
          assert.deepEqual(decided(filtered), decided(full));
        },
      ),
      { seed: Number(process.env['FC_SEED'] ?? 42), numRuns: process.env['CI'] ? 200 : 50 },
    );
  });
});
