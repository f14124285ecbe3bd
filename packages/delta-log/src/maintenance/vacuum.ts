/**
 * VACUUM: deletes data files no longer referenced by the table (nor by a tombstone still within
 * `delta.deletedFileRetentionDuration`) and older than the retention period. Retention below
 * the table's (default 168 h) is refused unless forced, as Spark's retention check does:
 * concurrent readers of older versions would lose their files.
 */
import type { Engine } from '@weir/core';
import { DeltaErrors } from '../errors.js';
import { resolveDataFilePath } from '../log/table-path.js';
import { deletionVectorPath } from '../deletion-vectors/deletion-vector.js';
import type { DeletionVectorDescriptor } from '../actions/actions.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import { assertWriteSupported } from '../table/table-features.js';
import { parseDeltaInterval } from '../internal/delta-interval.js';
import { DEFAULT_DELETED_FILE_RETENTION } from '../checkpoint/checkpoint-writer.js';

export interface VacuumOptions {
  /** Keep files deleted less than this many hours ago. Defaults to the table's `delta.deletedFileRetentionDuration` (168 h). */
  readonly retentionHours?: number;
  /** Only report what would be deleted. Defaults to `false`. */
  readonly dryRun?: boolean;
  /** Allow a retention shorter than the table's (Spark's `retentionDurationCheck.enabled=false`). Defaults to `false`. */
  readonly force?: boolean;
}

export interface VacuumResult {
  readonly dryRun: boolean;
  /** Storage paths deleted (or that would be, on a dry run). */
  readonly files: readonly string[];
}

function isHidden(relative: string): boolean {
  // Spark never vacuums hidden paths (`_delta_log`, `_change_data`, `.crc` files, `_SUCCESS`, …).
  return relative.split('/').some((seg) => seg.startsWith('_') || seg.startsWith('.'));
}

export async function vacuum(engine: Engine, snapshot: Snapshot, options: VacuumOptions = {}): Promise<VacuumResult> {
  assertWriteSupported(snapshot.tablePath, snapshot.protocol, snapshot.metadata);
  const tableRetentionMs = parseDeltaInterval(snapshot.configuration['delta.deletedFileRetentionDuration'] ?? DEFAULT_DELETED_FILE_RETENTION);
  const retentionMs = options.retentionHours === undefined ? tableRetentionMs : options.retentionHours * 3_600_000;
  if (!(retentionMs >= 0)) throw DeltaErrors.DELTA_INVALID_ARGUMENT({ argument: 'retentionHours', reason: 'must be a non-negative number' });
  if (retentionMs < tableRetentionMs && !options.force) {
    throw DeltaErrors.DELTA_VACUUM_RETENTION_TOO_SHORT({ retentionHours: retentionMs / 3_600_000, minimumHours: tableRetentionMs / 3_600_000 });
  }
  const cutoff = engine.clock.now() - retentionMs;
  const keep = new Set<string>();
  const keepDv = (dv: DeletionVectorDescriptor | null | undefined) => {
    if (dv && dv.storageType !== 'i') keep.add(deletionVectorPath(snapshot.tablePath, dv));
  };
  for (const f of snapshot.files) {
    keep.add(resolveDataFilePath(snapshot.tablePath, f.path));
    keepDv(f.deletionVector);
  }
  for (const t of snapshot.tombstones) {
    if ((t.deletionTimestamp ?? 0) < cutoff) continue;
    keep.add(resolveDataFilePath(snapshot.tablePath, t.path));
    keepDv(t.deletionVector);
  }
  const root = snapshot.tablePath.replace(/\/+$/, '');
  const victims: string[] = [];
  for await (const f of engine.storage.list(root, { recursive: true })) {
    const relative = f.path.slice(root.length + 1);
    if (isHidden(relative) || keep.has(f.path) || f.modificationTime >= cutoff) continue;
    victims.push(f.path);
  }
  if (!options.dryRun) for (const v of victims) await engine.storage.delete(v);
  return { dryRun: options.dryRun ?? false, files: victims };
}

