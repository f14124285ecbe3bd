import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { joinPath, parseOptions, type OutputMode, type Sink, type SinkPlugin, type Source, type SourcePlugin } from '@weir/core';
import { StreamingErrors } from '../errors.js';
import { MicroBatchExecution, type LateDataHandler, type SourceFactory } from '../execution/micro-batch-execution.js';
import { collectSourceRefs, dataFramePrototype, type PlannerDataFrame } from '../execution/planner-bridge.js';
import { DEFAULT_TRIGGER, normalizeTrigger, type Trigger, type TriggerSpec } from '../execution/trigger.js';
import { createForeachBatchSink, type ForeachBatchFunction } from '../sinks/foreach-batch-sink.js';
import type { StreamingQuery } from '../streaming-query.js';
import { lookupSource, type WeirSession } from './weir-session.js';

declare module '@weir/planner' {
  interface DataFrame {
    /** Spark's `df.writeStream` (added by `@weir/streaming`): a {@link DataStreamWriter} for this streaming DataFrame. */
    readonly writeStream: DataStreamWriter;
  }
}

/** Writer-level options consumed by the engine, never passed to the sink plugin. */
const WRITER_OPTIONS = new Set(['checkpointlocation']);
/** Sinks that may run without a checkpointLocation (Spark: memory/console use a temporary one). */
const TEMP_CHECKPOINT_SINKS = new Set(['memory', 'console', 'foreachbatch']);

/**
 * Spark's `DataStreamWriter`, reached as `df.writeStream`:
 * `.format(f).outputMode(m).option('checkpointLocation', dir).partitionBy(...cols)
 *  .trigger({ processingTime: '5 seconds' } | { once: true } | { availableNow: true })
 *  .queryName(n).foreachBatch(fn).start(path?)`.
 *
 * `start()` is async: it resolves once the query is initialised (checkpoint checked, options
 * validated — unknown or ill-typed ones reject with `INVALID_OPTION` —, plan analysed), with the
 * micro-batch loop running in the background.
 */
export class DataStreamWriter {
  readonly #df: PlannerDataFrame;
  #format = '';
  #outputMode: OutputMode = 'append';
  readonly #options: Record<string, string> = {};
  #partitionBy: string[] = [];
  #trigger: TriggerSpec = DEFAULT_TRIGGER;
  #queryName: string | null = null;
  #foreachBatch: ForeachBatchFunction | null = null;
  #onLateData: LateDataHandler | undefined;

  constructor(df: PlannerDataFrame) {
    this.#df = df;
  }

  format(sink: string): this {
    this.#format = sink;
    return this;
  }

