/**
 * Reads checkpoint files (classic, multi-part, V2 JSON/Parquet with sidecars) into actions.
 * Parquet rows come from `engine.parquet`: nested structs as objects, maps as `Map` (plain
 * objects and key/value arrays are accepted too, so any ParquetHandler shape works).
 */
import { joinPath, type Engine } from '@weir/core';
import { DeltaErrors } from '../errors.js';
import type { Action, AddAction, RemoveAction } from '../actions/actions.js';
import { parseCommitFile } from '../log/commit-file.js';
import { logDir } from '../log/log-path.js';
import type { CheckpointFiles } from '../log/log-segment.js';

const MAP_FIELDS: Readonly<Record<string, readonly string[]>> = {
  add: ['partitionValues', 'tags'],
  remove: ['partitionValues', 'tags'],
  metaData: ['configuration'],
  txn: [],
  protocol: [],
  domainMetadata: [],
  checkpointMetadata: ['tags'],
  sidecar: ['tags'],
};

function toRecord(v: unknown): Record<string, string | null> | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Map) return Object.fromEntries(v as Map<string, string | null>);
  if (Array.isArray(v)) {
    const out: Record<string, string | null> = {};
    for (const e of v as Array<{ key: string; value: string | null }>) out[e.key] = e.value ?? null;
    return out;
  }
  if (typeof v === 'object') return { ...(v as Record<string, string | null>) };
  return null;
}

/** Turns a checkpoint row's struct into an action body: nulls dropped, maps as records. */
function cleanStruct(key: string, v: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(v)) {
    if (val === null || val === undefined) continue;
    if (k.endsWith('_parsed')) continue; // stats_parsed / partitionValues_parsed: derived copies
    out[k] = (MAP_FIELDS[key] ?? []).includes(k) ? toRecord(val) : val;
  }
  if (key === 'metaData') {
    const format = out['format'] as Record<string, unknown> | undefined;
    if (format) out['format'] = { provider: format['provider'], options: toRecord(format['options']) ?? {} };
    out['configuration'] ??= {};
    out['partitionColumns'] = [...((out['partitionColumns'] as string[] | undefined) ?? [])];
  }
  if ((key === 'add' || key === 'remove') && out['partitionValues'] === undefined && key === 'add') out['partitionValues'] = {};
  if (key === 'add' && typeof out['size'] === 'bigint') out['size'] = Number(out['size']);
  return out;
}

const CHECKPOINT_COLUMNS = ['txn', 'add', 'remove', 'metaData', 'protocol', 'domainMetadata', 'checkpointMetadata', 'sidecar'] as const;

async function readParquetActions(engine: Engine, path: string, tablePath: string): Promise<Action[]> {
  let bytes: Uint8Array;
  try {
    bytes = await engine.storage.read(path);
  } catch (cause) {
    throw DeltaErrors.DELTA_MISSING_PART_FILES({ path: tablePath, version: -1, reason: `checkpoint file ${path} is unreadable` }, { cause });
  }
  const meta = await engine.parquet.readMetadata(bytes);
  const present = new Set(meta.schema.fields.map((f) => f.name));
  const columns = CHECKPOINT_COLUMNS.filter((c) => present.has(c));
  const batch = await engine.parquet.read(bytes, { columns });
  const out: Action[] = [];
  for (const row of batch.rows) {
    for (const c of columns) {
      const v = row[c];
      if (v === null || v === undefined || typeof v !== 'object') continue;
      const body = cleanStruct(c, v as Record<string, unknown>);
      // A null struct can come back as an object of nulls from some readers: skip it.
      if (Object.keys(body).length === 0 || (c !== 'protocol' && c !== 'metaData' && c !== 'checkpointMetadata' && body['path'] === undefined && body['appId'] === undefined && body['domain'] === undefined)) continue;
      out.push({ [c]: body } as unknown as Action);
    }
  }
  return out;
}

/**
 * All actions of a checkpoint (every part; V2 sidecars followed).
 * @throws DELTA_MISSING_PART_FILES when a part or sidecar cannot be read.
 */
export async function readCheckpoint(engine: Engine, tablePath: string, cp: CheckpointFiles): Promise<Action[]> {
  const out: Action[] = [];
  for (const p of cp.paths) {
    let actions: Action[];
    if (cp.format === 'json') {
      let bytes: Uint8Array;
      try {
        bytes = await engine.storage.read(p);
      } catch (cause) {
        throw DeltaErrors.DELTA_MISSING_PART_FILES({ path: tablePath, version: cp.version, reason: `checkpoint file ${p} is unreadable` }, { cause });
      }
      actions = parseCommitFile(bytes, p);
    } else {
      actions = await readParquetActions(engine, p, tablePath);
    }
    for (const a of actions) {
      if ('sidecar' in a) {
        const sidecarPath = a.sidecar.path.includes('/') ? joinPath(tablePath, a.sidecar.path) : joinPath(logDir(tablePath), '_sidecars', a.sidecar.path);
        for (const s of await readParquetActions(engine, sidecarPath, tablePath)) if ('add' in s || 'remove' in s) out.push(s);
      } else out.push(a);
    }
  }
  return out;
}

export type { AddAction, RemoveAction };
