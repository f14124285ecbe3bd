// Columnar execution (weir.sql.columnarExecution.enabled) against the row path it replaces: the
// same stateless queries over the same NDJSON (weather-sim files plus adversarial lines) must
// write Delta tables with the same rows (read back by DuckDB) and the same per-file statistics,
// and the columnar path must actually have run.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createNodeEngine } from '@weir/node';
import { functions as F } from '@weir/planner';
import { createSession } from '@weir/streaming';
import { simulate } from '@weir/weather-sim';
import { mapTaskPaths, statefulTaskPaths } from '../src/execution/task-handlers.js';
import { activeFilesByReplay, duckRows, tempDir } from './delta-test-helpers.js';

const DDL = 'station_id STRING, event_time TIMESTAMP, temperature_c DOUBLE, humidity DOUBLE, pressure_hpa DOUBLE, wind_speed_ms DOUBLE, wind_dir_deg INT, condition STRING';

/** Lines the fast scanner declines or that are malformed: they must come out the same either way. */
const ADVERSARIAL = [
  '{"station_id":"ST-9001","event_time":"2026-01-01T00:00:01.5Z","temperature_c":-0.0,"humidity":1e-3,"pressure_hpa":1013,"wind_speed_ms":null,"wind_dir_deg":359,"condition":"fog"}',
  '{"event_time":"2026-01-01T00:00:02Z","station_id":"ST-9002","temperature_c":21.5}',
  '{"station_id":"ST-9003","event_time":"2026-01-01 00:00:03+01:00","temperature_c":"warm","humidity":0.5,"pressure_hpa":1000.25,"wind_speed_ms":3,"wind_dir_deg":10.0,"condition":"caf\\u00e9"}',
  '{"station_id":null,"event_time":null,"temperature_c":12.0,"humidity":0.1,"pressure_hpa":990,"wind_speed_ms":1,"wind_dir_deg":1,"condition":"clear","extra":{"x":[1,2]}}',
  '{"station_id": "ST-9004", "event_time": "2026-01-01T00:00:04.123456Z", "temperature_c": 1.7976931348623157e308, "humidity": 0.2, "pressure_hpa": 1e3, "wind_speed_ms": 0, "wind_dir_deg": -7, "condition": "ünïcode"}\r',
  'not json at all',
  '',
  '{"station_id":"ST-9005","event_time":"2026-01-01T00:00:05Z","temperature_c":5,"humidity":0.3,"pressure_hpa":1001,"wind_speed_ms":2,"wind_dir_deg":2147483648,"condition":"x"}',
];

type Query = (df: any) => any; // eslint-disable-line @typescript-eslint/no-explicit-any

const QUERIES: ReadonlyArray<readonly [string, Query, string, ('append' | 'complete')?]> = [
  ['filter (the ingest benchmark)', (df) => df.where(F.col('temperature_c').isNotNull().and(F.col('station_id').isNotNull()).and(F.col('event_time').isNotNull())), 'station_id, event_time, temperature_c, wind_dir_deg, condition'],
  [
    'project + arithmetic + cast + rename',
    (df) =>
      df
        .withColumn('temp_f', F.col('temperature_c').multiply(F.lit(9 / 5)).plus(F.lit(32)))
        .withColumn('dir', F.col('wind_dir_deg').cast('double'))
        .where(F.col('humidity').gt(F.lit(0.25)).or(F.col('humidity').isNull()))
        .select('station_id', 'event_time', 'temp_f', 'dir', 'condition')
        .withColumnRenamed('condition', 'sky'),
    'station_id, event_time, temp_f, dir, sky',
  ],
  ['no transform, rescued data', (df) => df, 'station_id, event_time, temperature_c, humidity, _rescued_data'],
  [
    'windowed aggregation with a watermark (stateful)',
    (df) =>
      df
        .withWatermark('event_time', '10 minutes')
        .groupBy(F.window(F.col('event_time'), '1 minute'), F.col('station_id'))
        .agg(F.avg('temperature_c').alias('avg_t'), F.count(F.lit(1)).alias('n'), F.max('humidity').alias('max_h')),
    '"window".start AS ws, "window"."end" AS we, station_id, avg_t, n, max_h',
  ],
  [
    'sliding windows, string and stddev aggregates, a filter and projection after the aggregation (stateful)',
    (df) =>
      df
        .withWatermark('event_time', '5 minutes')
        .groupBy(F.window(F.col('event_time'), '3 minutes', '1 minute'), F.col('condition'))
        .agg(F.stddev('temperature_c').alias('sd'), F.min('station_id').alias('first_station'), F.sum('wind_dir_deg').alias('dirs'), F.count(F.lit(1)).alias('n'))
        .where(F.col('n').gt(F.lit(2)))
        .select(F.col('window'), F.col('condition'), F.col('sd'), F.col('first_station'), F.col('dirs').multiply(F.lit(2)).alias('dirs2')),
    '"window".start AS ws, "window"."end" AS we, condition, sd, first_station, dirs2',
  ],
  [
    'watermarked event time as the key, complete mode (stateful)',
    (df) => df.withWatermark('event_time', '2 minutes').groupBy(F.col('event_time'), F.col('station_id')).agg(F.avg('humidity').alias('h'), F.max('temperature_c').alias('t')),
    'event_time, station_id, h, t',
    'complete',
  ],
];

