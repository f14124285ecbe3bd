import { CoreErrors, type RowBatch } from '@weir/core';
import { readDeltaTable } from '../delta/index.js';
import type { WeirSession } from './weir-session.js';

/**
 * Spark's `DataFrameReader` for batch reads, `session.read.format('delta').option('versionAsOf', 3).load(path)`.
 * Only `delta` is supported; `load` resolves to the table's rows (a RowBatch) at the chosen
 * version (`versionAsOf`) or time (`timestampAsOf`, ISO-8601 or epoch ms).
 */
export class DataFrameReader {
  readonly #session: WeirSession;
  #format = 'delta';
  readonly #options: Record<string, string> = {};

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

  async load(path: string): Promise<RowBatch> {
    if (this.#format.toLowerCase() !== 'delta') {
      throw CoreErrors.DATA_SOURCE_NOT_FOUND({ provider: this.#format, registered: 'delta (batch reads)' });
    }
    const opts: { versionAsOf?: number; timestampAsOf?: string } = {};
    for (const [k, v] of Object.entries(this.#options)) {
      const key = k.toLowerCase();
      if (key === 'versionasof') {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 0) throw CoreErrors.INVALID_OPTION({ option: k, owner: 'delta reader', reason: `"${v}" is not a version`, validOptions: 'versionAsOf, timestampAsOf' });
        opts.versionAsOf = n;
      } else if (key === 'timestampasof') {
        opts.timestampAsOf = v;
      } else {
        throw CoreErrors.INVALID_OPTION({ option: k, owner: 'delta reader', reason: 'unknown option', validOptions: 'versionAsOf, timestampAsOf' });
      }
    }
    return readDeltaTable(this.#session.engine, path, opts);
  }
}
