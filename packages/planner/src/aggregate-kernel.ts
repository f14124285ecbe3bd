import { createGeneratedCodeCache, type Row } from '@weir/core';
import { compareValues, murmur3 } from './builtins.js';
import { mergeStates, stateResult, updateState, type AggSpec } from './aggregates.js';
import { decodeKey, decodeSingle, decodeSingleIn, isFallbackKey, keyJSON, nestedNumberJSON, prefixLength, prefixTime, timePrefix } from './key-encoding.js';
import type { AggregateOperator } from './plan-query.js';
import { PlannerErrors } from './errors.js';
import type { BlockCollector, BlockKernel } from './window-blocks.js';

/**
 * The compiled core of a (non-session) streaming aggregation, generated per operator and cached
 * by its shape: the map-side fold, the state merge and the intermediate-row builder are each ONE
 * generated function, so the per-row and per-group work is straight-line code over a flat state
 * array, with no per-row arrays, no dispatch on the aggregate function and no
 * `Object.defineProperty` per output field.
 *
 * State layout: the states of all aggregates concatenated into one flat array (the slots of each
 * function as in `aggregates.ts`: count 1, sum 1, avg 2 = sum, count, min/max 1, first/last 2 =
 * seen, value, approx_count_distinct 1 = registers, stddev 3 = n, mean, m2). Keys: see
 * `key-encoding.ts` (ordered by event time first when the operator has an event-time key).
 * Session windows keep the generic path in `runtime.ts`.
 */

/** What the generated map-side `add` reads and writes (`this` inside it). */
export interface AggregateSinkState {
  /** Nested Maps, one level per key (see `collect`). */
  readonly partials: Map<unknown, unknown>;
  /**
   * Ordered kernels with one key besides the event time: the task's distinct values of that key,
   * numbered in order of arrival (`ids`: value → number, `idv`: number → value); a window maps a
   * number to its group through an Int32Array instead of a Map of its own.
   */
  readonly ids: Map<unknown, number>;
  readonly idv: unknown[];
  /** The event-time level value of the last row and its window (rows arrive in time order: most rows hit it). */
  lev: unknown;
  lw: unknown;
  dropped: number;
  readonly late: Row[] | null;
  readonly wmUs: number;
  readonly checkLate: boolean;
}

export interface AggregateKernel extends BlockKernel {
  /** Map side: `add.call(sink, row, key0, …, input0, …)` folds one row into `sink.partials` (or drops it as late). */
  readonly add: (this: AggregateSinkState, r: Row, ...keysThenInputs: unknown[]) => void;
  /** A NEW state merging `x` (a state-store value: not mutated) with the later partial `y`. */
  readonly merge: (x: readonly unknown[], y: readonly unknown[]) => unknown[];
  /** The intermediate row (keys, then one `__aggN` per aggregate) of a group. */
  readonly emit: (key: string, state: readonly unknown[]) => Row;
  /** Map side: every group folded so far, as its key text and partial state. */
  readonly collect: (partials: Map<unknown, unknown>, push: (key: string, state: unknown) => void) => void;
  /** The event time (µs) of a key: the window end or the watermarked key; null when none. */
  readonly eventTime: (key: string) => number | null;
  /** True when keys are ordered by event time ({@link timePrefix}): state is window-blocked (`window-blocks.ts`). */
  readonly ordered: boolean;
  /** Ordered kernels, map side: every group folded so far, window by window, into `col` (the fallback groups into `fb`, flushed as `!`). */
  readonly collectBlocks: (partials: Map<unknown, unknown>, col: BlockCollector, fb: BlockCollector, idv: readonly unknown[]) => void;
  readonly width: number;
  readonly numeric: boolean;
  readonly mergeAt: BlockKernel['mergeAt'];
  readonly emitAt: BlockKernel['emitAt'];
  readonly eventKey: BlockKernel['eventKey'];
  readonly fallbackTime: BlockKernel['fallbackTime'];
}

/** True for a key in this version's ordered form (`!`, `-` or a digit first). */
export function isOrderedKeyForm(key: string): boolean {
  const c = key.charCodeAt(0);
  return c === 33 || c === 45 || (c >= 48 && c <= 57);
}

function badKey(key: string): never {
  throw PlannerErrors.STATE_STORE_KEY_SCHEMA_NOT_COMPATIBLE({ reason: `state key ${JSON.stringify(key.slice(0, 80))} is not an event-time-ordered aggregation key (state written by an earlier weir version?)` });
}

