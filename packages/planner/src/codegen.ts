import { isDecimalType, isIntegralType, type DataType } from '@weir/core';
import { PlannerErrors } from './errors.js';
import type { NamedTExpr } from './analyzer.js';
import type { Fields, TExpr } from './typed-expression.js';

/**
 * Code generation: a stage (a chain of projections, filters, watermark statistics and
 * stream-static joins, ending in "emit the row" or "hand the row to the stateful sink") becomes
 * the source text of ONE JavaScript function, compiled once per worker with `new Function` and
 * cached by its text (see `runtime.ts`).
 *
 * Safety rule: user text (column names, literals, patterns) only ever enters the source through
 * `JSON.stringify`, never raw, and object keys named `__proto__` are emitted as computed keys so
 * they define a property rather than a prototype. Column reads of names that exist on
 * `Object.prototype` go through an own-property check.
 *
 * Generated function shape:
 * ```js
 * // prologue runs once per compilation: helpers and casts are looked up here, not per row
 * const f0 = h.fns["upper"]; const k0 = h.castFn("\"string\"", "\"timestamp\"");
 * return function stage(rows, rt, sink) {
 *   const out = []; let evMin = rt.evMin, evMax = rt.evMax, evSum = rt.evSum, evCount = rt.evCount;
 *   for (let i = 0; i < rows.length; i++) { const r = rows[i]; const c0 = r["a"] ?? null; …; out.push({ "a": t3 }); }
 *   rt.evMin = evMin; …; return out;
 * };
 * ```
 */

/** A pipeline operator of a compiled stage. */
export type StageOp =
  | { readonly op: 'project'; readonly exprs: readonly NamedTExpr[] }
  | { readonly op: 'filter'; readonly condition: TExpr }
  | { readonly op: 'watermark'; readonly column: string }
  | {
      readonly op: 'join';
      /** Index into the plan's join tables. */
      readonly table: number;
      /** Output key columns, evaluated on the streaming side (already cast to the join type). */
      readonly keys: readonly NamedTExpr[];
      readonly outer: boolean;
      /** Output names of the table side's non-key columns, in the table's value order. */
      readonly tableColumns: readonly { readonly name: string; readonly dt: DataType }[];
      /** Output schema after the join, in order. */
      readonly schema: Fields;
    };

/** What a pipeline does with each surviving row. */
export type StageTerminal =
  | { readonly kind: 'emit'; readonly schema: Fields }
  | { readonly kind: 'aggregate'; readonly keys: readonly TExpr[]; readonly inputs: readonly (TExpr | null)[] }
  | { readonly kind: 'dedup'; readonly keys: readonly string[]; readonly schema: Fields; /** Passed as the 4th `sink.add` argument (stream-stream join: the side). */ readonly tag?: number };

export interface Pipeline {
  readonly input: Fields;
  readonly ops: readonly StageOp[];
  readonly terminal: StageTerminal;
}

const PROTO_NAMES = new Set(Object.getOwnPropertyNames(Object.prototype));

/** A JS property key for an object literal: JSON string, or computed for `__proto__`. */
function objectKey(name: string): string {
  return name === '__proto__' ? `[${JSON.stringify(name)}]` : JSON.stringify(name);
}

/** A JS expression reading column `name` from object `obj`, null when absent. */
export function readProperty(obj: string, name: string): string {
  return PROTO_NAMES.has(name) ? `h.own(${obj}, ${JSON.stringify(name)})` : `(${obj}[${JSON.stringify(name)}] ?? null)`;
}

/** JS source for a literal value (numbers keep NaN/±Infinity/-0, which JSON cannot express). */
export function literalSource(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return 'NaN';
    if (v === Infinity) return 'Infinity';
    if (v === -Infinity) return '(-Infinity)';
    if (Object.is(v, -0)) return '(-0)';
    return `(${JSON.stringify(v)})`;
  }
  if (typeof v === 'string' || typeof v === 'boolean') return JSON.stringify(v);
  throw PlannerErrors.PLANNER_INTERNAL_ERROR({ reason: `cannot emit a literal of type ${typeof v}` });
}

