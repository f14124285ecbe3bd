// The DuckDB baseline (the yardstick named in the developers' guide): the same clean/cast/filter
// ingest as a `COPY … TO parquet`, and the same windowed aggregation as a GROUP BY time_bucket.
import { DuckDBInstance } from '@duckdb/node-api';

const CLEAN = `
  SELECT station_id, CAST(event_time AS TIMESTAMPTZ) AS event_time, temperature_c, humidity, pressure_hpa,
         wind_speed_ms, CAST(wind_dir_deg AS INTEGER) AS wind_dir_deg, condition
  FROM read_json(?, format = 'newline_delimited', ignore_errors = true, union_by_name = true,
                 columns = {station_id: 'VARCHAR', event_time: 'VARCHAR', temperature_c: 'DOUBLE', humidity: 'DOUBLE',
                            pressure_hpa: 'DOUBLE', wind_speed_ms: 'DOUBLE', wind_dir_deg: 'BIGINT', condition: 'VARCHAR'})
  WHERE temperature_c IS NOT NULL AND station_id IS NOT NULL AND TRY_CAST(event_time AS TIMESTAMPTZ) IS NOT NULL`;

async function withConnection<T>(threads: number, fn: (c: Awaited<ReturnType<DuckDBInstance['connect']>>) => Promise<T>): Promise<T> {
  const db = await DuckDBInstance.create(':memory:', { threads: String(threads) });
  const c = await db.connect();
  try {
    return await fn(c);
  } finally {
    c.closeSync();
  }
}

function glob(inputDir: string): string {
  return `${inputDir.replace(/'/g, "''")}/**/*.json`;
}

/** COPY the cleaned rows to one Parquet file; returns the rows written. */
export async function duckdbIngest(inputDir: string, outFile: string, threads: number): Promise<number> {
  return withConnection(threads, async (c) => {
    const sql = `COPY (${CLEAN.replace('?', `'${glob(inputDir)}'`)}) TO '${outFile.replace(/'/g, "''")}' (FORMAT parquet, COMPRESSION snappy)`;
    await c.run(sql);
    const r = await c.runAndReadAll(`SELECT count(*) AS n FROM read_parquet('${outFile.replace(/'/g, "''")}')`);
    return Number(r.getRowObjects()[0]?.['n']);
  });
}

/** 1-minute tumbling average per station; returns the number of groups. */
export async function duckdbAggregate(inputDir: string, threads: number): Promise<number> {
  return withConnection(threads, async (c) => {
    const r = await c.runAndReadAll(`
      SELECT count(*) AS n FROM (
        SELECT station_id, time_bucket(INTERVAL 1 minute, event_time) AS w, avg(temperature_c)
        FROM (${CLEAN.replace('?', `'${glob(inputDir)}'`)}) GROUP BY ALL)`);
    return Number(r.getRowObjects()[0]?.['n']);
  });
}

/** Rows DuckDB reads from `files` (Parquet): the outside count of what a weir table holds. */
export async function duckdbCountRows(files: readonly string[]): Promise<number> {
  if (files.length === 0) return 0;
  return withConnection(1, async (c) => {
    const list = files.map((f) => `'${f.replace(/'/g, "''")}'`).join(', ');
    const r = await c.runAndReadAll(`SELECT count(*) AS n FROM read_parquet([${list}])`);
    return Number(r.getRowObjects()[0]?.['n']);
  });
}
