/**
 * A source offset: versioned JSON data (`{"v":1,…}`). Offsets MUST be deterministic — the rows
 * of a batch are a function of its `(start, end)` offsets alone — so a batch replayed after a
 * crash yields the same rows.
 */
export interface Offset {
  readonly v: number;
  readonly [key: string]: unknown;
}

/**
 * How much a source may admit into one batch (Spark's `ReadLimit`). An empty object means all
 * available data (`ReadAllAvailable`); several fields mean whichever is hit first
 * (`CompositeReadLimit`). `maxBytes` is a soft maximum: a batch always admits at least one unit.
 */
export interface ReadLimit {
  readonly maxFiles?: number;
  readonly maxBytes?: number;
  readonly maxRows?: number;
}

export const READ_ALL_AVAILABLE: ReadLimit = Object.freeze({});

export function isReadAllAvailable(limit: ReadLimit): boolean {
  return limit.maxFiles === undefined && limit.maxBytes === undefined && limit.maxRows === undefined;
}

/** Compares offsets by content (key order insensitive). */
export function offsetEquals(a: Offset | null, b: Offset | null): boolean {
  if (a === null || b === null) return a === b;
  return canonicalJSON(a) === canonicalJSON(b);
}

/** JSON with object keys sorted, so equal data always gives equal text. */
export function canonicalJSON(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
