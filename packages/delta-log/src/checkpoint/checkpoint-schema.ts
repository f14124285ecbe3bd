/**
 * The column layout Delta Spark writes for a classic checkpoint (and records as
 * `checkpointSchema` in `_last_checkpoint`): top-level columns `txn`, `add`, `remove`, `metaData`,
 * `protocol`, `domainMetadata`, one action per row, every other column null.
 */
import { StructType, arrayOf, field, mapOf, struct } from '@weir/core';

const stringMap = mapOf('string', 'string', true);
const deletionVector = struct([
  field('storageType', 'string'),
  field('pathOrInlineDv', 'string'),
  field('offset', 'integer'),
  field('sizeInBytes', 'integer'),
  field('cardinality', 'long'),
  field('maxRowIndex', 'long'),
]);

export const CHECKPOINT_SCHEMA: StructType = struct([
  field('txn', struct([field('appId', 'string'), field('version', 'long'), field('lastUpdated', 'long')])),
  field(
    'add',
    struct([
      field('path', 'string'),
      field('partitionValues', stringMap),
      field('size', 'long'),
      field('modificationTime', 'long'),
      field('dataChange', 'boolean'),
      field('tags', stringMap),
      field('deletionVector', deletionVector),
      field('baseRowId', 'long'),
      field('defaultRowCommitVersion', 'long'),
      field('stats', 'string'),
    ]),
  ),
  field(
    'remove',
    struct([
      field('path', 'string'),
      field('deletionTimestamp', 'long'),
      field('dataChange', 'boolean'),
      field('extendedFileMetadata', 'boolean'),
      field('partitionValues', stringMap),
      field('size', 'long'),
      field('deletionVector', deletionVector),
      field('baseRowId', 'long'),
      field('defaultRowCommitVersion', 'long'),
    ]),
  ),
  field(
    'metaData',
    struct([
      field('id', 'string'),
      field('name', 'string'),
      field('description', 'string'),
      field('format', struct([field('provider', 'string'), field('options', stringMap)])),
      field('schemaString', 'string'),
      field('partitionColumns', arrayOf('string', true)),
      field('configuration', stringMap),
      field('createdTime', 'long'),
    ]),
  ),
  field(
    'protocol',
    struct([
      field('minReaderVersion', 'integer'),
      field('minWriterVersion', 'integer'),
      field('readerFeatures', arrayOf('string', true)),
      field('writerFeatures', arrayOf('string', true)),
    ]),
  ),
  field('domainMetadata', struct([field('domain', 'string'), field('configuration', 'string'), field('removed', 'boolean')])),
]);
