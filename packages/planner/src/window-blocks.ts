import { ColumnChunkBuilder, type ColumnChunk, type OutputMode, type Row, type StateStoreView, type StructType } from '@weir/core';
import { isOrderedKeyForm } from './aggregate-kernel.js';
import { prefixLength, prefixTime } from './key-encoding.js';
import { PlannerErrors } from './errors.js';

/**
 * Window-blocked state for event-time-ordered streaming aggregations (issue #8).
 *
 * The unit of state-store (and shuffle) I/O is an event-time value per state partition, not a
 * group: a window's groups in one partition live under ONE store key, the window end's ordered
 * prefix (`timePrefix(end)`, e.g. `1767225660000000|`), as one {@link WindowBlock}; groups whose
 * event time has no ordered form (null, fractional or unsafe times) share the fallback block `!`.
 * A block is columnar: the JSON of each group's other keys (the fallback block: of every key),
 * sorted, and the flat aggregate states of all groups in one array, `width` slots per group (as
 * in `aggregate-kernel.ts`), a `Float64Array` when every slot of the layout is always a number
 * (count, avg, stddev, and sum/min/max of numeric inputs as has-value + value), so the Codec
 * copies it as bytes. Per group, a batch then costs array
 * slots instead of a store key (Map entry, undo log, sorted-key merge, delta entry) and a
 * msgpack entry; eviction removes one key per window.
 *
 * Group order inside a block is UTF-16 order of the group JSON (JavaScript's `<`): with the
 * ASCII block keys, emitted rows come out sorted by the full group key, as per-group keys did.
 */

/** The format marker a block starts with: state of another layout is refused, never misread. */
export const WINDOW_BLOCK_TAG = 'weir.wb1';

/** The fallback block's key: groups whose event time has no ordered prefix. */
export const FALLBACK_BLOCK_KEY = '!';

/**
 * `[tag, group count, group JSON texts joined by '\n' (sorted), flat states (width per group)]`.
 * Immutable once built. The group texts travel as ONE string (JSON escapes every control
 * character, so '\n' never occurs inside one): one string to encode, decode and hold instead of
 * one per group; the emit reads each group's values straight out of it.
 */
export type WindowBlock = readonly [typeof WINDOW_BLOCK_TAG, number, string, Float64Array | readonly unknown[]];

/** What the reduce side needs of the generated kernel (see `aggregate-kernel.ts`). */
export interface BlockKernel {
  /** Slots per group. */
  readonly width: number;
  /** True when every slot is always a number: blocks hold a `Float64Array`. */
  readonly numeric: boolean;
  /** Writes the merge of group `x[xb..]` (earlier) and `y[yb..]` (later) at `d[db..]`; reads all inputs before writing, so `d`/`db` may be `x`/`xb`. */
  readonly mergeAt: (d: unknown[] | Float64Array, db: number, x: ArrayLike<unknown>, xb: number, y: ArrayLike<unknown>, yb: number) => void;
  /**
   * The intermediate row of the group whose JSON is `text[from, end)`; `t` the block's event time
   * (null: fallback block, the JSON holds every key) and `ev` its event-time key value ({@link eventKey}).
   */
  readonly emitAt: (t: number | null, ev: unknown, text: string, from: number, end: number, s: ArrayLike<unknown>, b: number) => Row;
  /** {@link emitAt}'s row appended to `o` (fields in intermediate order: keys, then aggregates) instead of built as an object. */
  readonly emitInto: (t: number | null, ev: unknown, text: string, from: number, end: number, s: ArrayLike<unknown>, b: number, o: ColumnChunkBuilder) => void;
  /**
   * The event-time key value of a block's rows: the window `{ start, end }` (frozen: ONE object
   * shared by every row of the block, as Spark rows are immutable) or the time itself.
   */
  readonly eventKey: (t: number) => unknown;
  /** The event time of a fallback group (its JSON of every key); null when none. */
  readonly fallbackTime: (key: string) => number | null;
}

