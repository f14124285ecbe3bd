import { createTaskExecutor } from '@weir/executor';
import { DataFrame } from '@weir/planner';
import { createNodeEngine } from '@weir/node';
import { createRegistry, StructType, type Engine, type PluginRegistry, type Row, type SinkPlugin, type SourcePlugin, type TaskExecutor } from '@weir/core';
import { deltaSinkPlugins, deltaSourcePlugins } from '../delta/index.js';
import { StreamingErrors } from '../errors.js';
import type { MicroBatchExecution } from '../execution/micro-batch-execution.js';
import { ListenerBus, type StreamingQueryListener } from '../query-listener.js';
import { createConsoleSinkPlugin } from '../sinks/console-sink.js';
import { createMemorySinkPlugin, type MemoryTable } from '../sinks/memory-sink.js';
import { rateSourcePlugin } from '../sources/rate-source.js';
import type { StreamingQuery } from '../streaming-query.js';
import { ConfKeys, defaultConf, intConf } from './conf.js';
import { DataStreamReader, type SourceDescriptor } from './data-stream-reader.js';
import { DataFrameReader } from './data-frame-reader.js';
import { installWriteStream } from './data-stream-writer.js';
import { pluginSources } from './plugin-sources.js';

export interface WeirSessionOptions {
  /** Spark-style configuration (`weir.sql.shuffle.partitions`…), over the defaults. Defaults to `{}`. */
  readonly conf?: Readonly<Record<string, string | number | boolean>>;
  /**
   * The engine. Defaults to `createNodeEngine()` whose tasks run on `@weir/executor`'s worker pool
   * with `weir.executor.threads` threads (`0` = in-thread) and `weir.task.maxFailures`.
   */
  readonly engine?: Engine;
  /**
   * The plugin registry. Defaults to the built-in sources (`rate`, `cloudFiles`, `weather-sim`,
   * the Delta ones) and sinks (`memory`, `console`, the Delta/parquet ones).
   */
  readonly registry?: PluginRegistry;
  /** Where the console sink prints. Defaults to `process.stdout`. */
  readonly out?: (text: string) => void;
  /** Where query lifecycle messages go (Spark's log4j INFO/WARN). Defaults to no output. */
  readonly log?: (message: string) => void;
}

/** The default registry: every built-in plugin. */
export function defaultRegistry(extra: { sources?: readonly SourcePlugin[]; sinks?: readonly SinkPlugin[] } = {}): PluginRegistry {
  return createRegistry({
    sources: [rateSourcePlugin, ...pluginSources(), ...deltaSourcePlugins, ...(extra.sources ?? [])],
    sinks: [...deltaSinkPlugins, ...(extra.sinks ?? [])],
  });
}

