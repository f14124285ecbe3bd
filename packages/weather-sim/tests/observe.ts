// Test oracle: counts what a reader can observe in simulator output, written independently of
// the simulator's own bookkeeping (it only parses the bytes on disk, with JSON.parse / a CSV
// split, and the run parameters the manifest states).
import { readFileSync } from 'node:fs';

export interface Observed {
  rows: number;
  late: string[];
  outOfOrder: string[];
  duplicates: string[];
  malformed: number;
  malformedIds: string[];
  missing: string[];
  drifted: number;
}

const BASE = ['station_id', 'event_time', 'temperature_c', 'humidity', 'pressure_hpa', 'wind_speed_ms', 'wind_dir_deg', 'condition'];
const NUMERIC = ['temperature_c', 'humidity', 'pressure_hpa', 'wind_speed_ms'];

export interface RunParams {
  readonly startTime: string;
  readonly stepMicros: number;
  readonly stations: number;
}

function micros(iso: string): number {
  const m = /^(.*\.)(\d{3})(\d{3})?Z$/.exec(iso);
  if (m === null) throw new Error(`unexpected timestamp ${iso}`);
  return Date.parse(`${m[1] ?? ''}${m[2] ?? ''}Z`) * 1000 + Number(m[3] ?? '0');
}

/** `ST-0003#17`: station and that station's reading number, from the run's clock. */
export function idOf(p: RunParams, station: string, eventTime: string): string {
  const i = (micros(eventTime) - Date.parse(p.startTime) * 1000) / p.stepMicros;
  if (!Number.isInteger(i)) throw new Error(`event time ${eventTime} is off the run's clock`);
  if (i % p.stations !== Number(station.slice(3)) - 1) throw new Error(`row ${i} does not belong to ${station}`);
  return `${station}#${Math.floor(i / p.stations)}`;
}

/** Parses files (in name order) as NDJSON or CSV and classifies every line. */
export function observe(paths: readonly string[], format: 'json' | 'csv', p: RunParams, typeChangeFrom = Infinity): Observed {
  const o: Observed = { rows: 0, late: [], outOfOrder: [], duplicates: [], malformed: 0, malformedIds: [], missing: [], drifted: 0 };
  const seenLines = new Set<string>();
  let maxPrevFiles = -Infinity;
  [...paths].sort((a, b) => (a.split('/').pop()! < b.split('/').pop()! ? -1 : 1)).forEach((path, fileNo) => {
    const text = readFileSync(path, 'utf8');
    if (!text.endsWith('\n')) throw new Error(`${path} does not end with a newline`);
    let lines = text.slice(0, -1).split('\n');
    let header: string[] = [];
    if (format === 'csv') {
      header = (lines[0] as string).split(',');
      lines = lines.slice(1);
    }
    let fileMax = -Infinity;
    for (const line of lines) {
      o.rows++;
      let rec: Record<string, unknown> | null = null;
      if (format === 'json') {
        try {
          rec = JSON.parse(line) as Record<string, unknown>;
        } catch {
          rec = null;
        }
      } else {
        const cells = line.split(',');
        if (cells.length === header.length) {
          rec = {};
          header.forEach((h, k) => {
            const c = cells[k] as string;
            if (c === '') return; // missing
            rec![h] = NUMERIC.includes(h) || h === 'uv_index' || h === 'gust_ms' || h === 'wind_dir_deg' ? (/^-?\d+(\.\d+)?$/.test(c) ? Number(c) : c) : c;
          });
        }
      }
      if (rec === null) {
        o.malformed++;
        continue;
      }
      const id = idOf(p, rec['station_id'] as string, rec['event_time'] as string);
      const wrongType =
        NUMERIC.some((k) => k in rec! && typeof rec![k] !== 'number') ||
        ('wind_dir_deg' in rec && fileNo < typeChangeFrom && !Number.isInteger(rec['wind_dir_deg']));
      if (wrongType) {
        o.malformed++;
        o.malformedIds.push(id);
      } else if (BASE.some((k) => !(k in rec!))) o.missing.push(id);
      if ('uv_index' in rec) o.drifted++;
      if (seenLines.has(line)) {
        o.duplicates.push(id);
        continue;
      }
      seenLines.add(line);
      const t = micros(rec['event_time'] as string);
      if (t < maxPrevFiles) o.late.push(id);
      else if (t < fileMax) o.outOfOrder.push(id);
      fileMax = Math.max(fileMax, t);
    }
    maxPrevFiles = Math.max(maxPrevFiles, fileMax);
  });
  return o;
}
