import type { SerializedWeirError, Task } from '@weir/core';

/** What the main thread posts to a worker: plain data only. @internal */
export interface WorkerRequest {
  readonly task: Task;
  readonly attempt: number;
}

/**
 * What a worker answers. Failures travel as data (never as a thrown error) because structured
 * cloning drops the WeirError class, its code and details; a rejected run therefore always means
 * the worker itself was lost. @internal
 */
export type WorkerResponse =
  | { readonly ok: true; readonly output: unknown; readonly threadId: number }
  | { readonly ok: false; readonly error: SerializedWeirError; readonly retryable: boolean; readonly threadId: number };

/** Buffers smaller than this are cheaper to copy than to transfer. */
const MIN_TRANSFER_BYTES = 4096;

/**
 * Finds the buffers in a task result that can be moved rather than copied to the main thread:
 * typed arrays (at most 3 levels deep in arrays/plain objects) that own their whole
 * `ArrayBuffer`. A view into a shared arena (Node's Buffer pool, msgpackr's reused buffer) is
 * never transferred: detaching it would break every other user of that arena. @internal
 */
export function collectTransferables(value: unknown): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  const visit = (v: unknown, depth: number): void => {
    if (v === null || typeof v !== 'object') return;
    if (ArrayBuffer.isView(v)) {
      const buf = v.buffer;
      if (buf instanceof ArrayBuffer && v.byteOffset === 0 && v.byteLength === buf.byteLength && buf.byteLength >= MIN_TRANSFER_BYTES) {
        out.add(buf);
      }
      return;
    }
    if (depth >= 3) return;
    if (Array.isArray(v)) {
      for (const x of v) visit(x, depth + 1);
    } else if (Object.getPrototypeOf(v) === Object.prototype) {
      for (const x of Object.values(v)) visit(x, depth + 1);
    }
  };
  visit(value, 0);
  return [...out];
}