function badValue(width: number, v: unknown): never {
  const got = Array.isArray(v) ? `an array of ${v.length}` : typeof v;
  throw PlannerErrors.STATE_STORE_VALUE_SCHEMA_NOT_COMPATIBLE({ reason: `expected a flat array of ${width} aggregate state slots, found ${got} (state written by an earlier weir version?)` });
}

const HELPERS = Object.freeze({ badKey, badValue, okKey: isOrderedKeyForm, cmp: compareValues, upd: updateState, mrg: mergeStates, res: stateResult, kj: keyJSON, nj: nestedNumberJSON, tp: timePrefix, pt: prefixTime, pl: prefixLength, dk: decodeKey, d1: decodeSingle, d1i: decodeSingleIn, mm: murmur3 });

/** An aggregate's slots in a kernel: `nn` = a numeric sum/min/max of an ordered kernel, kept as two number slots (has value 0/1, value) instead of one number-or-null slot. */
interface KernelSpec extends AggSpec {
  readonly nn: boolean;
}

interface Layout {
  readonly specs: KernelSpec[];
  readonly offsets: number[];
  readonly width: number;
}

const WIDTH: Readonly<Record<string, number>> = { avg: 2, first: 2, last: 2, stddev: 3 };

function layoutOf(op: AggregateOperator): Layout {
  // Only event-time ordered (window-blocked) kernels use the two-slot numeric form; the per-group
  // state of other aggregations keeps its one-slot form.
  const ordered = op.eventTimeKeyIndex !== null;
  const specs = op.aggs.map((a): KernelSpec => ({ fn: a.fn, star: a.star, nn: ordered && a.numeric === true && (a.fn === 'sum' || a.fn === 'min' || a.fn === 'max') }));
  const offsets: number[] = [];
  let width = 0;
  for (const s of specs) {
    offsets.push(width);
    width += s.nn ? 2 : (WIDTH[s.fn] ?? 1);
  }
  return { specs, offsets, width };
}

function initSource(l: Layout): string {
  const parts: string[] = [];
  for (const s of l.specs) {
    if (s.nn) {
      parts.push('0', '0');
      continue;
    }
    switch (s.fn) {
      case 'count':
        parts.push('0');
        break;
      case 'avg':
        parts.push('0', '0');
        break;
      case 'first':
      case 'last':
        parts.push('0', 'null');
        break;
      case 'stddev':
        parts.push('0', '0', '0');
        break;
      default:
        parts.push('null');
    }
  }
  return `[${parts.join(', ')}]`;
}

/** Statements folding input `a<i>` into state `s` (in place). */
function foldSource(l: Layout, base = ''): string[] {
  const out: string[] = [];
  l.specs.forEach((spec, i) => {
    const o = l.offsets[i] as number;
    const a = `a${i}`;
    if (spec.nn) {
      const S = (x: number) => `s[${base}${x}]`;
      if (spec.fn === 'sum') out.push(`if (${a} !== null) { if (${S(o)} === 0) { ${S(o)} = 1; ${S(o + 1)} = ${a}; } else ${S(o + 1)} += ${a}; }`);
      else out.push(`if (${a} !== null && (${S(o)} === 0 || h.cmp(${a}, ${S(o + 1)}) ${spec.fn === 'min' ? '<' : '>'} 0)) { ${S(o)} = 1; ${S(o + 1)} = ${a}; }`);
      return;
    }
    switch (spec.fn) {
      case 'count':
        out.push(spec.star ? `s[${base}${o}]++;` : `if (${a} !== null) s[${base}${o}]++;`);
        break;
      case 'sum':
        out.push(`if (${a} !== null) s[${base}${o}] = s[${base}${o}] === null ? ${a} : s[${base}${o}] + ${a};`);
        break;
      case 'avg':
        out.push(`if (${a} !== null) { s[${base}${o}] += ${a}; s[${base}${o + 1}]++; }`);
        break;
      case 'min':
        out.push(`if (${a} !== null && (s[${base}${o}] === null || h.cmp(${a}, s[${base}${o}]) < 0)) s[${base}${o}] = ${a};`);
        break;
      case 'max':
        out.push(`if (${a} !== null && (s[${base}${o}] === null || h.cmp(${a}, s[${base}${o}]) > 0)) s[${base}${o}] = ${a};`);
        break;
      case 'first':
        out.push(`if (s[${base}${o}] === 0) { s[${base}${o}] = 1; s[${base}${o + 1}] = ${a}; }`);
        break;
      case 'last':
        out.push(`s[${base}${o}] = 1; s[${base}${o + 1}] = ${a};`);
        break;
      case 'stddev':
        out.push(`if (${a} !== null) { const n = ++s[${base}${o}]; const d = ${a} - s[${base}${o + 1}]; s[${base}${o + 1}] += d / n; s[${base}${o + 2}] += d * (${a} - s[${base}${o + 1}]); }`);
        break;
      case 'approx_count_distinct':
        out.push(`if (${a} !== null) s[${base}${o}] = h.upd(SPECS[${i}], s[${base}${o}], ${a});`);
        break;
    }
  });
  return out;
}

