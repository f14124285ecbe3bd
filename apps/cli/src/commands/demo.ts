/**
 * `weir demo` (what `npm start` runs): the whole weather pipeline on embedded local defaults, no
 * setup. The simulator lands NDJSON files in `<dir>/landing`; an Auto Loader query ingests,
 * cleans and casts them into the Delta table `<dir>/tables/readings`; a second query streams that
 * table (Delta source) through a watermarked 10-minute window per station into
 * `<dir>/tables/station_windows`. Bounded by default (a few files, then availableNow drains and
 * the row counts are read back from Delta); `--continuous` keeps simulator and queries running
 * until Ctrl-C.
 */
import fs from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { createNodeEngine } from '@weir/node';
import { functions as F } from '@weir/planner';
import { WeirSession, readDeltaTable } from '@weir/streaming';
import { landingTimeOf, simulate, type SimulationManifest } from '@weir/weather-sim';
import { dashboardOption, dashboardPort, openDashboard } from './dashboard-option.js';

export interface DemoOptions {
  /** Defaults to `./weir-demo`. */
  readonly dir?: string;
  /** Bounded mode: files to simulate. Defaults to 6. */
  readonly files?: number;
  /** Defaults to 500. */
  readonly rowsPerFile?: number;
  /** Defaults to 10. */
  readonly stations?: number;
  /** Defaults to 1. */
  readonly seed?: number;
  /** Keep simulating and processing until `signal` aborts. Defaults to false. */
  readonly continuous?: boolean;
  /** Session conf, e.g. `weir.executor.threads`. */
  readonly conf?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
  readonly log?: (line: string) => void;
  /** Serves the query dashboard on this port while the demo runs (0 = any free port). */
  readonly dashboardPort?: number;
}

export interface DemoResult {
  readonly dir: string;
  readonly manifest: SimulationManifest | null;
  readonly readingsRows: number;
  readonly windowRows: number;
}

export const WEATHER_DDL =
  'station_id STRING, event_time TIMESTAMP, temperature_c DOUBLE, humidity DOUBLE, pressure_hpa DOUBLE, wind_speed_ms DOUBLE, wind_dir_deg INT, condition STRING';

/* eslint-disable @typescript-eslint/no-explicit-any */

/** The ingest pipeline (cloudFiles → clean/cast → Delta); shared with the kill test's child. */
export function buildIngestWriter(session: any, dirs: { landing: string; checkpoint: string; table: string }): any {
  return session.readStream
    .format('cloudFiles')
    .option('cloudFiles.format', 'json')
    .option('cloudFiles.schemaLocation', `${dirs.checkpoint}/schema`)
    .option('cloudFiles.maxFilesPerTrigger', '2')
    .schema(WEATHER_DDL)
    .load(dirs.landing)
    .where(F.col('station_id').isNotNull().and(F.col('event_time').isNotNull()))
    .withColumn('temperature_c', F.round(F.col('temperature_c'), 2))
    .withColumn('humidity', F.col('humidity').cast('double'))
    .writeStream.format('delta')
    .outputMode('append')
    .queryName('readings_ingest')
    .option('checkpointLocation', dirs.checkpoint)
    .option('path', dirs.table);
}

/**
 * The aggregation (Delta source → watermark → windows per station → Delta). Bounded runs use
 * 10-minute windows and a 15-minute watermark over the simulated hours; continuous runs, whose
 * event time advances in real time, 1-minute windows and a 30-second watermark so windows close
 * while you watch.
 */
export function buildWindowWriter(
  session: any,
  dirs: { readings: string; checkpoint: string; table: string },
  timing: { window: string; watermark: string } = { window: '10 minutes', watermark: '15 minutes' },
): any {
  return session.readStream
    .format('delta')
    .load(dirs.readings)
    .withWatermark('event_time', timing.watermark)
    .groupBy(F.window(F.col('event_time'), timing.window), F.col('station_id'))
    .agg(F.avg('temperature_c').alias('avg_temperature_c'), F.max('wind_speed_ms').alias('max_wind_speed_ms'), F.count('*').alias('readings'))
    .writeStream.format('delta')
    .outputMode('append')
    .queryName('station_windows')
    .option('checkpointLocation', dirs.checkpoint)
    .option('path', dirs.table);
}

