/**
 * Expired log cleanup (Spark's `MetadataCleanup`): after a checkpoint, delete commit, checkpoint
 * and checksum files older than `delta.logRetentionDuration` (30 days) — but only those before
 * the newest checkpoint that is itself past the cutoff, so every remaining version stays
 * reconstructible.
 */
import type { Engine } from '@weir/core';
import { logDir, parseLogFileName } from '../log/log-path.js';
import { parseDeltaInterval } from '../internal/delta-interval.js';

export const DEFAULT_LOG_RETENTION = 'interval 30 days';

export async function cleanupExpiredLogs(engine: Engine, tablePath: string, configuration: Readonly<Record<string, string>>): Promise<string[]> {
  const retentionMs = parseDeltaInterval(configuration['delta.logRetentionDuration'] ?? DEFAULT_LOG_RETENTION);
  const cutoff = engine.clock.now() - retentionMs;
  const files: Array<{ path: string; version: number; kind: string; mtime: number }> = [];
  for await (const f of engine.storage.list(logDir(tablePath))) {
    const p = parseLogFileName(f.path.slice(f.path.lastIndexOf('/') + 1));
    if (p) files.push({ path: f.path, version: p.version, kind: p.kind, mtime: f.modificationTime });
  }
  let boundary = -1;
  for (const f of files) {
    if ((f.kind === 'checkpoint' || f.kind === 'multipart-checkpoint' || f.kind === 'v2-checkpoint') && f.mtime <= cutoff) boundary = Math.max(boundary, f.version);
  }
  const deleted: string[] = [];
  for (const f of files) {
    if (f.version < boundary && f.mtime <= cutoff) {
      await engine.storage.delete(f.path);
      deleted.push(f.path);
    }
  }
  return deleted;
}