const WIDTH: Readonly<Record<string, number>> = { byte: 8, short: 16, integer: 32, long: 64 };

/**
 * Numeric casts that need no helper call, as inline JS (or `v` itself for the identity); null
 * when the cast goes through `h.castFn`. Must agree with `castFunction` (the property test checks).
 */
function inlineCast(from: DataType, to: DataType, v: string): string | null {
  const fw = typeof from === 'string' ? WIDTH[from] : undefined;
  const tw = typeof to === 'string' ? WIDTH[to] : undefined;
  if (fw !== undefined && tw !== undefined) {
    if (tw >= fw) return v;
    return tw === 32 ? `(${v} | 0)` : `h.wrap(${v}, ${tw})`;
  }
  if (fw !== undefined && to === 'double') return v;
  if ((fw !== undefined || from === 'double') && to === 'float') return `Math.fround(${v})`;
  if (from === 'float' && to === 'double') return v;
  if (from === 'boolean' && tw !== undefined) return `(${v} ? 1 : 0)`;
  if (from === 'boolean' && (to === 'double' || to === 'float')) return `(${v} ? 1 : 0)`;
  return null;
}

function isFloating(t: DataType): boolean {
  return t === 'double' || t === 'float';
}

class Gen {
  readonly prologue: string[] = [];
  readonly #prologueKeys = new Map<string, string>();
  lines: string[] = [];
  #n = 0;
  #depth = 1;

