import type { SourceContext, SourcePlugin } from '@weir/core';
import { cloudFilesConfig, fileStreamConfig, type FileFormat } from './file-source-config.js';
import { FileStreamSource } from './file-stream-source.js';
import { CLOUD_FILES_OPTIONS, FILE_STREAM_OPTIONS } from './options.js';

/**
 * Auto Loader: `readStream.format('cloudFiles').option('cloudFiles.format', 'json')
 * .option('cloudFiles.schemaLocation', …).load(path)`.
 */
export const cloudFilesSource: SourcePlugin = Object.freeze({
  name: 'cloudFiles',
  options: CLOUD_FILES_OPTIONS,
  createSource: (options: Readonly<Record<string, string>>, ctx: SourceContext) => FileStreamSource.create(cloudFilesConfig(options), ctx),
});

function plainFormat(format: FileFormat): SourcePlugin {
  return Object.freeze({
    name: format,
    options: FILE_STREAM_OPTIONS,
    createSource: (options: Readonly<Record<string, string>>, ctx: SourceContext) => FileStreamSource.create(fileStreamConfig(format, options), ctx),
  });
}

/** Spark's JSON-lines file stream (`format('json')`): needs a user schema. */
export const jsonFileSource: SourcePlugin = plainFormat('json');
/** Spark's CSV file stream (`format('csv')`): needs a user schema. */
export const csvFileSource: SourcePlugin = plainFormat('csv');
/** Spark's Parquet file stream (`format('parquet')`): needs a user schema. */
export const parquetFileSource: SourcePlugin = plainFormat('parquet');
/** Spark's text file stream (`format('text')`): one `value` string column per line. */
export const textFileSource: SourcePlugin = plainFormat('text');
