import { CoreErrors } from '@weir/core';
import { operatorDirectory } from './state-paths.js';
import { StateStoreProvider, type StateStoreEngine } from './state-store-provider.js';

/** One key of a state store as a row, as `readStateRows` returns it. */
export interface StateRow {
  readonly partition: number;
  readonly version: number;
  readonly key: string;
  readonly value: unknown;
}

export interface ReadStateRowsOptions {
  /** Read only this partition. Defaults to every partition found under the operator directory. */
  readonly partition?: number;
  /** Read this version. Defaults to each partition's latest version. */
  readonly version?: number;
}

/**
 * Reads a stateful operator's state as rows (Spark's state data source, `format("statestore")`),
 * partition by partition in key order. Read-only: it writes nothing and leaves no store open.
 *
 * ```ts
 * const rows = await readStateRows(engine, '/chk/q1', 0, { version: 5 });
 * // [{ partition: 0, version: 5, key: '["s1",1700000000000000]', value: { sum: 3, count: 2 } }, …]
 * ```
 * @throws CANNOT_READ_DELTA_FILE_NOT_EXISTS, STATE_STORE_CORRUPT
 */
export async function readStateRows(
  engine: StateStoreEngine,
  checkpointLocation: string,
  operatorId: number,
  options: ReadStateRowsOptions = {},
): Promise<StateRow[]> {
  if (options.version !== undefined && (!Number.isSafeInteger(options.version) || options.version < 0)) {
    throw CoreErrors.INVALID_ARGUMENT({ option: 'version', reason: 'must be a non-negative integer' });
  }
  const partitions = options.partition === undefined ? await listStatePartitions(engine, checkpointLocation, operatorId) : [options.partition];
  const rows: StateRow[] = [];
  for (const partition of partitions) {
    const provider = new StateStoreProvider(engine, { checkpointLocation, operatorId, partition });
    const version = options.version ?? (await provider.latestVersion());
    const store = await provider.load(version);
    try {
      for (const [key, value] of store.entries()) rows.push({ partition, version, key, value });
    } finally {
      store.abort();
      provider.close();
    }
  }
  return rows;
}

/** The state partitions (numeric sub-directories) an operator has files in, ascending. */
export async function listStatePartitions(engine: StateStoreEngine, checkpointLocation: string, operatorId: number): Promise<number[]> {
  const dir = operatorDirectory(checkpointLocation, operatorId);
  const found = new Set<number>();
  for await (const f of engine.storage.list(dir, { recursive: true })) {
    const rest = f.path.slice(dir.length).replace(/^\/+/, '');
    const m = /^(0|[1-9][0-9]*)\//.exec(rest);
    if (m !== null) found.add(Number(m[1]));
  }
  return [...found].sort((a, b) => a - b);
}
