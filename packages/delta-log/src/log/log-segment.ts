/**
 * A LogSegment: the files needed to reconstruct one version — the newest complete checkpoint at
 * or before it, plus the contiguous commit files after that checkpoint. Found from
 * `_last_checkpoint` when it is usable, by listing `_delta_log` otherwise (spec: "Checkpoints",
 * "Last Checkpoint File"); a stale or corrupt `_last_checkpoint` is only a hint.
 */
import { joinPath, utf8Decode, type Engine, type FileInfo } from '@weir/core';
import { DeltaErrors } from '../errors.js';
import { formatVersion, lastCheckpointPath, logDir, parseLogFileName, type ParsedLogFile } from './log-path.js';

export interface CommitFile {
  readonly version: number;
  readonly path: string;
  readonly modificationTime: number;
  readonly size: number;
}

export interface CheckpointFiles {
  readonly version: number;
  readonly kind: 'classic' | 'multipart' | 'v2';
  /** Parts in order (a single file for classic and V2). */
  readonly paths: readonly string[];
  readonly format: 'json' | 'parquet';
}

export interface LogSegment {
  readonly tablePath: string;
  readonly version: number;
  readonly checkpoint: CheckpointFiles | null;
  /** Commits after the checkpoint (or from 0), ascending and contiguous, ending at `version`. */
  readonly commits: readonly CommitFile[];
}

/** The parsed `_last_checkpoint` hint, or null when missing or unreadable. */
export interface LastCheckpointInfo {
  readonly version: number;
  readonly size?: number;
  readonly parts?: number;
  readonly sizeInBytes?: number;
  readonly numOfAddFiles?: number;
  readonly [key: string]: unknown;
}

export async function readLastCheckpoint(engine: Engine, tablePath: string): Promise<LastCheckpointInfo | null> {
  let bytes: Uint8Array;
  try {
    bytes = await engine.storage.read(lastCheckpointPath(tablePath));
  } catch (err) {
    if ((err as { code?: string }).code === 'FILE_NOT_FOUND') return null;
    throw err;
  }
  try {
    const parsed = JSON.parse(utf8Decode(bytes)) as LastCheckpointInfo;
    return typeof parsed.version === 'number' && parsed.version >= 0 ? parsed : null;
  } catch {
    // Spec: `_last_checkpoint` is an optimisation; a corrupt one falls back to listing.
    return null;
  }
}

interface Listing {
  readonly commits: Map<number, CommitFile>;
  readonly checkpoints: CheckpointFiles[];
}

async function listLog(engine: Engine, tablePath: string, startAfter?: string): Promise<Listing> {
  const commits = new Map<number, CommitFile>();
  const multipart = new Map<string, { version: number; numParts: number; parts: Map<number, string> }>();
  const checkpoints: CheckpointFiles[] = [];
  const dir = logDir(tablePath);
  const opts = startAfter === undefined ? {} : { startAfter: joinPath(dir, startAfter) };
  for await (const f of engine.storage.list(dir, opts) as AsyncIterable<FileInfo>) {
    const name = f.path.slice(f.path.lastIndexOf('/') + 1);
    const p: ParsedLogFile | undefined = parseLogFileName(name);
    if (p === undefined) continue;
    switch (p.kind) {
      case 'commit':
        commits.set(p.version, { version: p.version, path: f.path, modificationTime: f.modificationTime, size: f.size });
        break;
      case 'checkpoint':
        checkpoints.push({ version: p.version, kind: 'classic', paths: [f.path], format: 'parquet' });
        break;
      case 'v2-checkpoint':
        checkpoints.push({ version: p.version, kind: 'v2', paths: [f.path], format: p.format ?? 'parquet' });
        break;
      case 'multipart-checkpoint': {
        const key = `${p.version}/${p.numParts}`;
        let g = multipart.get(key);
        if (!g) multipart.set(key, (g = { version: p.version, numParts: p.numParts as number, parts: new Map() }));
        g.parts.set(p.part as number, f.path);
        break;
      }
      default:
        break;
    }
  }
  for (const g of multipart.values()) {
    // Only a complete set of parts is a checkpoint; a partial one (crashed writer) is ignored.
    if (g.parts.size !== g.numParts) continue;
    const paths: string[] = [];
    for (let i = 1; i <= g.numParts; i++) paths.push(g.parts.get(i) as string);
    checkpoints.push({ version: g.version, kind: 'multipart', paths, format: 'parquet' });
  }
  // Prefer classic over multi-part over v2 at the same version only for determinism; all are equivalent.
  const rank = { classic: 0, multipart: 1, v2: 2 } as const;
  checkpoints.sort((a, b) => a.version - b.version || rank[b.kind] - rank[a.kind]);
  return { commits, checkpoints };
}

