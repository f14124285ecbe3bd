import { parseDuration, type DataType, type Row, type StateStoreView } from '@weir/core';
import { castFunction } from './builtins.js';
import { decodeKey, encodeKey } from './key-encoding.js';
import { PlannerErrors } from './errors.js';
import type { JoinTimeRange } from './logical-plan.js';

/**
 * Stream-stream inner join (Spark's `StreamingSymmetricHashJoinExec`): both sides are buffered
 * in the state store by join key; a new row on one side joins with the other side's state and
 * with the other side's new rows of the same batch; an optional time-range condition bounds the
 * state, which is evicted once the watermark guarantees no future row of the other side can
 * match. Without a time range (or without watermarks) the state is kept forever, as in Spark
 * (allowed for inner joins).
 */

/** A parsed time-range condition, possibly with strict bounds (`>`/`<`). */
export type ParsedTimeRange = JoinTimeRange;

/** The stateful operator of a stream-stream join. */
export interface StreamJoinOperator {
  readonly kind: 'streamJoin';
  readonly operatorId: number;
  readonly leftKeys: readonly string[];
  readonly rightKeys: readonly string[];
  /** Output key column names (the left names). */
  readonly keyNames: readonly string[];
  /** Key types per side and the common (output) key type: keys are cast to it before hashing and matching, as Spark's analyzer does. */
  readonly leftKeyTypes: readonly DataType[];
  readonly rightKeyTypes: readonly DataType[];
  readonly keyTypes: readonly DataType[];
  /** Non-key columns of each side, in output order. */
  readonly leftColumns: readonly string[];
  readonly rightColumns: readonly string[];
  /** Time-range condition over the two sides' columns, null → unbounded state. */
  readonly range: ParsedTimeRange | null;
  /** Each side's watermarked column (as named in that side's schema) or null: late rows of a side are dropped by it. */
  readonly leftWatermarkColumn: string | null;
  readonly rightWatermarkColumn: string | null;
  /** Condition text for explain. */
  readonly conditionText: string;
  /** Compiled: joined rows → output rows (operators above the join). */
  readonly finalCode: string;
}

/** The value a map task sends per join key: one side's new rows. */
export interface StreamJoinPartial {
  readonly side: 0 | 1;
  readonly rows: Row[];
}

const TERM = /^\s*([A-Za-z_][\w]*)\s*(?:([+-])\s*(interval\s+.+?))?\s*$/i;

function parseTerm(text: string, whole: string): { column: string; offsetMs: number } {
  const m = TERM.exec(text);
  if (!m) throw PlannerErrors.INVALID_EXPRESSION({ expression: whole, reason: `expected "column [+|- interval <duration>]", got "${text.trim()}"` });
  const ms = m[3] ? parseDuration(m[3]) : 0;
  return { column: m[1] as string, offsetMs: m[2] === '-' ? -ms : ms };
}

/**
 * Parses a time-range join condition in Spark's SQL spelling:
 * `a BETWEEN b - interval 5 minutes AND b + interval 5 minutes`, or
 * `a >= b [± interval …] AND a <= b [± interval …]` (`>`/`<` allowed).
 * Throws `INVALID_EXPRESSION` for anything else.
 */
export function parseTimeRangeCondition(text: string): ParsedTimeRange {
  const between = /^\s*([A-Za-z_]\w*)\s+between\s+(.+?)\s+and\s+(.+)$/i.exec(text);
  let a: string;
  let lo: { column: string; offsetMs: number };
  let hi: { column: string; offsetMs: number };
  let lowerStrict = false;
  let upperStrict = false;
  if (between) {
    a = between[1] as string;
    lo = parseTerm(between[2] as string, text);
    hi = parseTerm(between[3] as string, text);
  } else {
    const parts = text.split(/\s+and\s+/i);
    if (parts.length !== 2) throw PlannerErrors.INVALID_EXPRESSION({ expression: text, reason: 'expected "a BETWEEN b - interval … AND b + interval …" or "a >= b … AND a <= b …"' });
    const cmp = parts.map((p) => /^\s*([A-Za-z_]\w*)\s*(>=|<=|>|<)\s*(.+)$/.exec(p));
    const ge = cmp.find((m) => m && m[2]?.startsWith('>'));
    const le = cmp.find((m) => m && m[2]?.startsWith('<'));
    if (!ge || !le || ge[1] !== le[1]) {
      throw PlannerErrors.INVALID_EXPRESSION({ expression: text, reason: 'expected one lower bound (>=, >) and one upper bound (<=, <) on the same column' });
    }
    a = ge[1] as string;
    lo = parseTerm(ge[3] as string, text);
    hi = parseTerm(le[3] as string, text);
    lowerStrict = ge[2] === '>';
    upperStrict = le[2] === '<';
  }
  if (lo.column !== hi.column) throw PlannerErrors.INVALID_EXPRESSION({ expression: text, reason: 'both bounds must be relative to the same column' });
  if (lo.offsetMs > hi.offsetMs) throw PlannerErrors.INVALID_EXPRESSION({ expression: text, reason: 'the lower bound is above the upper bound' });
  return { leftColumn: a, rightColumn: lo.column, lowerMs: lo.offsetMs, upperMs: hi.offsetMs, lowerStrict, upperStrict };
}

