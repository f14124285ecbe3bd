// The naive baseline: what a developer writes first, single-threaded and with no engine —
// readFile → split lines → JSON.parse → clean/cast/filter → parquetjs. weir's figures are
// reported as ratios to this (and to DuckDB) measured in the same run on the same files.
import { readFile, readdir, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import parquet from '@dsnp/parquetjs';

const SCHEMA = new parquet.ParquetSchema({
  station_id: { type: 'UTF8' },
  event_time: { type: 'TIMESTAMP_MICROS' },
  temperature_c: { type: 'DOUBLE' },
  humidity: { type: 'DOUBLE', optional: true },
  pressure_hpa: { type: 'DOUBLE', optional: true },
  wind_speed_ms: { type: 'DOUBLE', optional: true },
  wind_dir_deg: { type: 'INT32', optional: true },
  condition: { type: 'UTF8', optional: true },
});

/** The landed NDJSON files under `inputDir`, in name order (temp names starting `.`/`_` skipped). */
async function inputFiles(inputDir: string): Promise<string[]> {
  return (await readdir(inputDir, { recursive: true }))
    .filter((f) => f.endsWith('.json') && !f.split('/').some((p) => p.startsWith('.') || p.startsWith('_')))
    .sort();
}

/** Each well-formed line of an NDJSON text as a record, with its event time in ms (NaN if unparsable). */
function* records(text: string): Generator<{ r: Record<string, unknown>; t: number }> {
  for (const line of text.split('\n')) {
    if (line === '') continue;
    let r: Record<string, unknown>;
    try {
      r = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue;
    }
    yield { r, t: Date.parse(String(r['event_time'])) };
  }
}

/** Ingests every NDJSON file under `inputDir` into one Parquet file per input file; returns rows written. */
export async function naiveIngest(inputDir: string, outDir: string): Promise<number> {
  await mkdir(outDir, { recursive: true });
  const files = await inputFiles(inputDir);
  let written = 0;
  for (const [i, f] of files.entries()) {
    const text = await readFile(join(inputDir, f), 'utf8');
    const writer = await parquet.ParquetWriter.openFile(SCHEMA, join(outDir, `part-${i}.parquet`));
    for (const { r, t } of records(text)) {
      if (typeof r['temperature_c'] !== 'number' || Number.isNaN(t) || typeof r['station_id'] !== 'string') continue;
      await writer.appendRow({
        station_id: r['station_id'],
        event_time: BigInt(t) * 1000n,
        temperature_c: r['temperature_c'],
        humidity: typeof r['humidity'] === 'number' ? r['humidity'] : null,
        pressure_hpa: typeof r['pressure_hpa'] === 'number' ? r['pressure_hpa'] : null,
        wind_speed_ms: typeof r['wind_speed_ms'] === 'number' ? r['wind_speed_ms'] : null,
        wind_dir_deg: typeof r['wind_dir_deg'] === 'number' ? r['wind_dir_deg'] : null,
        condition: typeof r['condition'] === 'string' ? r['condition'] : null,
      });
      written++;
    }
    await writer.close();
  }
  return written;
}

/** 1-minute tumbling average temperature per station, in plain JS; returns the number of groups. */
export async function naiveAggregate(inputDir: string): Promise<number> {
  const files = await inputFiles(inputDir);
  const groups = new Map<string, { sum: number; n: number }>();
  for (const f of files) {
    const text = await readFile(join(inputDir, f), 'utf8');
    for (const { r, t } of records(text)) {
      if (typeof r['temperature_c'] !== 'number' || Number.isNaN(t)) continue;
      const key = `${String(r['station_id'])}|${Math.floor(t / 60_000)}`;
      const g = groups.get(key);
      if (g) {
        g.sum += r['temperature_c'];
        g.n++;
      } else groups.set(key, { sum: r['temperature_c'], n: 1 });
    }
  }
  return groups.size;
}
