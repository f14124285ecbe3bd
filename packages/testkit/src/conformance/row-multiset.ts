import { canonicalJSON, type Row } from '@weir/core';

/** A row's canonical text (key order insensitive; Maps, Uint8Arrays and bigints made printable). */
export function rowKey(row: Row): string {
  return canonicalJSON(
    JSON.parse(
      JSON.stringify(row, (_k, v: unknown) => {
        if (v instanceof Map) return { $map: [...v.entries()] };
        if (v instanceof Uint8Array) return { $bytes: [...v] };
        if (typeof v === 'bigint') return { $bigint: v.toString() };
        if (typeof v === 'number' && !Number.isFinite(v)) return { $number: String(v) };
        return v;
      }),
    ),
  );
}

/** Rows as a sorted list of canonical texts: equal lists ⇔ equal multisets of rows. */
export function rowMultiset(rows: readonly Row[]): string[] {
  return rows.map(rowKey).sort();
}