function mergeSource(l: Layout): string {
  const pre: string[] = [];
  const parts: string[] = [];
  l.specs.forEach((spec, i) => {
    const o = l.offsets[i] as number;
    if (spec.nn) {
      // x/y: the state with no value yields to the other; sum adds, min/max pick (as mergeStates).
      if (spec.fn === 'sum') {
        pre.push(`const S${i} = x[${o}] === 0 ? y : y[${o}] === 0 ? x : null;`);
        parts.push(`S${i} === null ? 1 : S${i}[${o}]`, `S${i} === null ? x[${o + 1}] + y[${o + 1}] : S${i}[${o + 1}]`);
      } else {
        pre.push(`const S${i} = x[${o}] === 0 ? y : y[${o}] === 0 ? x : h.cmp(y[${o + 1}], x[${o + 1}]) ${spec.fn === 'min' ? '<' : '>'} 0 ? y : x;`);
        parts.push(`S${i}[${o}]`, `S${i}[${o + 1}]`);
      }
      return;
    }
    switch (spec.fn) {
      case 'count':
        parts.push(`x[${o}] + y[${o}]`);
        break;
      case 'sum':
        parts.push(`x[${o}] === null ? y[${o}] : y[${o}] === null ? x[${o}] : x[${o}] + y[${o}]`);
        break;
      case 'avg':
        parts.push(`x[${o}] + y[${o}]`, `x[${o + 1}] + y[${o + 1}]`);
        break;
      case 'first':
        pre.push(`const f${i} = x[${o}] === 1 ? x : y;`);
        parts.push(`f${i}[${o}]`, `f${i}[${o + 1}]`);
        break;
      case 'last':
        pre.push(`const f${i} = y[${o}] === 1 ? y : x;`);
        parts.push(`f${i}[${o}]`, `f${i}[${o + 1}]`);
        break;
      case 'stddev':
        // Chan's parallel merge, the same arithmetic as `mergeStates`.
        pre.push(
          `let n${i}, m${i}, q${i};`,
          `if (x[${o}] === 0) { n${i} = y[${o}]; m${i} = y[${o + 1}]; q${i} = y[${o + 2}]; }`,
          `else if (y[${o}] === 0) { n${i} = x[${o}]; m${i} = x[${o + 1}]; q${i} = x[${o + 2}]; }`,
          `else { const n = x[${o}] + y[${o}]; const d = y[${o + 1}] - x[${o + 1}]; n${i} = n; m${i} = x[${o + 1}] + (d * y[${o}]) / n; q${i} = x[${o + 2}] + y[${o + 2}] + (d * d * x[${o}] * y[${o}]) / n; }`,
        );
        parts.push(`n${i}`, `m${i}`, `q${i}`);
        break;
      default:
        parts.push(`h.mrg(SPECS[${i}], x[${o}], y[${o}])`);
    }
  });
  return [...pre, `return [${parts.join(', ')}];`].join('\n    ');
}

function resultSource(l: Layout, i: number, base = ''): string {
  const spec = l.specs[i] as KernelSpec;
  const o = l.offsets[i] as number;
  const s = (x: number) => `s[${base}${x}]`;
  if (spec.nn) return `(${s(o)} === 0 ? null : ${s(o + 1)})`;
  switch (spec.fn) {
    case 'count':
    case 'sum':
    case 'min':
    case 'max':
      return s(o);
    case 'avg':
      return `(${s(o + 1)} === 0 ? null : ${s(o)} / ${s(o + 1)})`;
    case 'first':
    case 'last':
      return s(o + 1);
    case 'stddev':
      return `(${s(o)} < 2 ? null : Math.sqrt(${s(o + 2)} / (${s(o)} - 1)))`;
    case 'approx_count_distinct':
      return `h.res(SPECS[${i}], ${s(o)})`;
  }
}

/**
 * `mergeAt(d, db, x, xb, y, yb)`: the merge of the group at `x[xb..]` (earlier) with `y[yb..]`
 * (later) written at `d[db..]`, the same arithmetic as {@link mergeSource}; every slot is read
 * into a local before any is written, so `d`/`db` may alias `x`/`xb`.
 */
