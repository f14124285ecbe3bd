import { joinPath, WeirError, type Engine } from '@weir/core';
import { encodeFile } from './file-encoder.js';
import { FileAssembler, type AssembledFile } from './file-assembler.js';
import { ManifestBuilder, type SimulationManifest } from './manifest.js';
import { fold53 } from './prng.js';
import { resolveSimulateOptions, type ResolvedSimulation, type SimulateOptions } from './simulate-options.js';
import { compactTimestamp, isoDate, TimestampFormatter } from './time-format.js';
import { WeatherModel } from './weather-model.js';
import { WeatherSimErrors } from './errors.js';

/**
 * Generates weather files into `options.out` and returns the run's manifest.
 *
 * - **Bounded** (`files`, `rowsPerFile`): writes as fast as it can; event times follow the
 *   simulated clock (`startTime + i / rate`).
 * - **Continuous** (`fileInterval`, optional `duration`): writes file f when `engine.clock`
 *   reaches the end of its period, so files land in real time at `rate` rows per second, until
 *   `duration` has elapsed or `signal` aborts. On abort it finishes the file being written,
 *   lands any held-back late rows in one last file, and returns (`interrupted: true`).
 *
 * Landing is atomic: every file is written with one `engine.storage.put(path, bytes, { ifAbsent: true })`,
 * and Storage's `put` contract is that a reader sees all of the file or none of it.
 * `FsStorage` (@weir/node) keeps it by writing `.<name>.<random>.tmp` in the same directory,
 * fsyncing, then linking it to the final name, so a directory poller that skips names
 * starting with `.` or `_` never sees a partial file. Names are time-sortable and unique:
 * `[date=YYYY-MM-DD/]<prefix>-<yyyyMMddTHHmmssSSS>-<NNNNNN>.<ext>` (landing time on the
 * simulated clock, file index). An existing name is never overwritten (`WEATHER_SIM_OUTPUT_EXISTS`).
 *
 * ```ts
 * import { createNodeEngine } from '@weir/node';
 * import { simulate } from '@weir/weather-sim';
 * const manifest = await simulate({ engine: createNodeEngine(), out: '/tmp/landing', files: 3, rowsPerFile: 1000, seed: 7 });
 * console.log(manifest.counts.rows); // 3000
 * ```
 */
