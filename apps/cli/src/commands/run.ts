/**
 * `weir run <pipeline-file> [--set key=value]… [--trigger availableNow|once|processingTime=<duration>]`
 *
 * Loads a pipeline module (TypeScript or JavaScript, no build step: tsx's `tsImport`), calls its
 * default export `(session, params) => writer | query`, starts it, and waits. Exits 0 when an
 * `availableNow`/`once` query ends; a failure prints `CODE: message` and exits non-zero (via
 * `main`); SIGINT/SIGTERM stop the query gracefully (the current batch finishes, checkpoints
 * stay consistent) and exit 0.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { InvalidArgumentError, type Command } from 'commander';
import { tsImport } from 'tsx/esm/api';
import { WeirSession } from '@weir/streaming';
import { dashboardOption, dashboardPort, openDashboard } from './dashboard-option.js';

/** The parameters a pipeline receives: `--set key=value` pairs. */
export type PipelineParams = Readonly<Record<string, string>>;

/** What `.trigger(...)` takes. */
export type TriggerArg = { readonly processingTime: string } | { readonly once: true } | { readonly availableNow: true };

/** The structural view of what a pipeline may return. */
interface QueryLike {
  readonly id?: string;
  readonly name?: string | null;
  awaitTermination(timeoutMs?: number): Promise<unknown>;
  stop(): Promise<void>;
  readonly lastProgress?: { readonly batchId?: number; readonly numInputRows?: number } | null;
  readonly recentProgress?: readonly { readonly numInputRows?: number }[];
}
interface WriterLike {
  trigger(t: TriggerArg): WriterLike;
  start(path?: string): Promise<QueryLike> | QueryLike;
}

export function parseTrigger(raw: string): TriggerArg {
  const s = raw.trim();
  if (/^availablenow$/i.test(s)) return { availableNow: true };
  if (/^once$/i.test(s)) return { once: true };
  const m = /^processingTime\s*=\s*(.+)$/i.exec(s);
  if (m) return { processingTime: (m[1] as string).trim() };
  throw new InvalidArgumentError('expected availableNow, once or processingTime=<duration> (e.g. processingTime="5 seconds")');
}

function collectSet(value: string, previous: Record<string, string>): Record<string, string> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError(`expected key=value, got "${value}"`);
  return { ...previous, [value.slice(0, eq).trim()]: value.slice(eq + 1) };
}

function isWriter(u: unknown): u is WriterLike {
  return typeof u === 'object' && u !== null && typeof (u as WriterLike).start === 'function';
}
function isQuery(u: unknown): u is QueryLike {
  return typeof u === 'object' && u !== null && typeof (u as QueryLike).awaitTermination === 'function';
}

export interface RunPipelineOptions {
  readonly params?: PipelineParams;
  readonly trigger?: TriggerArg;
  /** Session configuration (Spark-style keys). */
  readonly conf?: Readonly<Record<string, string>>;
  readonly log?: (line: string) => void;
  /** Stops the query when aborted (SIGINT/SIGTERM in the CLI). */
  readonly signal?: AbortSignal;
  /** Serves the query dashboard on this port while the pipeline runs (0 = any free port). */
  readonly dashboardPort?: number;
}

/** Loads a pipeline file, starts it and waits for its end. Returns the query's row count. */
export async function runPipelineFile(file: string, options: RunPipelineOptions = {}): Promise<{ numInputRows: number }> {
  const log = options.log ?? ((l: string) => process.stderr.write(l + '\n'));
  const url = pathToFileURL(path.resolve(file)).href;
  const mod = (await tsImport(url, import.meta.url)) as { default?: unknown };
  const pipeline = mod.default as ((session: unknown, params: PipelineParams) => unknown) | undefined;
  if (typeof pipeline !== 'function') {
    throw new InvalidArgumentError(`${file} must default-export (session, params) => writer | query`);
  }
  let builder = WeirSession.builder();
  for (const [k, v] of Object.entries(options.conf ?? {})) builder = builder.config(k, v);
  const session = builder.getOrCreate();
  session.streams.addListener({
    onQueryStarted: () => {},
    onQueryProgress: (e) => log(`weir run: [${e.progress.name ?? e.progress.id}] batch ${e.progress.batchId}: ${e.progress.numInputRows} input rows`),
    onQueryIdle: () => {},
    onQueryTerminated: () => {},
  });
  let closeDashboard = async (): Promise<void> => {};
  try {
    closeDashboard = await openDashboard(session.streams, options.dashboardPort, (l) => log(`weir run: ${l}`));
    let result = await pipeline(session, options.params ?? {});
    if (isWriter(result)) {
      const writer = options.trigger ? result.trigger(options.trigger) : result;
      result = await writer.start();
    }
    if (!isQuery(result)) throw new InvalidArgumentError(`${file}'s default export returned neither a writer nor a query`);
    const query = result;
    log(`weir run: query ${query.name ?? query.id ?? ''} started`);
    const onAbort = () => {
      log('weir run: stopping (the current batch finishes first)…');
      void query.stop();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await query.awaitTermination();
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
    }
    const numInputRows = (query.recentProgress ?? []).reduce((s, p) => s + (p.numInputRows ?? 0), 0);
    log(`weir run: query ended (last batch ${query.lastProgress?.batchId ?? '-'}, ${numInputRows} input rows in recent batches)`);
    return { numInputRows };
  } finally {
    await closeDashboard();
    await (session as { close?: () => Promise<void> }).close?.();
  }
}

export function registerRunCommand(program: Command): void {
  const command = program
    .command('run')
    .description('Run a pipeline module (TS or JS, no build step): its default export (session, params) => writer | query')
    .argument('<pipeline-file>', 'e.g. apps/examples/src/02-auto-loader-ingest.ts')
    .option('--set <key=value>', 'a pipeline parameter (repeatable): input, output, checkpoint, …', collectSet, {})
    .option('--trigger <trigger>', 'availableNow | once | processingTime=<duration>', parseTrigger)
    .option('--conf <key=value>', 'a session configuration value (repeatable), e.g. weir.executor.threads=2', collectSet, {});
  dashboardOption(command).action(
    async (file: string, opts: { set: Record<string, string>; trigger?: TriggerArg; conf: Record<string, string>; dashboard?: number | boolean }) => {
      const port = dashboardPort(opts.dashboard);
      const controller = new AbortController();
      const stop = () => controller.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      try {
        await runPipelineFile(file, {
          params: opts.set,
          conf: opts.conf,
          signal: controller.signal,
          ...(opts.trigger ? { trigger: opts.trigger } : {}),
          ...(port === undefined ? {} : { dashboardPort: port }),
        });
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
    },
  );
}
