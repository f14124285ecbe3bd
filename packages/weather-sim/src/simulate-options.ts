import { CoreErrors, parseDuration } from '@weir/core';
import type { SimulationFormat } from './file-encoder.js';

/** Options of {@link simulate}; the CLI's `weir simulate` flags map one to one. */
export interface SimulateOptions {
  /** Output directory (a Storage path). Required. */
  readonly out: string;
  /** `json` (NDJSON), `csv` (with header) or `parquet`. Defaults to `json`. */
  readonly format?: SimulationFormat;
  /** Number of stations (`ST-0001` …). Defaults to `10`. */
  readonly stations?: number;
  /** Seed of every random choice: same seed and options → byte-identical files. Defaults to `1`. */
  readonly seed?: number;
  /** Bounded mode: number of files. Defaults to `1`. In continuous mode, an optional cap on the file count. */
  readonly files?: number;
  /** Bounded mode: readings per file. Defaults to `1000`. In continuous mode it sizes files only when `rate` is not given. */
  readonly rowsPerFile?: number;
  /**
   * Readings per second of event time (all stations together). In continuous mode also the
   * real-time pace. Defaults to one reading per station per minute (`stations / 60`).
   */
  readonly rate?: number;
  /** Continuous mode: one file per interval (ms, or a duration string such as `"1s"`). Defaults to bounded mode. */
  readonly fileInterval?: number | string;
  /** Continuous mode: stop after this long (ms or duration string). Defaults to running until `signal` aborts. */
  readonly duration?: number | string;
  /**
   * Event time of the first reading: ISO-8601 or epoch ms. Defaults to `2026-01-01T00:00:00Z`
   * in bounded mode (so output is reproducible) and to the engine clock's now in continuous mode.
   */
  readonly startTime?: string | number;
  /**
   * Fraction of readings delivered in a later file, within `maxLateness` of what earlier files
   * showed. Only readings near a file's end can be late within the bound, so when `maxLateness`
   * is small against a file's time span fewer are (the manifest has the exact count). Defaults to `0`.
   */
  readonly lateFraction?: number;
  /** Upper bound of a late reading's lateness (ms or duration string). Defaults to `"10 minutes"`. */
  readonly maxLateness?: number | string;
  /** Fraction of lines swapped with their next line (out of order within the file). Defaults to `0`. */
  readonly outOfOrderFraction?: number;
  /** Fraction of clean readings written twice (exact duplicates). Defaults to `0`. */
  readonly duplicateFraction?: number;
  /** Fraction of lines truncated or wrong-typed (not with `parquet`). Defaults to `0`. */
  readonly malformedFraction?: number;
  /** Fraction of lines missing one measurement field. Defaults to `0`. */
  readonly missingFraction?: number;
  /** From this 0-based file index on, records carry `uv_index` and `gust_ms`. Defaults to never. */
  readonly driftAtFile?: number | null;
  /** With drift, `wind_dir_deg` also changes type, to a compass string (`"NNE"`). Defaults to `false`. */
  readonly driftTypeChange?: boolean;
  /** Land files under `date=YYYY-MM-DD/` (UTC landing date). Defaults to `false`. */
  readonly partitionByDate?: boolean;
  /** File name prefix. Defaults to `weather`. */
  readonly filePrefix?: string;
  /** Stops a run early (continuous mode: the clean Ctrl-C path). Defaults to none. */
  readonly signal?: AbortSignal | undefined;
  /** Called after each file lands. Defaults to none. */
  readonly onFile?: ((event: SimulationProgress) => void) | undefined;
}

/** Progress after each landed file. */
export interface SimulationProgress {
  readonly path: string;
  readonly fileIndex: number;
  readonly filesWritten: number;
  /** Planned files, or Infinity for an open-ended run. */
  readonly filesPlanned: number;
  readonly rowsWritten: number;
}

/** Bounded mode's default start: fixed, so that default runs are reproducible. */
export const DEFAULT_BOUNDED_START_MS = Date.UTC(2026, 0, 1);

/** The validated run parameters. @internal */
export interface ResolvedSimulation {
  readonly out: string;
  readonly format: SimulationFormat;
  readonly stations: number;
  readonly seed: number;
  readonly continuous: boolean;
  /** Planned files (Infinity: until aborted). */
  readonly files: number;
  readonly rowsPerFile: number;
  readonly stepMicros: number;
  /** null → take the clock's now (continuous). */
  readonly startMs: number | null;
  readonly lateFraction: number;
  readonly maxLatenessMs: number;
  readonly outOfOrderFraction: number;
  readonly duplicateFraction: number;
  readonly malformedFraction: number;
  readonly missingFraction: number;
  readonly driftAtFile: number | null;
  readonly driftTypeChange: boolean;
  readonly partitionByDate: boolean;
  readonly filePrefix: string;
}

function invalid(option: string, reason: string): never {
  throw CoreErrors.INVALID_ARGUMENT({ option: `options.${option}`, reason });
}

function positiveInt(v: unknown, option: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) invalid(option, `must be a positive integer but was ${String(v)}`);
  return v;
}

function fraction(v: unknown, option: string): number {
  if (v === undefined) return 0;
  if (typeof v !== 'number' || !(v >= 0 && v <= 1)) invalid(option, `must be a number between 0 and 1 but was ${String(v)}`);
  return v;
}

