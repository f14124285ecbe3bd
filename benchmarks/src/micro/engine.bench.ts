// Engine micro benchmarks: compiled expression evaluation (a planner map stage), Parquet write
// through the Engine, a state-store commit, and a Delta snapshot load.
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { StructType, rowBatch, type Row } from '@weir/core';
import { createNodeEngine } from '@weir/node';
import { DataFrame, functions as F, planQuery, runMapStage } from '@weir/planner';
import { createStateStoreProvider } from '@weir/state-store';
import { DeltaTable } from '@weir/delta-log';
import { runSuite, type MicroResult } from './run-suite.js';

const SCHEMA = StructType.fromDDL(
  'station_id STRING, event_time TIMESTAMP, temperature_c DOUBLE, humidity DOUBLE, pressure_hpa DOUBLE, wind_speed_ms DOUBLE, wind_dir_deg INT, condition STRING',
);

function rows(n: number): Row[] {
  return Array.from({ length: n }, (_, i) => ({
    station_id: `ST-${String(i % 1000).padStart(4, '0')}`,
    event_time: 1_767_225_600_000_000 + i * 1_000_000,
    temperature_c: 10 + (i % 17) * 0.5,
    humidity: (i % 100) / 100,
    pressure_hpa: 1013.2,
    wind_speed_ms: 3.4,
    wind_dir_deg: i % 360,
    condition: 'clear',
  }));
}

/** A tree-walking interpreter of the same filter + project + cast: what codegen is measured against. */
type Ast =
  | { op: 'col'; name: string }
  | { op: 'lit'; value: number }
  | { op: 'gt' | 'mul' | 'add' | 'and'; l: Ast; r: Ast }
  | { op: 'notNull'; e: Ast }
  | { op: 'castDouble'; e: Ast };

function evalAst(a: Ast, row: Row): unknown {
  switch (a.op) {
    case 'col':
      return row[a.name] ?? null;
    case 'lit':
      return a.value;
    case 'notNull':
      return evalAst(a.e, row) !== null;
    case 'castDouble': {
      const v = evalAst(a.e, row);
      return v === null ? null : Number(v);
    }
    default: {
      const l = evalAst(a.l, row);
      const r = evalAst(a.r, row);
      if (a.op === 'and') return l === false || r === false ? false : l === null || r === null ? null : true;
      if (l === null || r === null) return null;
      if (a.op === 'gt') return (l as number) > (r as number);
      if (a.op === 'mul') return (l as number) * (r as number);
      return (l as number) + (r as number);
    }
  }
}

const FILTER: Ast = { op: 'and', l: { op: 'gt', l: { op: 'col', name: 'temperature_c' }, r: { op: 'lit', value: -50 } }, r: { op: 'notNull', e: { op: 'col', name: 'humidity' } } };
const PROJECT: ReadonlyArray<readonly [string, Ast]> = [
  ['station_id', { op: 'col', name: 'station_id' }],
  ['event_time', { op: 'col', name: 'event_time' }],
  ['temp_f', { op: 'add', l: { op: 'mul', l: { op: 'col', name: 'temperature_c' }, r: { op: 'lit', value: 9 / 5 } }, r: { op: 'lit', value: 32 } }],
  ['dir', { op: 'castDouble', e: { op: 'col', name: 'wind_dir_deg' } }],
];

function interpret(rows: readonly Row[]): Row[] {
  const out: Row[] = [];
  for (const row of rows) {
    if (evalAst(FILTER, row) !== true) continue;
    const o: Row = {};
    for (const [name, e] of PROJECT) o[name] = evalAst(e, row);
    out.push(o);
  }
  return out;
}

export async function engineBenchmarks(quick: boolean, work: string): Promise<MicroResult[]> {
  const engine = createNodeEngine();
  const data = rows(100_000);
  const small = data.slice(0, 10_000);

  const df = DataFrame.fromSource({ index: 0, format: 'memory', schema: SCHEMA })
    .where(F.col('temperature_c').gt(F.lit(-50)).and(F.col('humidity').isNotNull()))
    .withColumn('temp_f', F.col('temperature_c').multiply(F.lit(9 / 5)).plus(F.lit(32)))
    .withColumn('dir', F.col('wind_dir_deg').cast('double'))
    .select('station_id', 'event_time', 'temp_f', 'dir');
  const plan = planQuery(df.plan, { sourceSchemas: [SCHEMA], outputMode: 'append', shufflePartitions: 1 });
  const ctx = { batchTimestampMs: 0, watermarkMs: 0 };

  const dir = join(work, 'micro');
  rmSync(dir, { recursive: true, force: true });
  let version = 0;
  const provider = createStateStoreProvider(engine, { checkpointLocation: join(dir, 'state'), operatorId: 0, partition: 0 });

  const tablePath = join(dir, 'delta-100-commits');
  const table = DeltaTable.forPath(engine, tablePath);
  for (let i = 0; i < 100; i++) await table.write(rowBatch(SCHEMA, data.slice(i * 10, i * 10 + 10)));

  const results = await runSuite('engine', [
    { name: 'compiled map stage: filter+project+cast, 100k rows', fn: () => void runMapStage(plan, 0, data, ctx) },
    { name: 'naive AST interpreter: same filter+project+cast, 100k rows', fn: () => void interpret(data) },
    {
      name: 'Parquet write via Engine, 10k weather rows',
      defer: true,
      fn: (d: { resolve(): void }) => void engine.parquet.write(rowBatch(SCHEMA, small)).then(() => d.resolve()),
    },
    {
      name: 'state-store load + 1k puts + commit',
      defer: true,
      fn: (d: { resolve(): void }) =>
        void (async () => {
          const store = await provider.load(version);
          for (let k = 0; k < 1000; k++) store.put(`ST-${k}|${version}`, { sum: k, count: 1 });
          version = await store.commit();
        })().then(() => d.resolve()),
    },
    {
      name: 'Delta snapshot load, 100 commits + checkpoint',
      defer: true,
      fn: (d: { resolve(): void }) => void DeltaTable.forPath(engine, tablePath).snapshot().then(() => d.resolve()),
    },
  ], quick);
  await engine.tasks.close();
  return results;
}