function progressPrinter(log: (l: string) => void) {
  return {
    onQueryStarted: (e: any) => log(`  started ${e?.name ?? e?.id ?? ''}`),
    onQueryProgress: (e: any) => {
      const p = e?.progress ?? e;
      if (p && typeof p.batchId === 'number') log(`  [${p.name ?? ''}] batch ${p.batchId}: ${p.numInputRows ?? 0} rows`);
    },
    onQueryIdle: () => {},
    onQueryTerminated: (e: any) => log(`  terminated ${e?.id ?? ''}${e?.exception ? `: ${e.exception}` : ''}`),
  };
}

/** The simulated time the newest simulator file in `landing` landed at (epoch ms), or null when there is none. */
function lastLandingTime(landing: string, prefix: string): number | null {
  let last: number | null = null;
  for (const name of fs.existsSync(landing) ? fs.readdirSync(landing) : []) {
    const t = landingTimeOf(name, prefix);
    if (t !== null && (last === null || t > last)) last = t;
  }
  return last;
}

async function countRows(engine: any, table: string): Promise<number> {
  try {
    return (await readDeltaTable(engine, table)).rows.length;
  } catch (err) {
    if ((err as { code?: string }).code === 'DELTA_TABLE_NOT_FOUND') return 0;
    throw err;
  }
}

export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const log = options.log ?? ((l: string) => process.stdout.write(l + '\n'));
  const dir = path.resolve(options.dir ?? './weir-demo');
  const landing = path.join(dir, 'landing');
  const readings = path.join(dir, 'tables', 'readings');
  const windows = path.join(dir, 'tables', 'station_windows');
  const engine = createNodeEngine();
  log(`weir demo → ${dir}`);

  let builder = WeirSession.builder();
  for (const [k, v] of Object.entries(options.conf ?? {})) builder = builder.config(k, v);
  const session: any = builder.getOrCreate();
  session.streams?.addListener?.(progressPrinter(log));
  let closeDashboard = async (): Promise<void> => {};
  try {
    closeDashboard = await openDashboard(session.streams, options.dashboardPort, log);
    const sim = {
      engine,
      out: landing,
      stations: options.stations ?? 10,
      seed: options.seed ?? 1,
      rowsPerFile: options.rowsPerFile ?? 500,
      filePrefix: 'weather',
      onFile: (p: { path: string; rowsWritten: number }) => log(`  landed ${path.basename(p.path)} (${p.rowsWritten} rows so far)`),
    };
    const ingestDirs = { landing, checkpoint: path.join(dir, 'checkpoints', 'readings'), table: readings };
    const windowDirs = { readings, checkpoint: path.join(dir, 'checkpoints', 'station_windows'), table: windows };
    let manifest: SimulationManifest | null = null;
    if (!options.continuous) {
      // A second run in the same directory continues the simulated clock after the files already
      // landed (the simulator never overwrites one), and the queries resume from their checkpoints
      // and take only the new files, as Auto Loader would.
      const resumeAt = lastLandingTime(landing, sim.filePrefix);
      log(`1/3 simulating ${options.files ?? 6} files of weather readings into ${landing}` + (resumeAt === null ? '' : `, continuing after the files already there (${new Date(resumeAt).toISOString()})`));
      manifest = await simulate({ ...sim, files: options.files ?? 6, ...(resumeAt === null ? {} : { startTime: resumeAt }) });
      log('2/3 ingesting (Auto Loader → clean/cast → Delta), trigger availableNow');
      const ingest = await buildIngestWriter(session, ingestDirs).trigger({ availableNow: true }).start();
      await ingest.awaitTermination();
      log('3/3 windowed aggregation (Delta source → 10-minute windows per station → Delta), trigger availableNow');
      const agg = await buildWindowWriter(session, windowDirs).trigger({ availableNow: true }).start();
      await agg.awaitTermination();
    } else {
      log('continuous mode: simulator + ingest + 1-minute windows (30 s watermark) until Ctrl-C');
      const controller = new AbortController();
      options.signal?.addEventListener('abort', () => controller.abort(), { once: true });
      const simDone = simulate({ ...sim, fileInterval: '1s', rate: (options.stations ?? 10) * 2, signal: controller.signal });
      const waitFor = async (what: string, ready: () => boolean) => {
        for (let i = 0; i < 600 && !ready() && !controller.signal.aborted; i++) await new Promise((r) => setTimeout(r, 100));
        if (!ready() && !controller.signal.aborted) throw new Error(`timed out waiting for ${what}`);
      };
      await waitFor('the first simulated file', () => fs.existsSync(landing) && fs.readdirSync(landing).some((n) => n.endsWith('.json')));
      const ingest = await buildIngestWriter(session, ingestDirs).trigger({ processingTime: '2 seconds' }).start();
      // The Delta source needs the readings table, which the ingest's first batch creates.
      await waitFor('the readings table', () => fs.existsSync(path.join(readings, '_delta_log')));
      const agg = await buildWindowWriter(session, windowDirs, { window: '1 minute', watermark: '30 seconds' }).trigger({ processingTime: '5 seconds' }).start();
      await new Promise<void>((resolve) => {
        if (controller.signal.aborted) resolve();
        controller.signal.addEventListener('abort', () => resolve(), { once: true });
      });
      log('stopping…');
      await Promise.all([ingest.stop(), agg.stop()]);
      manifest = await simDone.catch(() => null);
    }
    const readingsRows = await countRows(engine, readings);
    const windowRows = await countRows(engine, windows);
    log(`done: ${readingsRows} rows in ${readings}` + (manifest ? ` (simulator wrote ${manifest.counts.rows})` : ''));
    log(`      ${windowRows} rows in ${windows}`);
    log(`inspect: weir delta describe ${readings}   |   weir checkpoint inspect ${ingestDirs.checkpoint}`);
    return { dir, manifest, readingsRows, windowRows };
  } finally {
    await closeDashboard();
    await session.close?.();
    await engine.tasks.close();
  }
}

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

