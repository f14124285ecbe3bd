import type { FileFormat } from '../file-source-config.js';
import type { ParseOptions } from './parse-options.js';

/** One input file of a partition. */
export interface PartitionFile {
  readonly path: string;
  readonly size: number;
  /** Hive partition values from the directory names (raw strings). */
  readonly partitionValues: Readonly<Record<string, string | null>>;
}

/**
 * The plain data of a file-source `InputPartition` (crosses to the worker): which files, how to
 * parse them, and the schema (Spark JSON) the rows MUST conform to.
 */
export interface FilePartitionData {
  readonly v: 1;
  readonly format: FileFormat;
  readonly files: readonly PartitionFile[];
  readonly schemaJson: string;
  readonly partitionColumns: readonly string[];
  readonly parse: ParseOptions;
  /** Where this partition writes its bad records (`badRecordsPath`), deterministic per batch + partition. */
  readonly badRecordsFile: string | null;
}

/** A bad record as Databricks writes it under `badRecordsPath`. */
export interface BadRecord {
  readonly path: string;
  readonly record: string;
  readonly reason: string;
}
