/**
 * @packageDocumentation
 * `@weir/weather-sim` is weir's seeded weather-sensor feed: the landing-zone data that the
 * streaming examples and tests ingest (DESIGN.md §4 "Weather records"). It owns
 *
 * - **the weather model**: stations `ST-0001 …` with stable locations and climates (a pure
 *   function of the seed), temperatures with diurnal and seasonal cycles, slow "weather systems"
 *   coupling pressure, humidity, wind and `condition`, and per-reading noise keyed by the row
 *   index — so any row can be generated alone, in any order, in any worker;
 * - **imperfections on demand**: late rows, out-of-order lines, exact duplicates, malformed and
 *   incomplete lines, schema drift — and a manifest that states exactly which record ids of
 *   each kind a reader will observe ({@link SimulationManifest});
 * - **writers**: NDJSON (default), CSV with header and Parquet, landing each file with one
 *   atomic `engine.storage.put` under a unique, time-sortable name ({@link simulate});
 * - **an in-memory record iterator** ({@link weatherRecords});
 * - **the `weather-sim` stream source** ({@link weatherSimSource}), Spark's `rate-micro-batch`
 *   for weather: rows are a pure function of the batch offset, read in workers via
 *   {@link partitionReaders}.
 *
 * It does no I/O of its own: bytes go through `engine.storage` / `engine.parquet`, time through
 * `engine.clock`, and randomness comes from the seed (never `Math.random`).
 *
 * ```ts
 * import { createNodeEngine } from '@weir/node';
 * import { simulate } from '@weir/weather-sim';
 *
 * const manifest = await simulate({
 *   engine: createNodeEngine(), out: '/tmp/landing', files: 5, rowsPerFile: 1000, seed: 7,
 *   lateFraction: 0.05, maxLateness: '10 minutes', duplicateFraction: 0.01, driftAtFile: 3,
 * });
 * console.log(manifest.counts.rows, manifest.ids.late.length); // exact, for use as a test oracle
 * ```
 */
export { simulate, landingTimeOf } from './simulate.js';
export { DEFAULT_BOUNDED_START_MS } from './simulate-options.js';
export type { SimulateOptions, SimulationProgress } from './simulate-options.js';
export { recordIdOf } from './manifest.js';
export type { SimulationManifest, ManifestCounts, ManifestIds, ManifestFile } from './manifest.js';
export { WEATHER_SCHEMA, WEATHER_SCHEMA_DDL } from './file-encoder.js';
export type { SimulationFormat } from './file-encoder.js';
export { weatherRecords } from './weather-records.js';
export type { WeatherRecordsOptions } from './weather-records.js';
export { weatherSimSource, readWeatherSimPartition, WEATHER_SIM_SOURCE_OPTIONS } from './weather-sim-source.js';
export type { WeatherSimOffset, WeatherSimPartitionData } from './weather-sim-source.js';
export { WEATHER_CONDITIONS } from './weather-model.js';
export type { WeatherCondition } from './weather-model.js';
export { stationProfile, stationProfiles, stationId } from './station-profile.js';
export type { StationProfile } from './station-profile.js';
export { WeatherSimErrors } from './errors.js';

import { readWeatherSimPartition } from './weather-sim-source.js';
/** Worker-side readers for this package's input partitions (see core's `InputPartition`). */
export const partitionReaders = Object.freeze({ weatherSim: readWeatherSimPartition });
