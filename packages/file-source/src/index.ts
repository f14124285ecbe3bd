/**
 * @packageDocumentation
 * `@weir/file-source` owns weir's file stream source with Databricks Auto Loader semantics
 * (`format('cloudFiles')`) and Spark's plain file streams (`json`, `csv`, `parquet`, `text`):
 *
 * - **Discovery**: lists the input path (globs, recursion, Hive `key=value` partition columns),
 *   skips temp files (`.`/`_`), filters (`pathGlobFilter`, `modifiedAfter/Before`), orders by
 *   modification time (`latestFirst`), and remembers admitted files in a durable, compacted,
 *   age-bounded log under the checkpoint's `sources/<n>/` so each file is read exactly once.
 * - **Deterministic offsets**: an offset is a batch number in that log; the log entry pins the
 *   batch's files, so a replayed batch reads the same rows.
 * - **Rate limits**: `cloudFiles.maxFilesPerTrigger` (1000) and the soft `maxBytesPerTrigger`.
 * - **Parsing in workers**: `partitionReaders.file` parses JSON / CSV / Parquet / text with the
 *   parse modes, `columnNameOfCorruptRecord`, `badRecordsPath` and the `_rescued_data` column;
 *   `partitionChunkReaders.file` is the same reader streaming chunks of at most `CHUNK_RECORDS`
 *   rows, decoding the bytes in small windows (`DECODE_WINDOW_BYTES`) so nothing big stays alive;
 *   `partitionColumnReaders.file` yields the same rows as core `ColumnChunk`s, NDJSON values
 *   written by the byte scanner straight into typed arrays (no row object per record).
 * - **Schema inference and evolution**: schema versions under `<schemaLocation>/_schemas/<n>`,
 *   `schemaHints`, `inferColumnTypes`, and `schemaEvolutionMode` — where `addNewColumns`
 *   continues in the same run (see the README for how the engine is told).
 *
 * All I/O goes through `ctx.engine` (protocol package: no `node:*`).
 *
 * ```ts
 * import { cloudFilesSource } from '@weir/file-source';
 * const source = await cloudFilesSource.createSource(
 *   { 'cloudFiles.format': 'json', 'cloudFiles.schemaLocation': '/tmp/ckpt/schema' },
 *   { engine, metadataPath: '/tmp/ckpt/sources/0', path: '/data/weather', conf: {}, log: console.log },
 * );
 * ```
 */
export { cloudFilesSource, jsonFileSource, csvFileSource, parquetFileSource, textFileSource } from './file-source-plugins.js';
export { FileStreamSource, admit, groupFiles, READER_MODULE, FILE_READER } from './file-stream-source.js';
export type { FileSourceOffset } from './file-stream-source.js';
export { cloudFilesConfig, fileStreamConfig } from './file-source-config.js';
export type { FileSourceConfig, FileFormat, SchemaEvolutionMode } from './file-source-config.js';
export { CLOUD_FILES_OPTIONS, FILE_STREAM_OPTIONS } from './options.js';
export { FileSourceErrors } from './errors.js';
export { FileStreamSourceLog } from './log/file-stream-source-log.js';
export type { LoggedFile, LogBatch, FileStreamSourceLogOptions } from './log/file-stream-source-log.js';
export { SchemaLog } from './schema/schema-log.js';
export type { SchemaVersion } from './schema/schema-log.js';
export { inferDataSchema, applySchemaHints } from './schema/schema-inference.js';
export type { InferenceOptions, InferenceResult } from './schema/schema-inference.js';
export { FileLister, isHiddenSegment } from './discovery/file-listing.js';
export type { DiscoveredFile, ListingFilter } from './discovery/file-listing.js';
export { globToRegExp, parseInputPath } from './discovery/glob.js';
export { readFilePartition, readFilePartitionChunks, readFilePartitionColumns, badRecordsFileFor } from './reader/file-partition-reader.js';
export { CHUNK_RECORDS } from './reader/row-sink.js';
export { DECODE_WINDOW_BYTES } from './reader/text-windows.js';
export type { FilePartitionData, PartitionFile, BadRecord } from './reader/file-partition-reader.js';
export type { ParseOptions } from './reader/parse-options.js';
export { tokenizeCsv } from './reader/csv-tokenizer.js';
export { parseTimestampMicros, parseDateDays } from './reader/timestamp-parse.js';

export { inferSchemaTask, inferInTasks, mergeInferenceResults } from './schema/infer-schema-task.js';
export type { InferSchemaTaskInput, InferSchemaTaskOutput } from './schema/infer-schema-task.js';

import { readFilePartition, readFilePartitionChunks, readFilePartitionColumns } from './reader/file-partition-reader.js';
import { inferSchemaTask } from './schema/infer-schema-task.js';
/** Worker-side readers for this package's input partitions (`InputPartition.reader`). */
export const partitionReaders = Object.freeze({ file: readFilePartition });
/**
 * The same readers in streaming form (core `PartitionChunkReader`): a batch per file and every
 * `CHUNK_RECORDS` rows within one, so a map task never holds its whole partition.
 */
export const partitionChunkReaders = Object.freeze({ file: readFilePartitionChunks });
/**
 * The same readers in columnar form (core `PartitionColumnReader`): `ColumnChunk`s equal to
 * `partitionChunkReaders`' batches, with NDJSON scanned straight into typed arrays.
 */
export const partitionColumnReaders = Object.freeze({ file: readFilePartitionColumns });
/** Worker-side tasks: `inferSchema` (schema of the files a batch admits, for schema evolution). */
export const taskHandlers = Object.freeze({ inferSchema: inferSchemaTask });
