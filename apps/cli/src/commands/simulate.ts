/**
 * `weir simulate --out DIR …`: lands seeded weather-sensor files for the streaming examples and
 * tests (@weir/weather-sim does the work; this file only parses flags, shows progress and
 * handles Ctrl-C).
 *
 * - Bounded: `--files N --rows-per-file M` writes as fast as it can.
 * - Continuous: `--rate 500/s --file-interval 1s [--duration 10m]` writes one file per interval
 *   in real time until the duration ends or Ctrl-C. The first Ctrl-C stops cleanly (the file
 *   being written lands whole, held-back late rows land in a last file, the manifest is
 *   written, exit 0); a second one exits at once with 130.
 *
 * Invalid flags or values print one `error: …` line and exit 2.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import cliProgress from 'cli-progress';
import { parseDuration, utf8Encode, WeirError } from '@weir/core';
import { createNodeEngine } from '@weir/node';
import { simulate, type SimulateOptions, type SimulationManifest, type SimulationProgress } from '@weir/weather-sim';

/** `500/s`, `500`, `30/min`, `2/h` → rows per second. */
export function parseRate(raw: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(?:\/\s*(s|sec|second|m|min|minute|h|hr|hour))?\s*$/i.exec(raw);
  const per = { s: 1, sec: 1, second: 1, m: 60, min: 60, minute: 60, h: 3600, hr: 3600, hour: 3600 } as const;
  if (m === null) throw new InvalidArgumentError('expected rows per second such as 500/s, 30/min or 2/h');
  const value = Number(m[1]) / per[((m[2] ?? 's').toLowerCase()) as keyof typeof per];
  if (!(value > 0)) throw new InvalidArgumentError('must be greater than 0');
  return value;
}

function parseIntFlag(min: number): (raw: string) => number {
  return (raw) => {
    if (!/^\s*\d+\s*$/.test(raw) || Number(raw) < min || !Number.isSafeInteger(Number(raw))) {
      throw new InvalidArgumentError(`expected an integer >= ${min}`);
    }
    return Number(raw);
  };
}

function parseFraction(raw: string): number {
  const v = Number(raw);
  if (raw.trim() === '' || !(v >= 0 && v <= 1)) throw new InvalidArgumentError('expected a fraction between 0 and 1');
  return v;
}

function parseDurationFlag(raw: string): number {
  let ms: number;
  try {
    ms = parseDuration(raw);
  } catch {
    throw new InvalidArgumentError('expected a duration such as 1s, 500ms, 10m or "2 hours"');
  }
  if (!(ms > 0)) throw new InvalidArgumentError('must be greater than 0');
  return ms;
}

function parseStartTime(raw: string): string {
  if (!/^\d{4}-\d{2}-\d{2}/.test(raw) || Number.isNaN(Date.parse(raw))) {
    throw new InvalidArgumentError('expected an ISO-8601 time such as 2026-01-01T00:00:00Z');
  }
  return raw;
}

/** The parsed flags (commander's camelCase names). */
interface SimulateFlags {
  out: string;
  format: 'json' | 'csv' | 'parquet';
  stations: number;
  seed: number;
  files?: number;
  rowsPerFile?: number;
  rate?: number;
  fileInterval?: number;
  duration?: number;
  startTime?: string;
  lateFraction?: number;
  maxLateness?: number;
  outOfOrderFraction?: number;
  duplicateFraction?: number;
  malformedFraction?: number;
  missingFraction?: number;
  driftAtFile?: number;
  driftTypeChange?: boolean;
  partitionByDate?: boolean;
  manifest?: string;
  progress: boolean;
}

/** Library option → flag, to name the flag when @weir/weather-sim rejects a combination. */
const FLAG_OF: Readonly<Record<string, string>> = {
  out: '--out',
  format: '--format',
  stations: '--stations',
  seed: '--seed',
  files: '--files',
  rowsPerFile: '--rows-per-file',
  rate: '--rate',
  fileInterval: '--file-interval',
  duration: '--duration',
  startTime: '--start-time',
  lateFraction: '--late-fraction',
  maxLateness: '--max-lateness',
  outOfOrderFraction: '--out-of-order-fraction',
  duplicateFraction: '--duplicate-fraction',
  malformedFraction: '--malformed-fraction',
  missingFraction: '--missing-fraction',
  driftAtFile: '--drift-at-file',
};