  outputMode(mode: OutputMode): this {
    const m = String(mode).toLowerCase();
    if (m !== 'append' && m !== 'update' && m !== 'complete') {
      throw StreamingErrors.OUTPUT_MODE_UNSUPPORTED_BY_SINK({ sink: this.#format || '(any)', outputMode: String(mode), supported: 'append, update, complete' });
    }
    this.#outputMode = m;
    return this;
  }

  option(key: string, value: string | number | boolean): this {
    this.#options[key] = String(value);
    return this;
  }

  options(options: Readonly<Record<string, string | number | boolean>>): this {
    for (const [k, v] of Object.entries(options)) this.option(k, v);
    return this;
  }

  partitionBy(...columns: string[]): this {
    this.#partitionBy = columns;
    return this;
  }

  trigger(trigger: Trigger): this {
    this.#trigger = normalizeTrigger(trigger);
    return this;
  }

  queryName(name: string): this {
    this.#queryName = name;
    return this;
  }

  /** Spark's `foreachBatch`: at-least-once; use `batchId` to make writes idempotent. */
  foreachBatch(fn: ForeachBatchFunction): this {
    this.#foreachBatch = fn;
    this.#format = 'foreachBatch';
    return this;
  }

  /** Beyond Spark: receive rows dropped as later than the watermark (see also `weir.lateData.path`). */
  onLateData(fn: LateDataHandler): this {
    this.#onLateData = fn;
    return this;
  }

  /** Starts the query; `path` is the sink's output location (Delta/parquet). */
  async start(path?: string): Promise<StreamingQuery> {
    const refs = collectSourceRefs(this.#df.plan);
    const found = refs.map((r) => ({ ref: r, entry: lookupSource(r.index) }));
    const missing = found.find((f) => f.entry === undefined);
    if (refs.length === 0 || missing) {
      throw StreamingErrors.STREAM_FAILED({ query: this.#queryName ?? '<unnamed>', id: '-', runId: '-', reason: 'the DataFrame does not read a stream created by session.readStream' });
    }
    const session = (found[0]!.entry as { session: WeirSession }).session;
    const conf = session.conf;
    const format = this.#format || 'console';
    const { checkpoint, temporary } = this.#checkpointLocation(conf, format);

    const sources: SourceFactory[] = found.map(({ ref, entry }, n) => {
      const d = entry!.descriptor;
      const plugin: SourcePlugin = d.plugin ?? session.registry.source(d.format);
      parseOptions(plugin.options, d.options, `${d.format} source`);
      return {
        ref,
        description: `${plugin.name}[${n}]${d.path ? ` ${d.path}` : ''}`,
        create: async ({ metadataPath, conf: queryConf }): Promise<Source> =>
          plugin.createSource(d.options, {
            engine: session.engine,
            metadataPath,
            conf: queryConf,
            log: session.log,
            ...(d.userSchema ? { userSchema: d.userSchema } : {}),
            ...(d.path !== undefined ? { path: d.path } : {}),
          }),
      };
    });

    const sinkOptions: Record<string, string> = {};
    for (const [k, v] of Object.entries(this.#options)) if (!WRITER_OPTIONS.has(k.toLowerCase())) sinkOptions[k] = v;
    let sinkPlugin: SinkPlugin | null = null;
    if (this.#foreachBatch === null) {
      sinkPlugin = session.registry.sink(format);
      if (sinkPlugin.name === 'memory') {
        if (!this.#queryName) throw StreamingErrors.MEMORY_TABLE_NOT_FOUND({ name: '(the memory sink needs queryName(...))' });
        sinkOptions['queryName'] = this.#queryName;
      }
      parseOptions(sinkPlugin.options, sinkOptions, `${sinkPlugin.name} sink`);
    }
    const fn = this.#foreachBatch;
    const outputMode = this.#outputMode;
    const partitionBy = this.#partitionBy;
    const createSink = async ({ queryId, conf: queryConf }: { queryId: string; conf: Readonly<Record<string, string>> }): Promise<Sink> => {
      if (fn) return createForeachBatchSink(fn);
      return (sinkPlugin as SinkPlugin).createSink(sinkOptions, {
        engine: session.engine,
        queryId,
        outputMode,
        partitionBy,
        conf: queryConf,
        log: session.log,
        ...(path !== undefined ? { path } : {}),
      });
    };
    const query = new MicroBatchExecution({
      engine: session.engine,
      conf,
      name: this.#queryName,
      checkpoint,
      frame: this.#df,
      sources,
      sinkDescription: fn ? 'ForeachBatchSink' : `${(sinkPlugin as SinkPlugin).name}${path ? `[${path}]` : ''}`,
      sinkOutputModes: fn ? ['append', 'update', 'complete'] : (sinkPlugin as SinkPlugin).outputModes,
      createSink,
      outputMode,
      trigger: this.#trigger,
      listeners: session.streams.bus,
      log: session.log,
      ...(this.#onLateData ? { onLateData: this.#onLateData } : {}),
      deleteCheckpointOnStop: temporary,
      onStarting: (q) => session.streams.register(q),
      onTerminated: (q) => session.streams.unregister(q),
    });
    await query.start();
    return query;
  }

  /**
   * Spark's resolution: the `checkpointLocation` option, else `<weir.sql.streaming.checkpointLocation>/<queryName|uuid>`,
   * else (memory/console/foreachBatch only) a temporary location deleted when the query stops cleanly.
   */
  #checkpointLocation(conf: Readonly<Record<string, string>>, format: string): { checkpoint: string; temporary: boolean } {
    const explicit = Object.entries(this.#options).find(([k]) => k.toLowerCase() === 'checkpointlocation')?.[1];
    if (explicit) return { checkpoint: explicit, temporary: false };
    const root = conf['weir.sql.streaming.checkpointLocation'];
    if (root) return { checkpoint: joinPath(root, this.#queryName ?? randomUUID()), temporary: false };
    if (TEMP_CHECKPOINT_SINKS.has(format.toLowerCase())) return { checkpoint: joinPath(tmpdir(), `weir-temporary-${randomUUID()}`), temporary: true };
    throw StreamingErrors.MISSING_CHECKPOINT_LOCATION({ sink: format });
  }
}

let installedOn: object | null = null;

/**
 * Gives the planner's DataFrame Spark's `df.writeStream` property. The planner cannot depend on
 * this package (that would be a cycle), so the composition root adds it, once.
 */
export function installWriteStream(): void {
  const proto = dataFramePrototype();
  if (installedOn === proto || Object.prototype.hasOwnProperty.call(proto, 'writeStream')) return;
  Object.defineProperty(proto, 'writeStream', {
    configurable: true,
    get(this: PlannerDataFrame) {
      return new DataStreamWriter(this);
    },
  });
  installedOn = proto;
}

/** `df.writeStream` as a function, for DataFrames whose type does not show the property. */
export function writeStream(df: PlannerDataFrame): DataStreamWriter {
  return new DataStreamWriter(df);
}
