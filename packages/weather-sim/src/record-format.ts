import type { Reading } from './weather-model.js';
import type { TimestampFormatter } from './time-format.js';

/**
 * The string form of records: column lists, value formatting, and the general (slow) line
 * builders used for imperfect lines. Clean lines take the byte-level fast path in
 * `file-encoder.ts`, which a test holds to these builders byte for byte. Every value is a rounded
 * decimal written from its scaled integer, always with a decimal point (so type inference sees a
 * double even for `12.0`).
 * @internal
 */

const PAD3: string[] = Array.from({ length: 1000 }, (_, n) => (n < 10 ? '00' : n < 100 ? '0' : '') + n);

/** One decimal place: 12.3, -0.5, 7.0. */
export function fmt1(v: number): string {
  const n = Math.round(v * 10);
  if (n < 0) {
    const a = -n;
    const int = Math.floor(a / 10);
    return '-' + int + '.' + (a - int * 10);
  }
  const int = Math.floor(n / 10);
  return int + '.' + (n - int * 10);
}

/** Three decimal places: 0.734, 1.000. */
export function fmt3(v: number): string {
  const n = Math.round(v * 1000);
  const a = n < 0 ? -n : n;
  const int = Math.floor(a / 1000);
  return (n < 0 ? '-' : '') + int + '.' + PAD3[a - int * 1000];
}

const COMPASS = ['N', 'NNE', 'NE', 'ENE', 'E', 'ESE', 'SE', 'SSE', 'S', 'SSW', 'SW', 'WSW', 'W', 'WNW', 'NW', 'NNW'];

/** The 16-point compass name of a direction: the schema-drift type change for `wind_dir_deg`. */
export function compassPoint(deg: number): string {
  return COMPASS[Math.round(deg / 22.5) % 16] as string;
}

/** Base columns, in file order. Drifted files append {@link DRIFT_COLUMNS}. */
export const BASE_COLUMNS = Object.freeze([
  'station_id',
  'event_time',
  'temperature_c',
  'humidity',
  'pressure_hpa',
  'wind_speed_ms',
  'wind_dir_deg',
  'condition',
] as const);
export const DRIFT_COLUMNS = Object.freeze(['uv_index', 'gust_ms'] as const);

/** Fields a "missing field" imperfection may drop (never the id fields station_id / event_time). */
export const MEASUREMENT_COLUMNS = Object.freeze(BASE_COLUMNS.slice(2));

/** Wrong-type replacements for the "malformed" imperfection (valid JSON, wrong type). */
export const WRONG_TYPE_VALUES: ReadonlyArray<readonly [string, string]> = Object.freeze([
  ['temperature_c', 'hot'],
  ['humidity', 'damp'],
  ['wind_speed_ms', 'gusty'],
  ['pressure_hpa', 'high'],
]);

/** How a line is written. */
export interface LineShape {
  readonly drift: boolean;
  readonly typeChange: boolean;
}

/** A reading's fields as [column, JSON text] pairs, in file order (the slow, general path). */
export function jsonFields(r: Reading, ts: TimestampFormatter, shape: LineShape): Array<[string, string]> {
  const out: Array<[string, string]> = [
    ['station_id', '"' + r.station_id + '"'],
    ['event_time', '"' + ts.format(r.eventTime) + '"'],
    ['temperature_c', fmt1(r.temperature_c)],
    ['humidity', fmt3(r.humidity)],
    ['pressure_hpa', fmt1(r.pressure_hpa)],
    ['wind_speed_ms', fmt1(r.wind_speed_ms)],
    ['wind_dir_deg', shape.typeChange ? '"' + compassPoint(r.wind_dir_deg) + '"' : String(r.wind_dir_deg)],
    ['condition', '"' + r.condition + '"'],
  ];
  if (shape.drift) out.push(['uv_index', fmt1(r.uv_index)], ['gust_ms', fmt1(r.gust_ms)]);
  return out;
}

/** CSV header for a file's shape, newline included. */
export function csvHeader(shape: LineShape): string {
  return (shape.drift ? [...BASE_COLUMNS, ...DRIFT_COLUMNS] : BASE_COLUMNS).join(',') + '\n';
}

/** A reading's CSV cells in header order (values never contain commas or quotes). */
export function csvCells(r: Reading, ts: TimestampFormatter, shape: LineShape): string[] {
  const out = [
    r.station_id,
    ts.format(r.eventTime),
    fmt1(r.temperature_c),
    fmt3(r.humidity),
    fmt1(r.pressure_hpa),
    fmt1(r.wind_speed_ms),
    shape.typeChange ? compassPoint(r.wind_dir_deg) : String(r.wind_dir_deg),
    r.condition,
  ];
  if (shape.drift) out.push(fmt1(r.uv_index), fmt1(r.gust_ms));
  return out;
}
