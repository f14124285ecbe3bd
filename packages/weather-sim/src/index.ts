/**
 * @packageDocumentation
 * `@weir/weather-sim` is weir's seeded weather-sensor simulator (DESIGN.md §4 records).
 */
export { simulate } from './simulate.js';
export type { SimulateOptions, SimulationProgress } from './simulate-options.js';
export type { SimulationManifest, ManifestCounts, ManifestIds, ManifestFile } from './manifest.js';
export { WEATHER_SCHEMA, WEATHER_SCHEMA_DDL } from './file-encoder.js';
export type { SimulationFormat } from './file-encoder.js';
export { WEATHER_CONDITIONS } from './weather-model.js';
export type { WeatherCondition } from './weather-model.js';
export { stationProfile, stationProfiles, stationId } from './station-profile.js';
export type { StationProfile } from './station-profile.js';
export { WeatherSimErrors } from './errors.js';