export async function simulate(options: SimulateOptions & { readonly engine: Engine }): Promise<SimulationManifest> {
  const cfg = resolveSimulateOptions(options);
  const { engine } = options;
  const signal = options.signal;
  const seed = fold53(cfg.seed);
  const startMs = cfg.startMs ?? Math.floor(engine.clock.now());
  const startMicros = startMs * 1000;
  const model = new WeatherModel(seed, cfg.stations);
  const assembler = new FileAssembler(
    model,
    { seed, startMicros, stepMicros: cfg.stepMicros, rowsPerFile: cfg.rowsPerFile, lastFile: cfg.files - 1 },
    {
      lateFraction: cfg.lateFraction,
      maxLatenessMicros: cfg.maxLatenessMs * 1000,
      outOfOrderFraction: cfg.outOfOrderFraction,
      duplicateFraction: cfg.duplicateFraction,
      malformedFraction: cfg.malformedFraction,
      missingFraction: cfg.missingFraction,
    },
  );
  // Milliseconds when the simulated clock ticks in whole ms, else microseconds, for every row of the run.
  const micros = cfg.stepMicros % 1000 !== 0;
  const encodeCtx = {
    engine,
    model,
    startMicros,
    stepMicros: cfg.stepMicros,
    micros,
    ts: new TimestampFormatter(micros ? 'us' : 'ms'),
  };
  const manifest = new ManifestBuilder(cfg.stations, (i) => startMicros + i * cfg.stepMicros);
  const periodMicros = cfg.rowsPerFile * cfg.stepMicros;
  let interrupted = false;

  // One put in flight while the next file is generated: I/O (fsync) overlaps the CPU work,
  // and files still land strictly in order.
  let inFlight: Promise<void> = Promise.resolve();
  const land = async (file: AssembledFile, landingMs: number): Promise<void> => {
    const drift = cfg.driftAtFile !== null && file.index >= cfg.driftAtFile;
    const bytes = await encodeFile(encodeCtx, file, cfg.format, { drift, typeChange: drift && cfg.driftTypeChange });
    const path = filePath(cfg, file.index, landingMs);
    await inFlight;
    inFlight = put(path, bytes).then(() => {
      manifest.add(file, path, bytes.byteLength, drift);
      options.onFile?.({
        path,
        fileIndex: file.index,
        filesWritten: manifest.counts.files,
        filesPlanned: cfg.files,
        rowsWritten: manifest.counts.rows,
      });
    });
    // Keep a rejection observed even before the next await (it is re-raised there).
    inFlight.catch(() => undefined);
  };
  const put = async (path: string, bytes: Uint8Array): Promise<void> => {
    try {
      await engine.storage.put(path, bytes, { ifAbsent: true });
    } catch (err) {
      if (WeirError.is(err) && err.code === 'FILE_ALREADY_EXISTS') throw WeatherSimErrors.WEATHER_SIM_OUTPUT_EXISTS({ path }, { cause: err });
      throw err;
    }
  };

  let f = 0;
  for (; f < cfg.files; f++) {
    const landingMs = Math.floor((startMicros + (f + 1) * periodMicros) / 1000);
    if (aborted(signal)) {
      interrupted = true;
      break;
    }
    if (cfg.continuous) {
      const wait = landingMs - engine.clock.now();
      if (wait > 0) {
        try {
          await engine.clock.sleep(wait, signal);
        } catch (err) {
          if (aborted(signal)) {
            interrupted = true;
            break;
          }
          throw err;
        }
      }
    }
    await land(assembler.assemble(f), landingMs);
  }
  const rest = assembler.flush(f);
  if (rest !== null) await land(rest, Math.floor((startMicros + (f + 1) * periodMicros) / 1000));
  await inFlight;

  return Object.freeze({
    v: 1,
    seed: cfg.seed,
    stations: cfg.stations,
    format: cfg.format,
    startTime: new Date(startMs).toISOString(),
    stepMicros: cfg.stepMicros,
    rowsPerFile: cfg.rowsPerFile,
    driftAtFile: cfg.driftAtFile,
    counts: { ...manifest.counts },
    ids: manifest.ids,
    files: manifest.files,
    interrupted,
  });
}

function aborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

const EXTENSIONS = { json: 'json', csv: 'csv', parquet: 'parquet' } as const;

/**
 * The simulated time (epoch ms) a file named by `simulate` with `filePrefix` landed at, read back
 * from its name (`<prefix>-yyyyMMddTHHmmssSSS-<index>.<ext>`, see `filePath`), or null for any
 * other name. A caller continuing a run into the same directory starts after the newest one.
 */
export function landingTimeOf(fileName: string, filePrefix: string): number | null {
  if (!fileName.startsWith(`${filePrefix}-`)) return null;
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})-\d+\.[a-z]+$/.exec(fileName.slice(filePrefix.length + 1));
  if (m === null) return null;
  const [y, mo, d, h, mi, sec, ms] = m.slice(1).map(Number) as [number, number, number, number, number, number, number];
  return Date.UTC(y, mo - 1, d, h, mi, sec, ms);
}

function filePath(cfg: ResolvedSimulation, index: number, landingMs: number): string {
  const seq = String(index);
  const name = `${cfg.filePrefix}-${compactTimestamp(landingMs)}-${seq.length >= 6 ? seq : '000000'.slice(seq.length) + seq}.${EXTENSIONS[cfg.format]}`;
  return cfg.partitionByDate ? joinPath(cfg.out, `date=${isoDate(landingMs)}`, name) : joinPath(cfg.out, name);
}
