/**
 * Seeded randomness, with no global state: the simulator MUST NOT call `Math.random()` (the
 * same seed and options must give byte-identical output), so every random choice comes from
 * one of these two tools.
 *
 * - {@link hash32} / {@link unitHash}: a stateless integer hash (murmur3's finaliser over a
 *   combined key). Readings use it keyed by `(seed, row index)`, which gives random access: row
 *   `i` is the same whether it is generated first, last or in another worker.
 * - {@link SeededRandom}: a tiny sequential generator (mulberry32) for per-file decisions
 *   (which rows are late, duplicated, malformed …), seeded from `hash32(seed, fileIndex)`.
 */

/** Mixes two 32-bit integers into one well-distributed 32-bit unsigned integer. */
export function hash32(a: number, b: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ b;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h ^ Math.imul(b, 0x27d4eb2f), 0x165667b1);
  h ^= h >>> 15;
  return h >>> 0;
}

/** Folds any safe integer (a seed, a row index beyond 2^32) into 32 bits, keeping the high part. */
export function fold53(n: number): number {
  const lo = n >>> 0;
  const hi = Math.floor(n / 4294967296) >>> 0;
  return hi === 0 ? lo : hash32(lo, hi);
}

/** A uniform number in [0, 1) from a 32-bit hash. */
export function unitHash(a: number, b: number): number {
  return hash32(a, b) / 4294967296;
}

/** mulberry32: a fast 32-bit sequential generator; quality is ample for simulation choices. */
export class SeededRandom {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** The next 32-bit unsigned integer. */
  nextUint32(): number {
    let t = (this.#state = (this.#state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** A uniform number in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** A uniform integer in [0, n). */
  nextInt(n: number): number {
    return Math.floor(this.next() * n);
  }
}
