/**
 * Log replay (spec: "Action Reconciliation"): the latest `protocol` and `metaData` win; `add` and
 * `remove` reconcile by (path, deletion-vector id) — a file is active when its newest action is an
 * `add`; the latest `txn` per appId and `domainMetadata` per domain win (removed domains dropped).
 */
import type { Engine } from '@weir/core';
import type {
  Action,
  AddAction,
  CommitInfoAction,
  DomainMetadataAction,
  MetadataAction,
  ProtocolAction,
  RemoveAction,
  TxnAction,
} from '../actions/actions.js';
import { fileActionKey } from '../actions/actions.js';
import { parseCommitFile } from '../log/commit-file.js';
import type { LogSegment } from '../log/log-segment.js';
import { readCheckpoint } from '../checkpoint/checkpoint-reader.js';

/** The reconciled state of one table version. */
export interface TableState {
  readonly version: number;
  readonly protocol: ProtocolAction | undefined;
  readonly metadata: MetadataAction | undefined;
  /** Active files, keyed by (path, DV id), in the order they were added. */
  readonly files: Map<string, AddAction>;
  /** Tombstones (removes not superseded by a later add), keyed like `files`. */
  readonly tombstones: Map<string, RemoveAction>;
  readonly txns: Map<string, TxnAction>;
  readonly domainMetadata: Map<string, DomainMetadataAction>;
  /** The commitInfo of the last commit in the segment, if it had one. */
  readonly lastCommitInfo: CommitInfoAction | undefined;
}

export function emptyState(version: number): TableState {
  return {
    version,
    protocol: undefined,
    metadata: undefined,
    files: new Map(),
    tombstones: new Map(),
    txns: new Map(),
    domainMetadata: new Map(),
    lastCommitInfo: undefined,
  };
}

/** Applies one version's actions to `state` in place (forward replay). */
export function applyActions(state: TableState, actions: readonly Action[]): void {
  const s = state as { -readonly [K in keyof TableState]: TableState[K] };
  for (const a of actions) {
    if ('add' in a) {
      const k = fileActionKey(a.add);
      s.files.delete(k); // re-insert so iteration order follows the latest add
      s.files.set(k, a.add);
      s.tombstones.delete(k);
    } else if ('remove' in a) {
      const k = fileActionKey(a.remove);
      s.files.delete(k);
      s.tombstones.set(k, a.remove);
    } else if ('metaData' in a) s.metadata = a.metaData;
    else if ('protocol' in a) s.protocol = a.protocol;
    else if ('txn' in a) s.txns.set(a.txn.appId, a.txn);
    else if ('domainMetadata' in a) {
      if (a.domainMetadata.removed) s.domainMetadata.delete(a.domainMetadata.domain);
      else s.domainMetadata.set(a.domainMetadata.domain, a.domainMetadata);
    }
  }
}

/** Reads one commit file's actions. */
export async function readCommitActions(engine: Engine, path: string): Promise<Action[]> {
  return parseCommitFile(await engine.storage.read(path), path);
}

/** Replays a log segment: checkpoint first, then each commit in version order. */
export async function replay(engine: Engine, segment: LogSegment): Promise<TableState> {
  const state = emptyState(segment.version) as TableState & { lastCommitInfo: CommitInfoAction | undefined };
  if (segment.checkpoint !== null) applyActions(state, await readCheckpoint(engine, segment.tablePath, segment.checkpoint));
  for (const c of segment.commits) {
    const actions = await readCommitActions(engine, c.path);
    applyActions(state, actions);
    const ci = actions.find((a): a is { commitInfo: CommitInfoAction } => 'commitInfo' in a);
    if (c.version === segment.version) state.lastCommitInfo = ci?.commitInfo;
  }
  return state;
}