function nonNegativeInt(v: string): string {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a non-negative integer');
  return String(n);
}

export function registerDemoCommand(program: Command): void {
  const command = program
    .command('demo')
    .description('Simulator + weather pipeline (Auto Loader ingest → Delta, windowed aggregation → Delta) in a local directory')
    .option('--dir <dir>', 'where landing files, tables and checkpoints go', './weir-demo')
    .option('--files <n>', 'bounded mode: files to simulate', positiveInt, 6)
    .option('--rows-per-file <n>', 'readings per file', positiveInt, 500)
    .option('--stations <n>', 'weather stations', positiveInt, 10)
    .option('--seed <n>', 'simulator seed', positiveInt, 1)
    .option('--continuous', 'keep simulating and processing until Ctrl-C')
    .option('--threads <n>', 'worker threads (weir.executor.threads; 0 = in-thread)', nonNegativeInt);
  dashboardOption(command).action(
    async (opts: { dir: string; files: number; rowsPerFile: number; stations: number; seed: number; continuous?: boolean; threads?: string; dashboard?: number | boolean }) => {
      const port = dashboardPort(opts.dashboard);
      const controller = new AbortController();
      const stop = () => controller.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      try {
        await runDemo({
          dir: opts.dir,
          files: opts.files,
          rowsPerFile: opts.rowsPerFile,
          stations: opts.stations,
          seed: opts.seed,
          continuous: opts.continuous === true,
          signal: controller.signal,
          ...(opts.threads ? { conf: { 'weir.executor.threads': opts.threads } } : {}),
          ...(port === undefined ? {} : { dashboardPort: port }),
        });
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
    },
  );
}