/** Maps flags to `simulate` options; checks the mode rules the issue fixes. Throws a one-line usage message. */
export function simulateOptionsFromFlags(f: SimulateFlags): SimulateOptions {
  const bounded = f.files !== undefined || f.rowsPerFile !== undefined;
  const continuous = f.fileInterval !== undefined || f.duration !== undefined;
  if (bounded && continuous) {
    throw new InvalidArgumentError('choose bounded (--files, --rows-per-file) or continuous (--file-interval, --duration) mode, not both');
  }
  const o: { -readonly [K in keyof SimulateOptions]: SimulateOptions[K] } = { out: f.out, format: f.format, stations: f.stations, seed: f.seed };
  if (continuous) o.fileInterval = f.fileInterval ?? 1000;
  if (f.duration !== undefined) o.duration = f.duration;
  if (f.files !== undefined) o.files = f.files;
  if (f.rowsPerFile !== undefined) o.rowsPerFile = f.rowsPerFile;
  if (f.rate !== undefined) o.rate = f.rate;
  if (f.startTime !== undefined) o.startTime = f.startTime;
  if (f.lateFraction !== undefined) o.lateFraction = f.lateFraction;
  if (f.maxLateness !== undefined) o.maxLateness = f.maxLateness;
  if (f.outOfOrderFraction !== undefined) o.outOfOrderFraction = f.outOfOrderFraction;
  if (f.duplicateFraction !== undefined) o.duplicateFraction = f.duplicateFraction;
  if (f.malformedFraction !== undefined) o.malformedFraction = f.malformedFraction;
  if (f.missingFraction !== undefined) o.missingFraction = f.missingFraction;
  if (f.driftAtFile !== undefined) o.driftAtFile = f.driftAtFile;
  if (f.driftTypeChange === true) o.driftTypeChange = true;
  if (f.partitionByDate === true) o.partitionByDate = true;
  return o;
}

