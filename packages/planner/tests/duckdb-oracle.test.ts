import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DuckDBInstance } from '@duckdb/node-api';
import { StructType, type Row } from '@weir/core';
import { DataFrame, avg, col, count, max, min, stddev, sum, window } from '@weir/planner';
import { runStream } from './harness.js';

// DuckDB as the outside oracle: a streamed complete-mode aggregation (3 micro-batches, 3 map
// tasks, 4 state partitions) must equal DuckDB's GROUP BY over all the rows, including
// 10-minute tumbling windows (DuckDB's time_bucket origin 2000-01-03 is aligned with the epoch
// for 10-minute buckets).
const schema = StructType.fromDDL('station STRING, ts TIMESTAMP, temp DOUBLE, n INT');
let seed = 12345;
const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
const base = Date.parse('2026-03-01T00:00:00Z') * 1000;
const rows: Row[] = Array.from({ length: 600 }, () => ({
  station: `s${Math.floor(rnd() * 7)}`,
  ts: base + Math.floor(rnd() * 2 * 3600) * 1_000_000 + Math.floor(rnd() * 1_000_000),
  temp: rnd() < 0.1 ? null : Math.round((rnd() * 40 - 5) * 100) / 100,
  n: rnd() < 0.1 ? null : Math.floor(rnd() * 100),
}));

async function duck(sql: string): Promise<Record<string, unknown>[]> {
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  const values = rows
    .map((r) => `('${String(r['station'])}', make_timestamp(${String(r['ts'])}::BIGINT), ${r['temp'] === null ? 'NULL' : String(r['temp'])}, ${r['n'] === null ? 'NULL' : String(r['n'])})`)
    .join(',\n');
  await conn.run(`CREATE TABLE t(station VARCHAR, ts TIMESTAMP, temp DOUBLE, n INTEGER); INSERT INTO t VALUES ${values};`);
  const reader = await conn.runAndReadAll(sql);
  const out = reader.getRowObjectsJS() as Record<string, unknown>[];
  conn.closeSync();
  return out;
}

const close = (a: unknown, b: unknown): boolean =>
  a === b || (typeof a === 'number' && typeof b === 'number' && Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b)));

function assertSameRows(actual: Row[], expected: Record<string, unknown>[], keys: string[]): void {
  const key = (r: Record<string, unknown>) => JSON.stringify(keys.map((k) => r[k]));
  const byKey = new Map(expected.map((r) => [key(r), r]));
  assert.equal(actual.length, expected.length, 'same number of groups');
  for (const r of actual) {
    const e = byKey.get(key(r));
    assert.ok(e, `group ${key(r)} exists in DuckDB`);
    for (const [k, v] of Object.entries(r)) {
      if (keys.includes(k)) continue;
      assert.ok(close(v, typeof e[k] === 'bigint' ? Number(e[k]) : e[k]), `${k} of ${key(r)}: weir ${String(v)} vs DuckDB ${String(e[k])}`);
    }
  }
}

describe('streamed aggregation equals DuckDB GROUP BY', () => {
  const src = DataFrame.fromSource({ index: 0, format: 'memory', schema });
  const batches = [rows.slice(0, 200), rows.slice(200, 450), rows.slice(450)];
  it('per station: count, sum, avg, min, max, stddev_samp', async () => {
    const df = src.groupBy('station').agg(
      count('*').alias('c'),
      count('temp').alias('ct'),
      sum('n').alias('sn'),
      avg('temp').alias('at'),
      min('temp').alias('lo'),
      max('temp').alias('hi'),
      stddev('temp').alias('sd'),
    );
    const { results } = runStream(df, [schema], batches, { outputMode: 'complete', shufflePartitions: 4, tasks: 3 });
    const expected = await duck(
      'SELECT station, count(*) AS c, count(temp) AS ct, sum(n) AS sn, avg(temp) AS "at", min(temp) AS lo, max(temp) AS hi, stddev_samp(temp) AS sd FROM t GROUP BY station',
    );
    assertSameRows(results[2]!.rows, expected, ['station']);
  });
  it('per 10-minute tumbling window and station', async () => {
    const df = src.groupBy(window(col('ts'), '10 minutes'), col('station')).agg(count('*').alias('c'), avg('temp').alias('at'));
    const { results } = runStream(df, [schema], batches, { outputMode: 'complete', shufflePartitions: 4, tasks: 3 });
    const expected = await duck(
      "SELECT epoch_us(time_bucket(INTERVAL '10 minutes', ts)) AS ws, station, count(*) AS c, avg(temp) AS \"at\" FROM t GROUP BY ALL",
    );
    const actual = results[2]!.rows.map((r) => {
      const w = r['window'] as { start: number; end: number };
      assert.equal(w.end - w.start, 600_000_000);
      return { ws: w.start, station: r['station'], c: r['c'], at: r['at'] };
    });
    assertSameRows(actual, expected.map((e) => ({ ...e, ws: Number(e['ws']) })), ['ws', 'station']);
  });
});
