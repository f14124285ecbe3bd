/**
 * The Delta Lake sink and source plugins (and the parquet file sink), built on the Delta log.
 * The session's default registry includes every plugin listed here.
 */
import type { SinkPlugin, SourcePlugin } from '@weir/core';
import { deltaSinkPlugin } from './delta-sink.js';
import { deltaSourcePlugin } from './delta-source.js';
import { parquetSinkPlugin } from './parquet-sink.js';

/** Delta-backed source plugins (`delta`). */
export const deltaSourcePlugins: readonly SourcePlugin[] = Object.freeze([deltaSourcePlugin]);
/** Delta-backed and file sink plugins (`delta`, `parquet`). */
export const deltaSinkPlugins: readonly SinkPlugin[] = Object.freeze([deltaSinkPlugin, parquetSinkPlugin]);

export { deltaSinkPlugin, DeltaSink, DELTA_SINK_OPTIONS, commitDeltaBatch, writeDeltaBatch } from './delta-sink.js';
export type { DeltaSinkOptions, DeltaBatchCommitResult, WriteDeltaBatchOptions } from './delta-sink.js';
export { deltaSourcePlugin, DeltaSource, DELTA_SOURCE_OPTIONS } from './delta-source.js';
export type { DeltaSourceOffset } from './delta-source.js';
export { parquetSinkPlugin, ParquetFileSink, PARQUET_SINK_OPTIONS, readFileSinkOutput } from './parquet-sink.js';
export { FileStreamSinkLog, FILE_SINK_LOG_DIR } from './file-sink-log.js';
export type { SinkFileStatus } from './file-sink-log.js';
export { readDeltaTable, loadTableState } from './delta-table-access.js';
export type { ReadDeltaTableOptions, DeltaTableState, DeltaAddAction } from './delta-table-access.js';
export { DeltaStreamingErrors } from './delta-errors.js';