function mergeAtSource(l: Layout): string {
  const X = (o: number) => `x[xb + ${o}]`;
  const Y = (o: number) => `y[yb + ${o}]`;
  const lines: string[] = [];
  l.specs.forEach((spec, i) => {
    const o = l.offsets[i] as number;
    if (spec.nn) {
      lines.push(`const xh${i} = ${X(o)}, yh${i} = ${Y(o)};`);
      if (spec.fn === 'sum') lines.push(`const r${o} = xh${i} === 0 ? yh${i} : xh${i};`, `const r${o + 1} = xh${i} === 0 ? ${Y(o + 1)} : yh${i} === 0 ? ${X(o + 1)} : ${X(o + 1)} + ${Y(o + 1)};`);
      else {
        lines.push(`const py${i} = xh${i} === 0 || (yh${i} !== 0 && h.cmp(${Y(o + 1)}, ${X(o + 1)}) ${spec.fn === 'min' ? '<' : '>'} 0);`);
        lines.push(`const r${o} = py${i} ? yh${i} : xh${i};`, `const r${o + 1} = py${i} ? ${Y(o + 1)} : ${X(o + 1)};`);
      }
      return;
    }
    switch (spec.fn) {
      case 'count':
        lines.push(`const r${o} = ${X(o)} + ${Y(o)};`);
        break;
      case 'sum':
        lines.push(`const x${o} = ${X(o)}, y${o} = ${Y(o)};`, `const r${o} = x${o} === null ? y${o} : y${o} === null ? x${o} : x${o} + y${o};`);
        break;
      case 'avg':
        lines.push(`const r${o} = ${X(o)} + ${Y(o)};`, `const r${o + 1} = ${X(o + 1)} + ${Y(o + 1)};`);
        break;
      case 'first':
        lines.push(`const f${i} = ${X(o)} === 1;`, `const r${o} = f${i} ? ${X(o)} : ${Y(o)};`, `const r${o + 1} = f${i} ? ${X(o + 1)} : ${Y(o + 1)};`);
        break;
      case 'last':
        lines.push(`const f${i} = ${Y(o)} === 1;`, `const r${o} = f${i} ? ${Y(o)} : ${X(o)};`, `const r${o + 1} = f${i} ? ${Y(o + 1)} : ${X(o + 1)};`);
        break;
      case 'stddev':
        lines.push(
          `let r${o}, r${o + 1}, r${o + 2};`,
          `const xn${i} = ${X(o)}, yn${i} = ${Y(o)};`,
          `if (xn${i} === 0) { r${o} = yn${i}; r${o + 1} = ${Y(o + 1)}; r${o + 2} = ${Y(o + 2)}; }`,
          `else if (yn${i} === 0) { r${o} = xn${i}; r${o + 1} = ${X(o + 1)}; r${o + 2} = ${X(o + 2)}; }`,
          `else { const n = xn${i} + yn${i}; const d = ${Y(o + 1)} - ${X(o + 1)}; r${o} = n; r${o + 1} = ${X(o + 1)} + (d * yn${i}) / n; r${o + 2} = ${X(o + 2)} + ${Y(o + 2)} + (d * d * xn${i} * yn${i}) / n; }`,
        );
        break;
      default:
        lines.push(`const r${o} = h.mrg(SPECS[${i}], ${X(o)}, ${Y(o)});`);
    }
  });
  for (let o = 0; o < l.width; o++) lines.push(`d[db + ${o}] = r${o};`);
  return lines.join('\n    ');
}

/** True when every state slot of the layout is always a number (blocks then hold a Float64Array). */
function numericLayout(l: Layout): boolean {
  return l.specs.every((s) => s.nn || s.fn === 'count' || s.fn === 'avg' || s.fn === 'stddev');
}

/** A JS object-literal key (`__proto__` computed, so it defines a property). */
function objectKey(name: string): string {
  return name === '__proto__' ? `[${JSON.stringify(name)}]` : JSON.stringify(name);
}

