import { rowBatch, StructType, type Engine, type Row } from '@weir/core';
import { asciiBytes, constBytes, grow, putAscii, putBytes, putConst, putFixed1, putFixed3, putTimeOfDay, putUint, type ConstBytes } from './ascii-encoding.js';

const DAY_US = 86_400_000_000;
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

const J_TEMP = constBytes('","temperature_c":');
const J_HUM = constBytes(',"humidity":');
const J_PRES = constBytes(',"pressure_hpa":');
const J_WIND = constBytes(',"wind_speed_ms":');
const J_DIR = constBytes(',"wind_dir_deg":');
const J_UV = constBytes(',"uv_index":');
const J_GUST = constBytes(',"gust_ms":');
const J_END_DRIFT = constBytes('}\n');
const COMPASS_BYTES = new Map<string, Uint8Array>();

function compassBytes(deg: number): Uint8Array {
  const name = compassPoint(deg);
  let b = COMPASS_BYTES.get(name);
  if (b === undefined) COMPASS_BYTES.set(name, (b = asciiBytes(name)));
  return b;
}

// Whole constant runs per station and per condition, so a line is a handful of copies.
// Readings carry their station index, so these are array lookups, not string hashing.
const J_COND_PLAIN = WEATHER_CONDITIONS.map((c) => constBytes(',"condition":"' + c + '"}\n'));
const J_COND_DRIFT = WEATHER_CONDITIONS.map((c) => constBytes(',"condition":"' + c + '"'));
const C_COND_PLAIN = WEATHER_CONDITIONS.map((c) => constBytes(',' + c + '\n'));
const C_COND_DRIFT = WEATHER_CONDITIONS.map((c) => constBytes(',' + c + ','));

/** Per-run byte constants and the output buffer. */
class LineWriter {
  buf: Uint8Array;
  view: DataView;
  p = 0;
  /** Per station: everything before the time of day (`{"station_id":"ST-0001","event_time":"2026-01-01T`). */
  #jsonPrefix: ConstBytes[] = [];
  #csvPrefix: ConstBytes[] = [];
  /** The UTC day (days since the epoch) the prefixes are for, and its `YYYY-MM-DDT`. */
  #day = NaN;
  #dayText = '';

  constructor(capacity: number) {
    this.buf = new Uint8Array(capacity);
    this.view = new DataView(this.buf.buffer);
  }

  ensure(n: number): void {
    if (this.p + n > this.buf.length) this.setBuffer(grow(this.buf, this.p, n));
  }

  setBuffer(buf: Uint8Array): void {
    this.buf = buf;
    this.view = new DataView(buf.buffer);
  }