function buildSegment(tablePath: string, listing: Listing, target: number | undefined, allowMissingStart: boolean): LogSegment | null {
  const versions = [...listing.commits.keys()].sort((a, b) => a - b);
  const maxCommit = versions.length > 0 ? (versions[versions.length - 1] as number) : -1;
  const maxCheckpoint = listing.checkpoints.length > 0 ? (listing.checkpoints[listing.checkpoints.length - 1] as CheckpointFiles).version : -1;
  const latest = Math.max(maxCommit, maxCheckpoint);
  if (latest < 0) return null;
  const version = target ?? latest;
  if (version > latest) {
    throw DeltaErrors.DELTA_VERSION_NOT_FOUND({ path: tablePath, version, earliest: versions[0] ?? maxCheckpoint, latest });
  }
  let checkpoint: CheckpointFiles | null = null;
  for (const c of listing.checkpoints) if (c.version <= version) checkpoint = c;
  const from = checkpoint === null ? 0 : checkpoint.version + 1;
  if (checkpoint === null && !listing.commits.has(0)) {
    if (!allowMissingStart) return null;
    const earliest = versions[0] ?? 0;
    if (target !== undefined && target < earliest) {
      throw DeltaErrors.DELTA_VERSION_NOT_FOUND({ path: tablePath, version: target, earliest, latest });
    }
    throw DeltaErrors.DELTA_MISSING_PART_FILES({ path: tablePath, version, reason: `no checkpoint at or before it and commit 0 is missing (earliest commit ${earliest})` });
  }
  const commits: CommitFile[] = [];
  for (let v = from; v <= version; v++) {
    const c = listing.commits.get(v);
    if (c === undefined) {
      throw DeltaErrors.DELTA_VERSIONS_NOT_CONTIGUOUS({ path: tablePath, missing: v, found: versions.filter((x) => x >= from).slice(0, 10).join(',') });
    }
    commits.push(c);
  }
  return { tablePath, version, checkpoint, commits };
}

/**
 * The log segment for `version` (default: latest).
 * @throws DELTA_TABLE_NOT_FOUND when `_delta_log` has no commits or checkpoints;
 *   DELTA_VERSIONS_NOT_CONTIGUOUS when a commit is missing; DELTA_VERSION_NOT_FOUND for an unavailable version.
 */
export async function getLogSegment(engine: Engine, tablePath: string, version?: number, options: { useCheckpoints?: boolean } = {}): Promise<LogSegment> {
  if (options.useCheckpoints === false) {
    // Log-only replay (debugging, and the property test that checkpoints change nothing).
    const listing = await listLog(engine, tablePath);
    const seg = buildSegment(tablePath, { commits: listing.commits, checkpoints: [] }, version, true);
    if (seg === null) throw DeltaErrors.DELTA_TABLE_NOT_FOUND({ path: tablePath, reason: '_delta_log has no commits' });
    return seg;
  }
  const hint = await readLastCheckpoint(engine, tablePath);
  if (hint !== null && (version === undefined || hint.version <= version)) {
    // List from the hinted checkpoint on: commits before it are not needed.
    const listing = await listLog(engine, tablePath, formatVersion(hint.version));
    const seg = buildSegment(tablePath, listing, version, false);
    if (seg !== null && seg.checkpoint !== null && seg.checkpoint.version >= hint.version) return seg;
    // The hinted checkpoint is missing or incomplete: fall back to a full listing.
  }
  const listing = await listLog(engine, tablePath);
  const seg = buildSegment(tablePath, listing, version, true);
  if (seg === null) throw DeltaErrors.DELTA_TABLE_NOT_FOUND({ path: tablePath, reason: '_delta_log has no commits' });
  return seg;
}

/** Every commit file of the table, ascending (for history, time travel by timestamp and changesSince). */
export async function listCommits(engine: Engine, tablePath: string, startAfterVersion?: number): Promise<CommitFile[]> {
  const listing = await listLog(engine, tablePath, startAfterVersion === undefined ? undefined : formatVersion(startAfterVersion) + '.json');
  return [...listing.commits.values()].sort((a, b) => a.version - b.version);
}

/** Every complete checkpoint (for log cleanup). */
export async function listCheckpoints(engine: Engine, tablePath: string): Promise<CheckpointFiles[]> {
  return (await listLog(engine, tablePath)).checkpoints;
}
