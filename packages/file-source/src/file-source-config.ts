import { CoreErrors, parseOptions, type StructType } from '@weir/core';
import { FileSourceErrors } from './errors.js';
import { CLOUD_FILES_OPTIONS, FILE_STREAM_OPTIONS } from './options.js';
import type { ParseOptions } from './reader/parse-options.js';

export type FileFormat = 'json' | 'csv' | 'parquet' | 'text';
export type SchemaEvolutionMode = 'addNewColumns' | 'rescue' | 'failOnNewColumns' | 'none';

/** Every option of a file source, normalised (both plugin flavours map onto this). */
export interface FileSourceConfig {
  readonly format: FileFormat;
  /** True for `cloudFiles` (Auto Loader semantics), false for plain Spark file streams. */
  readonly autoLoader: boolean;
  readonly maxFilesPerTrigger: number | undefined;
  readonly maxBytesPerTrigger: number | undefined;
  readonly includeExistingFiles: boolean;
  readonly schemaLocation: string | undefined;
  readonly inferColumnTypes: boolean;
  readonly schemaHints: StructType | undefined;
  /** Explicit mode, or undefined to take the default (depends on whether a user schema exists). */
  readonly schemaEvolutionMode: SchemaEvolutionMode | undefined;
  /** Explicit partition columns, or undefined to infer from `key=value` directories. */
  readonly partitionColumns: readonly string[] | undefined;
  readonly allowOverwrites: boolean;
  /** List only paths after the greatest one seen (after a first full listing). */
  readonly incrementalListing: boolean;
  readonly maxFileAgeMs: number | undefined;
  readonly sampleNumFiles: number;
  readonly sampleNumBytes: number;
  readonly pathGlobFilter: string | undefined;
  readonly modifiedAfterMs: number | undefined;
  readonly modifiedBeforeMs: number | undefined;
  readonly latestFirst: boolean;
  readonly fileNameOnly: boolean;
  readonly cleanSource: 'off' | 'archive' | 'delete';
  readonly sourceArchiveDir: string | undefined;
  readonly restartOnSchemaChange: boolean;
  /** The rescued data column name given by option (`rescuedDataColumn`), if any. */
  readonly rescuedDataColumn: string | undefined;
  readonly parse: Omit<ParseOptions, 'rescuedDataColumn'>;
}

function parseTimestampOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  // Spark's format is yyyy-MM-ddTHH:mm:ss; without an offset we read it as UTC (weir's session time zone).
  const text = /[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) {
    throw CoreErrors.INVALID_OPTION({ option: name, owner: 'file source', reason: `"${value}" is not a timestamp like 2024-06-01T10:00:00`, validOptions: name });
  }
  return ms;
}

function single(name: string, value: string): string {
  if (value.length !== 1) {
    throw CoreErrors.INVALID_OPTION({ option: name, owner: 'file source', reason: `must be one character but was "${value}"`, validOptions: name });
  }
  return value;
}

/** Shared parse/discovery options (same names in both flavours). */
function common(o: Record<string, unknown>) {
  const cleanSource = o['cleanSource'] as FileSourceConfig['cleanSource'];
  const sourceArchiveDir = o['sourceArchiveDir'] as string | undefined;
  if (cleanSource === 'archive' && sourceArchiveDir === undefined) {
    throw FileSourceErrors.CF_INVALID_OPTION_COMBINATION({ reason: 'cleanSource=archive needs sourceArchiveDir' });
  }
  return {
    pathGlobFilter: o['pathGlobFilter'] as string | undefined,
    modifiedAfterMs: parseTimestampOption('modifiedAfter', o['modifiedAfter'] as string | undefined),
    modifiedBeforeMs: parseTimestampOption('modifiedBefore', o['modifiedBefore'] as string | undefined),
    latestFirst: o['latestFirst'] as boolean,
    fileNameOnly: o['fileNameOnly'] as boolean,
    cleanSource,
    sourceArchiveDir,
    restartOnSchemaChange: o['weir.fileSource.restartOnSchemaChange'] as boolean,
    rescuedDataColumn: o['rescuedDataColumn'] as string | undefined,
    parse: Object.freeze({
      mode: o['mode'] as ParseOptions['mode'],
      columnNameOfCorruptRecord: o['columnNameOfCorruptRecord'] as string,
      badRecordsPath: (o['badRecordsPath'] as string | undefined) ?? null,
      multiLine: o['multiLine'] as boolean,
      header: o['header'] as boolean,
      sep: single('sep', o['sep'] as string),
      quote: single('quote', o['quote'] as string),
      escape: single('escape', o['escape'] as string),
      nullValue: o['nullValue'] as string,
    }),
  };
}