  #setDay(day: number): void {
    this.#day = day;
    this.#dayText = new Date(day * 86_400_000).toISOString().slice(0, 11);
    this.#jsonPrefix = [];
    this.#csvPrefix = [];
  }

  jsonPrefix(r: Reading, day: number): ConstBytes {
    if (day !== this.#day) this.#setDay(day);
    return (this.#jsonPrefix[r.stationIndex] ??= constBytes('{"station_id":"' + r.station_id + '","event_time":"' + this.#dayText));
  }

  csvPrefix(r: Reading, day: number): ConstBytes {
    if (day !== this.#day) this.#setDay(day);
    return (this.#csvPrefix[r.stationIndex] ??= constBytes(r.station_id + ',' + this.#dayText));
  }
}

/** One clean NDJSON line (the fast path; the imperfect-line path below must match it byte for byte). */
function writeJsonLine(w: LineWriter, buf: Uint8Array, p: number, r: Reading, shape: LineShape, micros: boolean): number {
  const view = w.view;
  const day = Math.floor(r.eventTime / DAY_US);
  p = putConst(view, buf, p, w.jsonPrefix(r, day));
  p = putTimeOfDay(buf, p, r.eventTime - day * DAY_US, micros);
  p = putConst(view, buf, p, J_TEMP);
  p = putFixed1(buf, p, r.temperature_c);
  p = putConst(view, buf, p, J_HUM);
  p = putFixed3(buf, p, r.humidity);
  p = putConst(view, buf, p, J_PRES);
  p = putFixed1(buf, p, r.pressure_hpa);
  p = putConst(view, buf, p, J_WIND);
  p = putFixed1(buf, p, r.wind_speed_ms);
  p = putConst(view, buf, p, J_DIR);
  if (shape.typeChange) {
    buf[p++] = 34;
    p = putBytes(buf, p, compassBytes(r.wind_dir_deg));
    buf[p++] = 34;
  } else p = putUint(buf, p, r.wind_dir_deg);
  const cond = r.conditionIndex;
  if (shape.drift) {
    p = putConst(view, buf, p, J_COND_DRIFT[cond] as ConstBytes);
    p = putConst(view, buf, p, J_UV);
    p = putFixed1(buf, p, r.uv_index);
    p = putConst(view, buf, p, J_GUST);
    p = putFixed1(buf, p, r.gust_ms);
    p = putConst(view, buf, p, J_END_DRIFT);
  } else p = putConst(view, buf, p, J_COND_PLAIN[cond] as ConstBytes);
  return p;
}

/** One clean CSV line (the fast path; must match {@link csvCells}). */
function writeCsvLine(w: LineWriter, buf: Uint8Array, p: number, r: Reading, shape: LineShape, micros: boolean): number {
  const view = w.view;
  const day = Math.floor(r.eventTime / DAY_US);
  p = putConst(view, buf, p, w.csvPrefix(r, day));
  p = putTimeOfDay(buf, p, r.eventTime - day * DAY_US, micros);
  buf[p++] = 44;
  p = putFixed1(buf, p, r.temperature_c);
  buf[p++] = 44;
  p = putFixed3(buf, p, r.humidity);
  buf[p++] = 44;
  p = putFixed1(buf, p, r.pressure_hpa);
  buf[p++] = 44;
  p = putFixed1(buf, p, r.wind_speed_ms);
  buf[p++] = 44;
  p = shape.typeChange ? putBytes(buf, p, compassBytes(r.wind_dir_deg)) : putUint(buf, p, r.wind_dir_deg);
  const cond = r.conditionIndex;
  if (shape.drift) {
    p = putConst(view, buf, p, C_COND_DRIFT[cond] as ConstBytes);
    p = putFixed1(buf, p, r.uv_index);
    buf[p++] = 44;
    p = putFixed1(buf, p, r.gust_ms);
    buf[p++] = 10;
  } else p = putConst(view, buf, p, C_COND_PLAIN[cond] as ConstBytes);
  return p;
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
  const w = new LineWriter(Math.max(4096, lineCount * (shape.drift ? 224 : 192)));
  if (!json) {
    const header = csvHeader(shape);
    w.ensure(header.length);
    w.p = putAscii(w.buf, w.p, header);
  }
  const writeLine = json ? writeJsonLine : writeCsvLine;
  // NOTE: a line never exceeds MAX_LINE bytes (10 bounded numbers, fixed texts), so one check per line suffices.
  const MAX_LINE = 320;
  if (file.range !== null) {
    const r = newReading();
    const { model, startMicros, stepMicros, micros } = ctx;
    let buf = w.buf;
    let p = w.p;
    for (let i = file.range.first, end = i + file.range.count; i < end; i++) {
      model.fill(i, startMicros + i * stepMicros, r);
      if (p + MAX_LINE > buf.length) {
        w.setBuffer(grow(buf, p, MAX_LINE));
        buf = w.buf;
      }
      p = writeLine(w, buf, p, r, shape, micros);
    }
    w.p = p;
  } else {
    for (let k = 0; k < readings.length; k++) {
      const r = readings[k] as Reading;
      const kind = kinds[k] as number;
      if (kind === LineKind.CLEAN || kind === LineKind.DELAYED) {
        w.ensure(MAX_LINE);
        w.p = writeLine(w, w.buf, w.p, r, shape, ctx.micros);
      } else {
        const line = json ? imperfectJson(r, kind, details[k] as number, ctx.ts, shape) : imperfectCsv(r, kind, details[k] as number, ctx.ts, shape);
        w.ensure(line.length);
        w.p = putAscii(w.buf, w.p, line);
      }
    }
  }
  return w.buf.subarray(0, w.p);
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
