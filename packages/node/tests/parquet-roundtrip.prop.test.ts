import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { rowBatch } from '@weir/core';
import { NodeParquetHandler } from '@weir/node';
import { comparableRows, duckRows } from './duckdb-oracle.js';
import { batchArb } from './parquet-arbitraries.js';

const seed = Number(process.env['FC_SEED'] ?? 42);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'weir-node-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

// Plain binary-unit strings, no bigint longs (read back rounded), smaller values and batches than the streaming writer's test.
const batches = batchArb({ strings: fc.string({ unit: 'binary' }), bigintLongs: false, maxBinaryLength: 20, maxArrayLength: 4, maxRows: 40 });

describe('NodeParquetHandler round trips (fast-check)', () => {
  it('read(write(batch)) equals the batch for random schemas, row groups, pages and codecs', async () => {
    await fc.assert(
      fc.asyncProperty(batches, fc.integer({ min: 1, max: 15 }), fc.integer({ min: 1, max: 12 }), fc.constantFrom('snappy' as const, 'gzip' as const, 'uncompressed' as const), async ({ schema, rows }, rowGroupSize, pageSize, compression) => {
          const parquet = new NodeParquetHandler({ pageSize, compression });
          const bytes = await parquet.write(rowBatch(schema, rows), { rowGroupSize });
          const back = await parquet.read(bytes);
          assert.deepEqual(back.schema, schema);
          assert.deepEqual(back.rows, rows);
        },
      ),
      { seed, numRuns: process.env['WEIR_SOAK'] ? 5000 : process.env['CI'] ? 300 : 60 },
    );
  });

  it('DuckDB reads the same values weir wrote for random schemas', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(batches.filter((b) => b.duck), fc.integer({ min: 1, max: 15 }), async ({ schema, rows }, rowGroupSize) => {
        const file = path.join(tmp, `p-${n++}.parquet`);
        fs.writeFileSync(file, await new NodeParquetHandler({ pageSize: 7 }).write(rowBatch(schema, rows), { rowGroupSize }));
        assert.deepEqual(await duckRows(file), comparableRows(schema, rows));
      }),
      { seed, numRuns: process.env['WEIR_SOAK'] ? 500 : process.env['CI'] ? 60 : 15 },
    );
  });
});

