/**
 * @packageDocumentation
 * `@weir/core` owns the contracts every weir package builds on, and does no I/O itself:
 *
 * - **Types**: Spark SQL data types held as Spark's own schema JSON (`StructType.toJSON/fromJSON`
 *   byte-compatible with Delta's `schemaString`) and a Spark DDL parser (`StructType.fromDDL`).
 * - **Errors**: one {@link WeirError} class with stable codes, a domain and a retry tag;
 *   `defineErrors` declares each package's catalogue; errors cross threads via `toJSON/fromJSON`.
 * - **Engine**: the interfaces through which all I/O, time and parallel work flow
 *   (`Storage`, `ParquetHandler`, `Codec`, `Clock`, `TaskExecutor`). `@weir/node` implements them.
 * - **Options**: declare-once `OptionSpec`s, Spark-style case-insensitive `parseOptions`,
 *   durations and byte sizes.
 * - **Plugins**: the Source/Sink SPI, offsets and read limits, an explicit registry, and
 *   Spark's `MemoryStream` for tests.
 *
 * ```ts
 * import { StructType, parseDuration } from '@weir/core';
 * const schema = StructType.fromDDL('station_id STRING, event_time TIMESTAMP, temperature_c DOUBLE');
 * parseDuration('10 minutes'); // 600000
 * ```
 */
export { WeirError, isSerializedWeirError } from './errors/weir-error.js';
export type { ErrorDomain, ErrorDetails, ErrorSpec, SerializedWeirError } from './errors/weir-error.js';
export { defineErrors, formatMessage, messageParameters, registeredCatalogues } from './errors/define-errors.js';
export type { ErrorCatalogue, ErrorFactory, RegisteredCatalogue } from './errors/define-errors.js';
export { CoreErrors } from './errors/core-errors.js';

export {
  PRIMITIVE_TYPE_NAMES,
  MAX_DECIMAL_PRECISION,
  isPrimitiveType,
  isDecimalType,
  isOpaqueType,
  isStructType,
  isArrayType,
  isMapType,
  isIntegralType,
  isNumericType,
  decimalParams,
  dataTypeEquals,
  simpleString,
  quoteIdentifierIfNeeded,
} from './schema/data-type.js';
export type { DataType, PrimitiveTypeName, DecimalTypeName, OpaqueTypeName, StructField, ArrayType, MapType } from './schema/data-type.js';
export { StructType, field, struct, arrayOf, mapOf } from './schema/struct-type.js';
export { parseDDL, parseDDLType } from './schema/ddl-parser.js';

export { rowBatch, batchSize, concatBatches, setRowField } from './batch/row-batch.js';
export type { Row, RowBatch } from './batch/row-batch.js';
export { ColumnChunkBuilder, columnChunkFromRows, columnChunkToRows, vectorKindOf, vectorValue } from './batch/column-chunk.js';
export type { ColumnChunk, ColumnVector, ColumnVectorKind, Float64Vector, BooleanVector, ValuesVector } from './batch/column-chunk.js';

export { joinPath, listAll, utf8Encode, utf8Decode } from './engine/storage.js';
export type { Storage, FileInfo, ListOptions, PutOptions } from './engine/storage.js';
export type { ParquetHandler, ParquetWriteOptions, ParquetReadOptions, ParquetFileMetadata, ParquetFileWriter } from './engine/parquet-handler.js';
export type { Codec } from './engine/codec.js';
export type { Clock } from './engine/clock.js';
export type { Task, TaskContext, TaskHandler, TaskExecutor, RunTaskOptions } from './engine/task-executor.js';
export type { Engine } from './engine/engine.js';
export type { StateStoreView } from './state/state-store-view.js';

export { createGeneratedCodeCache } from './codegen/generated-code-cache.js';
export type { GeneratedCodeCache } from './codegen/generated-code-cache.js';
export { parseDuration, formatDuration } from './options/duration.js';
export { parseByteSize } from './options/byte-size.js';
export { defineOptions, parseOptions } from './options/option-spec.js';
export type { OptionSpec, OptionKind, OptionValueTypes, ParsedOptions } from './options/option-spec.js';

export { READ_ALL_AVAILABLE, isReadAllAvailable, offsetEquals, canonicalJSON } from './plugin/offset.js';
export type { Offset, ReadLimit } from './plugin/offset.js';
export type { Source, SourcePlugin, SourceContext, InputPartition, PartitionReader, PartitionChunkReader, PartitionColumnReader, ColumnReadOptions } from './plugin/source.js';
export type { Sink, SinkPlugin, SinkContext, BatchInfo, OutputMode, WriterFactory, WriterTaskInput, DataWriter, DataWriterInput } from './plugin/sink.js';
export { createRegistry } from './plugin/registry.js';
export type { PluginRegistry } from './plugin/registry.js';
export { MemoryStream, memorySourcePlugin, readMemoryPartition } from './plugin/memory-source.js';
export type { MemoryStreamOffset } from './plugin/memory-source.js';

import { readMemoryPartition } from './plugin/memory-source.js';
/** Worker-side readers for this package's input partitions (see `InputPartition`). */
export const partitionReaders = Object.freeze({ memory: readMemoryPartition });
