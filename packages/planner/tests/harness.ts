import { Packr } from 'msgpackr';

// The engine Codec's msgpackr configuration (@weir/node MsgpackCodec): typed arrays and Maps survive.
const packr = new Packr({ moreTypes: true, useRecords: true, int64AsType: 'number' });
const pack = (v: unknown): Uint8Array => Uint8Array.prototype.slice.call(packr.pack(v)); // own copy: pack reuses its arena
const unpack = (b: Uint8Array): unknown => packr.unpack(b);
import type { OutputMode, Row, StateStoreView, StructType } from '@weir/core';
import { planQuery, runMapStage, runStatefulPartition, type DataFrame, type QueryPlan } from '@weir/planner';

/** An in-memory StateStoreView with versioned snapshots, entries in key (byte) order. */
export class MemoryStateStore implements StateStoreView {
  readonly #map = new Map<string, unknown>();
  get(key: string): unknown {
    return this.#map.get(key);
  }
  put(key: string, value: unknown): void {
    // Values are stored msgpackr-encoded, as the real state store does (the Codec).
    this.#map.set(key, unpack(pack(value)));
  }
  remove(key: string): void {
    this.#map.delete(key);
  }
  entries(): Iterable<readonly [string, unknown]> {
    return [...this.#map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }
  get size(): number {
    return this.#map.size;
  }
}

export interface BatchResult {
  readonly rows: Row[];
  readonly watermarkMs: number;
  readonly numRowsDroppedByWatermark: number;
  readonly lateRows: Row[];
}

export interface StreamOptions {
  readonly outputMode: OutputMode;
  readonly shufflePartitions?: number;
  /** Split each batch's rows round-robin into this many map tasks. Defaults to 1. */
  readonly tasks?: number;
  readonly batchTimestampMs?: (batchId: number) => number;
}

/**
 * Spark's micro-batch loop in miniature (what @weir/streaming does with tasks): each batch runs
 * the map stage per task with the watermark computed at the end of the previous batch, the
 * stateful stage per partition, then advances the watermark to max(event time) - delay.
 */
export function runStream(df: DataFrame, schemas: readonly StructType[], batches: readonly (readonly Row[])[], opts: StreamOptions): { plan: QueryPlan; results: BatchResult[] } {
  const plan = planQuery(df.plan, { sourceSchemas: schemas, outputMode: opts.outputMode, shufflePartitions: opts.shufflePartitions ?? 4 });
  const stores = Array.from({ length: plan.shufflePartitions }, () => new MemoryStateStore());
  let watermarkMs = 0;
  let maxEventUs = -Infinity;
  const results: BatchResult[] = [];
  batches.forEach((batch, batchId) => {
    const batchTimestampMs = opts.batchTimestampMs?.(batchId) ?? 1_000 * batchId;
    const tasks = opts.tasks ?? 1;
    const split: Row[][] = Array.from({ length: tasks }, () => []);
    batch.forEach((r, i) => (split[i % tasks] as Row[]).push(r));
    const out: Row[] = [];
    const late: Row[] = [];
    let dropped = 0;
    const partials: [string, unknown][][] = Array.from({ length: plan.shufflePartitions }, () => []);
    for (const rows of split) {
      const m = runMapStage(plan, 0, rows, { batchTimestampMs, watermarkMs, collectLateRows: true });
      if (m.eventTime) maxEventUs = Math.max(maxEventUs, m.eventTime.max);
      dropped += m.numRowsDroppedByWatermark;
      late.push(...(m.lateRows ?? []));
      if (m.rows) out.push(...m.rows);
      // Shuffle blocks travel msgpackr-encoded between tasks, as in @weir/streaming.
      m.partials?.forEach((p, i) => (partials[i] as [string, unknown][]).push(...(unpack(pack(p)) as [string, unknown][])));
    }
    if (plan.stateful) {
      partials.forEach((p, i) => {
        const r = runStatefulPartition(plan, p, stores[i] as MemoryStateStore, { batchTimestampMs, watermarkMs, outputMode: opts.outputMode });
        out.push(...r.rows);
      });
    }
    results.push({ rows: out, watermarkMs, numRowsDroppedByWatermark: dropped, lateRows: late });
    if (plan.watermark && maxEventUs > -Infinity) {
      watermarkMs = Math.max(watermarkMs, Math.floor(maxEventUs / 1000) - plan.watermark.delayMs);
    }
  });
  return { plan, results };
}

/** Sorts rows by their JSON for order-insensitive comparison. */
export function sortRows(rows: readonly Row[]): Row[] {
  return [...rows].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
}

/** µs of a UTC wall-clock time on 2026-01-01 (`hm('12:07')`). */
export function hm(time: string): number {
  return Date.parse(`2026-01-01T${time}:00Z`) * 1000;
}
