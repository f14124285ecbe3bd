import { LineKind, type AssembledFile } from './file-assembler.js';
import type { Reading } from './weather-model.js';
import { stationId } from './station-profile.js';
import { parseTimestampMicros } from './time-format.js';

/** One file a run wrote. */
export interface ManifestFile {
  /** The path as given to `engine.storage.put`. */
  readonly path: string;
  /** 0-based file index (the `-NNNNNN` suffix of its name). */
  readonly index: number;
  /** Lines (records) in the file, every kind included. */
  readonly rows: number;
  readonly bytes: number;
  /** Whether the file carries the drift columns. */
  readonly drifted: boolean;
}

/** Per-kind counts. Kinds are observable facts about the written lines (see {@link SimulationManifest}). */
export interface ManifestCounts {
  readonly files: number;
  readonly rows: number;
  readonly late: number;
  readonly outOfOrder: number;
  readonly duplicates: number;
  readonly malformed: number;
  readonly missing: number;
  readonly drifted: number;
}

/** Record ids (`ST-0001#42`: station and that station's reading number) per kind. */
export interface ManifestIds {
  readonly late: string[];
  readonly outOfOrder: string[];
  readonly duplicates: string[];
  readonly malformed: string[];
  readonly missing: string[];
}

/**
 * What a run produced: an exact oracle for downstream tests. Every count is defined by what a
 * reader can observe in the files, read in name order and line order:
 *
 * - `rows`: lines (CSV: data rows; Parquet: rows), every kind included.
 * - `malformed`: lines that do not parse (truncated) or have a measurement of the wrong type
 *   (`"temperature_c":"hot"`). A truncated line has no usable event time and is ignored below.
 * - `missing`: parseable lines lacking one measurement field (CSV: an empty cell; Parquet: null).
 * - `duplicates`: lines identical to an earlier line (the later occurrence is the duplicate).
 * - `late`: non-duplicate lines whose `event_time` is older than the newest event time in all
 *   earlier files (they missed their file).
 * - `outOfOrder`: non-duplicate, non-late lines older than an earlier line of the same file.
 * - `drifted`: parseable lines carrying the drift columns (`uv_index`, `gust_ms`).
 *
 * A line may have several kinds (a wrong-typed line can also be out of order).
 * `recordIdOf(manifest, record)` maps a record back to its id.
 */
export interface SimulationManifest {
  readonly v: 1;
  readonly seed: number;
  readonly stations: number;
  readonly format: 'json' | 'csv' | 'parquet';
  /** ISO-8601 time of row 0. */
  readonly startTime: string;
  /** Row i has `event_time = startTime + i * stepMicros` (µs); its station is `i % stations`. */
  readonly stepMicros: number;
  readonly rowsPerFile: number;
  /** First drifted file index, or null. */
  readonly driftAtFile: number | null;
  readonly counts: ManifestCounts;
  readonly ids: ManifestIds;
  readonly files: ManifestFile[];
  /** True when the run was stopped (signal) before its planned end. */
  readonly interrupted: boolean;
}

/** A record's id: its station and that station's reading number. */
export function readingId(r: Reading, stations: number): string {
  return r.station_id + '#' + Math.floor(r.i / stations);
}

/**
 * Classifies written files by the observable definitions above and accumulates the manifest.
 * @internal
 */
export class ManifestBuilder {
  readonly #stations: number;
  #maxPrevFiles = -Infinity;
  readonly counts = { files: 0, rows: 0, late: 0, outOfOrder: 0, duplicates: 0, malformed: 0, missing: 0, drifted: 0 };
  readonly ids: ManifestIds = { late: [], outOfOrder: [], duplicates: [], malformed: [], missing: [] };
  readonly files: ManifestFile[] = [];

  readonly #lastEventTime: (i: number) => number;

  /** `eventTimeOf(i)` gives row i's event time (µs), for files that are plain row ranges. */
  constructor(stations: number, eventTimeOf: (i: number) => number) {
    this.#stations = stations;
    this.#lastEventTime = eventTimeOf;
  }

  add(file: AssembledFile, path: string, bytes: number, drifted: boolean): void {
    const c = this.counts;
    if (file.range !== null) {
      // Clean consecutive rows: in order, and newer than every earlier file.
      c.files++;
      c.rows += file.range.count;
      if (drifted) c.drifted += file.range.count;
      this.files.push(Object.freeze({ path, index: file.index, rows: file.range.count, bytes, drifted }));
      this.#maxPrevFiles = Math.max(this.#maxPrevFiles, this.#lastEventTime(file.range.first + file.range.count - 1));
      return;
    }
    const { readings, kinds } = file;
    const ids = this.ids;
    const seen = file.hasDuplicates ? new Set<Reading>() : null;
    let fileMax = -Infinity;
    const maxPrev = this.#maxPrevFiles;
    for (let k = 0; k < readings.length; k++) {
      const r = readings[k] as Reading;
      const kind = kinds[k] as number;
      if (kind === LineKind.TRUNCATED) {
        c.malformed++;
        ids.malformed.push(readingId(r, this.#stations));
        continue;
      }
      if (drifted) c.drifted++;
      if (kind === LineKind.WRONG_TYPE) {
        c.malformed++;
        ids.malformed.push(readingId(r, this.#stations));
      } else if (kind === LineKind.MISSING) {
        c.missing++;
        ids.missing.push(readingId(r, this.#stations));
      }
      if (seen !== null) {
        if (seen.has(r)) {
          c.duplicates++;
          ids.duplicates.push(readingId(r, this.#stations));
          continue;
        }
        seen.add(r);
      }
      const t = r.eventTime;
      if (t < maxPrev) {
        c.late++;
        ids.late.push(readingId(r, this.#stations));
      } else if (t < fileMax) {
        c.outOfOrder++;
        ids.outOfOrder.push(readingId(r, this.#stations));
      }
      if (t > fileMax) fileMax = t;
    }
    if (fileMax > this.#maxPrevFiles) this.#maxPrevFiles = fileMax;
    c.files++;
    c.rows += readings.length;
    this.files.push(Object.freeze({ path, index: file.index, rows: readings.length, bytes, drifted }));
  }
}

/**
 * The id (`ST-0001#42`) of a record read back from a run's output, from the run's clock in the
 * manifest: row `i = (event_time − startTime) / stepMicros`, reading number `⌊i / stations⌋`.
 * `event_time` may be ISO-8601 text or epoch µs (weir's in-memory form). Returns null for a
 * record that is not on the run's clock.
 */
export function recordIdOf(
  manifest: Pick<SimulationManifest, 'startTime' | 'stepMicros' | 'stations'>,
  record: { readonly station_id: unknown; readonly event_time: unknown },
): string | null {
  const t = typeof record.event_time === 'number' ? record.event_time : typeof record.event_time === 'string' ? parseTimestampMicros(record.event_time) : NaN;
  const i = (t - Date.parse(manifest.startTime) * 1000) / manifest.stepMicros;
  if (!Number.isSafeInteger(i) || i < 0 || typeof record.station_id !== 'string') return null;
  if (stationId(i % manifest.stations) !== record.station_id) return null;
  return record.station_id + '#' + Math.floor(i / manifest.stations);
}
