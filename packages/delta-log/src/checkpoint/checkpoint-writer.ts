/**
 * Writing classic single-file Parquet checkpoints in Spark's column layout, plus
 * `_last_checkpoint`, every `delta.checkpointInterval` (default 10) commits.
 */
import { utf8Encode, type Engine, type Row } from '@weir/core';
import { parseDeltaInterval } from '../internal/delta-interval.js';
import { cleanupExpiredLogs } from '../maintenance/log-cleanup.js';
import type { MetadataAction } from '../actions/actions.js';
import { checkpointFilePath, lastCheckpointPath } from '../log/log-path.js';
import { getLogSegment } from '../log/log-segment.js';
import { replay, type TableState } from '../snapshot/log-replay.js';
import { CHECKPOINT_SCHEMA } from './checkpoint-schema.js';

export const DEFAULT_CHECKPOINT_INTERVAL = 10;
/** `delta.deletedFileRetentionDuration` default: tombstones younger than this stay in checkpoints. */
export const DEFAULT_DELETED_FILE_RETENTION = 'interval 1 week';

function toMap(r: Readonly<Record<string, string | null>> | null | undefined): Map<string, string | null> | null {
  return r === null || r === undefined ? null : new Map(Object.entries(r));
}

function nullRow(): Row {
  return { txn: null, add: null, remove: null, metaData: null, protocol: null, domainMetadata: null };
}

/** Checkpoint rows (Spark's layout) for a replayed table state; tombstones older than `retentionMs` before `now` are dropped. */
export function checkpointRows(state: TableState, now: number, retentionMs: number): Row[] {
  const rows: Row[] = [];
  const p = state.protocol;
  if (p) {
    rows.push({
      ...nullRow(),
      protocol: {
        minReaderVersion: p.minReaderVersion,
        minWriterVersion: p.minWriterVersion,
        readerFeatures: p.readerFeatures ? [...p.readerFeatures] : null,
        writerFeatures: p.writerFeatures ? [...p.writerFeatures] : null,
      },
    });
  }
  const m = state.metadata;
  if (m) {
    rows.push({
      ...nullRow(),
      metaData: {
        id: m.id,
        name: m.name ?? null,
        description: m.description ?? null,
        format: { provider: m.format.provider, options: toMap(m.format.options ?? {}) },
        schemaString: m.schemaString,
        partitionColumns: [...m.partitionColumns],
        configuration: toMap(m.configuration),
        createdTime: m.createdTime ?? null,
      },
    });
  }
  for (const t of state.txns.values()) rows.push({ ...nullRow(), txn: { appId: t.appId, version: t.version, lastUpdated: t.lastUpdated ?? null } });
  for (const d of state.domainMetadata.values()) rows.push({ ...nullRow(), domainMetadata: { domain: d.domain, configuration: d.configuration, removed: d.removed } });
  for (const a of state.files.values()) {
    rows.push({
      ...nullRow(),
      add: {
        path: a.path,
        partitionValues: toMap(a.partitionValues),
        size: a.size,
        modificationTime: a.modificationTime,
        dataChange: false, // Spark writes dataChange=false for adds in checkpoints
        tags: toMap(a.tags),
        deletionVector: a.deletionVector ?? null,
        baseRowId: a.baseRowId ?? null,
        defaultRowCommitVersion: a.defaultRowCommitVersion ?? null,
        stats: a.stats ?? null,
      },
    });
  }
  for (const r of state.tombstones.values()) {
    if ((r.deletionTimestamp ?? 0) < now - retentionMs) continue;
    rows.push({
      ...nullRow(),
      remove: {
        path: r.path,
        deletionTimestamp: r.deletionTimestamp ?? null,
        dataChange: false,
        extendedFileMetadata: r.extendedFileMetadata ?? null,
        partitionValues: toMap(r.partitionValues),
        size: r.size ?? null,
        deletionVector: r.deletionVector ?? null,
        baseRowId: r.baseRowId ?? null,
        defaultRowCommitVersion: r.defaultRowCommitVersion ?? null,
      },
    });
  }
  return rows;
}

/**
 * Writes the checkpoint of `version` (`<version>.checkpoint.parquet`) and then `_last_checkpoint`.
 * The checkpoint file is written with `put(ifAbsent)`: an existing checkpoint of the same version
 * (written by a concurrent writer) is left alone, since both hold the same state.
 */
export async function writeCheckpoint(engine: Engine, tablePath: string, version?: number): Promise<{ version: number; size: number; sizeInBytes: number; numOfAddFiles: number }> {
  const segment = await getLogSegment(engine, tablePath, version);
  const state = await replay(engine, segment);
  const retention = parseDeltaInterval(state.metadata?.configuration['delta.deletedFileRetentionDuration'] ?? DEFAULT_DELETED_FILE_RETENTION);
  const rows = checkpointRows(state, engine.clock.now(), retention);
  const bytes = await engine.parquet.write({ schema: CHECKPOINT_SCHEMA, rows }, { compression: 'snappy' });
  try {
    await engine.storage.put(checkpointFilePath(tablePath, segment.version), bytes, { ifAbsent: true });
  } catch (err) {
    if ((err as { code?: string }).code !== 'FILE_ALREADY_EXISTS') throw err;
  }
  const info = { version: segment.version, size: rows.length, sizeInBytes: bytes.byteLength, numOfAddFiles: state.files.size };
  await engine.storage.put(lastCheckpointPath(tablePath), utf8Encode(JSON.stringify(info)));
  return info;
}

/** The post-commit hook: a checkpoint when `version` is a positive multiple of `delta.checkpointInterval`. */
export async function checkpointPostCommitHook(engine: Engine, tablePath: string, version: number, metadata: MetadataAction): Promise<void> {
  const interval = Number(metadata.configuration['delta.checkpointInterval'] ?? DEFAULT_CHECKPOINT_INTERVAL);
  if (!(interval > 0) || version === 0 || version % interval !== 0) return;
  await writeCheckpoint(engine, tablePath, version);
  if (metadata.configuration['delta.enableExpiredLogCleanup'] !== 'false') {
    await cleanupExpiredLogs(engine, tablePath, metadata.configuration);
  }
}
