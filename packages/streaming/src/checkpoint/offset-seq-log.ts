import { canonicalJSON, type Offset, type Storage } from '@weir/core';
import { StreamingErrors } from '../errors.js';
import { MetadataLog, parseLogJSON } from './metadata-log.js';

/**
 * Spark's `OffsetSeqMetadata`: what a batch froze when it was planned, so a re-run after a
 * crash computes the same answer. `conf` holds the confs that MUST NOT change across restarts
 * (`weir.sql.shuffle.partitions`, the multiple-watermark policy…).
 */
export interface OffsetSeqMetadata {
  readonly batchWatermarkMs: number;
  readonly batchTimestampMs: number;
  readonly conf: Readonly<Record<string, string>>;
}

/** Spark's `OffsetSeq`: one end offset per source (in source order; `null` = no data yet) + metadata. */
export interface OffsetSeq {
  readonly offsets: readonly (Offset | null)[];
  readonly metadata: OffsetSeqMetadata;
}

/**
 * The write-ahead log of a query: `offsets/<batchId>` is written BEFORE batch `batchId` runs.
 * Format (Spark's `OffsetSeqLog`): the version line, the metadata JSON, then one line per source
 * with its end offset JSON, or `-` when the source has no offset yet.
 *
 * ```text
 * v1
 * {"batchWatermarkMs":0,"batchTimestampMs":1700000000000,"conf":{"weir.sql.shuffle.partitions":"8"}}
 * {"index":3,"v":1}
 * -
 * ```
 */
export class OffsetSeqLog extends MetadataLog<OffsetSeq> {
  static readonly VERSION = 1;
  protected readonly version = OffsetSeqLog.VERSION;

  constructor(storage: Storage, path: string) {
    super(storage, path);
  }

  protected serialize(seq: OffsetSeq): string {
    const meta = canonicalJSON({
      batchWatermarkMs: seq.metadata.batchWatermarkMs,
      batchTimestampMs: seq.metadata.batchTimestampMs,
      conf: seq.metadata.conf,
    });
    return [meta, ...seq.offsets.map((o) => (o === null ? '-' : canonicalJSON(o)))].join('\n');
  }

  protected deserialize(body: string, path: string): OffsetSeq {
    const lines = body.split('\n');
    const metaLine = lines.shift();
    if (metaLine === undefined || metaLine === '') throw StreamingErrors.MALFORMED_LOG_FILE({ path, reason: 'missing metadata line' });
    const meta = parseLogJSON(metaLine, path, 'metadata') as Record<string, unknown>;
    if (
      typeof meta !== 'object' ||
      meta === null ||
      typeof meta['batchWatermarkMs'] !== 'number' ||
      typeof meta['batchTimestampMs'] !== 'number'
    ) {
      throw StreamingErrors.MALFORMED_LOG_FILE({ path, reason: 'metadata lacks batchWatermarkMs/batchTimestampMs' });
    }
    const conf = (meta['conf'] ?? {}) as Record<string, string>;
    const offsets = lines.map((line, i) => {
      if (line === '-') return null;
      const o = parseLogJSON(line, path, `offset of source ${i}`);
      if (typeof o !== 'object' || o === null || Array.isArray(o)) {
        throw StreamingErrors.MALFORMED_LOG_FILE({ path, reason: `offset of source ${i} is not an object` });
      }
      return o as Offset;
    });
    return {
      offsets,
      metadata: { batchWatermarkMs: meta['batchWatermarkMs'], batchTimestampMs: meta['batchTimestampMs'], conf: { ...conf } },
    };
  }
}
