// DuckDB is the outside oracle: it must read every output format with the expected column types,
// and see the same data in each.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { createNodeEngine } from '@weir/node';
import { simulate } from '@weir/weather-sim';

const engine = createNodeEngine();
const dir = mkdtempSync(join(tmpdir(), 'weir-weather-sim-duckdb-'));
const common = { engine, seed: 11, stations: 6, files: 3, rowsPerFile: 300 } as const;

async function query(sql: string): Promise<unknown[][]> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  const reader = await conn.runAndReadAll(sql);
  return reader.getRows() as unknown[][];
}

const READERS = {
  json: (p: string) => `read_json_auto('${p}/*.json')`,
  csv: (p: string) => `read_csv('${p}/*.csv')`,
  parquet: (p: string) => `read_parquet('${p}/*.parquet')`,
};

describe('DuckDB reads the simulator output', () => {
  const expectedTypes: Record<keyof typeof READERS, string[]> = {
    // CSV and JSON carry no types: DuckDB infers them (integers widen to BIGINT).
    json: ['VARCHAR', 'TIMESTAMP', 'DOUBLE', 'DOUBLE', 'DOUBLE', 'DOUBLE', 'BIGINT', 'VARCHAR'],
    csv: ['VARCHAR', 'TIMESTAMP WITH TIME ZONE', 'DOUBLE', 'DOUBLE', 'DOUBLE', 'DOUBLE', 'BIGINT', 'VARCHAR'],
    // Parquet carries Spark's physical types: TIMESTAMP(MICROS, UTC) and INT32.
    parquet: ['VARCHAR', 'TIMESTAMP WITH TIME ZONE', 'DOUBLE', 'DOUBLE', 'DOUBLE', 'DOUBLE', 'INTEGER', 'VARCHAR'],
  };
  const summaries = new Map<string, string>();

  for (const format of ['json', 'csv', 'parquet'] as const) {
    it(`${format}: expected columns and types, all rows, plausible values`, async () => {
      const out = join(dir, format);
      const m = await simulate({ ...common, out, format });
      const rel = READERS[format](out);
      const cols = await query(`DESCRIBE SELECT * FROM ${rel}`);
      assert.deepEqual(
        cols.map((r) => r[0]),
        ['station_id', 'event_time', 'temperature_c', 'humidity', 'pressure_hpa', 'wind_speed_ms', 'wind_dir_deg', 'condition'],
      );
      assert.deepEqual(cols.map((r) => r[1]), expectedTypes[format]);
      const [row] = await query(
        `SELECT count(*)::INTEGER, count(DISTINCT station_id)::INTEGER, epoch_ms(min(event_time)::TIMESTAMP)::BIGINT::VARCHAR,
                min(humidity) >= 0 AND max(humidity) <= 1, min(wind_dir_deg) >= 0 AND max(wind_dir_deg) < 360 FROM ${rel}`,
      );
      assert.deepEqual(row, [m.counts.rows, 6, String(Date.UTC(2026, 0, 1)), true, true]);
      // The same seed gives the same data in every format.
      const [summary] = await query(
        `SELECT list(station_id || '|' || epoch_ms(event_time::TIMESTAMP) || '|' || temperature_c || '|' || humidity || '|' || pressure_hpa || '|' || wind_speed_ms || '|' || wind_dir_deg || '|' || condition ORDER BY event_time)::VARCHAR FROM ${rel}`,
      );
      summaries.set(format, String(summary![0]));
      if (summaries.size === 3) {
        assert.equal(summaries.get('csv'), summaries.get('json'));
        assert.equal(summaries.get('parquet'), summaries.get('json'));
      }
    });
  }

  it('parquet: manifest counts of rows, missing values, duplicates and drifted rows match DuckDB', async () => {
    const out = join(dir, 'imperfect');
    const m = await simulate({ ...common, out, format: 'parquet', missingFraction: 0.05, duplicateFraction: 0.04, lateFraction: 0.05, driftAtFile: 2 });
    const rel = `read_parquet('${out}/*.parquet', union_by_name = true)`;
    const measures = ['temperature_c', 'humidity', 'pressure_hpa', 'wind_speed_ms', 'wind_dir_deg', 'condition'];
    const [row] = await query(
      `SELECT count(*)::INTEGER,
              count(*) FILTER (WHERE ${measures.map((c) => `${c} IS NULL`).join(' OR ')})::INTEGER,
              (count(*) - (SELECT count(*) FROM (SELECT DISTINCT * FROM ${rel})))::INTEGER,
              count(uv_index)::INTEGER
       FROM ${rel}`,
    );
    assert.deepEqual(row, [m.counts.rows, m.counts.missing, m.counts.duplicates, m.counts.drifted]);
    assert.ok(m.counts.missing > 0 && m.counts.duplicates > 0 && m.counts.late > 0);
  });

  it('parquet: drifted files add uv_index/gust_ms (DOUBLE) and the type change makes wind_dir_deg VARCHAR', async () => {
    const out = join(dir, 'drift');
    await simulate({ ...common, out, format: 'parquet', driftAtFile: 1, driftTypeChange: true });
    const cols = await query(`DESCRIBE SELECT * FROM read_parquet('${out}/*-000002.parquet')`);
    assert.deepEqual(cols.map((r) => `${String(r[0])} ${String(r[1])}`).slice(6), ['wind_dir_deg VARCHAR', 'condition VARCHAR', 'uv_index DOUBLE', 'gust_ms DOUBLE']);
    const first = await query(`DESCRIBE SELECT * FROM read_parquet('${out}/*-000000.parquet')`);
    assert.equal(first.length, 8);
  });
});
