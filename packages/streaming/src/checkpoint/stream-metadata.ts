import { CoreErrors, WeirError, joinPath, listAll, utf8Decode, utf8Encode, type Storage } from '@weir/core';
import { StreamingErrors } from '../errors.js';
import { parseLogJSON } from './metadata-log.js';

/**
 * Spark's `StreamMetadata`: the checkpoint's `metadata` file, `{"id":"<query uuid>"}`, written
 * once when a query first starts on a checkpoint. The id is the query's identity across
 * restarts (and the Delta sink's `txn.appId`).
 */
export interface StreamMetadata {
  readonly id: string;
}

/**
 * Reads `<checkpoint>/metadata`, or creates it with `newId()` when the checkpoint is new.
 *
 * A checkpoint that has offset or commit log entries but no `metadata` is refused with
 * `STREAMING_CHECKPOINT_MISSING_METADATA_FILE`: resuming it with a fresh id would break the
 * sink's idempotency (a new `txn.appId`) and replay or skip data.
 */
export async function readOrCreateStreamMetadata(storage: Storage, checkpoint: string, newId: () => string): Promise<StreamMetadata> {
  const path = joinPath(checkpoint, 'metadata');
  const existing = await readStreamMetadata(storage, checkpoint);
  if (existing) return existing;
  for (const log of ['offsets', 'commits']) {
    const files = await listAll(storage, joinPath(checkpoint, log));
    if (files.some((f) => /\/(0|[1-9][0-9]*)$/.test(f.path))) {
      throw StreamingErrors.STREAMING_CHECKPOINT_MISSING_METADATA_FILE({ checkpoint });
    }
  }
  const meta: StreamMetadata = { id: newId() };
  try {
    await storage.put(path, utf8Encode(JSON.stringify(meta)), { ifAbsent: true });
  } catch (cause) {
    // Another starter won the race: its id is the query's id.
    if (WeirError.is(cause) && cause.code === CoreErrors.FILE_ALREADY_EXISTS.code) {
      const won = await readStreamMetadata(storage, checkpoint);
      if (won) return won;
    }
    throw cause;
  }
  return meta;
}

/** Reads `<checkpoint>/metadata`, or `null` when it does not exist. */
export async function readStreamMetadata(storage: Storage, checkpoint: string): Promise<StreamMetadata | null> {
  const path = joinPath(checkpoint, 'metadata');
  let bytes: Uint8Array;
  try {
    bytes = await storage.read(path);
  } catch (cause) {
    if (WeirError.is(cause) && cause.code === CoreErrors.FILE_NOT_FOUND.code) return null;
    throw cause;
  }
  const parsed = parseLogJSON(utf8Decode(bytes).split('\n')[0] ?? '', path, 'metadata') as Record<string, unknown> | null;
  if (typeof parsed !== 'object' || parsed === null || typeof parsed['id'] !== 'string') {
    throw StreamingErrors.MALFORMED_LOG_FILE({ path, reason: 'metadata has no string id' });
  }
  return { id: parsed['id'] };
}
