import { fold53, hash32 } from './prng.js';
import { stationProfile, type StationProfile } from './station-profile.js';

/** The `condition` vocabulary, from fair to foul. */
export const WEATHER_CONDITIONS = Object.freeze([
  'clear',
  'partly_cloudy',
  'cloudy',
  'fog',
  'drizzle',
  'rain',
  'thunderstorm',
  'snow',
] as const);

export type WeatherCondition = (typeof WEATHER_CONDITIONS)[number];

/**
 * One generated reading, before any imperfection is applied. Internal and mutable on purpose:
 * the hot loop fills one object per row and never copies it.
 * @internal
 */
export interface Reading {
  /** The run's row index (the reading's place on the simulated clock). */
  i: number;
  stationIndex: number;
  station_id: string;
  /** Epoch microseconds. */
  eventTime: number;
  temperature_c: number;
  humidity: number;
  pressure_hpa: number;
  wind_speed_ms: number;
  wind_dir_deg: number;
  condition: WeatherCondition;
  /** Index of `condition` in WEATHER_CONDITIONS (lets writers use array lookups). */
  conditionIndex: number;
  /** Written only by drifted files. */
  uv_index: number;
  /** Written only by drifted files. */
  gust_ms: number;
}

/** An empty reading with every field present (one hidden class for all readings). @internal */
export function newReading(): Reading {
  return {
    i: 0,
    stationIndex: 0,
    station_id: '',
    eventTime: 0,
    temperature_c: 0,
    humidity: 0,
    pressure_hpa: 0,
    wind_speed_ms: 0,
    wind_dir_deg: 0,
    condition: 'clear',
    conditionIndex: 0,
    uv_index: 0,
    gust_ms: 0,
  };
}

const HOUR_US = 3_600_000_000;
const DAY_US = 24 * HOUR_US;
const YEAR_DAYS = 365.2425;
const TWO_PI = 2 * Math.PI;

// The per-reading noise stream (module state: the hot loop allocates no closures).
let rowState = 0;

