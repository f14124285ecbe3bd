// Synthetic CPU-bound task handlers for the executor benchmark.
export function burn(seed: number, iterations: number): number {
  let x = seed | 0 || 1;
  let acc = 0;
  for (let i = 0; i < iterations; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    acc = (acc + (x & 0xffff)) % 1_000_000_007;
  }
  return acc;
}

export const taskHandlers = {
  async burn(input: { seed: number; iterations: number }) {
    return burn(input.seed, input.iterations);
  },
};