  tmp(prefix = 't'): string {
    return `${prefix}${this.#n++}`;
  }
  line(s: string): void {
    this.lines.push('  '.repeat(this.#depth) + s);
  }
  open(s: string): void {
    this.line(s);
    this.#depth++;
  }
  close(s = '}'): void {
    this.#depth--;
    this.line(s);
  }
  /** A value computed once per compilation (helper lookups, cast functions). */
  constant(source: string): string {
    let v = this.#prologueKeys.get(source);
    if (!v) {
      v = this.tmp('k');
      this.#prologueKeys.set(source, v);
      this.prologue.push(`const ${v} = ${source};`);
    }
    return v;
  }
  let(source: string): string {
    const t = this.tmp();
    this.line(`const ${t} = ${source};`);
    return t;
  }

  /** Emits statements computing `e`; returns a JS expression (a variable or a literal) holding its value. */
  expr(e: TExpr, b: ReadonlyMap<string, string>): string {
    switch (e.k) {
      case 'col': {
        const v = b.get(e.name);
        if (v === undefined) throw PlannerErrors.PLANNER_INTERNAL_ERROR({ reason: `column ${JSON.stringify(e.name)} is not bound in the generated stage` });
        return v;
      }
      case 'lit':
        return literalSource(e.value);
      case 'now':
        return 'nowUs';
      case 'cast': {
        const c = this.expr(e.c, b);
        if (JSON.stringify(e.c.dt) === JSON.stringify(e.dt)) return c;
        const inline = inlineCast(e.c.dt, e.dt, c);
        if (inline !== null) return inline === c ? c : this.let(`${c} === null ? null : ${inline}`);
        const f = this.constant(`h.castFn(${JSON.stringify(JSON.stringify(e.c.dt))}, ${JSON.stringify(JSON.stringify(e.dt))})`);
        return this.let(`${c} === null ? null : ${f}(${c})`);
      }
      case 'not': {
        const c = this.expr(e.c, b);
        return this.let(`${c} === null ? null : !${c}`);
      }
      case 'isNull':
        return this.let(`${this.expr(e.c, b)} === null`);
      case 'isNotNull':
        return this.let(`${this.expr(e.c, b)} !== null`);
      case 'negate': {
        const c = this.expr(e.c, b);
        return this.let(`${c} === null ? null : ${this.#wrap(`-${c}`, e.dt)}`);
      }
      case 'bin':
        return this.#binary(e, b);
      case 'case': {
        const parts = e.branches.map(([c, v]) => [this.expr(c, b), this.expr(v, b)] as const);
        const other = this.expr(e.otherwise, b);
        return this.let(parts.map(([c, v]) => `${c} === true ? ${v} : `).join('') + other);
      }
      case 'call':
        return this.#call(e, b);
      case 'field': {
        const c = this.expr(e.c, b);
        return this.let(`${c} === null ? null : ${readProperty(c, e.name)}`);
      }
      case 'window': {
        if (e.slideUs !== e.windowUs) {
          throw PlannerErrors.UNSUPPORTED_STREAMING_OPERATION({ operation: 'A sliding window() outside groupBy', reason: ' in weir' });
        }
        const t = this.expr(e.time, b);
        return this.let(`${t} === null ? null : h.tumble(${t}, ${literalSource(e.windowUs)}, ${literalSource(e.startUs)})`);
      }
      case 'session':
        throw PlannerErrors.UNSUPPORTED_STREAMING_OPERATION({ operation: 'session_window() outside groupBy', reason: '' });
    }
  }

  /** Integer overflow wraps as in Spark's non-ANSI mode (byte/short/int); floats round to single precision. */
  #wrap(src: string, t: DataType): string {
    switch (t) {
      case 'integer':
        return `((${src}) | 0)`;
      case 'short':
        return `h.wrap(${src}, 16)`;
      case 'byte':
        return `h.wrap(${src}, 8)`;
      case 'float':
        return `Math.fround(${src})`;
      default:
        return `(${src})`;
    }
  }

  #binary(e: Extract<TExpr, { k: 'bin' }>, b: ReadonlyMap<string, string>): string {
    const l = this.expr(e.l, b);
    const r = this.expr(e.r, b);
    const t = e.operandType;
    const nullCheck = [l, r].filter((x) => x === 'null' || /^[tck]\d+$|^nowUs$/.test(x));
    const guard = nullCheck.length === 0 ? '' : `${nullCheck.map((x) => `${x} === null`).join(' || ')} ? null : `;
    switch (e.op) {
      case 'and':
        return this.let(`(${l} === false || ${r} === false) ? false : (${l} === null || ${r} === null) ? null : true`);
      case 'or':
        return this.let(`(${l} === true || ${r} === true) ? true : (${l} === null || ${r} === null) ? null : false`);
      case '+':
      case '-':
        return this.let(`${guard}${this.#wrap(`${l} ${e.op} ${r}`, t)}`);
      case '*':
        return this.let(`${guard}${t === 'integer' ? `Math.imul(${l}, ${r})` : this.#wrap(`${l} * ${r}`, t)}`);
      case '/':
        return this.let(`${guard}(${r} === 0 ? null : ${l} / ${r})`);
      case '%':
        return this.let(`${guard}(${r} === 0 ? null : ${this.#wrap(`${l} % ${r}`, t)})`);
      case '<=>':
        return this.let(`(${l} === null || ${r} === null) ? ${l} === ${r} : ${this.#eq(l, r, t)}`);
      case '=':
        return this.let(`${guard}${this.#eq(l, r, t)}`);
      case '!=':
        return this.let(`${guard}!${this.#eq(l, r, t)}`);
      default: {
        if (isFloating(t) || isDecimalType(t)) {
          const cmp = isDecimalType(t) ? 'h.cmpDec' : 'h.cmpD';
          return this.let(`${guard}${cmp}(${l}, ${r}) ${e.op} 0`);
        }
        return this.let(`${guard}${l} ${e.op} ${r}`);
      }
    }
  }