function rowNext(): number {
  let t = (rowState = (rowState + 0x6d2b79f5) | 0);
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/** Sum of two uniforms (triangular) scaled to unit variance: cheap, bounded, bell-shaped enough. */
function rowGauss(): number {
  return (rowNext() + rowNext() - 1) * 2.449489742783178;
}

/** Smooth "weather system" channels, each a value noise over time with its own knot spacing. */
const CHANNELS = 4;
const CH_FRONT = 0; // pressure systems: high = fair, low = stormy
const CH_FRONT_FAST = 1; // shorter-lived disturbances on top
const CH_TEMP = 2; // warm / cold spells
const CH_DIR = 3; // wind backing and veering
const CHANNEL_PERIOD_US = [72 * HOUR_US, 12 * HOUR_US, 30 * HOUR_US, 18 * HOUR_US];

/**
 * The weather model: turns `(row index, event time)` into a plausible reading. Pure in its
 * inputs: a station's values depend on its profile, the time (diurnal and seasonal cycles, slow
 * value-noise weather systems keyed by time) and per-reading noise keyed by the row index, so
 * any row can be generated alone, in any order, in any worker.
 *
 * Physical couplings: afternoons are warm, dry and breezy; low pressure brings humidity, wind,
 * cloud and precipitation (snow below ~0.5 °C); fog needs saturated, calm air.
 * @internal
 */
export class WeatherModel {
  readonly stations: number;
  readonly #seed: number;
  readonly #profiles: StationProfile[] = [];
  readonly #lonOffsetUs: Float64Array;
  readonly #cosLat: Float64Array;
  readonly #hemisphere: Float64Array;
  readonly #stationKeys: Uint32Array;
  // Per (station, channel) cache of the two value-noise knots around the current time.
  readonly #knot: Float64Array;
  readonly #knotA: Float64Array;
  readonly #knotB: Float64Array;
  readonly #rowKey: number;

  constructor(seed: number, stations: number) {
    this.#seed = fold53(seed);
    this.stations = stations;
    this.#lonOffsetUs = new Float64Array(stations);
    this.#cosLat = new Float64Array(stations);
    this.#hemisphere = new Float64Array(stations);
    this.#stationKeys = new Uint32Array(stations);
    for (let s = 0; s < stations; s++) {
      const p = stationProfile(this.#seed, s);
      this.#profiles.push(p);
      this.#lonOffsetUs[s] = (p.longitude / 15) * HOUR_US;
      this.#cosLat[s] = Math.cos((p.latitude * Math.PI) / 180);
      this.#hemisphere[s] = p.latitude >= 0 ? 1 : -1;
      this.#stationKeys[s] = hash32(this.#seed, 0x0f00d ^ s);
    }
    this.#knot = new Float64Array(stations * CHANNELS).fill(NaN);
    this.#knotA = new Float64Array(stations * CHANNELS);
    this.#knotB = new Float64Array(stations * CHANNELS);
    this.#rowKey = hash32(this.#seed, 0x7e11);
  }

  profile(station: number): StationProfile {
    return this.#profiles[station] as StationProfile;
  }

  /** A new reading for row `i` at `eventTime` (µs). */
  reading(i: number, eventTime: number): Reading {
    const r = newReading();
    this.fill(i, eventTime, r);
    return r;
  }

  /** Fills `r` with the reading for row `i` at `eventTime` (µs); station = `i % stations`. */
  fill(i: number, eventTime: number, r: Reading): void {
    const s = i % this.stations;
    const p = this.#profiles[s] as StationProfile;

    // Per-reading noise: a short mulberry32 stream keyed by the row index (random access).
    rowState = hash32(this.#rowKey, fold53(i)) | 0;

    const front = 0.75 * this.#noise(s, CH_FRONT, eventTime) + 0.35 * this.#noise(s, CH_FRONT_FAST, eventTime);
    const clear = front < -1 ? 0 : front > 1 ? 1 : (front + 1) / 2;
    const spell = this.#noise(s, CH_TEMP, eventTime);

    // Local solar time drives the diurnal cycle: warmest ~15:00, coolest ~03:00.
    const localUs = eventTime + (this.#lonOffsetUs[s] as number);
    const dayPhase = (((localUs % DAY_US) + DAY_US) % DAY_US) / DAY_US; // 0 … 1 from local midnight
    const diurnal = Math.cos(TWO_PI * (dayPhase - 15 / 24));
    // Seasons: coldest around 15 January in the north, mid-July in the south.
    const dayOfYear = eventTime / DAY_US / YEAR_DAYS;
    const seasonal = -Math.cos(TWO_PI * (dayOfYear - 15 / YEAR_DAYS)) * (this.#hemisphere[s] as number);

    const temp =
      p.meanTempC +
      p.seasonalAmplitudeC * seasonal +
      p.diurnalAmplitudeC * diurnal * (0.6 + 0.4 * clear) +
      3 * spell +
      0.3 * rowGauss();
    let humidity = p.humidityBase - 0.18 * diurnal * (0.5 + 0.5 * clear) - 0.2 * front + 0.03 * rowGauss();
    humidity = humidity < 0.05 ? 0.05 : humidity > 1 ? 1 : humidity;
    const pressure = 1013.25 + 14 * front + 0.4 * rowGauss();
    let wind = p.windBaseMs * (1 + 0.9 * (front < 0 ? -front : 0)) + 1.2 * (diurnal > 0 ? diurnal : 0) + 0.8 * rowGauss();
    if (wind < 0) wind = -wind * 0.3;
    let dir = Math.round(p.prevailingDirDeg + 70 * this.#noise(s, CH_DIR, eventTime) + 15 * rowGauss()) % 360;
    if (dir < 0) dir += 360;

    const tempR = Math.round(temp * 10) / 10;
    const humR = Math.round(humidity * 1000) / 1000;
    const windR = Math.round(wind * 10) / 10;
    // Indexes into WEATHER_CONDITIONS.
    let condition: number;
    if (humR >= 0.97 && windR < 3) condition = 3; // fog
    else if (front < -0.45 && humR > 0.72) {
      if (tempR <= 0.5) condition = 7; // snow
      else if (front < -0.75 && windR > 7) condition = 6; // thunderstorm
      else condition = front < -0.6 ? 5 : 4; // rain : drizzle
    } else if (front < -0.1) condition = 2; // cloudy
    else if (front < 0.35) condition = 1; // partly_cloudy
    else condition = 0; // clear

    const sun = Math.cos(TWO_PI * (dayPhase - 12.5 / 24));
    const uv = sun > 0 ? 11 * sun * (this.#cosLat[s] as number) * (0.3 + 0.7 * clear) : 0;

    r.i = i;
    r.stationIndex = s;
    r.station_id = p.id;
    r.eventTime = eventTime;
    r.temperature_c = tempR;
    r.humidity = humR;
    r.pressure_hpa = Math.round(pressure * 10) / 10;
    r.wind_speed_ms = windR;
    r.wind_dir_deg = dir;
    r.condition = WEATHER_CONDITIONS[condition] as WeatherCondition;
    r.conditionIndex = condition;
    r.uv_index = Math.round(uv * 10) / 10;
    r.gust_ms = Math.round(windR * (1.25 + 0.5 * rowNext()) * 10) / 10;
  }

  /** Value noise in −1 … 1 for (station, channel) at time `t`, smooth between knots. */
  #noise(s: number, ch: number, t: number): number {
    const period = CHANNEL_PERIOD_US[ch] as number;
    const k = Math.floor(t / period);
    const slot = s * CHANNELS + ch;
    if (this.#knot[slot] !== k) {
      const key = (this.#stationKeys[s] as number) ^ Math.imul(ch + 1, 0x2545f491);
      this.#knot[slot] = k;
      this.#knotA[slot] = hash32(key, k | 0) / 2147483648 - 1;
      this.#knotB[slot] = hash32(key, (k + 1) | 0) / 2147483648 - 1;
    }
    const f = (t - k * period) / period;
    const w = f * f * (3 - 2 * f);
    const a = this.#knotA[slot] as number;
    return a + ((this.#knotB[slot] as number) - a) * w;
  }
}
