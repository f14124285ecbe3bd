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

/**
 * Where a task result holds something structured cloning rejects (a function, symbol, promise,
 * weak collection), as `{ what, path }`; null when it can cross threads. Checked on both the
 * worker and the in-thread path so `threads: 0` fails the same way, and so a bad result is a
 * clear error instead of a worker killed by a `DataCloneError` (which piscina reports as an
 * empty object). @internal
 */
export function findUncloneable(value: unknown): { what: string; path: string } | null {
  const seen = new Set<object>();
  const visit = (v: unknown, path: string): { what: string; path: string } | null => {
    const t = typeof v;
    if (t === 'function') return { what: 'a function', path };
    if (t === 'symbol') return { what: 'a symbol', path };
    if (v === null || t !== 'object') return null;
    const o = v as object;
    if (seen.has(o) || ArrayBuffer.isView(o) || o instanceof ArrayBuffer || o instanceof Date || o instanceof RegExp) return null;
    seen.add(o);
    if (o instanceof Promise) return { what: 'a Promise', path };
    if (o instanceof WeakMap || o instanceof WeakSet) return { what: 'a weak collection', path };
    if (o instanceof Map) {
      let i = 0;
      for (const [k, x] of o) {
        const bad = visit(k, `${path}.<key ${i}>`) ?? visit(x, `${path}.get(${JSON.stringify(String(k))})`);
        if (bad !== null) return bad;
        i++;
      }
      return null;
    }
    if (o instanceof Set) {
      let i = 0;
      for (const x of o) {
        const bad = visit(x, `${path}.<item ${i++}>`);
        if (bad !== null) return bad;
      }
      return null;
    }
    if (Array.isArray(o)) {
      for (let i = 0; i < o.length; i++) {
        const bad = visit(o[i], `${path}[${i}]`);
        if (bad !== null) return bad;
      }
      return null;
    }
    for (const k of Object.keys(o)) {
      const bad = visit((o as Record<string, unknown>)[k], `${path}.${k}`);
      if (bad !== null) return bad;
    }
    return null;
  };
  return visit(value, '');
}
