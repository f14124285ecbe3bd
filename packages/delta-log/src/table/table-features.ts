/**
 * The protocol support matrix: which tables weir reads and writes. A table that needs a feature
 * weir does not implement is refused by name (`DELTA_UNSUPPORTED_FEATURE`) — never read wrongly.
 */
import { DeltaErrors } from '../errors.js';
import type { MetadataAction, ProtocolAction } from '../actions/actions.js';

/** Reader features weir implements (reader version 3). */
export const SUPPORTED_READER_FEATURES: ReadonlySet<string> = new Set(['timestampNtz', 'vacuumProtocolCheck', 'v2Checkpoint', 'columnMapping', 'deletionVectors']);

/** Column mapping modes weir reads (by physical name; Spark writes Parquet columns under their physical names in both modes). */
const READABLE_COLUMN_MAPPING_MODES: ReadonlySet<string> = new Set(['none', 'name', 'id']);

/** Writer features weir honours when writing (writer version 7). */
export const SUPPORTED_WRITER_FEATURES: ReadonlySet<string> = new Set([
  'appendOnly',
  'invariants',
  'timestampNtz',
  'vacuumProtocolCheck',
  'changeDataFeed',
  'domainMetadata',
  // weir never creates DVs; appends leave existing DVs alone and removes carry the file's DV, as the spec requires.
  'deletionVectors',
]);

/** The highest reader / writer versions weir understands. */
export const MAX_READER_VERSION = 3;
export const MAX_WRITER_VERSION = 7;

/** Features implied by legacy writer versions (PROTOCOL.md "Table Features" → legacy protocol). */
const LEGACY_WRITER_FEATURES: readonly (readonly string[])[] = [
  [],
  [],
  ['appendOnly', 'invariants'],
  ['checkConstraints'],
  ['changeDataFeed', 'generatedColumns'],
  ['columnMapping'],
  ['identityColumns'],
];

/** All writer features a protocol enables (explicit at 7, implied below). */
export function writerFeaturesOf(protocol: ProtocolAction): string[] {
  if (protocol.minWriterVersion >= 7) return [...(protocol.writerFeatures ?? [])];
  const out: string[] = [];
  for (let v = 0; v <= Math.min(protocol.minWriterVersion, 6); v++) out.push(...(LEGACY_WRITER_FEATURES[v] ?? []));
  return out;
}

/** All reader features a protocol enables (explicit at 3; reader 2 implies columnMapping). */
export function readerFeaturesOf(protocol: ProtocolAction): string[] {
  if (protocol.minReaderVersion >= 3) return [...(protocol.readerFeatures ?? [])];
  return protocol.minReaderVersion === 2 ? ['columnMapping'] : [];
}

export function columnMappingMode(metadata: MetadataAction | undefined): string {
  return metadata?.configuration['delta.columnMapping.mode'] ?? 'none';
}

/**
 * Refuses to read a table whose protocol weir cannot honour.
 * @throws DELTA_INVALID_PROTOCOL_VERSION for versions beyond 3/7; DELTA_UNSUPPORTED_FEATURE naming the feature.
 */
export function assertReadSupported(path: string, protocol: ProtocolAction, metadata?: MetadataAction): void {
  if (protocol.minReaderVersion > MAX_READER_VERSION || protocol.minWriterVersion > MAX_WRITER_VERSION || protocol.minReaderVersion < 1) {
    throw DeltaErrors.DELTA_INVALID_PROTOCOL_VERSION({
      path,
      readerVersion: protocol.minReaderVersion,
      writerVersion: protocol.minWriterVersion,
    });
  }
  for (const f of readerFeaturesOf(protocol)) {
    // Column mapping mode `none` reads like a plain table (physical names = logical names).
    if (f === 'columnMapping' && columnMappingMode(metadata) === 'none') continue;
    if (!SUPPORTED_READER_FEATURES.has(f)) throw DeltaErrors.DELTA_UNSUPPORTED_FEATURE({ path, feature: f, operation: 'reading' });
  }
  if (!READABLE_COLUMN_MAPPING_MODES.has(columnMappingMode(metadata))) {
    throw DeltaErrors.DELTA_UNSUPPORTED_FEATURE({ path, feature: 'columnMapping', operation: 'reading' });
  }
}

/**
 * Refuses to write to a table whose protocol or metadata needs writer behaviour weir lacks.
 * Invariants, CHECK constraints, generated and identity columns are refused only when the table
 * actually uses them (a legacy writer version alone implies them without using them).
 */
export function assertWriteSupported(path: string, protocol: ProtocolAction, metadata: MetadataAction): void {
  assertReadSupported(path, protocol, metadata);
  // Writing with column mapping needs physical names for new files, stats and partition values: not implemented.
  if (columnMappingMode(metadata) !== 'none') throw DeltaErrors.DELTA_UNSUPPORTED_FEATURE({ path, feature: 'columnMapping', operation: 'writing' });
  const used = new Set<string>();
  const schema = metadata.schemaString;
  if (schema.includes('"delta.invariants"')) used.add('invariants');
  if (schema.includes('"delta.generationExpression"')) used.add('generatedColumns');
  if (schema.includes('"delta.identity.')) used.add('identityColumns');
  if (Object.keys(metadata.configuration).some((k) => k.startsWith('delta.constraints.'))) used.add('checkConstraints');
  for (const f of writerFeaturesOf(protocol)) {
    const legacyImplied = protocol.minWriterVersion < 7 && ['invariants', 'checkConstraints', 'generatedColumns', 'identityColumns'].includes(f);
    if (legacyImplied) continue;
    if (f === 'columnMapping' && columnMappingMode(metadata) === 'none') continue;
    if (!SUPPORTED_WRITER_FEATURES.has(f)) throw DeltaErrors.DELTA_UNSUPPORTED_FEATURE({ path, feature: f, operation: 'writing' });
  }
  // weir neither enforces invariants/CHECK constraints nor computes generated/identity values:
  // a table that uses any of them is refused rather than written without them.
  for (const f of used) throw DeltaErrors.DELTA_UNSUPPORTED_FEATURE({ path, feature: f, operation: 'writing' });
}