/** True for a key of the block form: the fallback `!` or an ordered prefix alone. */
export function isBlockKey(key: string): boolean {
  if (key === FALLBACK_BLOCK_KEY) return true;
  return isOrderedKeyForm(key) && key.charCodeAt(0) !== 33 && key.length === prefixLength(key) && key.charCodeAt(key.length - 1) === 124;
}

function badKey(key: string): never {
  throw PlannerErrors.STATE_STORE_KEY_SCHEMA_NOT_COMPATIBLE({ reason: `state key ${JSON.stringify(key.slice(0, 80))} is not a window block key (state written by an earlier weir version?)` });
}

/** `v` as a block of this layout, or STATE_STORE_VALUE_SCHEMA_NOT_COMPATIBLE. */
export function asBlock(v: unknown, k: BlockKernel): WindowBlock {
  if (Array.isArray(v) && v.length === 4 && v[0] === WINDOW_BLOCK_TAG && typeof v[2] === 'string') {
    const n = v[1] as unknown;
    const st = v[3] as unknown;
    if (typeof n === 'number' && n > 0 && (k.numeric ? st instanceof Float64Array : Array.isArray(st)) && (st as ArrayLike<unknown>).length === n * k.width) return v as unknown as WindowBlock;
  }
  const got = Array.isArray(v) ? `an array of ${v.length}${v.length > 0 ? ` starting ${JSON.stringify(typeof v[0] === 'string' ? v[0].slice(0, 20) : typeof v[0])}` : ''}` : typeof v;
  throw PlannerErrors.STATE_STORE_VALUE_SCHEMA_NOT_COMPATIBLE({
    reason: `expected a window block (${WINDOW_BLOCK_TAG}, ${k.width} ${k.numeric ? 'numeric ' : ''}state slots per group), found ${got} (state written by an earlier weir version or another aggregation?)`,
  });
}

