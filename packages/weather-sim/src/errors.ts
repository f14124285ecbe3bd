import { defineErrors } from '@weir/core';

/**
 * Errors raised by @weir/weather-sim. Option misuse uses core's `INVALID_ARGUMENT` (with
 * `details.option`) and plugin options core's `INVALID_OPTION`; these are the simulator's own.
 */
export const WeatherSimErrors = defineErrors('@weir/weather-sim', {
  WEATHER_SIM_OUTPUT_EXISTS: {
    domain: 'user',
    retryable: false,
    message:
      'File <path> already exists: the simulator never overwrites landed files. Choose another output directory or start time',
  },
  WEATHER_SIM_INVALID_OFFSET: {
    domain: 'user',
    retryable: false,
    message: 'Invalid weather-sim offset <offset>: <reason>. Expected {"v":1,"batch":<n>}',
  },
});