/** Validates `cloudFiles` options (throws `INVALID_OPTION`, `CF_FILE_FORMAT_REQUIRED`). */
export function cloudFilesConfig(raw: Readonly<Record<string, string>>): FileSourceConfig {
  const o = { ...(parseOptions(CLOUD_FILES_OPTIONS, raw, 'cloudFiles source') as unknown as Record<string, unknown>) };
  // Auto Loader's cloudFiles.cleanSource (OFF/DELETE/MOVE + moveDestination) maps onto Spark's cleanSource/sourceArchiveDir.
  const cf = o['cloudFiles.cleanSource'] as 'OFF' | 'DELETE' | 'MOVE' | undefined;
  if (cf !== undefined) {
    if (o['cleanSource'] !== 'off') {
      throw FileSourceErrors.CF_INVALID_OPTION_COMBINATION({ reason: 'set either cloudFiles.cleanSource or cleanSource, not both' });
    }
    o['cleanSource'] = cf === 'MOVE' ? 'archive' : cf === 'DELETE' ? 'delete' : 'off';
  }
  const moveTo = o['cloudFiles.cleanSource.moveDestination'] as string | undefined;
  if (moveTo !== undefined) o['sourceArchiveDir'] ??= moveTo;
  const format = o['cloudFiles.format'] as FileFormat | undefined;
  if (format === undefined) throw FileSourceErrors.CF_FILE_FORMAT_REQUIRED();
  const partitionColumns = o['cloudFiles.partitionColumns'] as string | undefined;
  return Object.freeze({
    format,
    autoLoader: true,
    maxFilesPerTrigger: o['cloudFiles.maxFilesPerTrigger'] as number,
    maxBytesPerTrigger: o['cloudFiles.maxBytesPerTrigger'] as number | undefined,
    includeExistingFiles: o['cloudFiles.includeExistingFiles'] as boolean,
    schemaLocation: o['cloudFiles.schemaLocation'] as string | undefined,
    inferColumnTypes: o['cloudFiles.inferColumnTypes'] as boolean,
    schemaHints: o['cloudFiles.schemaHints'] as StructType | undefined,
    schemaEvolutionMode: o['cloudFiles.schemaEvolutionMode'] as SchemaEvolutionMode | undefined,
    partitionColumns:
      partitionColumns === undefined
        ? undefined
        : partitionColumns.split(',').map((s) => s.trim()).filter((s) => s.length > 0),
    allowOverwrites: o['cloudFiles.allowOverwrites'] as boolean,
    incrementalListing: o['cloudFiles.useIncrementalListing'] === 'true',
    maxFileAgeMs: o['cloudFiles.maxFileAge'] as number | undefined,
    sampleNumFiles: o['cloudFiles.schemaInference.sampleSize.numFiles'] as number,
    sampleNumBytes: o['cloudFiles.schemaInference.sampleSize.numBytes'] as number,
    ...common(o),
  });
}

/** Validates the options of a plain Spark file stream (`format('json')` etc.). */
export function fileStreamConfig(format: FileFormat, raw: Readonly<Record<string, string>>): FileSourceConfig {
  const o = parseOptions(FILE_STREAM_OPTIONS, raw, `${format} file source`) as unknown as Record<string, unknown>;
  return Object.freeze({
    format,
    autoLoader: false,
    maxFilesPerTrigger: o['maxFilesPerTrigger'] as number | undefined,
    maxBytesPerTrigger: o['maxBytesPerTrigger'] as number | undefined,
    includeExistingFiles: true,
    schemaLocation: undefined,
    inferColumnTypes: false,
    schemaHints: undefined,
    schemaEvolutionMode: 'none',
    partitionColumns: undefined,
    allowOverwrites: false,
    incrementalListing: false,
    maxFileAgeMs: o['maxFileAge'] as number | undefined,
    sampleNumFiles: 1000,
    sampleNumBytes: 50 * 1024 ** 3,
    ...common(o),
  });
}
