import type { AggregateFunctionName } from './expression.js';
import { compareValues, murmur3 } from './builtins.js';

/**
 * Aggregate state ("partial") handling, shared by the map stage (combine before the shuffle),
 * the stateful stage (merge into the state store) and the reference interpreter. States are
 * plain data the Codec can encode (numbers, null, arrays of numbers/values).
 *
 * | fn | state |
 * |---|---|
 * | count | number |
 * | sum | number \| null |
 * | avg | [sum, count] |
 * | min/max | value \| null |
 * | first/last | [seen 0/1, value] |
 * | approx_count_distinct | null \| number[512] (HyperLogLog registers, p = 9) |
 * | stddev | [n, mean, m2] (Welford; Chan's parallel merge) |
 */
export interface AggSpec {
  readonly fn: AggregateFunctionName;
  /** `count(*)`: counts rows, not non-null values. */
  readonly star: boolean;
}

const HLL_P = 9;
const HLL_M = 1 << HLL_P;

export function initState(a: AggSpec): unknown {
  switch (a.fn) {
    case 'count':
      return 0;
    case 'avg':
      return [0, 0];
    case 'first':
    case 'last':
      return [0, null];
    case 'stddev':
      return [0, 0, 0];
    default:
      return null;
  }
}

function hllHash(v: unknown): number {
  const s = typeof v === 'string' ? 's' + v : typeof v === 'number' ? 'n' + String(v) : typeof v === 'boolean' ? (v ? 'bt' : 'bf') : 'j' + JSON.stringify(v);
  return murmur3(s, 0x5f3759df);
}

/** Folds one input value into a state; may mutate array states (map-stage states are private). */
export function updateState(a: AggSpec, s: unknown, v: unknown): unknown {
  if (a.fn === 'count') return a.star || v !== null ? (s as number) + 1 : s;
  if (a.fn === 'first') {
    const st = s as [number, unknown];
    if (st[0] === 0) {
      st[0] = 1;
      st[1] = v;
    }
    return st;
  }
  if (a.fn === 'last') {
    const st = s as [number, unknown];
    st[0] = 1;
    st[1] = v;
    return st;
  }
  if (v === null) return s;
  switch (a.fn) {
    case 'sum':
      return s === null ? (v as number) : (s as number) + (v as number);
    case 'avg': {
      const st = s as [number, number];
      st[0] += v as number;
      st[1] += 1;
      return st;
    }
    case 'min':
      return s === null || compareValues(v, s) < 0 ? v : s;
    case 'max':
      return s === null || compareValues(v, s) > 0 ? v : s;
    case 'approx_count_distinct': {
      const regs = s === null ? new Array<number>(HLL_M).fill(0) : (s as number[]);
      const h = hllHash(v);
      const idx = h >>> (32 - HLL_P);
      const w = (h << HLL_P) >>> 0;
      const rank = w === 0 ? 32 - HLL_P + 1 : Math.clz32(w) + 1;
      if (rank > (regs[idx] as number)) regs[idx] = rank;
      return regs;
    }
    case 'stddev': {
      const st = s as [number, number, number];
      const x = v as number;
      st[0] += 1;
      const d = x - st[1];
      st[1] += d / st[0];
      st[2] += d * (x - st[1]);
      return st;
    }
  }
}

/** Merges two states into a NEW state (neither input is mutated: `a` may be a state-store value). `b` is the later one. */
export function mergeStates(a: AggSpec, x: unknown, y: unknown): unknown {
  switch (a.fn) {
    case 'count':
      return (x as number) + (y as number);
    case 'sum':
      return x === null ? y : y === null ? x : (x as number) + (y as number);
    case 'avg': {
      const [s1, c1] = x as [number, number];
      const [s2, c2] = y as [number, number];
      return [s1 + s2, c1 + c2];
    }
    case 'min':
      return x === null ? y : y === null ? x : compareValues(y, x) < 0 ? y : x;
    case 'max':
      return x === null ? y : y === null ? x : compareValues(y, x) > 0 ? y : x;
    case 'first':
      return (x as [number, unknown])[0] === 1 ? [...(x as unknown[])] : [...(y as unknown[])];
    case 'last':
      return (y as [number, unknown])[0] === 1 ? [...(y as unknown[])] : [...(x as unknown[])];
    case 'approx_count_distinct': {
      if (x === null) return y === null ? null : [...(y as number[])];
      if (y === null) return [...(x as number[])];
      const rx = x as number[];
      const ry = y as number[];
      return rx.map((v, i) => Math.max(v, ry[i] as number));
    }
    case 'stddev': {
      const [n1, m1, q1] = x as [number, number, number];
      const [n2, m2, q2] = y as [number, number, number];
      if (n1 === 0) return [n2, m2, q2];
      if (n2 === 0) return [n1, m1, q1];
      const n = n1 + n2;
      const d = m2 - m1;
      return [n, m1 + (d * n2) / n, q1 + q2 + (d * d * n1 * n2) / n];
    }
  }
}

/** The final value of a state. */
export function stateResult(a: AggSpec, s: unknown): unknown {
  switch (a.fn) {
    case 'count':
    case 'sum':
    case 'min':
    case 'max':
      return s;
    case 'avg': {
      const [sum, n] = s as [number, number];
      return n === 0 ? null : sum / n;
    }
    case 'first':
    case 'last':
      return (s as [number, unknown])[1];
    case 'stddev': {
      const [n, , m2] = s as [number, number, number];
      return n < 2 ? null : Math.sqrt(m2 / (n - 1));
    }
    case 'approx_count_distinct': {
      if (s === null) return 0;
      const regs = s as number[];
      let sum = 0;
      let zeros = 0;
      for (const r of regs) {
        sum += 2 ** -r;
        if (r === 0) zeros++;
      }
      const m = HLL_M;
      const alpha = 0.7213 / (1 + 1.079 / m);
      let e = (alpha * m * m) / sum;
      if (e <= 2.5 * m && zeros > 0) e = m * Math.log(m / zeros);
      else if (e > 2 ** 32 / 30) e = -(2 ** 32) * Math.log(1 - e / 2 ** 32);
      return Math.round(e);
    }
  }
}

export function initStates(aggs: readonly AggSpec[]): unknown[] {
  return aggs.map(initState);
}

export function mergeAll(aggs: readonly AggSpec[], x: readonly unknown[], y: readonly unknown[]): unknown[] {
  return aggs.map((a, i) => mergeStates(a, x[i], y[i]));
}
