/**
 * @packageDocumentation
 * Seeded weather-sensor simulator: records, imperfections, atomic file landing, and a weather-sim stream source.
 */
export {};
