import { rowBatch, StructType, type Engine, type Row } from '@weir/core';
import { asciiBytes, ByteWriter } from './byte-writer.js';
import { LineKind, type AssembledFile } from './file-assembler.js';
import {
  compassPoint,
  csvCells,
  csvHeader,
  jsonFields,
  MEASUREMENT_COLUMNS,
  WRONG_TYPE_VALUES,
  type LineShape,
} from './record-format.js';
import type { TimestampFormatter } from './time-format.js';
import { newReading, WEATHER_CONDITIONS, type Reading, type WeatherModel } from './weather-model.js';

/** Output file formats. */
export type SimulationFormat = 'json' | 'csv' | 'parquet';

/** The Spark schema of a weather record (DESIGN.md §4); `event_time` is a TIMESTAMP (µs in rows). */
export const WEATHER_SCHEMA_DDL =
  'station_id STRING, event_time TIMESTAMP, temperature_c DOUBLE, humidity DOUBLE, pressure_hpa DOUBLE, wind_speed_ms DOUBLE, wind_dir_deg INT, condition STRING';

/** {@link WEATHER_SCHEMA_DDL} as a StructType. */
export const WEATHER_SCHEMA: StructType = StructType.fromDDL(WEATHER_SCHEMA_DDL);

const DRIFT_SCHEMA = StructType.fromDDL(WEATHER_SCHEMA_DDL + ', uv_index DOUBLE, gust_ms DOUBLE');
const DRIFT_TYPE_CHANGE_SCHEMA = StructType.fromDDL(
  WEATHER_SCHEMA_DDL.replace('wind_dir_deg INT', 'wind_dir_deg STRING') + ', uv_index DOUBLE, gust_ms DOUBLE',
);

/** The clean row of a reading in weir's in-memory form (timestamps as epoch µs). @internal */
export function readingRow(r: Reading): Row {
  return {
    station_id: r.station_id,
    event_time: r.eventTime,
    temperature_c: r.temperature_c,
    humidity: r.humidity,
    pressure_hpa: r.pressure_hpa,
    wind_speed_ms: r.wind_speed_ms,
    wind_dir_deg: r.wind_dir_deg,
    condition: r.condition,
  };
}

/** What the encoder needs to regenerate range files and format times. @internal */
export interface EncodeContext {
  readonly engine: Pick<Engine, 'parquet'>;
  readonly model: WeatherModel;
  readonly startMicros: number;
  readonly stepMicros: number;
  /** Write µs (6 digits) rather than ms in timestamps. */
  readonly micros: boolean;
  /** For the (rare) imperfect lines, built as strings. */
  readonly ts: TimestampFormatter;
}

const J_TEMP = asciiBytes('","temperature_c":');
const J_HUM = asciiBytes(',"humidity":');
const J_PRES = asciiBytes(',"pressure_hpa":');
const J_WIND = asciiBytes(',"wind_speed_ms":');
const J_DIR = asciiBytes(',"wind_dir_deg":');
const J_UV = asciiBytes(',"uv_index":');
const J_GUST = asciiBytes(',"gust_ms":');
const J_END_DRIFT = asciiBytes('}\n');
const byteCache = new Map<string, Uint8Array>();

function cached(s: string): Uint8Array {
  let b = byteCache.get(s);
  if (b === undefined) {
    b = asciiBytes(s);
    byteCache.set(s, b);
  }
  return b;
}

// Whole constant runs per station and per condition, so a line is a handful of copies.
const stationPrefix = new Map<string, Uint8Array>();
function jsonStationPrefix(id: string): Uint8Array {
  let b = stationPrefix.get(id);
  if (b === undefined) {
    b = asciiBytes('{"station_id":"' + id + '","event_time":"');
    stationPrefix.set(id, b);
  }
  return b;
}
const J_COND_PLAIN: Readonly<Record<string, Uint8Array>> = Object.fromEntries(
  WEATHER_CONDITIONS.map((c) => [c, asciiBytes(',"condition":"' + c + '"}\n')]),
);
const J_COND_DRIFT: Readonly<Record<string, Uint8Array>> = Object.fromEntries(
  WEATHER_CONDITIONS.map((c) => [c, asciiBytes(',"condition":"' + c + '"')]),
);

/** One clean NDJSON line into `w` (the fast path; must match {@link jsonFields} byte for byte). */
function writeJsonLine(w: ByteWriter, r: Reading, shape: LineShape, micros: boolean): void {
  w.reserve(320);
  w.raw(jsonStationPrefix(r.station_id));
  w.timestamp(r.eventTime, micros);
  w.raw(J_TEMP);
  w.fixed(r.temperature_c, 1);
  w.raw(J_HUM);
  w.fixed(r.humidity, 3);
  w.raw(J_PRES);
  w.fixed(r.pressure_hpa, 1);
  w.raw(J_WIND);
  w.fixed(r.wind_speed_ms, 1);
  w.raw(J_DIR);
  if (shape.typeChange) {
    w.byte(34);
    w.raw(cached(compassPoint(r.wind_dir_deg)));
    w.byte(34);
  } else w.uint(r.wind_dir_deg);
  if (shape.drift) {
    w.raw(J_COND_DRIFT[r.condition] as Uint8Array);
    w.raw(J_UV);
    w.fixed(r.uv_index, 1);
    w.raw(J_GUST);
    w.fixed(r.gust_ms, 1);
    w.raw(J_END_DRIFT);
  } else w.raw(J_COND_PLAIN[r.condition] as Uint8Array);
}