/** The session's view of its active queries (Spark's `StreamingQueryManager`). */
export class StreamingQueryManager {
  readonly #active = new Map<string, MicroBatchExecution>();
  /** @internal */
  readonly bus: ListenerBus;
  constructor(bus: ListenerBus) {
    this.bus = bus;
  }
  get active(): readonly StreamingQuery[] {
    return [...this.#active.values()];
  }
  get(id: string): StreamingQuery | undefined {
    return this.#active.get(id);
  }
  addListener(listener: StreamingQueryListener): void {
    this.bus.add(listener);
  }
  removeListener(listener: StreamingQueryListener): void {
    this.bus.remove(listener);
  }
  /** Resolves when any active query terminates (rejects if it failed). */
  async awaitAnyTermination(): Promise<void> {
    const queries = [...this.#active.values()];
    if (queries.length === 0) return;
    await Promise.race(queries.map((q) => q.awaitTermination()));
  }
  /** @internal Registers a started query; refuses a second active query on the same checkpoint or name. */
  register(q: MicroBatchExecution): void {
    for (const other of this.#active.values()) {
      if (other.id === q.id) throw StreamingErrors.STREAMING_QUERY_ALREADY_ACTIVE({ what: q.checkpoint });
      if (q.name !== null && other.name === q.name) throw StreamingErrors.STREAMING_QUERY_ALREADY_ACTIVE({ what: q.name });
    }
    this.#active.set(q.id, q);
  }
  /** @internal */
  unregister(q: MicroBatchExecution): void {
    if (this.#active.get(q.id) === q) this.#active.delete(q.id);
  }
}

/** What {@link WeirSession.warmUp} loads in each worker (the modules map tasks import). */
const WARM_MODULES: readonly string[] = Object.freeze(['@weir/streaming', '@weir/file-source', '@weir/planner', '@weir/node']);

let sourceCounter = 0;
const descriptors = new Map<number, { session: WeirSession; descriptor: SourceDescriptor }>();

/** @internal Finds the session and descriptor of a source ref index (indices are unique process-wide). */
export function lookupSource(index: number): { session: WeirSession; descriptor: SourceDescriptor } | undefined {
  return descriptors.get(index);
}

/**
 * The entry point (Spark's `SparkSession`): configuration, the engine, the plugin registry,
 * `readStream`/`read`, the memory-sink tables and the query manager.
 *
 * ```ts
 * import { WeirSession } from '@weir/streaming';
 * const session = WeirSession.builder().config('weir.sql.shuffle.partitions', 4).getOrCreate();
 * const df = session.readStream.format('rate').option('rowsPerSecond', 10).load();
 * const query = await df.writeStream.format('console').start();
 * ```
 */
export class WeirSession {
  readonly engine: Engine;
  readonly registry: PluginRegistry;
  readonly streams: StreamingQueryManager;
  readonly #conf: Record<string, string>;
  readonly #ownedExecutor: TaskExecutor | null;
  /** @internal */
  readonly memoryTables = new Map<string, MemoryTable>();
  /** @internal */
  readonly out: (text: string) => void;
  /** @internal */
  readonly log: (message: string) => void;
  #closed = false;

  static #active: WeirSession | null = null;

  constructor(options: WeirSessionOptions = {}) {
    this.#conf = { ...defaultConf() };
    for (const [k, v] of Object.entries(options.conf ?? {})) this.#conf[k] = String(v);
    this.out = options.out ?? ((text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`));
    this.log = options.log ?? (() => undefined);
    if (options.engine) {
      this.engine = options.engine;
      this.#ownedExecutor = null;
    } else {
      const threads = intConf(this.#conf, ConfKeys.EXECUTOR_THREADS, 0);
      const maxFailures = intConf(this.#conf, ConfKeys.TASK_MAX_FAILURES, 1);
      this.#ownedExecutor = threads > 0 ? createTaskExecutor({ threads, maxFailures }) : null;
      this.engine = this.#ownedExecutor ? createNodeEngine({ tasks: this.#ownedExecutor }) : createNodeEngine();
      // Start loading the task modules in every worker now, not on the first batch's critical path.
      if (this.#ownedExecutor) void this.warmUp().catch(() => undefined);
    }
    const base = options.registry ?? defaultRegistry();
    this.registry = base.with({ sinks: [createMemorySinkPlugin(this.memoryTables), createConsoleSinkPlugin(this.out)] });
    this.streams = new StreamingQueryManager(new ListenerBus(this.log));
    installWriteStream();
  }

  /** Spark's `SparkSession.builder()`. */
  static builder(): WeirSessionBuilder {
    return new WeirSessionBuilder();
  }

  /** @internal */
  static getOrCreate(options: WeirSessionOptions): WeirSession {
    const active = WeirSession.#active;
    if (active && !active.#closed) {
      for (const [k, v] of Object.entries(options.conf ?? {})) active.#conf[k] = String(v);
      return active;
    }
    const s = new WeirSession(options);
    WeirSession.#active = s;
    return s;
  }

  /** The session configuration (a copy). */
  get conf(): Readonly<Record<string, string>> {
    return { ...this.#conf };
  }

  /** Sets a conf value (takes effect for queries started afterwards). */
  setConf(key: string, value: string | number | boolean): void {
    this.#conf[key] = String(value);
  }

  /** Spark's `spark.readStream`: a new DataStreamReader. */
  get readStream(): DataStreamReader {
    return new DataStreamReader(this);
  }

  /**
   * A static DataFrame over rows (Spark's `spark.createDataFrame`), e.g. the static side of a
   * stream-static join: `stream.join(session.createDataFrame(rows, 'id LONG, name STRING'), 'id')`.
   */
  createDataFrame(rows: readonly Row[], schema: StructType | string): DataFrame {
    return DataFrame.fromRows(typeof schema === 'string' ? StructType.fromDDL(schema) : schema, rows);
  }

  /** Spark's `spark.read`: batch reads (Delta tables, with time travel). */
  get read(): DataFrameReader {
    return new DataFrameReader(this);
  }

  /**
   * The rows of a memory-sink table (Spark's `spark.table(queryName)` on a memory sink); throws
   * `MEMORY_TABLE_NOT_FOUND`. Returns a copy.
   */
  table(name: string): { schema: StructType | null; rows: Row[] } {
    const t = this.memoryTables.get(name);
    if (!t) throw StreamingErrors.MEMORY_TABLE_NOT_FOUND({ name });
    return { schema: null, rows: t.rows.map((r) => ({ ...r })) };
  }

  /** The rows of a memory-sink table. */
  getMemorySinkRows(name: string): Row[] {
    return this.table(name).rows;
  }

  /** @internal Registers a `load()`; the returned index is unique in the process. */
  registerSource(descriptor: Omit<SourceDescriptor, 'index'>): SourceDescriptor {
    const full: SourceDescriptor = { ...descriptor, index: sourceCounter++ };
    descriptors.set(full.index, { session: this, descriptor: full });
    return full;
  }

  #warm: Promise<void> | null = null;

  /**
   * Loads the task modules (this package, the file source, the planner runtime, the Delta
   * writer, by import) into every worker thread, once: one warm-up task pinned to each worker.
   * A session that owns its pool starts this itself; awaiting it lets a caller (benchmarks) keep
   * the one-off pool start out of a measurement. In-thread executors have nothing to warm.
   */
  warmUp(): Promise<void> {
    const tasks = this.engine.tasks;
    this.#warm ??= Promise.all(
      Array.from({ length: tasks.parallelism }, (_, slot) =>
        tasks.run({ module: '@weir/streaming', handler: 'warmUp', input: { modules: WARM_MODULES } }, { affinity: slot }),
      ),
    ).then(() => undefined);
    return this.#warm;
  }

  /** Stops every active query and closes the worker pool this session created. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const q of this.streams.active) await q.stop();
    await this.#ownedExecutor?.close();
    if (WeirSession.#active === this) WeirSession.#active = null;
  }
}

/** Spark's `SparkSession.Builder`. */
export class WeirSessionBuilder {
  readonly #conf: Record<string, string | number | boolean> = {};
  #engine: Engine | undefined;
  #registry: PluginRegistry | undefined;
  #out: ((text: string) => void) | undefined;
  #log: ((message: string) => void) | undefined;

  config(key: string, value: string | number | boolean): this {
    this.#conf[key] = value;
    return this;
  }
  engine(engine: Engine): this {
    this.#engine = engine;
    return this;
  }
  registry(registry: PluginRegistry): this {
    this.#registry = registry;
    return this;
  }
  out(out: (text: string) => void): this {
    this.#out = out;
    return this;
  }
  log(log: (message: string) => void): this {
    this.#log = log;
    return this;
  }
  /** The process's active session (with these confs applied), or a new one. */
  getOrCreate(): WeirSession {
    return WeirSession.getOrCreate(this.#options());
  }
  /** Always a new session. */
  create(): WeirSession {
    return new WeirSession(this.#options());
  }
  #options(): WeirSessionOptions {
    return {
      conf: this.#conf,
      ...(this.#engine ? { engine: this.#engine } : {}),
      ...(this.#registry ? { registry: this.#registry } : {}),
      ...(this.#out ? { out: this.#out } : {}),
      ...(this.#log ? { log: this.#log } : {}),
    };
  }
}

/**
 * Creates a session (the options-object form of `WeirSession.builder()…create()`).
 *
 * ```ts
 * const session = createSession({ conf: { 'weir.executor.threads': 0 }, engine: createTestEngine() });
 * ```
 */
export function createSession(options: WeirSessionOptions = {}): WeirSession {
  return new WeirSession(options);
}