  #eq(l: string, r: string, t: DataType): string {
    if (isFloating(t)) return `(${l} === ${r} || (${l} !== ${l} && ${r} !== ${r}))`;
    if (isDecimalType(t)) return `(h.cmpDec(${l}, ${r}) === 0)`;
    if (typeof t === 'object' || t === 'binary') return `h.eqJ(${l}, ${r})`;
    return `(${l} === ${r})`;
  }

  #call(e: Extract<TExpr, { k: 'call' }>, b: ReadonlyMap<string, string>): string {
    const args = e.args.map((a) => this.expr(a, b));
    if (e.fn === 'coalesce') {
      return this.let(args.slice(0, -1).map((a) => `${a} !== null ? ${a} : `).join('') + args[args.length - 1]);
    }
    const f = this.constant(`h.fns[${JSON.stringify(e.fn)}]`);
    const nullable = args.filter((a) => !/^"|^\(|^true$|^false$/.test(a));
    const guard = nullable.length === 0 ? '' : `${nullable.map((a) => `${a} === null`).join(' || ')} ? null : `;
    return this.let(`${guard}${f}(${args.join(', ')})`);
  }
}

/** Binds the input columns of a pipeline from row variable `r`. */
function bindInput(g: Gen, input: Fields, row: string): Map<string, string> {
  const b = new Map<string, string>();
  for (const f of input) {
    const v = g.tmp('c');
    g.line(`const ${v} = ${readProperty(row, f.name)};`);
    b.set(f.name, v);
  }
  return b;
}

function materialize(schema: Fields, b: ReadonlyMap<string, string>): string {
  return `{ ${schema
    .map((f) => {
      const v = b.get(f.name);
      if (v === undefined) throw PlannerErrors.PLANNER_INTERNAL_ERROR({ reason: `output column ${JSON.stringify(f.name)} is not bound` });
      return `${objectKey(f.name)}: ${v}`;
    })
    .join(', ')} }`;
}

/**
 * True when an emitted row would be a field-for-field copy of the input row `r`: the output
 * columns are the input columns, in order, each still bound to its own input load (filters and
 * watermark statistics may have run; nothing was projected or joined). Names that exist on
 * `Object.prototype` are excluded: their copy defines an own property a reader relies on.
 */
function isInputRow(schema: Fields, input: Fields, inputBinding: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  if (schema.length !== input.length || new Set(schema.map((f) => f.name)).size !== schema.length) return false;
  return schema.every((f, i) => {
    const v = inputBinding.get(f.name);
    return f.name === (input[i] as Fields[number]).name && !PROTO_NAMES.has(f.name) && v !== undefined && b.get(f.name) === v;
  });
}

