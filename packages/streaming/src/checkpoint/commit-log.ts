import type { Storage } from '@weir/core';
import { StreamingErrors } from '../errors.js';
import { MetadataLog, parseLogJSON } from './metadata-log.js';

/** Spark's `CommitMetadata`: the watermark the next batch will use. */
export interface CommitMetadata {
  readonly nextBatchWatermarkMs: number;
}

/**
 * `commits/<batchId>` is written AFTER the sink committed batch `batchId`: its presence means the
 * batch is done and MUST NOT run again. Format (Spark's `CommitLog`):
 *
 * ```text
 * v1
 * {"nextBatchWatermarkMs":1700000000000}
 * ```
 */
export class CommitLog extends MetadataLog<CommitMetadata> {
  static readonly VERSION = 1;
  protected readonly version = CommitLog.VERSION;

  constructor(storage: Storage, path: string) {
    super(storage, path);
  }

  protected serialize(meta: CommitMetadata): string {
    return JSON.stringify({ nextBatchWatermarkMs: meta.nextBatchWatermarkMs });
  }

  protected deserialize(body: string, path: string): CommitMetadata {
    const line = body.split('\n')[0] ?? '';
    const meta = parseLogJSON(line, path, 'commit metadata') as Record<string, unknown> | null;
    if (typeof meta !== 'object' || meta === null) throw StreamingErrors.MALFORMED_LOG_FILE({ path, reason: 'commit metadata is not an object' });
    const wm = meta['nextBatchWatermarkMs'] ?? 0;
    if (typeof wm !== 'number') throw StreamingErrors.MALFORMED_LOG_FILE({ path, reason: 'nextBatchWatermarkMs is not a number' });
    return { nextBatchWatermarkMs: wm };
  }
}
