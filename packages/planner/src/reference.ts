import type { Row } from '@weir/core';
import { castFunction, compareDouble, compareValues } from './builtins.js';
import { FUNCTIONS, tumble, windowsOf } from './runtime-helpers.js';
import { initStates, mergeStates, stateResult, updateState, type AggSpec } from './aggregates.js';
import { AGG_SLOT, type APlan } from './analyzer.js';
import type { TExpr } from './typed-expression.js';
import { PlannerErrors } from './errors.js';

/**
 * A naive reference interpreter: walks typed expressions and analyzed plans row by row with
 * batch (non-streaming) semantics. It is the oracle the compiled stages are tested against, the
 * baseline of the benchmark, and evaluates static join sides at planning time.
 */
export interface EvalEnv {
  readonly nowUs: number;
}

function own(row: Row, name: string): unknown {
  return Object.prototype.hasOwnProperty.call(row, name) ? (row[name] ?? null) : null;
}

function isFloat(t: unknown): boolean {
  return t === 'double' || t === 'float';
}

function eq(a: unknown, b: unknown, t: unknown): boolean {
  if (isFloat(t)) return compareDouble(a as number, b as number) === 0;
  if (typeof t === 'string' && t.startsWith('decimal')) return compareDouble(Number(a), Number(b)) === 0;
  if (typeof a === 'object' || typeof b === 'object') return JSON.stringify(a) === JSON.stringify(b);
  return a === b;
}

function wrapTo(v: number, t: unknown): number {
  switch (t) {
    case 'integer':
      return v | 0;
    case 'short':
      return ((v | 0) << 16) >> 16;
    case 'byte':
      return ((v | 0) << 24) >> 24;
    case 'float':
      return Math.fround(v);
    default:
      return v;
  }
}

export function evalExpr(e: TExpr, row: Row, env: EvalEnv): unknown {
  switch (e.k) {
    case 'col':
      return own(row, e.name);
    case 'lit':
      return e.value ?? null;
    case 'now':
      return env.nowUs;
    case 'cast': {
      const v = evalExpr(e.c, row, env);
      if (v === null) return null;
      const f = castFunction(e.c.dt, e.dt);
      return f ? (f as (x: unknown) => unknown)(v) : v;
    }
    case 'not': {
      const v = evalExpr(e.c, row, env);
      return v === null ? null : !v;
    }
    case 'isNull':
      return evalExpr(e.c, row, env) === null;
    case 'isNotNull':
      return evalExpr(e.c, row, env) !== null;
    case 'negate': {
      const v = evalExpr(e.c, row, env);
      return v === null ? null : wrapTo(-(v as number), e.dt);
    }
    case 'bin': {
      const l = evalExpr(e.l, row, env);
      const r = evalExpr(e.r, row, env);
      if (e.op === 'and') {
        if (l === false || r === false) return false;
        return l === null || r === null ? null : true;
      }
      if (e.op === 'or') {
        if (l === true || r === true) return true;
        return l === null || r === null ? null : false;
      }
      if (e.op === '<=>') return l === null || r === null ? l === r : eq(l, r, e.operandType);
      if (l === null || r === null) return null;
      const t = e.operandType;
      switch (e.op) {
        case '+':
          return wrapTo((l as number) + (r as number), t);
        case '-':
          return wrapTo((l as number) - (r as number), t);
        case '*':
          return t === 'integer' ? Math.imul(l as number, r as number) : wrapTo((l as number) * (r as number), t);
        case '/':
          return r === 0 ? null : (l as number) / (r as number);
        case '%':
          return r === 0 ? null : wrapTo((l as number) % (r as number), t);
        case '=':
          return eq(l, r, t);
        case '!=':
          return !eq(l, r, t);
        default: {
          const c = isFloat(t) ? compareDouble(l as number, r as number) : typeof t === 'string' && t.startsWith('decimal') ? compareDouble(Number(l), Number(r)) : (l as number) < (r as number) ? -1 : (l as number) > (r as number) ? 1 : 0;
          return e.op === '<' ? c < 0 : e.op === '<=' ? c <= 0 : e.op === '>' ? c > 0 : c >= 0;
        }
      }
    }
    case 'case': {
      for (const [c, v] of e.branches) if (evalExpr(c, row, env) === true) return evalExpr(v, row, env);
      return evalExpr(e.otherwise, row, env);
    }
    case 'call': {
      const args = e.args.map((a) => evalExpr(a, row, env));
      if (e.fn === 'coalesce') return args.find((a) => a !== null) ?? null;
      if (args.some((a) => a === null)) return null;
      return (FUNCTIONS[e.fn] as (...a: unknown[]) => unknown)(...args);
    }
    case 'field': {
      const v = evalExpr(e.c, row, env);
      return v === null ? null : own(v as Row, e.name);
    }
    case 'window': {
      const t = evalExpr(e.time, row, env);
      return t === null ? null : tumble(t as number, e.windowUs, e.startUs);
    }
    case 'session':
      throw PlannerErrors.UNSUPPORTED_STREAMING_OPERATION({ operation: 'session_window() outside groupBy', reason: '' });
  }
}

