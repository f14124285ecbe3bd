/**
 * Parses and formats the names of `_delta_log` files — in ONE place. Names (PROTOCOL.md):
 * - `00000000000000000010.json`                                  commit (delta) file
 * - `00000000000000000010.checkpoint.parquet`                    classic single-file checkpoint
 * - `00000000000000000010.checkpoint.0000000001.0000000003.parquet` part 1 of a 3-part checkpoint
 * - `00000000000000000010.checkpoint.<uuid>.json|parquet`         V2 (UUID-named) checkpoint
 * - `00000000000000000010.00000000000000000012.compacted.json`   log compaction (optional, ignored)
 * - `00000000000000000010.crc`                                   version checksum (optional, ignored)
 */
import { joinPath } from '@weir/core';

export const DELTA_LOG_DIR = '_delta_log';
export const LAST_CHECKPOINT_FILE = '_last_checkpoint';

export type LogFileKind = 'commit' | 'checkpoint' | 'multipart-checkpoint' | 'v2-checkpoint' | 'compacted' | 'crc';

export interface ParsedLogFile {
  readonly kind: LogFileKind;
  readonly version: number;
  /** File name only (no directory). */
  readonly name: string;
  /** Multi-part checkpoints: 1-based part number and the total number of parts. */
  readonly part?: number;
  readonly numParts?: number;
  /** V2 checkpoints: `json` or `parquet`. */
  readonly format?: 'json' | 'parquet';
}

const COMMIT = /^(\d{20})\.json$/;
const CHECKPOINT = /^(\d{20})\.checkpoint\.parquet$/;
const MULTIPART = /^(\d{20})\.checkpoint\.(\d{10})\.(\d{10})\.parquet$/;
const V2 = /^(\d{20})\.checkpoint\.([0-9a-fA-F-]{36})\.(json|parquet)$/;
const COMPACTED = /^(\d{20})\.(\d{20})\.compacted\.json$/;
const CRC = /^(\d{20})\.crc$/;

/** Parses a log file name; `undefined` for names that are not log files (temp files, `_last_checkpoint`, …). */
export function parseLogFileName(name: string): ParsedLogFile | undefined {
  let m: RegExpExecArray | null;
  if ((m = COMMIT.exec(name))) return { kind: 'commit', version: Number(m[1]), name };
  if ((m = CHECKPOINT.exec(name))) return { kind: 'checkpoint', version: Number(m[1]), name, part: 1, numParts: 1 };
  if ((m = MULTIPART.exec(name))) return { kind: 'multipart-checkpoint', version: Number(m[1]), name, part: Number(m[2]), numParts: Number(m[3]) };
  if ((m = V2.exec(name))) return { kind: 'v2-checkpoint', version: Number(m[1]), name, format: m[3] as 'json' | 'parquet' };
  if ((m = COMPACTED.exec(name))) return { kind: 'compacted', version: Number(m[1]), name };
  if ((m = CRC.exec(name))) return { kind: 'crc', version: Number(m[1]), name };
  return undefined;
}

/** `version` as the 20-digit zero-padded prefix every log file name starts with. */
export function formatVersion(version: number): string {
  return String(version).padStart(20, '0');
}

export function logDir(tablePath: string): string {
  return joinPath(tablePath, DELTA_LOG_DIR);
}

export function commitFilePath(tablePath: string, version: number): string {
  return joinPath(tablePath, DELTA_LOG_DIR, `${formatVersion(version)}.json`);
}

export function checkpointFilePath(tablePath: string, version: number): string {
  return joinPath(tablePath, DELTA_LOG_DIR, `${formatVersion(version)}.checkpoint.parquet`);
}

export function multipartCheckpointFilePath(tablePath: string, version: number, part: number, numParts: number): string {
  return joinPath(
    tablePath,
    DELTA_LOG_DIR,
    `${formatVersion(version)}.checkpoint.${String(part).padStart(10, '0')}.${String(numParts).padStart(10, '0')}.parquet`,
  );
}

export function lastCheckpointPath(tablePath: string): string {
  return joinPath(tablePath, DELTA_LOG_DIR, LAST_CHECKPOINT_FILE);
}

/** The file name at the end of a `/`-separated path. */
export function baseName(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? path : path.slice(i + 1);
}
