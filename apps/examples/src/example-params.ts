/**
 * Shared by the examples: where each one reads and writes. Every path comes from `params`
 * (`weir run <file> --set input=… --set output=… --set checkpoint=…`) with a local default under
 * `./weir-examples/`, so each example runs with no setup.
 */
export type Params = Readonly<Record<string, string>>;

export interface ExamplePaths {
  readonly input: string;
  readonly output: string;
  readonly checkpoint: string;
}

const ROOT = './weir-examples';

export function examplePaths(params: Params, name: string, defaults: Partial<ExamplePaths> = {}): ExamplePaths {
  return {
    input: params['input'] ?? defaults.input ?? `${ROOT}/landing`,
    output: params['output'] ?? defaults.output ?? `${ROOT}/tables/${name}`,
    checkpoint: params['checkpoint'] ?? defaults.checkpoint ?? `${ROOT}/checkpoints/${name}`,
  };
}

/** The simulator's record layout (DESIGN.md §4) as Spark DDL, for sources that take a schema. */
export const WEATHER_DDL =
  'station_id STRING, event_time TIMESTAMP, temperature_c DOUBLE, humidity DOUBLE, pressure_hpa DOUBLE, wind_speed_ms DOUBLE, wind_dir_deg INT, condition STRING';

export function numberParam(params: Params, key: string, fallback: number): number {
  const raw = params[key];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n)) throw new TypeError(`--set ${key}=${raw}: expected a number`);
  return n;
}
