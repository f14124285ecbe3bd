import { hash32, unitHash } from './prng.js';

/**
 * A station's fixed character: where it stands and what its climate is like. Profiles are a
 * pure function of `(seed, index)`, so station `ST-0007` is the same station in every run, file
 * and worker that uses the same seed, whatever the station count.
 */
export interface StationProfile {
  /** `ST-0001` … (1-based, zero-padded to 4 digits). */
  readonly id: string;
  /** 0-based index: row `i` of a run belongs to station `i % stations`. */
  readonly index: number;
  /** Degrees north, −55 … 65. */
  readonly latitude: number;
  /** Degrees east, −180 … 180. */
  readonly longitude: number;
  readonly elevationM: number;
  /** Annual mean temperature (°C), from latitude and elevation (lapse rate 6.5 °C/km). */
  readonly meanTempC: number;
  /** Half the typical day–night swing (°C). */
  readonly diurnalAmplitudeC: number;
  /** Half the summer–winter swing (°C); grows with latitude. */
  readonly seasonalAmplitudeC: number;
  /** Typical relative humidity, 0–1. */
  readonly humidityBase: number;
  /** Typical wind speed (m/s). */
  readonly windBaseMs: number;
  /** Prevailing wind direction (degrees). */
  readonly prevailingDirDeg: number;
}

/** Formats a 0-based station index as its id: 0 → `ST-0001`. */
export function stationId(index: number): string {
  const n = String(index + 1);
  return 'ST-' + (n.length >= 4 ? n : '0000'.slice(n.length) + n);
}

/** The profile of station `index` under `seed` (see {@link StationProfile}). */
export function stationProfile(seed: number, index: number): StationProfile {
  const key = hash32(seed, 0x5747a710 ^ index);
  const u = (k: number): number => unitHash(key, k);
  const latitude = round2(-55 + 120 * u(1));
  const longitude = round2(-180 + 360 * u(2));
  const elevationM = Math.round(2500 * u(3) * u(3));
  const absLat = Math.abs(latitude);
  return Object.freeze({
    id: stationId(index),
    index,
    latitude,
    longitude,
    elevationM,
    meanTempC: round2(27 - 0.4 * absLat - (6.5 * elevationM) / 1000 + 4 * (u(4) - 0.5)),
    diurnalAmplitudeC: round2(3 + 4 * u(5)),
    seasonalAmplitudeC: round2(absLat * 0.25 * (0.7 + 0.6 * u(6))),
    humidityBase: round2(0.45 + 0.35 * u(7)),
    windBaseMs: round2(1.5 + 4 * u(8)),
    prevailingDirDeg: Math.floor(360 * u(9)),
  });
}

/** Profiles of stations `0 … count-1`. */
export function stationProfiles(seed: number, count: number): StationProfile[] {
  const out: StationProfile[] = [];
  for (let i = 0; i < count; i++) out.push(stationProfile(seed, i));
  return out;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