/**
 * Runs an analyzed plan over whole inputs with batch semantics: `inputs[i]` are all rows of
 * source `i`. Aggregations see every row at once (complete-mode results), deduplication keeps the
 * first occurrence, watermarks are ignored. Output rows of aggregations are sorted by key.
 */
export function executeBatch(p: APlan, inputs: ReadonlyMap<number, readonly Row[]>, env: EvalEnv): Row[] {
  const project = (rows: readonly Row[], exprs: readonly { name: string; expr: TExpr }[]): Row[] =>
    rows.map((r) => {
      const o: Row = {};
      for (const x of exprs) Object.defineProperty(o, x.name, { value: evalExpr(x.expr, r, env), enumerable: true, writable: true, configurable: true });
      return o;
    });
  switch (p.kind) {
    case 'Source':
      return (inputs.get(p.index) ?? []).map((r) => {
        const o: Row = {};
        for (const f of p.schema) Object.defineProperty(o, f.name, { value: own(r, f.name), enumerable: true, writable: true, configurable: true });
        return o;
      });
    case 'LocalRelation':
      return executeBatch({ kind: 'Source', index: -1, format: 'local', schema: p.schema, streaming: true, eventTime: null }, new Map([[-1, p.rows]]), env);
    case 'Project':
      return project(executeBatch(p.child, inputs, env), p.exprs);
    case 'Filter':
      return executeBatch(p.child, inputs, env).filter((r) => evalExpr(p.condition, r, env) === true);
    case 'Watermark':
      return executeBatch(p.child, inputs, env);
    case 'Union':
      return p.children.flatMap((c) =>
        executeBatch(c, inputs, env).map((r) => {
          const vals = c.schema.map((f) => own(r, f.name));
          const o: Row = {};
          p.schema.forEach((f, i) => {
            const from = c.schema[i]?.type ?? f.type;
            const cast = castFunction(from, f.type);
            const v = vals[i] ?? null;
            Object.defineProperty(o, f.name, { value: v === null || !cast ? v : (cast as (x: unknown) => unknown)(v), enumerable: true, writable: true, configurable: true });
          });
          return o;
        }),
      );
    case 'Deduplicate': {
      const seen = new Set<string>();
      return executeBatch(p.child, inputs, env).filter((r) => {
        const k = refKey(p.keys.map((n) => own(r, n)));
        if (seen.has(k)) return false;
        seen.add(k);
        return true;
      });
    }
    case 'Join': {
      const left = executeBatch(p.left, inputs, env);
      const right = executeBatch(p.right, inputs, env);
      const out: Row[] = [];
      const matchedRight = new Set<number>();
      const keyOf = (r: Row, side: 'left' | 'right'): unknown[] =>
        p.keys.map((k) => {
          const v = own(r, k[side]);
          const f = (side === 'left' ? p.left : p.right).schema.find((x) => x.name === k[side]);
          const to = p.schema.find((x) => x.name === k.name)?.type;
          const cast = f && to ? castFunction(f.type, to) : null;
          return v === null || !cast ? v : (cast as (x: unknown) => unknown)(v);
        });
      const build = (l: Row | null, r: Row | null, lk: unknown[] | null, rk: unknown[] | null): Row => {
        const o: Row = {};
        p.schema.forEach((f, i) => {
          let v: unknown;
          if (i < p.keys.length) v = (lk ?? rk ?? [])[i] ?? null;
          else if (l && p.left.schema.some((x) => x.name === f.name)) v = own(l, f.name);
          else if (r && p.right.schema.some((x) => x.name === f.name)) v = own(r, f.name);
          else v = null;
          Object.defineProperty(o, f.name, { value: v, enumerable: true, writable: true, configurable: true });
        });
        return o;
      };
      for (const l of left) {
        const lk = keyOf(l, 'left');
        let matched = false;
        right.forEach((r, j) => {
          const rk = keyOf(r, 'right');
          if (lk.every((v, i) => v !== null && rk[i] !== null && eq(v, rk[i], typeof v === 'number' ? 'double' : null))) {
            matched = true;
            matchedRight.add(j);
            out.push(build(l, r, lk, rk));
          }
        });
        if (!matched && (p.how === 'left' || p.how === 'full')) out.push(build(l, null, lk, null));
      }
      if (p.how === 'right' || p.how === 'full') {
        right.forEach((r, j) => {
          if (!matchedRight.has(j)) out.push(build(null, r, null, keyOf(r, 'right')));
        });
      }
      return out;
    }
    case 'Aggregate': {
      const rows = executeBatch(p.child, inputs, env);
      const specs: AggSpec[] = p.aggs.map((a) => ({ fn: a.fn, star: a.input === null }));
      const groups = new Map<string, { keys: unknown[]; states: unknown[] }>();
      const sessionIdx = p.keys.findIndex((k) => k.expr.k === 'session');
      for (const r of rows) {
        const base = p.keys.map((k) => (k.expr.k === 'window' || k.expr.k === 'session' ? evalExpr(k.expr.time, r, env) : evalExpr(k.expr, r, env)));
        const windowIdx = p.keys.findIndex((k) => k.expr.k === 'window');
        let keySets: unknown[][] = [base];
        if (windowIdx >= 0) {
          const w = p.keys[windowIdx]?.expr as Extract<TExpr, { k: 'window' }>;
          const t = base[windowIdx];
          if (t === null) continue;
          keySets = windowsOf(t as number, w.windowUs, w.slideUs, w.startUs).map(([s, e]) => base.map((v, i) => (i === windowIdx ? { start: s, end: e } : v)));
        }
        if (sessionIdx >= 0) {
          const s = p.keys[sessionIdx]?.expr as Extract<TExpr, { k: 'session' }>;
          const t = base[sessionIdx];
          if (t === null) continue;
          keySets = [base.map((v, i) => (i === sessionIdx ? { start: t, end: (t as number) + s.gapUs } : v))];
        }
        for (const keys of keySets) {
          const values = p.aggs.map((a) => (a.input === null ? null : evalExpr(a.input, r, env)));
          const states = initStates(specs).map((s, i) => updateState(specs[i] as AggSpec, s, values[i]));
          const ks = sessionIdx >= 0 ? refKey(keys.map((v, i) => (i === sessionIdx ? null : v))) + '\u0000' + JSON.stringify(keys[sessionIdx]) : refKey(keys);
          const g = groups.get(ks);
          if (g) g.states = g.states.map((s, i) => mergeStates(specs[i] as AggSpec, s, states[i]));
          else groups.set(ks, { keys, states });
        }
      }
      let entries = [...groups.entries()];
      if (sessionIdx >= 0) entries = mergeSessionGroups(entries, sessionIdx, specs);
      entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      const intermediate = entries.map(([, g]) => {
        const o: Row = {};
        p.keys.forEach((k, i) => Object.defineProperty(o, k.name, { value: g.keys[i], enumerable: true, writable: true, configurable: true }));
        p.aggs.forEach((_, i) => (o[AGG_SLOT(i)] = stateResult(specs[i] as AggSpec, g.states[i])));
        return o;
      });
      return project(intermediate, [...p.keys.map((k) => ({ name: k.name, expr: { k: 'col', name: k.name, dt: k.expr.dt } as TExpr })), ...p.results]);
    }
    case 'Sort': {
      const rows = executeBatch(p.child, inputs, env);
      return rows
        .map((r) => ({ r, k: p.keys.map((k) => evalExpr(k, r, env)) }))
        .sort((a, b) => {
          for (let i = 0; i < a.k.length; i++) {
            const x = a.k[i];
            const y = b.k[i];
            if (x === y) continue;
            if (x === null) return -1;
            if (y === null) return 1;
            const c = compareValues(x, y);
            if (c !== 0) return c;
          }
          return 0;
        })
        .map((x) => x.r);
    }
    case 'Limit':
      return executeBatch(p.child, inputs, env).slice(0, p.n);
  }
}