function genOps(g: Gen, ops: readonly StageOp[], at: number, b: Map<string, string>, terminal: StageTerminal, input: { readonly fields: Fields; readonly binding: ReadonlyMap<string, string> }): void {
  if (at === ops.length) {
    switch (terminal.kind) {
      case 'emit':
        // A row that passes through unchanged is emitted as is (no copy per row for filter-only stages).
        g.line(`out.push(${isInputRow(terminal.schema, input.fields, input.binding, b) ? 'r' : materialize(terminal.schema, b)});`);
        return;
      case 'aggregate': {
        const keys = terminal.keys.map((k) => g.expr(k, b));
        const inputs = terminal.inputs.map((x) => (x === null ? 'null' : g.expr(x, b)));
        // Flat arguments (keys, then aggregate inputs): no per-row arrays; the sink's `add` is generated for this arity.
        g.line(`sink.add(r${[...keys, ...inputs].map((x) => `, ${x}`).join('')});`);
        return;
      }
      case 'dedup': {
        const keys = terminal.keys.map((k) => b.get(k) as string);
        g.line(`sink.add(r, [${keys.join(', ')}], ${materialize(terminal.schema, b)}${terminal.tag === undefined ? '' : `, ${terminal.tag}`});`);
        return;
      }
    }
  }
  const op = ops[at] as StageOp;
  switch (op.op) {
    case 'project': {
      const next = new Map<string, string>();
      for (const x of op.exprs) next.set(x.name, g.expr(x.expr, b));
      genOps(g, ops, at + 1, next, terminal, input);
      return;
    }
    case 'filter': {
      const c = g.expr(op.condition, b);
      g.line(`if (${c} !== true) continue;`);
      genOps(g, ops, at + 1, b, terminal, input);
      return;
    }
    case 'watermark': {
      const v = b.get(op.column) as string;
      g.open(`if (${v} !== null) {`);
      g.line(`if (${v} < evMin) evMin = ${v};`);
      g.line(`if (${v} > evMax) evMax = ${v};`);
      g.line(`evSum += ${v}; evCount++;`);
      g.close();
      genOps(g, ops, at + 1, b, terminal, input);
      return;
    }
    case 'join': {
      const keyVars = op.keys.map((k) => g.expr(k.expr, b));
      const table = g.constant(`rt.joins[${op.table}]`);
      const matches = g.tmp('m');
      const none = op.outer ? 'h.ONE_NULL' : 'h.NONE';
      g.line(
        `const ${matches} = ${keyVars.map((k) => `${k} === null`).join(' || ')} ? ${none} : (${table}.get(h.key([${keyVars.join(', ')}])) ?? ${none});`,
      );
      const rr = g.tmp('j');
      g.open(`for (const ${rr} of ${matches}) {`);
      const next = new Map(b);
      op.keys.forEach((k, i) => next.set(k.name, keyVars[i] as string));
      op.tableColumns.forEach((c, i) => {
        const v = g.tmp('c');
        g.line(`const ${v} = ${rr} === null ? null : ${rr}[${i}];`);
        next.set(c.name, v);
      });
      genOps(g, ops, at + 1, next, terminal, input);
      g.close();
      return;
    }
  }
}

/**
 * The source of one stage function over several pipelines (one per path from this source to the
 * stage's end; a union of a source with itself has two). Join tables are looked up in the
 * per-call `rt` (runtime context), so the prologue that references `rt` moves into the call.
 */
export function generateStage(pipelines: readonly Pipeline[]): string {
  const g = new Gen();
  for (const p of pipelines) {
    g.open('for (let i = 0; i < rows.length; i++) {');
    g.line('const r = rows[i];');
    const b = bindInput(g, p.input, 'r');
    genOps(g, p.ops, 0, b, p.terminal, { fields: p.input, binding: new Map(b) });
    g.close();
  }
  // Input columns no operator reads are not loaded (dead-load elimination on the generated text).
  const used = (v: string) => g.lines.some((l) => !l.trimStart().startsWith(`const ${v} = `) && new RegExp(`\\b${v}\\b`).test(l));
  g.lines = g.lines.filter((l) => {
    const m = /^\s*const (c\d+) = (?:\(r\[|h\.own\(r, )/.exec(l);
    return m === null || used(m[1] as string);
  });
  // Constants that read `rt` (join tables) must be evaluated per call, the others once.
  const perCall = g.prologue.filter((l) => l.includes('rt.joins'));
  const once = g.prologue.filter((l) => !l.includes('rt.joins'));
  return [
    '"use strict";',
    ...once,
    'return function stage(rows, rt, sink) {',
    '  const out = [];',
    '  const nowUs = rt.nowUs;',
    // Event-time statistics accumulate across the calls of one map stage (one call per chunk).
    '  let evMin = rt.evMin, evMax = rt.evMax, evSum = rt.evSum, evCount = rt.evCount;',
    ...perCall.map((l) => '  ' + l),
    ...g.lines,
    '  rt.evMin = evMin; rt.evMax = evMax; rt.evSum = evSum; rt.evCount = evCount;',
    '  return out;',
    '};',
  ].join('\n');
}

export function isIntegral(t: DataType): boolean {
  return isIntegralType(t);
}
