import { defineOptions, type OptionSpec } from '@weir/core';

/** Parse options shared by every format plugin (Spark's `DataFrameReader` option names). */
const PARSE_OPTIONS = [
  { name: 'mode', kind: 'enum', values: ['PERMISSIVE', 'DROPMALFORMED', 'FAILFAST'], default: 'PERMISSIVE', doc: 'What to do with malformed records: keep them (nulls + corrupt column), drop them, or fail.' },
  { name: 'columnNameOfCorruptRecord', kind: 'string', default: '_corrupt_record', doc: 'Column that receives the raw text of a malformed record (PERMISSIVE), when present in the schema.' },
  { name: 'badRecordsPath', kind: 'string', doc: 'When set, malformed records are written as JSON ({path, record, reason}) under this directory and dropped from the output.' },
  { name: 'multiLine', kind: 'boolean', default: 'false', doc: 'JSON: one record (or array of records) per file instead of JSON lines. CSV: allow quoted values to span lines.' },
  { name: 'header', kind: 'boolean', default: 'false', doc: 'CSV: the first line of each file holds the column names.' },
  { name: 'sep', kind: 'string', default: ',', doc: 'CSV: the field separator (one character).' },
  { name: 'quote', kind: 'string', default: '"', doc: 'CSV: the quote character.' },
  { name: 'escape', kind: 'string', default: '\\', doc: 'CSV: the character escaping a quote inside a quoted value.' },
  { name: 'nullValue', kind: 'string', default: '', doc: 'CSV: the text that reads as null.' },
  { name: 'rescuedDataColumn', kind: 'string', doc: 'Name of the rescued data column (JSON of unparsed or mismatched fields plus _file_path). Auto Loader adds _rescued_data by default when it infers the schema.' },
  { name: 'pathGlobFilter', kind: 'string', doc: 'Only files whose name matches this glob (e.g. *.json).' },
  { name: 'modifiedAfter', kind: 'string', doc: 'Only files modified after this timestamp (YYYY-MM-DDTHH:mm:ss, UTC unless an offset is given).' },
  { name: 'modifiedBefore', kind: 'string', doc: 'Only files modified before this timestamp (YYYY-MM-DDTHH:mm:ss, UTC unless an offset is given).' },
  { name: 'latestFirst', kind: 'boolean', default: 'false', doc: 'Admit the newest files first (by modification time).' },
  { name: 'fileNameOnly', kind: 'boolean', default: 'false', doc: 'Identify already-seen files by file name only, not the full path.' },
  { name: 'cleanSource', kind: 'enum', values: ['off', 'archive', 'delete'], default: 'off', doc: 'After a batch commits, archive (move under sourceArchiveDir) or delete its input files.' },
  { name: 'sourceArchiveDir', kind: 'string', doc: 'Archive directory for cleanSource=archive; MUST NOT be under the input path.' },
  { name: 'weir.fileSource.restartOnSchemaChange', kind: 'boolean', default: 'false', doc: 'Spark-identical addNewColumns: record the new schema, then stop the query with UNKNOWN_FIELD_EXCEPTION (restart to continue). Default: continue in the same run.' },
] as const satisfies readonly OptionSpec[];

/** The `cloudFiles` (Auto Loader) source options, with Auto Loader's names and defaults. */
export const CLOUD_FILES_OPTIONS = defineOptions([
  { name: 'cloudFiles.format', kind: 'enum', values: ['json', 'csv', 'parquet', 'text'], doc: 'The input file format (required).' },
  { name: 'cloudFiles.maxFilesPerTrigger', kind: 'int', min: 1, default: '1000', doc: 'Maximum number of new files admitted per micro-batch.' },
  { name: 'cloudFiles.maxBytesPerTrigger', kind: 'bytes', min: 1, doc: 'Soft maximum of bytes admitted per micro-batch (a batch always admits at least one file). With maxFilesPerTrigger, whichever is hit first.' },
  { name: 'cloudFiles.includeExistingFiles', kind: 'boolean', default: 'true', doc: 'On the first start, also ingest files already present (evaluated once, then recorded).' },
  { name: 'cloudFiles.schemaLocation', kind: 'string', doc: 'Where inferred schema versions are stored (_schemas/<n>); required for schema inference.' },
  { name: 'cloudFiles.inferColumnTypes', kind: 'boolean', default: 'false', doc: 'Infer exact column types for JSON/CSV; otherwise every inferred column is a string.' },
  { name: 'cloudFiles.schemaHints', kind: 'ddl', doc: 'Spark DDL overriding the inferred type of the listed columns (and adding missing ones).' },
  { name: 'cloudFiles.schemaEvolutionMode', kind: 'enum', values: ['addNewColumns', 'rescue', 'failOnNewColumns', 'none'], doc: 'How new columns are handled. Defaults to addNewColumns without a user schema, none with one.' },
  { name: 'cloudFiles.partitionColumns', kind: 'string', doc: 'Comma-separated Hive-style (key=value) partition columns to read from directory names. Defaults to every key=value directory found.' },
  { name: 'cloudFiles.allowOverwrites', kind: 'boolean', default: 'false', doc: 'Re-ingest a file whose modification time changed after it was ingested.' },
  { name: 'cloudFiles.maxFileAge', kind: 'duration', doc: 'How long a file is tracked for de-duplication, relative to the newest modification time seen; older files are ignored and expire from the index.' },
  { name: 'cloudFiles.useIncrementalListing', kind: 'enum', values: ['auto', 'true', 'false'], default: 'auto', doc: 'true: after the first full listing, list only paths after the greatest one seen (for lexically ordered file names; a file landing with a smaller name is missed). auto and false: full listing every trigger (weir does not auto-detect).' },
  { name: 'cloudFiles.cleanSource', kind: 'enum', values: ['OFF', 'DELETE', 'MOVE'], doc: "Auto Loader's spelling of cleanSource: MOVE = archive to cloudFiles.cleanSource.moveDestination, DELETE = delete, after the batch commits (no retention delay in weir)." },
  { name: 'cloudFiles.cleanSource.moveDestination', kind: 'string', doc: 'Archive directory for cloudFiles.cleanSource=MOVE (same layout as sourceArchiveDir).' },
  { name: 'cloudFiles.schemaInference.sampleSize.numFiles', kind: 'int', min: 1, default: '1000', doc: 'Files sampled for schema inference.' },
  { name: 'cloudFiles.schemaInference.sampleSize.numBytes', kind: 'bytes', min: 1, default: '50g', doc: 'Bytes sampled for schema inference.' },
  ...PARSE_OPTIONS,
]);

/** Options of the plain Spark file-stream formats (`json`, `csv`, `parquet`), Spark's names and defaults. */
export const FILE_STREAM_OPTIONS = defineOptions([
  { name: 'maxFilesPerTrigger', kind: 'int', min: 1, doc: 'Maximum number of new files per micro-batch (default: no limit).' },
  { name: 'maxBytesPerTrigger', kind: 'bytes', min: 1, doc: 'Soft maximum of bytes per micro-batch (at least one file).' },
  { name: 'maxFileAge', kind: 'duration', default: '7 days', doc: 'Maximum age of a file, relative to the newest file seen, for it to be considered.' },
  ...PARSE_OPTIONS,
]);

export type CloudFilesOptions = typeof CLOUD_FILES_OPTIONS;
export type FileStreamOptions = typeof FILE_STREAM_OPTIONS;