/** The generated source of the kernel for `op` (no session window). */
export function generateAggregateKernel(op: AggregateOperator): string {
  const l = layoutOf(op);
  const n = op.keyNames.length;
  const w = op.window;
  const et = op.eventTimeKeyIndex;
  const keyArgs = op.keyNames.map((_, i) => `k${i}`);
  const inArgs = op.aggs.map((_, i) => `v${i}`);
  const windowIdx = w === null ? -1 : w.keyIndex;
  const ordered = et !== null;
  const objects = op.keyObjects ?? op.keyNames.map(() => true);
  // Map side: partials are nested Maps, one level per key (the event-time key first when
  // ordered), keyed by the values themselves (a window by its start; objects by their JSON), so
  // a row costs Map lookups on values it already has; the key text is built once per group, in
  // `collect`. (A Map keyed by freshly concatenated key strings cost several times more.)
  const rest = Array.from({ length: n }, (_, i) => i).filter((i) => i !== et);
  const levels = ordered ? [et, ...rest] : Array.from({ length: n }, (_, i) => i);
  const levelValue = (i: number) => (i === windowIdx ? 'ws' : objects[i] ? `h.kj(k${i})` : `(k${i} === undefined ? null : k${i})`);
  const descend: string[] = [];
  if (ordered) {
    // Ordered kernels keep each window's group states in ONE buffer (`st`, width slots per group,
    // a Float64Array for numeric layouts) and map the other keys to a group's slot number, so a
    // new group costs a Map entry, not an array of its own (collectBlocks copies slots into blocks).
    // With ONE other key (a station), its values are numbered once per task and a window maps a
    // number to its slot through an Int32Array: no Map per window (a window is 1,000 groups that
    // each arrive once, so per-window Maps were mostly allocation and GC), and the last row's
    // window is reused without a lookup. Map side of the 1-minute x 1,000-station average: 450 -> 226 ns/row.
    const grow = numericLayout(l)
      ? `if ((g + 1) * ${l.width} > W.st.length) { const x = new Float64Array(Math.max(${16 * l.width}, W.st.length * 2)); x.set(W.st); W.st = x; }`
      : `W.st.push(${initSource(l).slice(1, -1)});`;
    const single = rest.length === 1;
    const newW = `{ ${single ? 'sl: new Int32Array(64)' : 'm: new Map()'}, st: ${numericLayout(l) ? `new Float64Array(${16 * l.width})` : '[]'}, n: 0, k: [] }`;
    descend.push(
      `const ev = ${levelValue(et)};`,
      'let W = this.lw;',
      `if (ev !== this.lev || W === null) { W = this.partials.get(ev); if (W === undefined) { W = ${newW}; this.partials.set(ev, W); } this.lev = ev; this.lw = W; }`,
    );
    if (rest.length === 0) {
      descend.push(`const g = 0; if (W.n === 0) { W.n = 1; ${grow} }`);
    } else if (single) {
      // W.k: each group's key number, in slot order; W.sl[id] = slot + 1 (0: no group yet).
      descend.push(
        `const x0 = ${levelValue(rest[0] as number)};`,
        'let id = this.ids.get(x0); if (id === undefined) { id = this.idv.length; this.ids.set(x0, id); this.idv.push(x0); }',
        'let sl = W.sl; if (id >= sl.length) { const y = new Int32Array(Math.max(sl.length * 2, id + 1)); y.set(sl); W.sl = sl = y; }',
        `let g = sl[id] - 1; if (g < 0) { g = W.n++; sl[id] = g + 1; W.k.push(id); ${grow} }`,
      );
    } else {
      // W.k: each group's other key values, in slot order (collectBlocks walks it, not the Maps).
      descend.push('const q0 = W.m;', ...rest.map((ki, j) => `const x${j} = ${levelValue(ki)};`));
      rest.forEach((_, j) => {
        if (j < rest.length - 1) descend.push(`let q${j + 1} = q${j}.get(x${j}); if (q${j + 1} === undefined) { q${j + 1} = new Map(); q${j}.set(x${j}, q${j + 1}); }`);
        else descend.push(`let g = q${j}.get(x${j}); if (g === undefined) { g = W.n++; q${j}.set(x${j}, g); W.k.push(${rest.map((_r, i) => `x${i}`).join(', ')}); ${grow} }`);
      });
    }
    descend.push('const s = W.st;', `const b = g * ${l.width};`);
  } else if (levels.length === 0) {
    descend.push(`let s = this.partials.get(''); if (s === undefined) { s = ${initSource(l)}; this.partials.set('', s); }`);
  } else {
    descend.push('const m0 = this.partials;');
    levels.forEach((ki, j) => {
      const v = levelValue(ki);
      if (j < levels.length - 1) descend.push(`let m${j + 1} = m${j}.get(${v}); if (m${j + 1} === undefined) { m${j + 1} = new Map(); m${j}.set(${v}, m${j + 1}); }`);
      else descend.push(`let s = m${j}.get(${v}); if (s === undefined) { s = ${initSource(l)}; m${j}.set(${v}, s); }`);
    });
  }
  const fold = [...descend, ...foldSource(l, ordered ? 'b + ' : '')];

  // collect: walks the levels and builds each group's key text (see key-encoding.ts).
  const size = w === null ? 0 : w.windowUs;
  const jsonOf = (ki: number, v: string) => (ki === windowIdx ? `'[' + h.nj(${v}) + ',' + h.nj(${v} + ${size}) + ']'` : objects[ki] ? v : `h.kj(${v})`);
  const collect: string[] = [];
  if (ordered) {
    collect.push("throw new Error('an event-time ordered kernel collects window blocks (collectBlocks)');");
  } else if (levels.length === 0) {
    collect.push("for (const s of m0.values()) push('[]', s);");
  } else {
    let depth = 0;
    const line = (x: string) => collect.push('  '.repeat(depth) + x);
    levels.forEach((ki, j) => {
      const last = j === levels.length - 1;
      line(`for (const [l${j}, ${last ? 's' : `m${j + 1}`}] of m${j}) {`);
      depth++;
      line(`const j${j} = ${jsonOf(ki, `l${j}`)};`);
    });
    const inKeyOrder = Array.from({ length: n }, (_, i) => `j${levels.indexOf(i)}`);
    line(`push('[' + ${inKeyOrder.join(" + ',' + ")} + ']', s);`);
    while (depth > 0) {
      depth--;
      line('}');
    }
  }
  // collectBlocks (ordered kernels): the same walk, window by window into per-partition blocks
  // (see window-blocks.ts). A group's partition is its group text's hash XOR its window's hash
  // (every map task computes the same); with one key besides the event time, each distinct value's
  // group text and hash are computed once per task (a station recurs in every window), not per group.
  const blocks: string[] = [];
  if (ordered) {
    let depth = 0;
    const line = (x: string) => blocks.push('  '.repeat(depth) + x);
    const single = rest.length === 1;
    const inKeyOrder = Array.from({ length: n }, (_, i) => `j${levels.indexOf(i)}`);
    const all = `'[' + ${inKeyOrder.join(" + ',' + ")} + ']'`;
    const fallback = `{ const t = ${all}; fb.add(h.mm('!' + t, 42), t, st, g * ${l.width}); }`;
    // A key number's group text and hash, computed once per task (a station recurs in every window).
    if (single) line('const gc = [];');
    line('for (const [l0, W] of m0) {');
    depth++;
    line(`const j0 = ${jsonOf(et, 'l0')};`);
    line(`const p = ${et === windowIdx ? `Number.isSafeInteger(l0) ? h.tp(l0 + ${size}) : null` : 'h.tp(l0)'};`);
    line('const ph = p === null ? 0 : h.mm(p, 0);');
    line('const st = W.st;');
    if (rest.length === 0) {
      line(`const g = 0;`);
      line(`if (p !== null) col.add(h.mm('[]', 0) ^ ph, '[]', st, 0); else ${fallback}`);
    } else {
      line('const K = W.k;');
      line('for (let g = 0, n = W.n; g < n; g++) {');
      depth++;
      rest.forEach((ki, j) => {
        const lv = levels.indexOf(ki);
        if (single) line(`const id = K[g]; const l${lv} = idv[id];`);
        else line(`const l${lv} = K[g${rest.length > 1 ? ` * ${rest.length}` : ''}${j > 0 ? ` + ${j}` : ''}];`);
        if (!single) line(`const j${lv} = ${jsonOf(ki, `l${lv}`)};`);
      });
      if (single) {
        const r = rest[0] as number;
        line('if (p !== null) {');
        line(`  let c = gc[id]; if (c === undefined) { const t = '[' + ${jsonOf(r, 'l1')} + ']'; c = { t, h: h.mm(t, 0) }; gc[id] = c; }`);
        line(`  col.add(c.h ^ ph, c.t, st, g * ${l.width});`);
        line(`} else { const j1 = ${jsonOf(r, 'l1')}; ${fallback} }`);
      } else {
        const restJSON = `'[' + ${rest.map((i) => `j${levels.indexOf(i)}`).join(" + ',' + ")} + ']'`;
        line(`if (p !== null) { const t = ${restJSON}; col.add(h.mm(t, 0) ^ ph, t, st, g * ${l.width}); } else ${fallback}`);
      }
      while (depth > 1) {
        depth--;
        line('}');
      }
    }
    line('if (p !== null) col.flush(p);');
    depth--;
    line('}');
    blocks.push("fb.flush('!');");
  }
  const drop = '{ this.dropped++; if (this.late !== null) this.late.push(r); return; }';
  const body: string[] = [...op.aggs.map((_, i) => `const a${i} = v${i} === undefined ? null : v${i};`)];
  if (w === null) {
    if (et !== null) body.push(`if (this.checkLate) { const t = k${et}; if (t !== null && t <= this.wmUs) ${drop} }`);
    body.push(...fold);
  } else {
    // Spark filters rows whose window time column is null.
    body.push(`const t = k${w.keyIndex};`, 'if (t === null) return;');
    if (w.kind === 'tumbling') {
      const size = w.windowUs;
      body.push(`const ws = t - ((((t - (${w.startUs})) % ${size}) + ${size}) % ${size});`, `const we = ws + ${size};`);
      if (et !== null) body.push(`if (this.checkLate && we <= this.wmUs) ${drop}`);
      body.push(...fold);
    } else {
      const slide = w.slideUs;
      const count = Math.ceil(w.windowUs / slide);
      body.push(`const ls = t - ((((t - (${w.startUs})) % ${slide}) + ${slide}) % ${slide});`);
      // Late only when every window of the row is closed, so a row is either aggregated or counted.
      if (et !== null) body.push(`if (this.checkLate && ls + ${w.windowUs} <= this.wmUs) ${drop}`);
      body.push(`for (let i = ${count - 1}; i >= 0; i--) {`, `  const ws = ls - i * ${slide};`, `  if (ws > t || t >= ws + ${w.windowUs}) continue;`, `  const we = ws + ${w.windowUs};`);
      if (et !== null) body.push('  if (this.checkLate && we <= this.wmUs) continue;');
      body.push(...fold.map((x) => '  ' + x), '}');
    }
  }

  // emit: decode the key into k0… (the window as { start, end }), then one object literal.
  const windowOf = (v: string) => `{ start: ${v}[0], end: ${v}[1] }`;
  const fromAll = (ks: string) => Array.from({ length: n }, (_, i) => `k${i} = ${i === windowIdx ? windowOf(`${ks}[${i}]`) : `${ks}[${i}]`};`);
  const emitLines: string[] = [keyArgs.length > 0 ? `let ${keyArgs.join(', ')};` : ''];
  if (!ordered && n === 1 && windowIdx !== 0) {
    emitLines.push('k0 = h.d1(key, 0);');
  } else if (!ordered) {
    emitLines.push('const ks = h.dk(key);', ...fromAll('ks'));
  } else {
    emitLines.push('if (key.charCodeAt(0) === 33) {', '  const ks = h.dk(key.slice(1));', ...fromAll('ks').map((x) => '  ' + x), '} else {');
    emitLines.push('  if (!h.okKey(key)) h.badKey(key);', '  const t = h.pt(key);');
    emitLines.push(`  k${et} = ${et === windowIdx ? `{ start: t - ${(w as { windowUs: number }).windowUs}, end: t }` : 't'};`);
    if (rest.length === 1 && rest[0] !== windowIdx) {
      emitLines.push(`  k${rest[0]} = h.d1(key, h.pl(key));`);
    } else if (rest.length > 0) {
      emitLines.push('  const ks = h.dk(key.slice(h.pl(key)));');
      rest.forEach((i, j) => emitLines.push(`  k${i} = ${i === windowIdx ? windowOf(`ks[${j}]`) : `ks[${j}]`};`));
    }
    emitLines.push('}');
  }
  const fields = [...op.keyNames.map((name, i) => `${objectKey(name)}: k${i} === undefined ? null : k${i}`), ...op.aggs.map((a, i) => `${objectKey(a.name)}: ${resultSource(l, i)}`)];
  emitLines.push(`return { ${fields.join(', ')} };`);

  // emitAt (ordered kernels): the intermediate row of the group whose JSON is text[from, end); `t` is the block's event time
  // and `ev` its event-time key value (eventKey(t): one frozen window struct shared by the block's rows)
  // (null: the fallback block, whose group JSON holds every key).
  const emitAtLines: string[] = [];
  if (ordered) {
    emitAtLines.push(keyArgs.length > 0 ? `let ${keyArgs.join(', ')};` : '');
    emitAtLines.push('if (t === null) {', '  const ks = h.dk(text.slice(from, end));', ...fromAll('ks').map((x) => '  ' + x), '} else {');
    emitAtLines.push(`  k${et} = ev;`);
    if (rest.length === 1 && rest[0] !== windowIdx) {
      emitAtLines.push(`  k${rest[0]} = h.d1i(text, from, end);`);
    } else if (rest.length > 0) {
      emitAtLines.push('  const ks = h.dk(text.slice(from, end));');
      rest.forEach((i, j) => emitAtLines.push(`  k${i} = ${i === windowIdx ? windowOf(`ks[${j}]`) : `ks[${j}]`};`));
    }
    emitAtLines.push('}');
  }
  // emitInto: the same group's intermediate row appended to a column chunk builder (`o`, fields in
  // intermediate order: keys, then aggregates) instead of built as an object.
  const emitIntoLines = [...emitAtLines];
  if (ordered) {
    const fieldsAt = [...op.keyNames.map((name, i) => `${objectKey(name)}: k${i} === undefined ? null : k${i}`), ...op.aggs.map((a, i) => `${objectKey(a.name)}: ${resultSource(l, i, 'b + ')}`)];
    emitAtLines.push(`return { ${fieldsAt.join(', ')} };`);
    op.keyNames.forEach((_, i) => emitIntoLines.push(`o.set(${i}, k${i} === undefined ? null : k${i});`));
    op.aggs.forEach((_, i) => emitIntoLines.push(`o.set(${op.keyNames.length + i}, ${resultSource(l, i, 'b + ')});`));
    emitIntoLines.push('o.endRow();');
  } else {
    emitAtLines.push('throw new Error("unordered kernel");');
    emitIntoLines.push('throw new Error("unordered kernel");');
  }
  const fallbackTime =
    et === null
      ? 'return null;'
      : [`const v = h.dk(key)[${et}];`, 'if (v === null || v === undefined) return null;', 'return Array.isArray(v) ? v[1] : v;'].join('\n    ');

  const eventTime =
    et === null
      ? 'return null;'
      : [
          'if (key.charCodeAt(0) !== 33) return h.pt(key);',
          `const v = h.dk(key.slice(1))[${et}];`,
          'if (v === null || v === undefined) return null;',
          'return Array.isArray(v) ? v[1] : v;',
        ].join('\n    ');

  return [
    '"use strict";',
    `const SPECS = ${JSON.stringify(l.specs)};`,
    'return {',
    `  add(r, ${[...keyArgs, ...inArgs].join(', ')}) {`,
    ...body.map((x) => '    ' + x),
    '  },',
    '  merge(x, y) {',
    `    if (!Array.isArray(x) || x.length !== ${l.width}) h.badValue(${l.width}, x);`,
    `    ${mergeSource(l)}`,
    '  },',
    '  emit(key, s) {',
    `    if (!Array.isArray(s) || s.length !== ${l.width}) h.badValue(${l.width}, s);`,
    ...emitLines.filter((x) => x !== '').map((x) => '    ' + x),
    '  },',
    '  collect(m0, push) {',
    ...collect.map((x) => '    ' + x),
    '  },',
    '  eventTime(key) {',
    `    ${eventTime}`,
    '  },',
    '  collectBlocks(m0, col, fb, idv) {',
    ...blocks.map((x) => '    ' + x),
    '  },',
    '  mergeAt(d, db, x, xb, y, yb) {',
    `    ${mergeAtSource(l)}`,
    '  },',
    '  eventKey(t) {',
    `    return ${ordered && et === windowIdx ? `Object.freeze({ start: t - ${(w as { windowUs: number }).windowUs}, end: t })` : 't'};`,
    '  },',
    '  emitAt(t, ev, text, from, end, s, b) {',
    ...emitAtLines.filter((x) => x !== '').map((x) => '    ' + x),
    '  },',
    '  emitInto(t, ev, text, from, end, s, b, o) {',
    ...emitIntoLines.filter((x) => x !== '').map((x) => '    ' + x),
    '  },',
    '  fallbackTime(key) {',
    `    ${fallbackTime}`,
    '  },',
    `  width: ${l.width},`,
    `  numeric: ${numericLayout(l)},`,
    `  ordered: ${ordered},`,
    '};',
  ].join('\n');
}

const kernels = createGeneratedCodeCache<AggregateKernel>();

/** The compiled kernel of `op`, cached by its generated text (each worker compiles each shape once). */
export function aggregateKernel(op: AggregateOperator): AggregateKernel {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- generated code; user text enters only via JSON.stringify
  return kernels(generateAggregateKernel(op), (src) => Object.freeze((new Function('h', src) as (h: typeof HELPERS) => AggregateKernel)(HELPERS)));
}

/** @internal For tests: whether a key is in the fallback form. */
export { isFallbackKey };
