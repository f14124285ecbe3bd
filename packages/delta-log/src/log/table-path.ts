/**
 * Resolving file paths from the log. `add.path` is a URI (RFC 2396): relative paths are relative
 * to the table root and percent-encoded (a Hive partition folder `ts=2021-01-01 00%3A00` is logged
 * as `ts=2021-01-01%2000%253A00`). Absolute URIs are allowed by the spec, but weir only reads files
 * under the table root: anything that escapes it (`..`, an absolute path elsewhere) is refused with
 * `DELTA_FILE_PATH_ESCAPES_TABLE`, so a hostile log cannot make a reader open arbitrary files.
 */
import { DeltaErrors } from '../errors.js';

/** Normalises `/`-separated segments, resolving `.` and `..`; returns null when `..` climbs above the start. */
function normalizeSegments(segments: readonly string[]): string[] | null {
  const out: string[] = [];
  for (const s of segments) {
    if (s === '' || s === '.') continue;
    if (s === '..') {
      if (out.length === 0) return null;
      out.pop();
    } else out.push(s);
  }
  return out;
}

function decode(path: string, tablePath: string, raw: string): string {
  try {
    return decodeURIComponent(path);
  } catch (cause) {
    throw DeltaErrors.DELTA_FILE_PATH_ESCAPES_TABLE({ path: tablePath, filePath: raw }, { cause });
  }
}

/**
 * The storage path of a file named in the log, relative paths resolved against `tablePath`.
 * @throws DELTA_FILE_PATH_ESCAPES_TABLE when the decoded path leaves the table root.
 */
export function resolveDataFilePath(tablePath: string, logPath: string): string {
  const root = tablePath.replace(/\/+$/, '');
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):(.*)$/.exec(logPath);
  let absolute: string | null = null;
  if (scheme !== null) {
    // Only `file:` URIs can name a local file; any other scheme is somewhere weir cannot reach.
    if ((scheme[1] as string).toLowerCase() !== 'file') {
      throw DeltaErrors.DELTA_FILE_PATH_ESCAPES_TABLE({ path: tablePath, filePath: logPath });
    }
    absolute = decode((scheme[2] as string).replace(/^\/\/[^/]*/, ''), tablePath, logPath);
  } else if (logPath.startsWith('/')) {
    absolute = decode(logPath, tablePath, logPath);
  }
  if (absolute !== null) {
    const abs = normalizeSegments(absolute.split('/'));
    const rootSegs = normalizeSegments(root.split('/'));
    if (abs === null || rootSegs === null || !root.startsWith('/') || abs.length <= rootSegs.length || rootSegs.some((s, i) => abs[i] !== s)) {
      throw DeltaErrors.DELTA_FILE_PATH_ESCAPES_TABLE({ path: tablePath, filePath: logPath });
    }
    return '/' + abs.join('/');
  }
  const rel = normalizeSegments(decode(logPath, tablePath, logPath).split('/'));
  if (rel === null || rel.length === 0 || rel[0] === '_delta_log') {
    throw DeltaErrors.DELTA_FILE_PATH_ESCAPES_TABLE({ path: tablePath, filePath: logPath });
  }
  return root + '/' + rel.join('/');
}

/**
 * Encodes a table-relative file path for `add.path`, as Spark does (`new URI(null, null, path, null)`):
 * `%` and characters outside the URI grammar are percent-encoded, `/` separators kept.
 */
export function encodeDataFilePath(relativePath: string): string {
  return encodeURI(relativePath);
}
