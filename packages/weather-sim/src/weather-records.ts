import type { Row } from '@weir/core';
import { readingRow } from './file-encoder.js';
import { fold53 } from './prng.js';
import { DEFAULT_BOUNDED_START_MS, parseStartTime } from './simulate-options.js';
import { WeatherModel } from './weather-model.js';
import { CoreErrors } from '@weir/core';

/** Options of {@link weatherRecords}: the same clock and model as {@link simulate}, with no files. */
export interface WeatherRecordsOptions {
  /** Defaults to `1`. */
  readonly seed?: number;
  /** Defaults to `10`. */
  readonly stations?: number;
  /** ISO-8601 or epoch ms. Defaults to `2026-01-01T00:00:00Z`. */
  readonly startTime?: string | number;
  /** Readings per second of event time. Defaults to one per station per minute. */
  readonly rate?: number;
  /** How many records. Defaults to unbounded (stop iterating to end). */
  readonly limit?: number;
}

/**
 * Clean weather records in memory, as weir rows (`event_time` in epoch µs; see `WEATHER_SCHEMA`):
 * exactly the readings `simulate` writes for the same seed, stations, start time and rate, before
 * imperfections.
 *
 * ```ts
 * for await (const row of weatherRecords({ seed: 7, limit: 3 })) console.log(row.station_id, row.temperature_c);
 * ```
 */
export async function* weatherRecords(options: WeatherRecordsOptions = {}): AsyncGenerator<Row, void, undefined> {
  const stations = options.stations ?? 10;
  if (!Number.isSafeInteger(stations) || stations < 1) {
    throw CoreErrors.INVALID_ARGUMENT({ option: 'options.stations', reason: `must be a positive integer but was ${stations}` });
  }
  const rate = options.rate ?? stations / 60;
  const stepMicros = Math.round(1e6 / rate);
  if (!(stepMicros >= 1)) throw CoreErrors.INVALID_ARGUMENT({ option: 'options.rate', reason: `must be a positive number up to 1000000 but was ${rate}` });
  const startMicros = (options.startTime === undefined ? DEFAULT_BOUNDED_START_MS : parseStartTime(options.startTime)) * 1000;
  const limit = options.limit ?? Infinity;
  const model = new WeatherModel(fold53(options.seed ?? 1), stations);
  for (let i = 0; i < limit; i++) yield readingRow(model.reading(i, startMicros + i * stepMicros));
}
