// Shuffle-block encode/decode (msgpackr, the executor's wire format) and the NDJSON parse path.
import { Packr } from 'msgpackr';
import { runSuite, type MicroResult } from './run-suite.js';

function weatherRows(n: number): Record<string, unknown>[] {
  return Array.from({ length: n }, (_, i) => ({
    station_id: `ST-${String(i % 1000).padStart(4, '0')}`,
    event_time: 1_795_000_000_000_000 + i * 1_000_000,
    temperature_c: 10 + (i % 17) * 0.5,
    humidity: 0.5,
    pressure_hpa: 1013.2,
    wind_speed_ms: 3.4,
    wind_dir_deg: i % 360,
    condition: 'clear',
  }));
}

export async function codecBenchmarks(quick: boolean): Promise<MicroResult[]> {
  const rows = weatherRows(10_000);
  const packr = new Packr({ structuredClone: false, useRecords: true });
  const block = packr.pack(rows);
  const ndjson = rows.map((r) => JSON.stringify({ ...r, event_time: new Date(Number(r['event_time']) / 1000).toISOString() })).join('\n');
  return runSuite('codec (10k weather rows)', [
    { name: 'msgpackr encode shuffle block', fn: () => void packr.pack(rows) },
    { name: 'msgpackr decode shuffle block', fn: () => void packr.unpack(block) },
    { name: 'NDJSON split + JSON.parse', fn: () => void ndjson.split('\n').map((l) => JSON.parse(l) as unknown) },
  ], quick);
}