function durationMs(v: number | string | undefined, option: string): number | undefined {
  if (v === undefined) return undefined;
  let ms: number;
  if (typeof v === 'number') ms = v;
  else {
    try {
      ms = parseDuration(v);
    } catch (cause) {
      throw CoreErrors.INVALID_ARGUMENT({ option: `options.${option}`, reason: `must be a duration such as "1s" but was "${v}"` }, { cause });
    }
  }
  if (!Number.isFinite(ms) || ms <= 0) invalid(option, `must be a positive duration but was ${String(v)}`);
  return ms;
}

/** Parses `startTime`: ISO-8601 text or epoch ms. */
export function parseStartTime(v: string | number, option = 'startTime'): number {
  const ms = typeof v === 'number' ? v : /^\d{4}-\d{2}-\d{2}/.test(v) ? Date.parse(v) : NaN;
  if (!Number.isFinite(ms)) invalid(option, `must be an ISO-8601 time such as 2026-01-01T00:00:00Z but was ${String(v)}`);
  return Math.floor(ms);
}

/** Validates options and derives the simulated clock. @internal */
export function resolveSimulateOptions(o: SimulateOptions): ResolvedSimulation {
  if (typeof o.out !== 'string' || o.out.length === 0) invalid('out', 'is required');
  const format = o.format ?? 'json';
  if (format !== 'json' && format !== 'csv' && format !== 'parquet') invalid('format', `must be json, csv or parquet but was ${String(format)}`);
  const stations = positiveInt(o.stations ?? 10, 'stations');
  const seed = o.seed ?? 1;
  if (!Number.isSafeInteger(seed) || seed < 0) invalid('seed', `must be a non-negative integer but was ${String(seed)}`);
  const fileIntervalMs = durationMs(o.fileInterval, 'fileInterval');
  const durationMsV = durationMs(o.duration, 'duration');
  const continuous = fileIntervalMs !== undefined;
  if (!continuous && durationMsV !== undefined) invalid('duration', 'needs fileInterval (continuous mode)');
  const rate = o.rate ?? stations / 60;
  if (typeof rate !== 'number' || !(rate > 0) || !Number.isFinite(rate)) invalid('rate', `must be a positive number of rows per second but was ${String(rate)}`);
  let files: number;
  let rowsPerFile: number;
  let stepMicros: number;
  if (continuous) {
    const interval = fileIntervalMs as number;
    // Continuous mode's knob is the rate; rowsPerFile (the bounded knob) sizes files only without one.
    rowsPerFile =
      o.rate === undefined && o.rowsPerFile !== undefined
        ? positiveInt(o.rowsPerFile, 'rowsPerFile')
        : Math.max(1, Math.round((rate * interval) / 1000));
    // The file period matches the interval exactly; the per-row step absorbs the rounding.
    stepMicros = Math.round((interval * 1000) / rowsPerFile);
    files = durationMsV === undefined ? Infinity : Math.max(1, Math.ceil(durationMsV / interval));
    if (o.files !== undefined) files = Math.min(files, positiveInt(o.files, 'files'));
  } else {
    files = positiveInt(o.files ?? 1, 'files');
    rowsPerFile = positiveInt(o.rowsPerFile ?? 1000, 'rowsPerFile');
    stepMicros = Math.round(1e6 / rate);
  }
  if (stepMicros < 1) invalid('rate', `must be at most 1000000 rows per second of event time but was ${rate}`);
  const lateFraction = fraction(o.lateFraction, 'lateFraction');
  const malformedFraction = fraction(o.malformedFraction, 'malformedFraction');
  const missingFraction = fraction(o.missingFraction, 'missingFraction');
  if (malformedFraction + missingFraction > 1) invalid('malformedFraction', 'malformedFraction + missingFraction must not exceed 1');
  if (format === 'parquet' && malformedFraction > 0) invalid('malformedFraction', 'must be 0 with format parquet (Parquet cannot hold malformed values)');
  const maxLatenessMs = durationMs(o.maxLateness ?? '10 minutes', 'maxLateness') as number;
  const driftAtFile = o.driftAtFile ?? null;
  if (driftAtFile !== null && (!Number.isSafeInteger(driftAtFile) || driftAtFile < 0)) {
    invalid('driftAtFile', `must be a non-negative integer file index but was ${String(driftAtFile)}`);
  }
  const filePrefix = o.filePrefix ?? 'weather';
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(filePrefix)) invalid('filePrefix', 'must start with a letter or digit and use only letters, digits, _ and -');
  return Object.freeze({
    out: o.out.replace(/\/+$/, '') || '/',
    format,
    stations,
    seed,
    continuous,
    files,
    rowsPerFile,
    stepMicros,
    startMs: o.startTime !== undefined ? parseStartTime(o.startTime) : continuous ? null : DEFAULT_BOUNDED_START_MS,
    lateFraction,
    maxLatenessMs,
    outOfOrderFraction: fraction(o.outOfOrderFraction, 'outOfOrderFraction'),
    duplicateFraction: fraction(o.duplicateFraction, 'duplicateFraction'),
    malformedFraction,
    missingFraction,
    driftAtFile,
    driftTypeChange: o.driftTypeChange ?? false,
    partitionByDate: o.partitionByDate ?? false,
    filePrefix,
  });
}