/** The condition as Spark prints it in a plan. */
export function formatTimeRange(r: ParsedTimeRange): string {
  const term = (ms: number) => (ms === 0 ? r.rightColumn : `${r.rightColumn} ${ms < 0 ? '-' : '+'} interval ${Math.abs(ms)} milliseconds`);
  return `((${r.leftColumn} ${r.lowerStrict ? '>' : '>='} ${term(r.lowerMs)}) AND (${r.leftColumn} ${r.upperStrict ? '<' : '<='} ${term(r.upperMs)}))`;
}

/** Collects one map task's join-side rows by key; drops each side's rows older than the watermark. */
export class JoinSideSink {
  dropped = 0;
  readonly late: Row[] | null;
  readonly #op: StreamJoinOperator;
  readonly #wmUs: number;
  readonly #checkLate: boolean;
  readonly #bySide: [Map<string, Row[]>, Map<string, Row[]>] = [new Map(), new Map()];
  readonly #casts: [((v: unknown) => unknown)[], ((v: unknown) => unknown)[]];

  constructor(op: StreamJoinOperator, wmUs: number, checkLate: boolean, collectLate: boolean) {
    this.#op = op;
    const casts = (types: readonly DataType[]) =>
      types.map((t, i) => {
        const f = castFunction(t, op.keyTypes[i] as DataType) as ((v: unknown) => unknown) | null | undefined;
        return f ?? ((v: unknown) => v);
      });
    this.#casts = [casts(op.leftKeyTypes), casts(op.rightKeyTypes)];
    this.#wmUs = wmUs;
    this.#checkLate = checkLate;
    this.late = collectLate ? [] : null;
  }

  add(r: Row, keys: unknown[], row: Row, side: 0 | 1): void {
    const wmCol = side === 0 ? this.#op.leftWatermarkColumn : this.#op.rightWatermarkColumn;
    if (this.#checkLate && wmCol !== null) {
      const t = row[wmCol] as number | null;
      if (t !== null && t <= this.#wmUs) {
        this.dropped++;
        this.late?.push(r);
        return;
      }
    }
    // An inner join never matches a null key.
    if (keys.some((k) => k === null || k === undefined)) return;
    const casts = this.#casts[side];
    for (let i = 0; i < keys.length; i++) {
      keys[i] = (casts[i] as (v: unknown) => unknown)(keys[i]);
      if (keys[i] === null || keys[i] === undefined) return;
    }
    const key = encodeKey(keys);
    const m = this.#bySide[side];
    const list = m.get(key);
    if (list) list.push(row);
    else m.set(key, [row]);
  }

