import { StructType, memorySourcePlugin, type MemoryStream, type SourcePlugin } from '@weir/core';
import { frameFromSource, type PlannerDataFrame } from '../execution/planner-bridge.js';
import type { WeirSession } from './weir-session.js';

/** What a `load()` recorded: resolved into a Source when a query starts. */
export interface SourceDescriptor {
  readonly index: number;
  readonly format: string;
  readonly options: Readonly<Record<string, string>>;
  readonly userSchema?: StructType;
  readonly path?: string;
  /** Set for `memory(stream)`: the plugin bound to that stream instance. */
  readonly plugin?: SourcePlugin;
}

/**
 * Spark's `DataStreamReader`: `session.readStream.format(f).option(k, v).schema(s).load(path)`.
 * Options are strings like Spark's (numbers and booleans are stringified); they are validated
 * against the plugin's declared options when the query starts (`INVALID_OPTION`).
 */
export class DataStreamReader {
  readonly #session: WeirSession;
  #format = '';
  readonly #options: Record<string, string> = {};
  #schema: StructType | undefined;

  constructor(session: WeirSession) {
    this.#session = session;
  }

  format(source: string): this {
    this.#format = source;
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

  /** A `StructType` or a DDL string (`"a INT, b STRING"`). */
  schema(schema: StructType | string): this {
    this.#schema = typeof schema === 'string' ? StructType.fromDDL(schema) : schema;
    return this;
  }

  /** A streaming DataFrame over the configured source. */
  load(path?: string): PlannerDataFrame {
    const d = this.#session.registerSource({
      format: this.#format,
      options: { ...this.#options },
      ...(this.#schema ? { userSchema: this.#schema } : {}),
      ...(path !== undefined ? { path } : {}),
    });
    return frameFromSource({ index: d.index, format: d.format, ...(d.userSchema ? { schema: d.userSchema } : {}) });
  }

  /** A streaming DataFrame over a core `MemoryStream` (Spark's `MemoryStream.toDF()`), for tests. */
  memory(stream: MemoryStream): PlannerDataFrame {
    const d = this.#session.registerSource({ format: 'memory', options: {}, userSchema: stream.schema(), plugin: memorySourcePlugin(stream) });
    return frameFromSource({ index: d.index, format: 'memory', schema: stream.schema() });
  }
}