async function run(input: string, out: string, threads: number, columnar: boolean, query: Query, rescue: boolean, mode: 'append' | 'complete'): Promise<void> {
  const engine = createNodeEngine();
  const session = createSession({ engine, conf: { 'weir.executor.threads': threads, 'weir.sql.columnarExecution.enabled': String(columnar) } });
  try {
    let reader = session.readStream.format('cloudFiles').option('cloudFiles.format', 'json').option('cloudFiles.maxFilesPerTrigger', '3').schema(DDL);
    if (rescue) reader = reader.option('rescuedDataColumn', '_rescued_data');
    const q = await query(reader.load(input)).writeStream.format('delta').outputMode(mode).option('checkpointLocation', path.join(out, 'chk')).trigger({ availableNow: true }).start(path.join(out, 'table'));
    await q.awaitTermination();
  } finally {
    await session.close();
    await engine.tasks.close();
  }
}

/** Each active file's Delta stats (numRecords, min/max, nullCount), sorted: file names differ, contents must not. */
function fileStats(table: string): string[] {
  const byPath = new Map<string, string>();
  for (const c of fs.readdirSync(path.join(table, '_delta_log')).filter((n) => n.endsWith('.json')).sort()) {
    for (const line of fs.readFileSync(path.join(table, '_delta_log', c), 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const a = JSON.parse(line) as { add?: { path: string; stats: string; partitionValues: unknown }; remove?: { path: string } };
      if (a.add) byPath.set(decodeURIComponent(a.add.path), `${JSON.stringify(a.add.partitionValues)} ${a.add.stats}`);
      // Complete mode overwrites: a removed file is no longer part of the table.
      if (a.remove) byPath.delete(decodeURIComponent(a.remove.path));
    }
  }
  assert.equal(byPath.size, activeFilesByReplay(table).length);
  return [...byPath.values()].sort();
}

describe('columnar execution equals the row path', () => {
  const input = tempDir('weir-columnar-in-');
  const ready = (async () => {
    const engine = createNodeEngine();
    try {
      await simulate({ engine, out: input, files: 6, rowsPerFile: 3000, stations: 50, seed: 5 });
    } finally {
      await engine.tasks.close();
    }
    fs.writeFileSync(path.join(input, 'zz-adversarial.json'), ADVERSARIAL.join('\n') + '\n');
  })();

  for (const [name, query, columns, mode = 'append'] of QUERIES) {
    for (const threads of name.startsWith('filter') ? [0, 2] : [0]) {
      it(`${name} (threads ${threads}): same rows (DuckDB) and same file statistics`, async () => {
        await ready;
        const rescue = columns.includes('_rescued_data');
        const rowsDir = tempDir('weir-columnar-rows-');
        const colsDir = tempDir('weir-columnar-cols-');
        await run(input, rowsDir, threads, false, query, rescue, mode);
        const before = mapTaskPaths.columnar;
        const statefulBefore = statefulTaskPaths.columnar;
        await run(input, colsDir, threads, true, query, rescue, mode);
        // In-thread (threads 0) the counters are this module's: the columnar paths must have run.
        if (threads === 0) assert.ok(mapTaskPaths.columnar > before, 'the columnar path did not run');
        if (threads === 0 && name.endsWith('(stateful)')) assert.ok(statefulTaskPaths.columnar > statefulBefore, 'the columnar stateful path did not run');
        const order = columns.split(', ').map((c) => `${c.split(' AS ').pop()} NULLS FIRST`).join(', ');
        const expected = await duckRows(path.join(rowsDir, 'table'), columns, order);
        assert.ok(expected.length > 1000);
        assert.deepStrictEqual(await duckRows(path.join(colsDir, 'table'), columns, order), expected);
        assert.deepStrictEqual(fileStats(path.join(colsDir, 'table')), fileStats(path.join(rowsDir, 'table')));
      });
    }
  }
});
