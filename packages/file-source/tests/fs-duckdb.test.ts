// On the real file system (createNodeEngine → FsStorage), rows read by the file source equal
// what DuckDB's read_json reads from the same files (outside oracle).
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { DuckDBInstance } from '@duckdb/node-api';
import { StructType, type Row } from '@weir/core';
import { createNodeEngine } from '@weir/node';
import { cloudFilesSource, partitionReaders } from '@weir/file-source';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'weir-file-source-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

const record = fc.record(
  {
    station_id: fc.option(fc.string({ maxLength: 6 }), { nil: null }),
    event_time: fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2100, 0, 1) }).map((ms) => new Date(ms).toISOString()),
    temperature_c: fc.option(fc.double({ min: -60, max: 60, noNaN: true, noDefaultInfinity: true }), { nil: null }),
    wind_dir_deg: fc.integer({ min: 0, max: 359 }),
  },
  { noNullPrototype: true, requiredKeys: ['event_time', 'wind_dir_deg'] },
);

const sortKey = (r: Row) => JSON.stringify(r);

describe('file source on FsStorage vs DuckDB read_json', () => {
  it('reads the same rows DuckDB reads (weather-shaped NDJSON, nulls and absent fields)', async () => {
    const db = await DuckDBInstance.create(':memory:');
    const con = await db.connect();
    await con.run("SET TimeZone = 'UTC'");
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(record, { minLength: 1, maxLength: 20 }), { minLength: 1, maxLength: 4 }), async (files) => {
        const dir = path.join(root, `run${run++}`);
        const input = path.join(dir, 'in');
        fs.mkdirSync(input, { recursive: true });
        files.forEach((recs, i) => fs.writeFileSync(path.join(input, `part-${i}.json`), recs.map((r) => JSON.stringify(r)).join('\n') + '\n'));
        fs.writeFileSync(path.join(input, '.part-9.json.tmp'), '{"station_id":"TEMP FILE"}\n');
        const engine = createNodeEngine();
        const src = await cloudFilesSource.createSource(
          { 'cloudFiles.format': 'json' },
          {
            engine,
            metadataPath: path.join(dir, 'ckpt/sources/0'),
            path: input,
            conf: {},
            log: () => {},
            userSchema: StructType.fromDDL('station_id STRING, event_time TIMESTAMP, temperature_c DOUBLE, wind_dir_deg INT'),
          },
        );
        const end = await src.latestOffset(null, src.getDefaultReadLimit());
        const ours: Row[] = [];
        for (const p of await src.planInputPartitions(null, end!)) ours.push(...(await partitionReaders.file(p.data, { engine })).rows);
        const r = await con.runAndReadAll(
          `SELECT station_id, CAST(epoch_us(event_time) AS DOUBLE) AS event_time, temperature_c, wind_dir_deg FROM read_json('${input}/part-*.json', format = 'newline_delimited', columns = {station_id: 'VARCHAR', event_time: 'TIMESTAMPTZ', temperature_c: 'DOUBLE', wind_dir_deg: 'INTEGER'})`,
        );
        const duck = r.getRowObjectsJson().map((x) => ({
          station_id: x['station_id'] ?? null,
          event_time: Number(x['event_time']),
          temperature_c: x['temperature_c'] === null ? null : Number(x['temperature_c']),
          wind_dir_deg: Number(x['wind_dir_deg']),
        }));
        assert.deepEqual([...ours].sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : 1)), duck.sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : 1)));
      }),
      { seed: Number(process.env['FC_SEED'] ?? 42), numRuns: process.env['CI'] ? 60 : 12 },
    );
  });
});
