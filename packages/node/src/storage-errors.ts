import { CoreErrors, type WeirError } from '@weir/core';

/** The errno code of a Node system error, if it has one. */
export function errnoCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Maps a foreign fs error to core's storage codes, once, at the edge: ENOENT → `FILE_NOT_FOUND`,
 * EEXIST → `FILE_ALREADY_EXISTS`, anything else → `STORAGE_IO_ERROR` with `details.errno`.
 */
export function mapFsError(err: unknown, operation: string, path: string): WeirError {
  const errno = errnoCode(err);
  if (errno === 'ENOENT') return CoreErrors.FILE_NOT_FOUND({ path }, { cause: err });
  if (errno === 'EEXIST') return CoreErrors.FILE_ALREADY_EXISTS({ path }, { cause: err });
  return ioError(err, operation, path);
}

/** `STORAGE_IO_ERROR` with the errno in `details.errno`, whatever the errno is. */
export function ioError(err: unknown, operation: string, path: string): WeirError {
  const errno = errnoCode(err);
  const reason = err instanceof Error ? err.message : String(err);
  return CoreErrors.STORAGE_IO_ERROR({ operation, path, reason, errno: errno ?? 'unknown' }, { cause: err });
}