type Group = { keys: unknown[]; states: unknown[] };

/** Group identity for the reference GROUP BY: numbers by their string form (NaN is one group, -0 is 0). */
function refKey(keys: readonly unknown[]): string {
  return keys.map((v) => (typeof v === 'number' ? `n${String(v)}` : JSON.stringify(v))).join('\u0001');
}

/** Merges per-event sessions of the same key that overlap or touch (`next.start <= current.end`). */
function mergeSessionGroups(entries: [string, Group][], sessionIdx: number, specs: AggSpec[]): [string, Group][] {
  const byKey = new Map<string, Group[]>();
  for (const [ks, g] of entries) {
    const base = ks.slice(0, ks.indexOf('\u0000'));
    const list = byKey.get(base) ?? [];
    list.push(g);
    byKey.set(base, list);
  }
  const out: [string, Group][] = [];
  for (const [base, list] of byKey) {
    list.sort((a, b) => (a.keys[sessionIdx] as { start: number }).start - (b.keys[sessionIdx] as { start: number }).start);
    let cur: Group | null = null;
    const flush = (g: Group) => out.push([base + '\u0000' + JSON.stringify([(g.keys[sessionIdx] as { start: number }).start]), g]);
    for (const g of list) {
      const w = g.keys[sessionIdx] as { start: number; end: number };
      if (cur) {
        const cw = cur.keys[sessionIdx] as { start: number; end: number };
        if (w.start <= cw.end) {
          cur = {
            keys: cur.keys.map((v, i) => (i === sessionIdx ? { start: cw.start, end: Math.max(cw.end, w.end) } : v)),
            states: cur.states.map((s, i) => mergeStates(specs[i] as AggSpec, s, g.states[i])),
          };
          continue;
        }
        flush(cur);
      }
      cur = g;
    }
    if (cur) flush(cur);
  }
  return out;
}
