import { comparatorFor, keyNeedsFixup } from './key-order.js';

/** Keys per chunk a {@link SortedKeyChunks} aims for (chunks hold 1 … 2× this many). */
export const DEFAULT_CHUNK_KEYS = 1024;

/**
 * The keys of one committed state version in key order ({@link compareKeys}), as a list of
 * sorted chunks of at most ~2 × `chunkKeys` keys.
 *
 * Why chunks and not one sorted array: a commit changes a few keys among many, and the common
 * stateful workloads change them at the ends (a watermark evicts the oldest windows, new windows
 * sort last). Rebuilding one array costs O(store) per commit; here a commit rebuilds only the
 * chunks its keys fall into, drops a chunk whose keys are all removed without looking at them
 * one by one, and appends new trailing keys as new chunks, so it costs O(changes + chunks).
 *
 * Chunks are never mutated once built (a commit builds new ones), so {@link clone} shares them
 * and an iteration in progress keeps reading the chunks it started with.
 */
export class SortedKeyChunks {
  readonly #chunkKeys: number;
  #chunks: string[][];
  #size: number;
  #fixup: boolean;

  private constructor(chunks: string[][], size: number, fixup: boolean, chunkKeys: number) {
    this.#chunks = chunks;
    this.#size = size;
    this.#fixup = fixup;
    this.#chunkKeys = chunkKeys;
  }

  /** An empty set. */
  static empty(chunkKeys: number = DEFAULT_CHUNK_KEYS): SortedKeyChunks {
    return new SortedKeyChunks([], 0, false, chunkKeys);
  }

  /**
   * The set of `keys`, which MUST be distinct and sorted in key order; `fixup` MUST be true when
   * some key holds a code unit ≥ U+D800 (see `needsFixup`). The array is not retained.
   */
  static fromSorted(keys: readonly string[], fixup: boolean, chunkKeys: number = DEFAULT_CHUNK_KEYS): SortedKeyChunks {
    const chunks: string[][] = [];
    for (let s = 0; s < keys.length; s += chunkKeys) chunks.push(keys.slice(s, s + chunkKeys));
    return new SortedKeyChunks(chunks, keys.length, fixup, chunkKeys);
  }

  get size(): number {
    return this.#size;
  }

  /** True when some key needs the code-point fix-up, so comparisons must use `compareKeys`. */
  get fixup(): boolean {
    return this.#fixup;
  }

  /**
   * The chunks, in order: each a non-empty sorted array the caller MUST NOT mutate. The list
   * returned is not changed by a later {@link apply} (which builds a new list).
   */
  get chunks(): ReadonlyArray<readonly string[]> {
    return this.#chunks;
  }

  /** True when `key` is in the set: a binary search over the chunks, then within one. */
  has(key: string): boolean {
    const chunks = this.#chunks;
    const cmp = comparatorFor(this.#fixup || keyNeedsFixup(key));
    let lo = 0;
    let hi = chunks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = chunks[mid] as string[];
      if (cmp(c[c.length - 1] as string, key) < 0) lo = mid + 1;
      else hi = mid;
    }
    const chunk = chunks[lo];
    if (chunk === undefined) return false;
    let a = 0;
    let b = chunk.length;
    while (a < b) {
      const mid = (a + b) >>> 1;
      const c = cmp(chunk[mid] as string, key);
      if (c === 0) return true;
      if (c < 0) a = mid + 1;
      else b = mid;
    }
    return false;
  }

  /** A copy sharing the (immutable) chunks: O(chunks). */
  clone(): SortedKeyChunks {
    return new SortedKeyChunks(this.#chunks.slice(), this.#size, this.#fixup, this.#chunkKeys);
  }

  *[Symbol.iterator](): IterableIterator<string> {
    for (const chunk of this.#chunks) yield* chunk;
  }

  /** Every key, in order, as one new array. */
  toArray(): string[] {
    const out: string[] = new Array(this.#size);
    let o = 0;
    for (const chunk of this.#chunks) for (let i = 0; i < chunk.length; i++) out[o++] = chunk[i] as string;
    return out;
  }

  /**
   * Removes `removes` and inserts `inserts`. Both MUST be sorted in key order; every key of
   * `removes` MUST be in the set and every key of `inserts` MUST NOT be (nor in `removes`).
   * `insertsFixup` MUST be true when some insert holds a code unit ≥ U+D800.
   */
  apply(removes: readonly string[], inserts: readonly string[], insertsFixup: boolean): void {
    if (removes.length === 0 && inserts.length === 0) return;
    const fixup = this.#fixup || insertsFixup;
    const cmp = comparatorFor(fixup);
    const chunks = this.#chunks;
    const out: string[][] = [];
    let size = this.#size;
    let r = 0;
    let i = 0;
    for (let c = 0; c < chunks.length; c++) {
      const chunk = chunks[c] as string[];
      const last = chunk[chunk.length - 1] as string;
      let rEnd = r;
      while (rEnd < removes.length && cmp(removes[rEnd] as string, last) <= 0) rEnd++;
      let iEnd = i;
      while (iEnd < inserts.length && cmp(inserts[iEnd] as string, last) < 0) iEnd++;
      if (rEnd === r && iEnd === i) {
        this.#emit(out, chunk, true);
        continue;
      }
      if (iEnd === i && rEnd - r === chunk.length && removes[r] === chunk[0] && removes[rEnd - 1] === last) {
        // Every key of the chunk is removed (removes are sorted, distinct and in the set): drop it whole.
        size -= chunk.length;
        r = rEnd;
        continue;
      }
      const merged: string[] = [];
      let a = 0;
      while (a < chunk.length) {
        const k = chunk[a] as string;
        if (i < iEnd && cmp(inserts[i] as string, k) < 0) {
          merged.push(inserts[i++] as string);
          continue;
        }
        a++;
        // (The skip only matters for a broken caller whose remove is not in the set: it must not
        // stop the removes after it from matching.)
        while (r < rEnd && removes[r] !== k && cmp(removes[r] as string, k) < 0) r++;
        if (r < rEnd && removes[r] === k) {
          r++;
          continue;
        }
        merged.push(k);
      }
      while (i < iEnd) merged.push(inserts[i++] as string);
      r = rEnd;
      size += merged.length - chunk.length;
      this.#emit(out, merged, false);
    }
    if (i < inserts.length) {
      const tail = i === 0 ? inserts.slice() : inserts.slice(i);
      size += tail.length;
      this.#emit(out, tail, false);
    }
    this.#chunks = out;
    this.#size = size;
    this.#fixup = fixup;
  }

  /**
   * Appends `keys` (sorted, after everything in `out`) as chunks: kept as is when `shared` (an
   * untouched chunk), otherwise merged into the previous chunk when both fit in `chunkKeys`, or
   * split into near-equal pieces when longer than 2 × `chunkKeys`: chunks never exceed that, and
   * the small chunks left by removals merge with their neighbour when next rebuilt.
   */
  #emit(out: string[][], keys: string[], shared: boolean): void {
    if (keys.length === 0) return;
    const n = this.#chunkKeys;
    const prev = out[out.length - 1];
    if (!shared && prev !== undefined && prev.length + keys.length <= n) {
      out[out.length - 1] = prev.concat(keys);
      return;
    }
    if (shared || keys.length <= 2 * n) {
      out.push(keys);
      return;
    }
    const pieces = Math.round(keys.length / n);
    const per = Math.ceil(keys.length / pieces);
    for (let s = 0; s < keys.length; s += per) out.push(keys.slice(s, s + per));
  }
}