/** One clean CSV line into `w` (the fast path; must match {@link csvCells}). */
function writeCsvLine(w: ByteWriter, r: Reading, shape: LineShape, micros: boolean): void {
  w.reserve(256);
  w.raw(cached(r.station_id));
  w.byte(44);
  w.timestamp(r.eventTime, micros);
  w.byte(44);
  w.fixed(r.temperature_c, 1);
  w.byte(44);
  w.fixed(r.humidity, 3);
  w.byte(44);
  w.fixed(r.pressure_hpa, 1);
  w.byte(44);
  w.fixed(r.wind_speed_ms, 1);
  w.byte(44);
  if (shape.typeChange) w.raw(cached(compassPoint(r.wind_dir_deg)));
  else w.uint(r.wind_dir_deg);
  w.byte(44);
  w.raw(cached(r.condition));
  if (shape.drift) {
    w.byte(44);
    w.fixed(r.uv_index, 1);
    w.byte(44);
    w.fixed(r.gust_ms, 1);
  }
  w.byte(10);
}

/** Serialises one assembled file. @internal */
export async function encodeFile(ctx: EncodeContext, file: AssembledFile, format: SimulationFormat, shape: LineShape): Promise<Uint8Array> {
  const { readings, kinds, details } = file;
  if (format === 'parquet') {
    const rows: Row[] = [];
    const toRow = (r: Reading, kind: number, detail: number): void => {
      const row = readingRow(r);
      if (shape.typeChange) row['wind_dir_deg'] = compassPoint(r.wind_dir_deg);
      if (shape.drift) {
        row['uv_index'] = r.uv_index;
        row['gust_ms'] = r.gust_ms;
      }
      if (kind === LineKind.MISSING) row[MEASUREMENT_COLUMNS[detail] as string] = null;
      rows.push(row);
    };
    if (file.range !== null) {
      for (let i = file.range.first, end = i + file.range.count; i < end; i++) {
        toRow(ctx.model.reading(i, ctx.startMicros + i * ctx.stepMicros), LineKind.CLEAN, 0);
      }
    } else for (let k = 0; k < readings.length; k++) toRow(readings[k] as Reading, kinds[k] as number, details[k] as number);
    const schema = shape.typeChange ? DRIFT_TYPE_CHANGE_SCHEMA : shape.drift ? DRIFT_SCHEMA : WEATHER_SCHEMA;
    return ctx.engine.parquet.write(rowBatch(schema, rows));
  }
  const json = format === 'json';
  const lineCount = file.range !== null ? file.range.count : readings.length;
  const w = new ByteWriter(Math.max(1024, lineCount * (shape.drift ? 220 : 190)));
  if (!json) w.ascii(csvHeader(shape));
  const writeLine = json ? writeJsonLine : writeCsvLine;
  if (file.range !== null) {
    const r = newReading();
    for (let i = file.range.first, end = i + file.range.count; i < end; i++) {
      ctx.model.fill(i, ctx.startMicros + i * ctx.stepMicros, r);
      writeLine(w, r, shape, ctx.micros);
    }
  } else {
    for (let k = 0; k < readings.length; k++) {
      const r = readings[k] as Reading;
      const kind = kinds[k] as number;
      if (kind === LineKind.CLEAN || kind === LineKind.DELAYED) writeLine(w, r, shape, ctx.micros);
      else w.ascii(json ? imperfectJson(r, kind, details[k] as number, ctx.ts, shape) : imperfectCsv(r, kind, details[k] as number, ctx.ts, shape));
    }
  }
  return w.bytes();
}

function imperfectJson(r: Reading, kind: number, detail: number, ts: TimestampFormatter, shape: LineShape): string {
  const fields = jsonFields(r, ts, shape);
  if (kind === LineKind.MISSING) {
    const drop = MEASUREMENT_COLUMNS[detail];
    return '{' + fields.filter(([k]) => k !== drop).map(([k, v]) => '"' + k + '":' + v).join(',') + '}\n';
  }
  if (kind === LineKind.WRONG_TYPE) {
    const [col, text] = WRONG_TYPE_VALUES[detail] as readonly [string, string];
    return '{' + fields.map(([k, v]) => '"' + k + '":' + (k === col ? '"' + text + '"' : v)).join(',') + '}\n';
  }
  // TRUNCATED: keep the id fields whole, cut somewhere in the rest (never keeps the closing brace).
  const full = '{' + fields.map(([k, v]) => '"' + k + '":' + v).join(',') + '}';
  const keep = full.indexOf(',"temperature_c"');
  const cut = keep + 1 + Math.floor(detail * (full.length - 2 - keep));
  return full.slice(0, cut) + '\n';
}

function imperfectCsv(r: Reading, kind: number, detail: number, ts: TimestampFormatter, shape: LineShape): string {
  const cells = csvCells(r, ts, shape);
  if (kind === LineKind.MISSING) {
    cells[2 + detail] = '';
    return cells.join(',') + '\n';
  }
  if (kind === LineKind.WRONG_TYPE) {
    const [col, text] = WRONG_TYPE_VALUES[detail] as readonly [string, string];
    cells[['station_id', 'event_time', ...MEASUREMENT_COLUMNS].indexOf(col)] = text;
    return cells.join(',') + '\n';
  }
  // TRUNCATED: keep station_id and event_time, lose at least the last cell.
  const full = cells.join(',');
  const keep = cells[0]!.length + 1 + cells[1]!.length;
  const lastComma = full.lastIndexOf(',');
  const cut = keep + Math.floor(detail * (lastComma - keep));
  return full.slice(0, cut) + '\n';
}
