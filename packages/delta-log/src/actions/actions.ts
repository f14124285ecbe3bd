/**
 * Delta log actions, spelled exactly as PROTOCOL.md spells them. Actions are frozen plain data:
 * they are written to and read from `_delta_log` JSON lines and Parquet checkpoints, and cross
 * worker threads (an `AddAction` made by `writeDataFiles` in a worker is committed on the main thread).
 */

/** `protocol`: the reader/writer versions (and, at 3/7, the table features) a client needs. */
export interface ProtocolAction {
  readonly minReaderVersion: number;
  readonly minWriterVersion: number;
  readonly readerFeatures?: readonly string[];
  readonly writerFeatures?: readonly string[];
}

export interface FormatSpec {
  readonly provider: string;
  readonly options?: Readonly<Record<string, string>>;
}

/** `metaData`: the table's identity, schema (Spark schema JSON), partitioning and configuration. */
export interface MetadataAction {
  readonly id: string;
  readonly name?: string | null;
  readonly description?: string | null;
  readonly format: FormatSpec;
  readonly schemaString: string;
  readonly partitionColumns: readonly string[];
  readonly createdTime?: number | null;
  readonly configuration: Readonly<Record<string, string>>;
}

/** A deletion vector descriptor; weir refuses to read tables that use them. */
export interface DeletionVectorDescriptor {
  readonly storageType: string;
  readonly pathOrInlineDv: string;
  readonly offset?: number | null;
  readonly sizeInBytes: number;
  readonly cardinality: number;
  readonly maxRowIndex?: number | null;
}

/** `add`: a data file that is part of the table from this version on. `path` is a URI (encoded). */
export interface AddAction {
  readonly path: string;
  readonly partitionValues: Readonly<Record<string, string | null>>;
  readonly size: number;
  readonly modificationTime: number;
  readonly dataChange: boolean;
  /** JSON-encoded statistics: `numRecords`, `minValues`, `maxValues`, `nullCount`. */
  readonly stats?: string | null;
  readonly tags?: Readonly<Record<string, string>> | null;
  readonly deletionVector?: DeletionVectorDescriptor | null;
  readonly baseRowId?: number | null;
  readonly defaultRowCommitVersion?: number | null;
  readonly clusteringProvider?: string | null;
}

/** `remove`: a logical delete of a file (a tombstone kept until vacuum). */
export interface RemoveAction {
  readonly path: string;
  readonly deletionTimestamp?: number | null;
  readonly dataChange: boolean;
  readonly extendedFileMetadata?: boolean | null;
  readonly partitionValues?: Readonly<Record<string, string | null>> | null;
  readonly size?: number | null;
  readonly stats?: string | null;
  readonly tags?: Readonly<Record<string, string>> | null;
  readonly deletionVector?: DeletionVectorDescriptor | null;
  readonly baseRowId?: number | null;
  readonly defaultRowCommitVersion?: number | null;
}

/** `cdc`: a change-data file (never part of the table's data). */
export interface CdcAction {
  readonly path: string;
  readonly partitionValues: Readonly<Record<string, string | null>>;
  readonly size: number;
  readonly dataChange: boolean;
  readonly tags?: Readonly<Record<string, string>> | null;
}

/** `txn` (SetTransaction): the latest version an application committed, for idempotent writes. */
export interface TxnAction {
  readonly appId: string;
  readonly version: number;
  readonly lastUpdated?: number | null;
}

/** `commitInfo`: free-form provenance; Spark's keys (`timestamp`, `operation`, …) by convention. */
export type CommitInfoAction = Readonly<Record<string, unknown>> & { readonly timestamp?: number; readonly operation?: string };

/** `domainMetadata`: per-domain configuration; `removed: true` is a tombstone. */
export interface DomainMetadataAction {
  readonly domain: string;
  readonly configuration: string;
  readonly removed: boolean;
}

/** `checkpointMetadata` (V2 checkpoints). */
export interface CheckpointMetadataAction {
  readonly version: number;
  readonly tags?: Readonly<Record<string, string>> | null;
}

/** `sidecar` (V2 checkpoints): a file under `_delta_log/_sidecars/` holding add/remove actions. */
export interface SidecarAction {
  readonly path: string;
  readonly sizeInBytes: number;
  readonly modificationTime: number;
  readonly tags?: Readonly<Record<string, string>> | null;
}

/** One line of a commit file: exactly one of these keys is set. Unknown keys are ignored (spec). */
export type Action =
  | { readonly protocol: ProtocolAction }
  | { readonly metaData: MetadataAction }
  | { readonly add: AddAction }
  | { readonly remove: RemoveAction }
  | { readonly cdc: CdcAction }
  | { readonly txn: TxnAction }
  | { readonly commitInfo: CommitInfoAction }
  | { readonly domainMetadata: DomainMetadataAction }
  | { readonly checkpointMetadata: CheckpointMetadataAction }
  | { readonly sidecar: SidecarAction };

/** The action keys this package understands, in the order Spark writes them into commits. */
export const ACTION_KEYS = Object.freeze([
  'commitInfo',
  'protocol',
  'metaData',
  'domainMetadata',
  'txn',
  'remove',
  'add',
  'cdc',
  'checkpointMetadata',
  'sidecar',
] as const);
export type ActionKey = (typeof ACTION_KEYS)[number];

/** The key of a known action, or `undefined` for an unknown action (which readers MUST ignore). */
export function actionKey(action: Readonly<Record<string, unknown>>): ActionKey | undefined {
  for (const k of ACTION_KEYS) if (action[k] !== undefined && action[k] !== null) return k;
  return undefined;
}

/** The (path, deletion-vector unique id) key that identifies a logical file (spec: "Action Reconciliation"). */
export function fileActionKey(a: { readonly path: string; readonly deletionVector?: DeletionVectorDescriptor | null }): string {
  const dv = a.deletionVector;
  if (dv === undefined || dv === null) return a.path;
  // Spec: the DV unique id is storageType + pathOrInlineDv, plus "@" + offset when an offset is present.
  const uid = dv.storageType + dv.pathOrInlineDv + (dv.offset === undefined || dv.offset === null ? '' : `@${dv.offset}`);
  return `${a.path}\u0000${uid}`;
}