function byKey(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The group texts of a block. */
function groupKeys(b: WindowBlock): string[] {
  return b[2].split('\n');
}

/** The order that sorts `keys` (indexes), or null when they are sorted already (the common case: stations arrive in order). */
function sortOrder(keys: readonly string[]): number[] | null {
  let sorted = true;
  for (let i = 1; i < keys.length; i++) {
    if (!((keys[i - 1] as string) < (keys[i] as string))) {
      sorted = false;
      break;
    }
  }
  if (sorted) return null;
  const idx = Array.from({ length: keys.length }, (_, i) => i);
  return idx.sort((a, b) => byKey(keys[a] as string, keys[b] as string));
}

/** Reorders `keys` (and their `width`-slot states) into key order; returns them as they are when already sorted. */
function sortGroups(keys: string[], st: number[] | unknown[], width: number): [string[], unknown[]] {
  const order = sortOrder(keys);
  if (order === null) return [keys, st];
  const k2: string[] = new Array<string>(keys.length);
  const s2: unknown[] = new Array<unknown>(st.length);
  for (let i = 0; i < order.length; i++) {
    const from = order[i] as number;
    k2[i] = keys[from] as string;
    for (let j = 0; j < width; j++) s2[i * width + j] = st[from * width + j];
  }
  return [k2, s2];
}

function makeBlock(keys: readonly string[], st: Float64Array | readonly unknown[], numeric: boolean): WindowBlock {
  return [WINDOW_BLOCK_TAG, keys.length, keys.join('\n'), numeric && !(st instanceof Float64Array) ? Float64Array.from(st as number[]) : st];
}

/**
 * Map side: gathers a task's groups window by window into one block per (window, state
 * partition). A group's partition comes from a hash of its full key (the generated
 * `collectBlocks` computes it), so every map task sends a group to the same partition. Numeric
 * layouts copy states into one reused Float64Array per partition.
 */
export class BlockCollector {
  readonly #out: Array<Array<[string, unknown]>>;
  readonly #n: number;
  readonly #width: number;
  readonly #numeric: boolean;
  readonly #keys: string[][];
  readonly #states: Array<Float64Array | unknown[]>;
  #touched: number[] = [];

  constructor(out: Array<Array<[string, unknown]>>, width: number, numeric: boolean) {
    this.#out = out;
    this.#n = out.length;
    this.#width = width;
    this.#numeric = numeric;
    this.#keys = Array.from({ length: this.#n }, () => []);
    this.#states = Array.from({ length: this.#n }, () => (numeric ? new Float64Array(64 * width) : []));
  }

  /** Adds group `key` (state `s[b, b + width)`) of the current window; `hash` (32 bits) picks its partition. */
  add(hash: number, key: string, s: ArrayLike<unknown>, b: number): void {
    const p = this.#n <= 1 ? 0 : (hash >>> 0) % this.#n;
    const keys = this.#keys[p] as string[];
    const g = keys.length;
    if (g === 0) this.#touched.push(p);
    keys.push(key);
    const w = this.#width;
    if (this.#numeric) {
      let st = this.#states[p] as Float64Array;
      if ((g + 1) * w > st.length) {
        const x = new Float64Array(st.length * 2);
        x.set(st);
        this.#states[p] = st = x;
      }
      for (let i = 0; i < w; i++) st[g * w + i] = s[b + i] as number;
    } else {
      const st = this.#states[p] as unknown[];
      for (let i = 0; i < w; i++) st.push(s[b + i]);
    }
  }

  /** Ends the current window: one block per partition that got groups, under `blockKey`. */
  flush(blockKey: string): void {
    const w = this.#width;
    for (const p of this.#touched) {
      let keys = this.#keys[p] as string[];
      const n = keys.length;
      const from = this.#states[p] as Float64Array | unknown[];
      const order = sortOrder(keys);
      let st: Float64Array | unknown[];
      if (order === null) st = this.#numeric ? (from as Float64Array).slice(0, n * w) : from;
      else {
        keys = order.map((i) => keys[i] as string);
        st = this.#numeric ? new Float64Array(n * w) : new Array<unknown>(n * w);
        for (let i = 0; i < n; i++) for (let j = 0; j < w; j++) st[i * w + j] = from[(order[i] as number) * w + j];
      }
      (this.#out[p] as Array<[string, unknown]>).push([blockKey, [WINDOW_BLOCK_TAG, n, keys.join('\n'), st] satisfies WindowBlock]);
      this.#keys[p] = [];
      if (!this.#numeric) this.#states[p] = [];
    }
    this.#touched = [];
  }
}

/**
 * A block being built in this batch: its group texts (an array once merged, else the joined
 * text of the one partial it adopted), states, and which groups changed in this batch.
 */
interface Work {
  keys: readonly string[] | null;
  joined: string | null;
  n: number;
  st: Float64Array | readonly unknown[];
  /** `changed[i]` = 1 when group i changed in this batch; null: every group did. */
  changed: Uint8Array | null;
  nChanged: number;
}

/** Up to this many inputs per window (the stored block and this batch's partial blocks) are merged pairwise by key order; more go through a hash index. */
const PAIRWISE_MAX_INPUTS = 3;

function newStates(k: BlockKernel, n: number): Float64Array | unknown[] {
  return k.numeric ? new Float64Array(n) : new Array<unknown>(n);
}

/** The sorted merge of `x` (earlier) and partial block `y` (later, every group changed). */
function mergeSorted(k: BlockKernel, x: Work, y: WindowBlock): Work {
  const w = k.width;
  const xk = x.keys ?? (x.joined as string).split('\n');
  const yk = groupKeys(y);
  const xs = x.st;
  const ys = y[3];
  const nx = xk.length;
  const ny = yk.length;
  const keys: string[] = [];
  const st = newStates(k, (nx + ny) * w);
  const changed = new Uint8Array(nx + ny);
  let i = 0;
  let j = 0;
  let o = 0;
  let nChanged = 0;
  while (i < nx && j < ny) {
    const a = xk[i] as string;
    const b = yk[j] as string;
    if (a < b) {
      keys.push(a);
      for (let s = 0; s < w; s++) st[o * w + s] = xs[i * w + s];
      if (x.changed === null || x.changed[i] === 1) {
        changed[o] = 1;
        nChanged++;
      }
      i++;
    } else if (a > b) {
      keys.push(b);
      for (let s = 0; s < w; s++) st[o * w + s] = ys[j * w + s];
      changed[o] = 1;
      nChanged++;
      j++;
    } else {
      keys.push(a);
      k.mergeAt(st, o * w, xs, i * w, ys, j * w);
      changed[o] = 1;
      nChanged++;
      i++;
      j++;
    }
    o++;
  }
  for (; i < nx; i++, o++) {
    keys.push(xk[i] as string);
    for (let s = 0; s < w; s++) st[o * w + s] = xs[i * w + s];
    if (x.changed === null || x.changed[i] === 1) {
      changed[o] = 1;
      nChanged++;
    }
  }
  for (; j < ny; j++, o++) {
    keys.push(yk[j] as string);
    for (let s = 0; s < w; s++) st[o * w + s] = ys[j * w + s];
    changed[o] = 1;
    nChanged++;
  }
  const trimmed = o === nx + ny ? st : k.numeric ? (st as Float64Array).slice(0, o * w) : ((st as unknown[]).length = o * w, st);
  return { keys, joined: null, n: o, st: trimmed, changed: changed.length === o ? changed : changed.subarray(0, o), nChanged };
}

/** Folds many inputs (the stored block first, if any) through a hash index of group → slot, in input order; then sorts. */
function mergeIndexed(k: BlockKernel, stored: WindowBlock | undefined, parts: readonly WindowBlock[]): Work {
  const w = k.width;
  const index = new Map<string, number>();
  const keys: string[] = [];
  const st: unknown[] = [];
  const changed: number[] = [];
  const fold = (b: WindowBlock, flag: number) => {
    const bk = groupKeys(b);
    const bs = b[3];
    for (let g = 0; g < bk.length; g++) {
      const key = bk[g] as string;
      const slot = index.get(key);
      if (slot === undefined) {
        index.set(key, keys.length);
        keys.push(key);
        for (let s = 0; s < w; s++) st.push(bs[g * w + s]);
        changed.push(flag);
      } else {
        k.mergeAt(st, slot * w, st, slot * w, bs, g * w);
        changed[slot] = 1;
      }
    }
  };
  if (stored !== undefined) fold(stored, 0);
  for (const p of parts) fold(p, 1);
  const [sk, ss] = sortGroups(keys, st, w);
  let order: Uint8Array;
  let nChanged = 0;
  if (sk === keys) order = Uint8Array.from(changed);
  else {
    // Recover the changed flags in the new order through the index (keys are unique).
    order = new Uint8Array(sk.length);
    for (let i = 0; i < sk.length; i++) order[i] = changed[index.get(sk[i] as string) as number] as number;
  }
  for (let i = 0; i < order.length; i++) nChanged += order[i] as number;
  return { keys: sk, joined: null, n: sk.length, st: k.numeric ? Float64Array.from(ss as number[]) : ss, changed: order, nChanged };
}

export interface BlockAggregateResult {
  rows: Row[];
  numRowsUpdated: number;
  numRowsRemoved: number;
  /** Groups held in this partition's state after the batch (the store itself counts blocks). */
  numStateRows: number;
}

/**
 * Emitted groups as rows of column chunks of the intermediate schema (keys, then aggregates), at
 * most `capacity` rows each: the columnar form of a partition's output, without a row object per
 * group.
 */
export class GroupChunks {
  readonly #chunks: ColumnChunk[] = [];
  readonly #builder: ColumnChunkBuilder;

  constructor(schema: StructType, capacity: number) {
    this.#builder = new ColumnChunkBuilder(schema, capacity);
  }

  /** The builder to append the next group to (a full chunk is handed over first). */
  next(): ColumnChunkBuilder {
    const b = this.#builder;
    if (b.numRows === b.capacity) this.#chunks.push(b.finish());
    return b;
  }

  /** Every chunk, the last partial one included. */
  finish(): ColumnChunk[] {
    if (this.#builder.numRows > 0) this.#chunks.push(this.#builder.finish());
    return this.#chunks;
  }
}

/** Where a partition's emitted groups go: row objects, or rows of `columns` when set. */
interface Emitted {
  readonly rows: Row[];
  readonly columns: GroupChunks | null;
}

/** Emits one group (see {@link BlockKernel.emitAt}) as a row object, or into `out.columns` when set. */
function emitGroup(k: BlockKernel, out: Emitted, t: number | null, ev: unknown, text: string, from: number, end: number, st: ArrayLike<unknown>, b: number): void {
  if (out.columns === null) out.rows.push(k.emitAt(t, ev, text, from, end, st, b));
  else k.emitInto(t, ev, text, from, end, st, b, out.columns.next());
}

/** Emits the groups of block text `text` (`n` groups) whose `changed` flag is set (every group when null). */
function emitGroups(k: BlockKernel, out: Emitted, t: number | null, text: string, st: ArrayLike<unknown>, changed: Uint8Array | null): void {
  const w = k.width;
  const ev = t === null ? null : k.eventKey(t);
  let from = 0;
  for (let g = 0; from <= text.length; g++) {
    let end = text.indexOf('\n', from);
    if (end === -1) end = text.length;
    if (changed === null || changed[g] === 1) emitGroup(k, out, t, ev, text, from, end, st, g * w);
    from = end + 1;
  }
}

/**
 * The reduce side of a window-blocked aggregation for one state partition: this batch's partial
 * blocks merged into the stored blocks (one `get` and one `put` per touched window), then emission
 * by output mode and eviction by watermark, one `remove` per closed window:
 *
 * | mode | emits | evicts |
 * |---|---|---|
 * | append | every group of a window whose end `<=` watermark, once | the same windows |
 * | update | groups changed in this batch | windows `<=` watermark |
 * | complete | every group | nothing |
 *
 * Rows come in block-key order, groups in key order within a block: sorted by full group key.
 * With `columns`, the emitted rows are appended there (same rows, same order) and `rows` is empty.
 */
export function runBlockAggregate(
  k: BlockKernel,
  partials: Iterable<readonly [string, unknown]>,
  store: StateStoreView,
  wmUs: number,
  evictByWatermark: boolean,
  mode: OutputMode,
  columns: GroupChunks | null = null,
): BlockAggregateResult {
  // State of an earlier layout (per-group keys) sorts among or before block keys, where merges and
  // the eviction scan would miss it: refuse it up front. The first key in order shows it when
  // the store holds only such keys (the first batch after an upgrade).
  for (const [key] of store.entries()) {
    if (!isBlockKey(key)) badKey(key);
    break;
  }
  // A window's partial blocks in task order (each map task sends a window at most once per partition).
  const inputs = new Map<string, WindowBlock[]>();
  for (const [key, v] of partials) {
    const b = asBlock(v, k);
    const list = inputs.get(key);
    if (list === undefined) {
      if (!isBlockKey(key)) badKey(key);
      inputs.set(key, [b]);
    } else list.push(b);
  }
  let updated = 0;
  const touched: Array<[string, WindowBlock, Uint8Array | null]> = [];
  for (const [key, parts] of inputs) {
    const prev = store.get(key);
    const stored = prev === undefined ? undefined : asBlock(prev, k);
    let wk: Work;
    if (parts.length + (stored === undefined ? 0 : 1) > PAIRWISE_MAX_INPUTS) wk = mergeIndexed(k, stored, parts);
    else {
      const first = parts[0] as WindowBlock;
      wk =
        stored === undefined
          ? { keys: null, joined: first[2], n: first[1], st: first[3], changed: null, nChanged: first[1] }
          : mergeSorted(k, { keys: null, joined: stored[2], n: stored[1], st: stored[3], changed: new Uint8Array(stored[1]), nChanged: 0 }, first);
      for (let i = 1; i < parts.length; i++) wk = mergeSorted(k, wk, parts[i] as WindowBlock);
    }
    updated += wk.nChanged;
    const block: WindowBlock = [WINDOW_BLOCK_TAG, wk.n, wk.joined ?? (wk.keys as string[]).join('\n'), wk.st];
    store.put(key, block);
    if (mode === 'update') touched.push([key, block, wk.changed]);
  }
  const rows: Row[] = [];
  const out: Emitted = { rows, columns };
  let removed = 0;
  let total = 0;
  const timeOf = (key: string) => (key === FALLBACK_BLOCK_KEY ? null : prefixTime(key));
  if (mode === 'complete') {
    for (const [key, v] of store.entries()) {
      const b = v as WindowBlock;
      emitGroups(k, out, timeOf(key), b[2], b[3], null);
      total += b[1];
    }
    return { rows, numRowsUpdated: updated, numRowsRemoved: 0, numStateRows: total };
  }
  if (mode === 'update') {
    touched.sort((a, b) => byKey(a[0], b[0]));
    for (const [key, b, changed] of touched) emitGroups(k, out, timeOf(key), b[2], b[3], changed);
  }
  const emit = mode === 'append';
  const evict = evictByWatermark && wmUs > 0;
  const w = k.width;
  const gone: string[] = [];
  for (const [key, v] of store.entries()) {
    const b = v as WindowBlock;
    const n = b[1];
    if (!evict) {
      total += n;
      continue;
    }
    if (key === FALLBACK_BLOCK_KEY) {
      // Fallback groups close one by one (each has its own event time, or none).
      const keys = groupKeys(b);
      const keep: string[] = [];
      const keepSt: unknown[] = [];
      const st = b[3];
      for (let g = 0; g < n; g++) {
        const gk = keys[g] as string;
        const t = k.fallbackTime(gk);
        if (t !== null && t <= wmUs) {
          if (emit) emitGroup(k, out, null, null, gk, 0, gk.length, st, g * w);
          removed++;
        } else {
          keep.push(gk);
          for (let s = 0; s < w; s++) keepSt.push(st[g * w + s]);
        }
      }
      if (keep.length === 0) gone.push(key);
      else if (keep.length < n) store.put(key, makeBlock(keep, keepSt, k.numeric));
      total += keep.length;
      continue;
    }
    if (prefixTime(key) > wmUs) {
      // Past the watermark: this block and every later one stay (counted, not evicted).
      total += n;
      continue;
    }
    if (emit) emitGroups(k, out, prefixTime(key), b[2], b[3], null);
    removed += n;
    gone.push(key);
  }
  for (const key of gone) store.remove(key);
  return { rows, numRowsUpdated: updated, numRowsRemoved: removed, numStateRows: total };
}

/**
 * The groups of a window block as the per-group state entries they stand for: `[full key text,
 * flat state]`, the key as `aggregate-kernel.ts` encodes a group (block key + group JSON; a
 * fallback group `!` + the JSON of every key). For state readers (`weir checkpoint state`) and
 * tests. Null when `key`/`value` are not a window block.
 */
export function expandWindowBlock(key: string, value: unknown): Array<[string, unknown[]]> | null {
  if (!isBlockKey(key) || !Array.isArray(value) || value.length !== 4 || value[0] !== WINDOW_BLOCK_TAG || typeof value[2] !== 'string') return null;
  const n = value[1] as unknown;
  const st = value[3] as unknown;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1 || (!(st instanceof Float64Array) && !Array.isArray(st))) return null;
  const keys = (value[2] as string).split('\n');
  const states = st as ArrayLike<unknown>;
  const w = states.length / n;
  if (keys.length !== n || !Number.isInteger(w)) return null;
  return keys.map((g, i) => [key + g, Array.prototype.slice.call(states, i * w, (i + 1) * w) as unknown[]]);
}