/** A cli-progress bar on a TTY (files, rows, rate); nothing otherwise. */
function progressReporter(enabled: boolean, planned: number): { update(p: SimulationProgress): void; stop(): void } {
  if (!enabled) return { update: () => undefined, stop: () => undefined };
  const started = performance.now();
  const bounded = Number.isFinite(planned);
  const bar = new cliProgress.SingleBar(
    {
      format: bounded
        ? 'simulate |{bar}| {value}/{total} files | {rows} rows | {rate} rows/s'
        : 'simulate | {value} files | {rows} rows | {rate} rows/s | Ctrl-C to stop',
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(bounded ? planned : 0, 0, { rows: 0, rate: 0 });
  return {
    update: (p) => {
      const secs = (performance.now() - started) / 1000;
      bar.update(p.filesWritten, { rows: p.rowsWritten, rate: secs > 0 ? Math.round(p.rowsWritten / secs) : 0 });
    },
    stop: () => bar.stop(),
  };
}

export function registerSimulateCommand(program: Command): void {
  const cmd: Command = program
    .command('simulate')
    .description('Land seeded weather-sensor files (NDJSON, CSV or Parquet) atomically, bounded or in real time')
    .showHelpAfterError(false)
    .requiredOption('--out <dir>', 'output (landing) directory')
    .addOption(new Option('--format <format>', 'file format').choices(['json', 'csv', 'parquet']).default('json'))
    .option('--stations <n>', 'number of stations (ST-0001 …)', parseIntFlag(1), 10)
    .option('--seed <s>', 'seed: same seed and flags give byte-identical files', parseIntFlag(0), 1)
    .option('--files <n>', 'bounded mode: number of files (default 1)', parseIntFlag(1))
    .option('--rows-per-file <m>', 'bounded mode: readings per file (default 1000)', parseIntFlag(1))
    .option('--rate <r>', 'readings per second (500/s, 30/min); continuous: real-time pace; bounded: event-time density (default: 1 per station per minute)', parseRate)
    .option('--file-interval <d>', 'continuous mode: one file per interval (default 1s)', parseDurationFlag)
    .option('--duration <d>', 'continuous mode: stop after this long (default: until Ctrl-C)', parseDurationFlag)
    .option('--start-time <iso>', 'event time of the first reading (default: 2026-01-01T00:00:00Z bounded, now continuous)', parseStartTime)
    .option('--late-fraction <f>', 'fraction of readings delivered in a later file', parseFraction)
    .option('--max-lateness <d>', 'bound on a late reading\'s lateness (default 10m)', parseDurationFlag)
    .option('--out-of-order-fraction <f>', 'fraction of lines swapped with their next line (out of order)', parseFraction)
    .option('--duplicate-fraction <f>', 'fraction of readings written twice (exact duplicates)', parseFraction)
    .option('--malformed-fraction <f>', 'fraction of lines truncated or wrong-typed (json, csv)', parseFraction)
    .option('--missing-fraction <f>', 'fraction of lines missing one measurement', parseFraction)
    .option('--drift-at-file <k>', 'from this 0-based file index on, add uv_index and gust_ms', parseIntFlag(0))
    .option('--drift-type-change', 'with drift, also turn wind_dir_deg into a compass string')
    .option('--partition-by-date', 'land files under date=YYYY-MM-DD/ (landing date)')
    .option('--manifest <path>', 'write the run manifest (JSON: counts, record ids per kind, files) here')
    .option('--no-progress', 'no progress bar (it is shown only on a TTY anyway)')
    .addHelpText(
      'after',
      `
Examples:
  weir simulate --out ./landing --files 10 --rows-per-file 1000 --seed 7
  weir simulate --out ./landing --format csv --late-fraction 0.05 --max-lateness 10m --duplicate-fraction 0.01 --manifest ./manifest.json
  weir simulate --out ./landing --rate 500/s --file-interval 1s --duration 10m     (continuous; Ctrl-C stops cleanly)

Files land atomically (temp name starting with '.', then renamed) as weather-<yyyyMMddTHHmmssSSS>-<NNNNNN>.<ext>.
The manifest counts rows, late, outOfOrder, duplicates, malformed, missing and drifted lines exactly, with record ids.`,
    )
    .action(async (flags: SimulateFlags) => {
      let options: SimulateOptions;
      try {
        options = simulateOptionsFromFlags(flags);
      } catch (err) {
        cmd.error(`error: ${(err as Error).message}`, { exitCode: 2, code: 'weir.invalidArgument' });
      }
      const engine = createNodeEngine();
      const controller = new AbortController();
      let interrupts = 0;
      const onSignal = (): void => {
        interrupts++;
        if (interrupts > 1) process.exit(130);
        process.stderr.write('\nstopping: finishing the current file (Ctrl-C again to exit now)\n');
        controller.abort();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      const planned = options.fileInterval === undefined ? (options.files ?? 1) : options.duration === undefined ? Infinity : Math.ceil(Number(options.duration) / Number(options.fileInterval));
      const progress = progressReporter(flags.progress && process.stderr.isTTY === true, planned);
      let manifest: SimulationManifest;
      try {
        manifest = await simulate({ ...options, engine, signal: controller.signal, onFile: (p) => progress.update(p) });
      } catch (err) {
        progress.stop();
        if (WeirError.is(err) && err.code === 'INVALID_ARGUMENT') {
          const option = String(err.details['option'] ?? '').replace(/^options\./, '');
          cmd.error(`error: ${FLAG_OF[option] ?? option} ${String(err.details['reason'] ?? err.message)}`, { exitCode: 2, code: 'weir.invalidArgument' });
        }
        throw err;
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
      progress.stop();
      if (flags.manifest !== undefined) {
        await engine.storage.put(flags.manifest, utf8Encode(JSON.stringify(manifest, null, 2) + '\n'));
      }
      const c = manifest.counts;
      process.stdout.write(
        `${manifest.interrupted ? 'stopped: ' : ''}wrote ${c.files} ${flags.format} file(s), ${c.rows} rows to ${flags.out}` +
          ` (late ${c.late}, out-of-order ${c.outOfOrder}, duplicates ${c.duplicates}, malformed ${c.malformed}, missing ${c.missing}, drifted ${c.drifted})` +
          (flags.manifest !== undefined ? `; manifest ${flags.manifest}` : '') +
          '\n',
      );
    });
}
