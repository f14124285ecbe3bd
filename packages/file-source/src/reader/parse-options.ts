/** How records are parsed inside a worker: plain data, part of every input partition. */
export interface ParseOptions {
  readonly mode: 'PERMISSIVE' | 'DROPMALFORMED' | 'FAILFAST';
  readonly columnNameOfCorruptRecord: string;
  /** Directory for bad records (Databricks' `badRecordsPath`), or null. */
  readonly badRecordsPath: string | null;
  readonly multiLine: boolean;
  readonly header: boolean;
  readonly sep: string;
  readonly quote: string;
  readonly escape: string;
  readonly nullValue: string;
  /** The rescued data column, or null when rescuing is off. */
  readonly rescuedDataColumn: string | null;
}