  /** `[key, partial]` pairs: one per (key, side). */
  entries(): [string, StreamJoinPartial][] {
    const out: [string, StreamJoinPartial][] = [];
    for (const side of [0, 1] as const) for (const [k, rows] of this.#bySide[side]) out.push([k, { side, rows }]);
    return out;
  }
}

function matches(op: StreamJoinOperator, l: Row, r: Row): boolean {
  const range = op.range;
  if (range === null) return true;
  const lt = l[range.leftColumn] as number | null;
  const rt = r[range.rightColumn] as number | null;
  if (lt === null || rt === null || lt === undefined || rt === undefined) return false;
  const d = lt - rt;
  const lo = range.lowerMs * 1000;
  const hi = range.upperMs * 1000;
  return (range.lowerStrict ? d > lo : d >= lo) && (range.upperStrict ? d < hi : d <= hi);
}

function joined(op: StreamJoinOperator, key: readonly unknown[], l: Row, r: Row): Row {
  const o: Row = {};
  const def = (n: string, v: unknown) => Object.defineProperty(o, n, { value: v, enumerable: true, writable: true, configurable: true });
  op.keyNames.forEach((n, i) => def(n, key[i] ?? null));
  for (const c of op.leftColumns) def(c, l[c] ?? null);
  for (const c of op.rightColumns) def(c, r[c] ?? null);
  return o;
}

const stateKey = (side: 0 | 1, key: string) => `${side === 0 ? 'L' : 'R'}|${key}`;

/**
 * One state partition of a stream-stream join: per key, new left rows join with (right state +
 * new right rows), new right rows with left state (so a pair of new rows is emitted once); new
 * rows are added to state; then state rows that no future row of the other side can match are
 * evicted. With the condition `l BETWEEN r + lower AND r + upper` and future rows newer than the
 * watermark `wm` (older ones are dropped as late): a left row with `l <= wm + lower` and a right
 * row with `r <= wm - upper` can never match again. Eviction needs the other side's watermark
 * on its time-range column; otherwise that side's state stays (Spark keeps it forever).
 * Output rows are sorted by key, then by the order they were produced (deterministic).
 */
export function runStreamJoin(
  op: StreamJoinOperator,
  partials: Iterable<readonly [string, unknown]>,
  store: StateStoreView,
  wmUs: number,
): { rows: Row[]; numRowsUpdated: number; numRowsRemoved: number } {
  const fresh = new Map<string, [Row[], Row[]]>();
  for (const [key, p] of partials) {
    const part = p as StreamJoinPartial;
    let e = fresh.get(key);
    if (!e) {
      e = [[], []];
      fresh.set(key, e);
    }
    for (const r of part.rows) e[part.side].push(r);
  }
  const out: [string, Row][] = [];
  let updated = 0;
  for (const [key, [newL, newR]] of fresh) {
    const oldL = (store.get(stateKey(0, key)) as Row[] | undefined) ?? [];
    const oldR = (store.get(stateKey(1, key)) as Row[] | undefined) ?? [];
    const keyValues = decodeKey(key);
    const rightAll = [...oldR, ...newR];
    for (const l of newL) for (const r of rightAll) if (matches(op, l, r)) out.push([key, joined(op, keyValues, l, r)]);
    for (const r of newR) for (const l of oldL) if (matches(op, l, r)) out.push([key, joined(op, keyValues, l, r)]);
    if (newL.length > 0) {
      store.put(stateKey(0, key), [...oldL, ...newL]);
      updated += newL.length;
    }
    if (newR.length > 0) {
      store.put(stateKey(1, key), rightAll);
      updated += newR.length;
    }
  }
  let removed = 0;
  const range = op.range;
  if (range !== null && wmUs > 0) {
    // Left rows are bounded by future right rows (right watermark on the right range column), and vice versa.
    const leftLimit = op.rightWatermarkColumn === range.rightColumn ? wmUs + range.lowerMs * 1000 : null;
    const rightLimit = op.leftWatermarkColumn === range.leftColumn ? wmUs - range.upperMs * 1000 : null;
    const changes: [string, Row[]][] = [];
    for (const [k, v] of store.entries()) {
      const left = k.startsWith('L|');
      const limit = left ? leftLimit : rightLimit;
      if (limit === null) continue;
      const col = left ? range.leftColumn : range.rightColumn;
      const rows = v as Row[];
      const keep = rows.filter((r) => {
        const t = r[col] as number | null;
        return t !== null && t !== undefined && t > limit;
      });
      if (keep.length !== rows.length) {
        removed += rows.length - keep.length;
        changes.push([k, keep]);
      }
    }
    for (const [k, keep] of changes) {
      if (keep.length === 0) store.remove(k);
      else store.put(k, keep);
    }
  }
  // Sort by key (stable: the production order within a key is deterministic).
  const rows = out
    .map((x, i) => ({ x, i }))
    .sort((a, b) => (a.x[0] < b.x[0] ? -1 : a.x[0] > b.x[0] ? 1 : a.i - b.i))
    .map((e) => e.x[1]);
  return { rows, numRowsUpdated: updated, numRowsRemoved: removed };
}
