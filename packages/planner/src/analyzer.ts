import {
  field,
  isDecimalType,
  isIntegralType,
  isNumericType,
  isStructType,
  simpleString,
  type DataType,
  type OutputMode,
  type Row,
  type StructField,
  type StructType,
} from '@weir/core';
import { exprToString } from './column.js';
import { castFunction, isValidRegex } from './builtins.js';
import { containsAggregate, type AggregateFunctionName, type Expression } from './expression.js';
import { PlannerErrors } from './errors.js';
import type { JoinTimeRange, LogicalPlan } from './logical-plan.js';
import { WINDOW_TYPE, isWindowType, type AggregateCall, type Fields, type TExpr } from './typed-expression.js';

/** The analyzed plan: every name resolved, every expression typed, every node's output schema known. */
export type APlan =
  | { readonly kind: 'Source'; readonly index: number; readonly format: string; readonly schema: Fields; readonly streaming: true; readonly eventTime: null }
  | { readonly kind: 'LocalRelation'; readonly rows: readonly Row[]; readonly schema: Fields; readonly streaming: false; readonly eventTime: null }
  | { readonly kind: 'Project'; readonly exprs: readonly NamedTExpr[]; readonly child: APlan; readonly schema: Fields; readonly streaming: boolean; readonly eventTime: string | null }
  | { readonly kind: 'Filter'; readonly condition: TExpr; readonly child: APlan; readonly schema: Fields; readonly streaming: boolean; readonly eventTime: string | null }
  | {
      readonly kind: 'Watermark';
      readonly column: string;
      readonly delayMs: number;
      readonly delayText: string;
      readonly child: APlan;
      readonly schema: Fields;
      readonly streaming: boolean;
      readonly eventTime: string;
    }
  | {
      readonly kind: 'Aggregate';
      readonly keys: readonly NamedTExpr[];
      readonly aggs: readonly AggregateCall[];
      /** The output expressions over the intermediate row (key columns + one `AGG_SLOT(i)` per agg). */
      readonly results: readonly NamedTExpr[];
      readonly intermediate: Fields;
      readonly child: APlan;
      readonly schema: Fields;
      readonly streaming: boolean;
      readonly eventTime: string | null;
    }
  | {
      readonly kind: 'Deduplicate';
      readonly keys: readonly string[];
      readonly withinWatermark: boolean;
      readonly child: APlan;
      readonly schema: Fields;
      readonly streaming: boolean;
      readonly eventTime: string | null;
    }
  | {
      readonly kind: 'Join';
      readonly left: APlan;
      readonly right: APlan;
      readonly keys: readonly { readonly left: string; readonly right: string; readonly name: string }[];
      readonly how: 'inner' | 'left' | 'right' | 'full';
      /** Stream-stream time-range condition, oriented left column vs right column. */
      readonly timeRange: JoinTimeRange | null;
      readonly schema: Fields;
      readonly streaming: boolean;
      readonly eventTime: string | null;
    }
  | { readonly kind: 'Union'; readonly children: readonly APlan[]; readonly schema: Fields; readonly streaming: boolean; readonly eventTime: string | null }
  | { readonly kind: 'Sort'; readonly keys: readonly TExpr[]; readonly child: APlan; readonly schema: Fields; readonly streaming: boolean; readonly eventTime: string | null }
  | { readonly kind: 'Limit'; readonly n: number; readonly child: APlan; readonly schema: Fields; readonly streaming: boolean; readonly eventTime: string | null };

export interface NamedTExpr {
  readonly name: string;
  readonly expr: TExpr;
}

/** The intermediate column name of aggregate `i` (a NUL-prefixed name no user column can collide with in practice). */
export function AGG_SLOT(i: number): string {
  return `\u0000agg${i}`;
}

export interface AnalyzeContext {
  readonly sourceSchemas: readonly StructType[];
}

// ---------------------------------------------------------------------------------------------
// Names

function levenshtein(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0] as number;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j] as number;
      prev[j] = Math.min((prev[j] as number) + 1, (prev[j - 1] as number) + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length] as number;
}

const quote = (n: string): string => '`' + n.replace(/`/g, '``') + '`';

/** Spark's `UNRESOLVED_COLUMN.WITH_SUGGESTION`: the closest names first (edit distance), at most 5. */
function unresolved(name: string, fields: Fields): never {
  const names = fields.map((f) => f.name).filter((n) => !n.startsWith('\u0000'));
  const ranked = [...names].sort((a, b) => levenshtein(name.toLowerCase(), a.toLowerCase()) - levenshtein(name.toLowerCase(), b.toLowerCase()) || (a < b ? -1 : 1));
  const suggestions = ranked.slice(0, 5);
  throw PlannerErrors.UNRESOLVED_COLUMN({
    name: quote(name),
    suggestions: suggestions.map(quote).join(', '),
    suggestionList: JSON.stringify(suggestions),
  });
}

function findField(fields: Fields, name: string): StructField | undefined {
  const exact = fields.filter((f) => f.name === name);
  if (exact.length > 1) throw PlannerErrors.AMBIGUOUS_REFERENCE({ name: quote(name), candidates: exact.map((f) => quote(f.name)).join(', ') });
  if (exact.length === 1) return exact[0];
  const lower = name.toLowerCase();
  const ci = fields.filter((f) => f.name.toLowerCase() === lower);
  if (ci.length > 1) throw PlannerErrors.AMBIGUOUS_REFERENCE({ name: quote(name), candidates: ci.map((f) => quote(f.name)).join(', ') });
  return ci[0];
}

/** Splits `a.b` into parts, honouring backticks (`` `a.b`.c ``). */
function nameParts(name: string): string[] | null {
  const parts: string[] = [];
  let i = 0;
  while (i <= name.length) {
    if (name[i] === '`') {
      let j = i + 1;
      let part = '';
      for (;;) {
        if (j >= name.length) return null;
        if (name[j] === '`') {
          if (name[j + 1] === '`') {
            part += '`';
            j += 2;
            continue;
          }
          break;
        }
        part += name[j];
        j++;
      }
      parts.push(part);
      i = j + 1;
      if (i < name.length && name[i] !== '.') return null;
      i++;
    } else {
      const dot = name.indexOf('.', i);
      const end = dot < 0 ? name.length : dot;
      parts.push(name.slice(i, end));
      i = end + 1;
    }
  }
  return parts;
}

function resolveColumn(name: string, fields: Fields): TExpr {
  // The whole name first: a column may contain dots.
  const whole = findField(fields, name);
  if (whole) return { k: 'col', name: whole.name, dt: whole.type };
  const parts = nameParts(name);
  if (parts && parts.length >= 1) {
    const head = findField(fields, parts[0] as string);
    if (head) {
      let e: TExpr = { k: 'col', name: head.name, dt: head.type };
      for (const p of parts.slice(1)) e = fieldAccess(e, p, name);
      return e;
    }
  }
  return unresolved(name, fields);
}

function fieldAccess(e: TExpr, name: string, whole: string): TExpr {
  if (typeof e.dt !== 'object' || !isStructType(e.dt)) {
    throw PlannerErrors.DATATYPE_MISMATCH({ expression: whole, reason: `cannot extract field ${quote(name)} from a value of type ${simpleString(e.dt)}` });
  }
  const f = findField(e.dt.fields, name);
  if (!f) return unresolved(whole, e.dt.fields.map((x) => field(`${whole.split('.')[0]}.${x.name}`, x.type)));
  return { k: 'field', c: e, name: f.name, dt: f.type };
}

// ---------------------------------------------------------------------------------------------
// Types and coercion

const NUMERIC_ORDER: readonly DataType[] = ['byte', 'short', 'integer', 'long', 'float', 'double'];

function typeName(t: DataType): string {
  return simpleString(t).toUpperCase();
}

function mismatch(e: Expression, reason: string): never {
  throw PlannerErrors.DATATYPE_MISMATCH({ expression: `"${exprToString(e)}"`, reason });
}

/** The wider of two numeric types (decimals widen to double here: weir computes decimals as doubles). */
function widerNumeric(a: DataType, b: DataType): DataType {
  if (isDecimalType(a) || isDecimalType(b)) return 'double';
  return NUMERIC_ORDER[Math.max(NUMERIC_ORDER.indexOf(a), NUMERIC_ORDER.indexOf(b))] as DataType;
}

/** The common type of two types for comparisons, CASE branches, coalesce and union; null when none. */
export function commonType(a: DataType, b: DataType): DataType | null {
  if (JSON.stringify(a) === JSON.stringify(b)) return a;
  if (a === 'void') return b;
  if (b === 'void') return a;
  if (isNumericType(a) && isNumericType(b)) return widerNumeric(a, b);
  const dt = (x: DataType) => x === 'date' || x === 'timestamp' || x === 'timestamp_ntz';
  if (dt(a) && dt(b)) return 'timestamp';
  if (a === 'string' && (isNumericType(b) || dt(b) || b === 'boolean')) return b;
  if (b === 'string' && (isNumericType(a) || dt(a) || a === 'boolean')) return a;
  return null;
}

/** Wraps `e` in a cast to `to` when needed; casts from void become typed null literals. */
export function castTo(e: TExpr, to: DataType): TExpr {
  if (JSON.stringify(e.dt) === JSON.stringify(to)) return e;
  if (e.dt === 'void') return { k: 'lit', value: null, dt: to };
  if (e.k === 'lit') {
    // Constant folding: a literal is cast once, at planning time.
    const f = castFunction(e.dt, to);
    if (f !== undefined) return { k: 'lit', value: e.value === null ? null : f === null ? e.value : (f as (v: unknown) => unknown)(e.value), dt: to };
  }
  return { k: 'cast', c: e, dt: to };
}

function checkCast(from: DataType, to: DataType, e: Expression): void {
  if (castFunction(from, to) === undefined) {
    mismatch(e, `cannot cast ${typeName(from)} to ${typeName(to)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Expressions

interface ExprScope {
  readonly fields: Fields;
  /** Collects aggregate calls when analysing `agg(...)` expressions; null elsewhere (an aggregate is then an error). */
  readonly aggs: { readonly calls: AggregateCall[]; readonly keys: Map<string, number>; readonly input: Fields } | null;
}

const STRINGY_FNS = new Set(['upper', 'lower', 'trim', 'length']);

function literalInt(e: TExpr, where: Expression, what: string): number {
  if (e.k !== 'lit' || typeof e.value !== 'number' || !Number.isInteger(e.value)) mismatch(where, `${what} must be an integer literal`);
  return e.value as number;
}

function literalString(e: TExpr, where: Expression, what: string): string {
  if (e.k !== 'lit' || typeof e.value !== 'string') mismatch(where, `${what} must be a string literal`);
  return e.value as string;
}

function asType(e: TExpr, to: DataType, where: Expression): TExpr {
  if (e.dt === to) return e;
  checkCast(e.dt, to, where);
  return castTo(e, to);
}

function resolveCall(e: Extract<Expression, { kind: 'call' }>, scope: ExprScope): TExpr {
  const args = e.args.map((a) => resolveExpr(a, scope));
  const arity = (min: number, max = min): void => {
    if (args.length < min || args.length > max) {
      throw PlannerErrors.INVALID_EXPRESSION({ expression: exprToString(e), reason: `${e.name} takes ${min === max ? min : `${min} to ${max}`} arguments, got ${args.length}` });
    }
  };
  const a0 = (): TExpr => args[0] as TExpr;
  switch (e.name) {
    case 'coalesce': {
      arity(1, 1000);
      let t: DataType = 'void';
      for (const a of args) {
        const c = commonType(t, a.dt);
        if (c === null) mismatch(e, `coalesce arguments must share a type, got ${typeName(t)} and ${typeName(a.dt)}`);
        t = c as DataType;
      }
      return { k: 'call', fn: 'coalesce', args: args.map((a) => castTo(a, t)), dt: t };
    }
    case 'round': {
      arity(2);
      let x = a0();
      if (x.dt === 'string') x = castTo(x, 'double');
      if (!isNumericType(x.dt) && x.dt !== 'void') mismatch(e, `round needs a numeric argument, got ${typeName(x.dt)}`);
      const dt = isDecimalType(x.dt) ? 'double' : x.dt === 'void' ? 'double' : x.dt;
      return { k: 'call', fn: 'round', args: [castTo(x, dt), { k: 'lit', value: literalInt(args[1] as TExpr, e, 'the scale'), dt: 'integer' }], dt };
    }
    case 'abs':
    case 'floor':
    case 'ceil':
    case 'sqrt': {
      arity(1);
      let x = a0();
      if (x.dt === 'string' || x.dt === 'void' || isDecimalType(x.dt)) x = castTo(x, 'double');
      if (!isNumericType(x.dt)) mismatch(e, `${e.name} needs a numeric argument, got ${typeName(x.dt)}`);
      if (e.name === 'abs') return { k: 'call', fn: 'abs', args: [x], dt: x.dt };
      if (e.name === 'sqrt') return { k: 'call', fn: 'sqrt', args: [castTo(x, 'double')], dt: 'double' };
      return { k: 'call', fn: e.name, args: [x], dt: isIntegralType(x.dt) ? x.dt : 'long' };
    }
    case 'upper':
    case 'lower':
    case 'trim':
    case 'length': {
      arity(1);
      const x = asType(a0(), 'string', e);
      return { k: 'call', fn: e.name, args: [x], dt: e.name === 'length' ? 'integer' : 'string' };
    }
    case 'concat': {
      arity(1, 1000);
      return { k: 'call', fn: 'concat', args: args.map((a) => asType(a, 'string', e)), dt: 'string' };
    }
    case 'substring': {
      arity(3);
      return { k: 'call', fn: 'substring', args: [asType(a0(), 'string', e), asType(args[1] as TExpr, 'integer', e), asType(args[2] as TExpr, 'integer', e)], dt: 'string' };
    }
    case 'regexp_extract': {
      arity(3);
      const pattern = literalString(args[1] as TExpr, e, 'the pattern');
      if (!isValidRegex(pattern)) throw PlannerErrors.INVALID_EXPRESSION({ expression: exprToString(e), reason: `invalid regular expression ${JSON.stringify(pattern)}` });
      const idx = literalInt(args[2] as TExpr, e, 'the group index');
      return { k: 'call', fn: 'regexp_extract', args: [asType(a0(), 'string', e), args[1] as TExpr, { k: 'lit', value: idx, dt: 'integer' }], dt: 'string' };
    }
    case 'to_timestamp':
    case 'to_date': {
      arity(1, 2);
      const to: DataType = e.name === 'to_timestamp' ? 'timestamp' : 'date';
      if (args.length === 1) {
        const x = a0();
        if (x.dt !== 'string' && x.dt !== 'date' && x.dt !== 'timestamp' && x.dt !== 'timestamp_ntz' && x.dt !== 'void') {
          mismatch(e, `${e.name} needs a STRING, DATE or TIMESTAMP argument, got ${typeName(x.dt)}`);
        }
        return asType(x, to, e);
      }
      literalString(args[1] as TExpr, e, 'the format');
      return { k: 'call', fn: e.name, args: [asType(a0(), 'string', e), args[1] as TExpr], dt: to };
    }
    case 'date_format': {
      arity(2);
      literalString(args[1] as TExpr, e, 'the format');
      const x = a0();
      const ts = x.dt === 'timestamp' || x.dt === 'timestamp_ntz' ? x : asType(x, 'timestamp', e);
      return { k: 'call', fn: 'date_format', args: [ts, args[1] as TExpr], dt: 'string' };
    }
    case 'window_time': {
      arity(1);
      if (!isWindowType(a0().dt)) mismatch(e, `window_time needs a window column, got ${typeName(a0().dt)}`);
      return { k: 'call', fn: 'window_time', args: [a0()], dt: 'timestamp' };
    }
    default:
      throw PlannerErrors.INVALID_EXPRESSION({ expression: exprToString(e), reason: `unknown function ${e.name}` });
  }
}

function resolveBinary(e: Extract<Expression, { kind: 'binary' }>, scope: ExprScope): TExpr {
  let l = resolveExpr(e.left, scope);
  let r = resolveExpr(e.right, scope);
  switch (e.op) {
    case 'and':
    case 'or': {
      for (const side of [l, r]) {
        if (side.dt !== 'boolean' && side.dt !== 'void') mismatch(e, `the ${e.op.toUpperCase()} operands must be BOOLEAN, got ${typeName(side.dt)}`);
      }
      return { k: 'bin', op: e.op, l: castTo(l, 'boolean'), r: castTo(r, 'boolean'), operandType: 'boolean', dt: 'boolean' };
    }
    case '+':
    case '-':
    case '*':
    case '/':
    case '%': {
      // Spark: strings in arithmetic are cast to double.
      if (l.dt === 'string') l = castTo(l, 'double');
      if (r.dt === 'string') r = castTo(r, 'double');
      if (l.dt === 'void' && r.dt === 'void') {
        l = castTo(l, 'double');
        r = castTo(r, 'double');
      }
      const lt = l.dt === 'void' ? r.dt : l.dt;
      const rt = r.dt === 'void' ? l.dt : r.dt;
      if (!isNumericType(lt) || !isNumericType(rt)) {
        mismatch(e, `the operator ${e.op} needs numeric operands, got ${typeName(l.dt)} and ${typeName(r.dt)}`);
      }
      let t = widerNumeric(lt, rt);
      // Spark's `/` on non-decimals is always double.
      if (e.op === '/') t = 'double';
      return { k: 'bin', op: e.op, l: castTo(l, t), r: castTo(r, t), operandType: t, dt: t };
    }
    default: {
      const t = commonType(l.dt, r.dt);
      if (t === null || (typeof t === 'object' && !isWindowType(t))) {
        mismatch(e, `the left and right operands of ${e.op} have incompatible types ${typeName(l.dt)} and ${typeName(r.dt)}`);
      }
      const ct = (t === 'void' ? 'boolean' : t) as DataType;
      return { k: 'bin', op: e.op, l: castTo(l, ct), r: castTo(r, ct), operandType: ct, dt: 'boolean' };
    }
  }
}

export function resolveExpr(e: Expression, scope: ExprScope): TExpr {
  switch (e.kind) {
    case 'col':
      return resolveColumn(e.name, scope.fields);
    case 'star':
      throw PlannerErrors.INVALID_EXPRESSION({ expression: '*', reason: 'a star is only allowed as a whole select() argument' });
    case 'lit':
      return { k: 'lit', value: e.value, dt: e.type };
    case 'alias':
      return resolveExpr(e.child, scope);
    case 'binary':
      return resolveBinary(e, scope);
    case 'unary': {
      const c = resolveExpr(e.child, scope);
      if (e.op === 'not') {
        if (c.dt !== 'boolean' && c.dt !== 'void') mismatch(e, `NOT needs a BOOLEAN operand, got ${typeName(c.dt)}`);
        return { k: 'not', c: castTo(c, 'boolean'), dt: 'boolean' };
      }
      if (e.op === 'negate') {
        const x = c.dt === 'string' || c.dt === 'void' ? castTo(c, 'double') : c;
        if (!isNumericType(x.dt)) mismatch(e, `negation needs a numeric operand, got ${typeName(c.dt)}`);
        return { k: 'negate', c: isDecimalType(x.dt) ? castTo(x, 'double') : x, dt: isDecimalType(x.dt) ? 'double' : x.dt };
      }
      return { k: e.op, c, dt: 'boolean' };
    }
    case 'cast': {
      const c = resolveExpr(e.child, scope);
      checkCast(c.dt, e.to, e);
      return castTo(c, e.to);
    }
    case 'case': {
      const branches = e.branches.map(([c, v]) => {
        const cond = resolveExpr(c, scope);
        if (cond.dt !== 'boolean' && cond.dt !== 'void') mismatch(e, `WHEN conditions must be BOOLEAN, got ${typeName(cond.dt)}`);
        return [castTo(cond, 'boolean'), resolveExpr(v, scope)] as const;
      });
      const otherwise = e.otherwise ? resolveExpr(e.otherwise, scope) : ({ k: 'lit', value: null, dt: 'void' } as TExpr);
      let t: DataType = 'void';
      for (const v of [...branches.map((b) => b[1]), otherwise]) {
        const c = commonType(t, v.dt);
        if (c === null) mismatch(e, `THEN and ELSE expressions must share a type, got ${typeName(t)} and ${typeName(v.dt)}`);
        t = c as DataType;
      }
      return { k: 'case', branches: branches.map(([c, v]) => [c, castTo(v, t)] as const), otherwise: castTo(otherwise, t), dt: t };
    }
    case 'call':
      return resolveCall(e, scope);
    case 'field':
      return fieldAccess(resolveExpr(e.child, scope), e.name, `${exprToString(e.child)}.${e.name}`);
    case 'agg':
      return resolveAggregateCall(e, scope);
    case 'window': {
      const time = resolveExpr(e.time, scope);
      if (time.dt !== 'timestamp' && time.dt !== 'timestamp_ntz') mismatch(e, `window needs a TIMESTAMP column, got ${typeName(time.dt)}`);
      return { k: 'window', time, windowUs: e.windowUs, slideUs: e.slideUs, startUs: e.startUs, dt: WINDOW_TYPE };
    }
    case 'sessionWindow': {
      const time = resolveExpr(e.time, scope);
      if (time.dt !== 'timestamp' && time.dt !== 'timestamp_ntz') mismatch(e, `session_window needs a TIMESTAMP column, got ${typeName(time.dt)}`);
      return { k: 'session', time, gapUs: e.gapUs, dt: WINDOW_TYPE };
    }
    case 'currentTimestamp':
      return { k: 'now', dt: 'timestamp' };
  }
}

function aggregateType(fn: AggregateFunctionName, input: DataType | null, e: Expression): DataType {
  switch (fn) {
    case 'count':
    case 'approx_count_distinct':
      return 'long';
    case 'sum':
      if (input === null || !(isNumericType(input) || input === 'void')) mismatch(e, `sum needs a numeric argument, got ${typeName(input ?? 'void')}`);
      return isIntegralType(input as DataType) ? 'long' : 'double';
    case 'avg':
    case 'stddev':
      if (input === null || !(isNumericType(input) || input === 'void')) mismatch(e, `${fn} needs a numeric argument, got ${typeName(input ?? 'void')}`);
      return 'double';
    case 'min':
    case 'max':
      if (input !== null && typeof input === 'object') mismatch(e, `${fn} does not support ${typeName(input)}`);
      return input as DataType;
    case 'first':
    case 'last':
      return input as DataType;
  }
}

function resolveAggregateCall(e: Extract<Expression, { kind: 'agg' }>, scope: ExprScope): TExpr {
  if (scope.aggs === null) {
    throw PlannerErrors.INVALID_EXPRESSION({ expression: exprToString(e), reason: 'aggregate functions are only allowed in groupBy(...).agg(...)' });
  }
  const inner: ExprScope = { fields: scope.aggs.input, aggs: null };
  if (e.child && containsAggregate(e.child)) {
    throw PlannerErrors.INVALID_EXPRESSION({ expression: exprToString(e), reason: 'aggregate functions cannot be nested' });
  }
  let input = e.child ? resolveExpr(e.child, inner) : null;
  if (input && (e.fn === 'sum' || e.fn === 'avg' || e.fn === 'stddev') && (input.dt === 'string' || isDecimalType(input.dt))) input = castTo(input, 'double');
  const dt = aggregateType(e.fn, input ? input.dt : null, e);
  const key = JSON.stringify([e.fn, input]);
  let slot = scope.aggs.keys.get(key);
  if (slot === undefined) {
    slot = scope.aggs.calls.length;
    scope.aggs.calls.push({ fn: e.fn, input, dt });
    scope.aggs.keys.set(key, slot);
  }
  return { k: 'col', name: AGG_SLOT(slot), dt };
}

/** Spark's automatic column name for an unaliased expression. */
export function autoName(e: Expression, t: TExpr): string {
  switch (e.kind) {
    case 'alias':
      return e.name;
    case 'col':
      return t.k === 'col' ? t.name : t.k === 'field' ? t.name : e.name;
    case 'field':
      return e.name;
    case 'window':
      return 'window';
    case 'sessionWindow':
      return 'session_window';
    default:
      return sqlText(e);
  }
}

function sqlText(e: Expression): string {
  switch (e.kind) {
    case 'lit':
      return e.value === null ? 'NULL' : String(e.value);
    case 'col':
      return e.name;
    case 'alias':
      return sqlText(e.child);
    case 'agg':
      return `${e.fn}(${e.child ? sqlText(e.child) : '1'})`;
    case 'call':
      return `${e.name}(${e.args.map(sqlText).join(', ')})`;
    case 'binary': {
      const op = e.op === 'and' ? 'AND' : e.op === 'or' ? 'OR' : e.op;
      return `(${sqlText(e.left)} ${op} ${sqlText(e.right)})`;
    }
    case 'unary':
      return e.op === 'not' ? `(NOT ${sqlText(e.child)})` : e.op === 'negate' ? `(- ${sqlText(e.child)})` : `(${sqlText(e.child)} IS ${e.op === 'isNull' ? 'NULL' : 'NOT NULL'})`;
    case 'cast':
      return `CAST(${sqlText(e.child)} AS ${typeName(e.to)})`;
    case 'case':
      return `CASE ${e.branches.map(([c, v]) => `WHEN ${sqlText(c)} THEN ${sqlText(v)}`).join(' ')}${e.otherwise ? ` ELSE ${sqlText(e.otherwise)}` : ''} END`;
    case 'field':
      return `${sqlText(e.child)}.${e.name}`;
    case 'window':
      return 'window';
    case 'sessionWindow':
      return 'session_window';
    case 'currentTimestamp':
      return 'current_timestamp()';
    case 'star':
      return '*';
  }
}

// ---------------------------------------------------------------------------------------------
// Plans

function fieldsOf(named: readonly NamedTExpr[]): StructField[] {
  return named.map((n) => field(n.name, n.expr.dt));
}

/** The output name of `e` when it passes the event-time column through unchanged. */
function passesEventTime(t: TExpr, eventTime: string | null): boolean {
  return eventTime !== null && t.k === 'col' && t.name === eventTime;
}

function normalizeJoinType(how: string): 'inner' | 'left' | 'right' | 'full' | null {
  switch (how.toLowerCase()) {
    case 'inner':
      return 'inner';
    case 'left':
    case 'left_outer':
    case 'leftouter':
      return 'left';
    case 'right':
    case 'right_outer':
    case 'rightouter':
      return 'right';
    case 'full':
    case 'outer':
    case 'full_outer':
    case 'fullouter':
      return 'full';
    default:
      return null;
  }
}

/** Resolves names and types bottom-up (Spark's Analyzer, for the subset weir plans). */
export function analyze(plan: LogicalPlan, ctx: AnalyzeContext): APlan {
  switch (plan.kind) {
    case 'Source': {
      const schema = ctx.sourceSchemas[plan.index] ?? plan.schema;
      if (!schema) {
        throw PlannerErrors.PLANNER_INTERNAL_ERROR({ reason: `no schema for source ${plan.index} (${plan.format}): pass sourceSchemas to planQuery` });
      }
      return { kind: 'Source', index: plan.index, format: plan.format, schema: schema.fields, streaming: true, eventTime: null };
    }
    case 'LocalRelation':
      return { kind: 'LocalRelation', rows: plan.rows, schema: plan.schema.fields, streaming: false, eventTime: null };
    case 'Project': {
      const child = analyze(plan.child, ctx);
      const scope: ExprScope = { fields: child.schema, aggs: null };
      const exprs: NamedTExpr[] = [];
      let eventTime: string | null = null;
      for (const e of plan.exprs) {
        if (e.kind === 'star') {
          for (const f of child.schema) {
            exprs.push({ name: f.name, expr: { k: 'col', name: f.name, dt: f.type } });
            if (f.name === child.eventTime) eventTime = f.name;
          }
          continue;
        }
        if (containsAggregate(e)) {
          throw PlannerErrors.INVALID_EXPRESSION({ expression: exprToString(e), reason: 'aggregate functions are only allowed in groupBy(...).agg(...)' });
        }
        const t = resolveExpr(e, scope);
        const name = autoName(e, t);
        if (passesEventTime(t, child.eventTime)) eventTime = name;
        exprs.push({ name, expr: t });
      }
      return { kind: 'Project', exprs, child, schema: fieldsOf(exprs), streaming: child.streaming, eventTime };
    }
    case 'WithColumn': {
      const child = analyze(plan.child, ctx);
      const t = resolveExpr(plan.expr, { fields: child.schema, aggs: null });
      const existing = findFieldQuiet(child.schema, plan.name);
      const exprs: NamedTExpr[] = child.schema.map((f) =>
        f === existing ? { name: plan.name, expr: t } : { name: f.name, expr: { k: 'col', name: f.name, dt: f.type } },
      );
      if (!existing) exprs.push({ name: plan.name, expr: t });
      const eventTime = existing && existing.name === child.eventTime && !passesEventTime(t, child.eventTime) ? null : child.eventTime;
      return { kind: 'Project', exprs, child, schema: fieldsOf(exprs), streaming: child.streaming, eventTime };
    }
    case 'RenameColumn': {
      const child = analyze(plan.child, ctx);
      const existing = findFieldQuiet(child.schema, plan.from);
      const exprs: NamedTExpr[] = child.schema.map((f) => ({ name: f === existing ? plan.to : f.name, expr: { k: 'col', name: f.name, dt: f.type } }));
      const eventTime = existing && existing.name === child.eventTime ? plan.to : child.eventTime;
      return { kind: 'Project', exprs, child, schema: fieldsOf(exprs), streaming: child.streaming, eventTime };
    }
    case 'Drop': {
      const child = analyze(plan.child, ctx);
      const dropped = new Set(plan.names.map((n) => findFieldQuiet(child.schema, n)).filter((f) => f !== undefined));
      const exprs: NamedTExpr[] = child.schema.filter((f) => !dropped.has(f)).map((f) => ({ name: f.name, expr: { k: 'col', name: f.name, dt: f.type } }));
      const eventTime = exprs.some((x) => x.name === child.eventTime) ? child.eventTime : null;
      return { kind: 'Project', exprs, child, schema: fieldsOf(exprs), streaming: child.streaming, eventTime };
    }
    case 'Filter': {
      const child = analyze(plan.child, ctx);
      if (containsAggregate(plan.condition)) {
        throw PlannerErrors.INVALID_EXPRESSION({ expression: exprToString(plan.condition), reason: 'aggregate functions are not allowed in where()' });
      }
      const cond = resolveExpr(plan.condition, { fields: child.schema, aggs: null });
      if (cond.dt !== 'boolean' && cond.dt !== 'void') {
        mismatch(plan.condition, `the filter condition must be BOOLEAN, got ${typeName(cond.dt)}`);
      }
      return { kind: 'Filter', condition: castTo(cond, 'boolean'), child, schema: child.schema, streaming: child.streaming, eventTime: child.eventTime };
    }
    case 'EventTimeWatermark': {
      const child = analyze(plan.child, ctx);
      const f = findField(child.schema, plan.column);
      if (!f) return unresolved(plan.column, child.schema);
      if (f.type !== 'timestamp' && f.type !== 'timestamp_ntz') {
        throw PlannerErrors.INVALID_WATERMARK({ column: quote(plan.column), reason: `the event time column must be a TIMESTAMP, got ${typeName(f.type)}` });
      }
      return { kind: 'Watermark', column: f.name, delayMs: plan.delayMs, delayText: plan.delayText, child, schema: child.schema, streaming: child.streaming, eventTime: f.name };
    }
    case 'Aggregate': {
      const child = analyze(plan.child, ctx);
      const keyScope: ExprScope = { fields: child.schema, aggs: null };
      const keys: NamedTExpr[] = plan.groupBy.map((g) => {
        if (containsAggregate(g)) {
          throw PlannerErrors.INVALID_EXPRESSION({ expression: exprToString(g), reason: 'aggregate functions are not allowed in groupBy()' });
        }
        const t = resolveExpr(g, keyScope);
        return { name: autoName(g, t), expr: t };
      });
      const calls: AggregateCall[] = [];
      const intermediateKeys = fieldsOf(keys);
      const aggScope: ExprScope = { fields: intermediateKeys, aggs: { calls, keys: new Map(), input: child.schema } };
      const results: NamedTExpr[] = plan.aggs.map((a) => {
        const t = resolveExpr(a, aggScope);
        return { name: autoName(a, t), expr: t };
      });
      const intermediate = [...intermediateKeys, ...calls.map((c, i) => field(AGG_SLOT(i), c.dt))];
      const schema = [...intermediateKeys, ...fieldsOf(results)];
      let eventTime: string | null = null;
      for (const k of keys) {
        const t = k.expr;
        const time = t.k === 'window' || t.k === 'session' ? t.time : t;
        if (passesEventTime(time, child.eventTime)) eventTime = k.name;
      }
      return { kind: 'Aggregate', keys, aggs: calls, results, intermediate, child, schema, streaming: child.streaming, eventTime };
    }
    case 'Deduplicate': {
      const child = analyze(plan.child, ctx);
      const keys = plan.keys === null ? child.schema.map((f) => f.name) : plan.keys.map((k) => {
        const f = findField(child.schema, k);
        return f ? f.name : unresolved(k, child.schema);
      });
      return { kind: 'Deduplicate', keys, withinWatermark: plan.withinWatermark, child, schema: child.schema, streaming: child.streaming, eventTime: child.eventTime };
    }
    case 'Join': {
      const left = analyze(plan.left, ctx);
      const right = analyze(plan.right, ctx);
      const how = normalizeJoinType(plan.how);
      if (how === null) {
        throw PlannerErrors.UNSUPPORTED_STREAMING_OPERATION({ operation: `Join type ${plan.how}`, reason: '' });
      }
      if (plan.on.length === 0) {
        throw PlannerErrors.UNSUPPORTED_STREAMING_OPERATION({ operation: 'A join without equality columns (cross join)', reason: '' });
      }
      const keys = plan.on.map((n) => {
        const l = findField(left.schema, n) ?? unresolved(n, left.schema);
        const r = findField(right.schema, n) ?? unresolved(n, right.schema);
        if (commonType(l.type, r.type) === null) {
          throw PlannerErrors.DATATYPE_MISMATCH({ expression: `"${n}"`, reason: `the join column has types ${typeName(l.type)} and ${typeName(r.type)}` });
        }
        return { left: l.name, right: r.name, name: l.name, type: commonType(l.type, r.type) as DataType };
      });
      const leftKeys = new Set(keys.map((k) => k.left));
      const rightKeys = new Set(keys.map((k) => k.right));
      const schema: StructField[] = [
        ...keys.map((k) => field(k.name, k.type)),
        ...left.schema.filter((f) => !leftKeys.has(f.name)),
        ...right.schema.filter((f) => !rightKeys.has(f.name)),
      ];
      const names = new Set<string>();
      for (const f of schema) {
        if (names.has(f.name)) {
          throw PlannerErrors.AMBIGUOUS_REFERENCE({ name: quote(f.name), candidates: `${quote(f.name)} (left), ${quote(f.name)} (right): rename one side before joining` });
        }
        names.add(f.name);
      }
      const eventTime = left.streaming ? left.eventTime : right.eventTime;
      let timeRange: JoinTimeRange | null = null;
      if (plan.timeRange) {
        const t = plan.timeRange;
        const inL = (n: string) => findField(left.schema, n);
        const inR = (n: string) => findField(right.schema, n);
        let oriented: JoinTimeRange;
        if (inL(t.leftColumn) && inR(t.rightColumn)) {
          oriented = { ...t, leftColumn: (inL(t.leftColumn) as StructField).name, rightColumn: (inR(t.rightColumn) as StructField).name };
        } else if (inR(t.leftColumn) && inL(t.rightColumn)) {
          // a ∈ [b + lo, b + hi]  ⇔  b ∈ [a − hi, a − lo]
          oriented = {
            leftColumn: (inL(t.rightColumn) as StructField).name,
            rightColumn: (inR(t.leftColumn) as StructField).name,
            lowerMs: -t.upperMs,
            upperMs: -t.lowerMs,
            lowerStrict: t.upperStrict,
            upperStrict: t.lowerStrict,
          };
        } else {
          const missing = inL(t.leftColumn) || inR(t.leftColumn) ? t.rightColumn : t.leftColumn;
          return unresolved(missing, [...left.schema, ...right.schema]);
        }
        for (const [n, fs] of [[oriented.leftColumn, left.schema], [oriented.rightColumn, right.schema]] as const) {
          const f = findField(fs, n) as StructField;
          if (f.type !== 'timestamp') {
            throw PlannerErrors.DATATYPE_MISMATCH({ expression: `"${n}"`, reason: `a join time-range column must be TIMESTAMP, got ${typeName(f.type)}` });
          }
        }
        timeRange = oriented;
      }
      return {
        kind: 'Join',
        left,
        right,
        keys: keys.map(({ left: l, right: r, name }) => ({ left: l, right: r, name })),
        how,
        timeRange,
        schema,
        streaming: left.streaming || right.streaming,
        eventTime,
      };
    }
    case 'Union': {
      const children = plan.children.map((c) => analyze(c, ctx));
      const first = children[0] as APlan;
      const schema = first.schema.map((f, i) => {
        let t: DataType = f.type;
        for (const c of children) {
          const g = c.schema[i];
          if (!g || c.schema.length !== first.schema.length) {
            throw PlannerErrors.DATATYPE_MISMATCH({ expression: 'union', reason: `Union can only be performed on inputs with the same number of columns, but the first input has ${first.schema.length} columns and another has ${c.schema.length}` });
          }
          const ct = commonType(t, g.type);
          if (ct === null) {
            throw PlannerErrors.DATATYPE_MISMATCH({ expression: 'union', reason: `column ${i + 1} has incompatible types ${typeName(t)} and ${typeName(g.type)}` });
          }
          t = ct;
        }
        return field(f.name, t);
      });
      const eventTime = first.eventTime;
      return { kind: 'Union', children, schema, streaming: children.some((c) => c.streaming), eventTime };
    }
    case 'Sort': {
      const child = analyze(plan.child, ctx);
      const keys = plan.orderBy.map((o) => resolveExpr(o, { fields: child.schema, aggs: null }));
      return { kind: 'Sort', keys, child, schema: child.schema, streaming: child.streaming, eventTime: child.eventTime };
    }
    case 'Limit': {
      const child = analyze(plan.child, ctx);
      return { kind: 'Limit', n: plan.n, child, schema: child.schema, streaming: child.streaming, eventTime: child.eventTime };
    }
  }
}

function findFieldQuiet(fields: Fields, name: string): StructField | undefined {
  return fields.find((f) => f.name === name) ?? fields.find((f) => f.name.toLowerCase() === name.toLowerCase());
}

// ---------------------------------------------------------------------------------------------
// Spark's streaming rules (UnsupportedOperationChecker.checkForStreaming)

export function aPlanChildren(p: APlan): APlan[] {
  switch (p.kind) {
    case 'Source':
    case 'LocalRelation':
      return [];
    case 'Join':
      return [p.left, p.right];
    case 'Union':
      return [...p.children];
    default:
      return [p.child];
  }
}

function collect(p: APlan, pred: (n: APlan) => boolean, out: APlan[] = []): APlan[] {
  if (pred(p)) out.push(p);
  for (const c of aPlanChildren(p)) collect(c, pred, out);
  return out;
}

/** Checks the output-mode matrix and unsupported operations; throws with Spark's messages. */
export function checkForStreaming(plan: APlan, outputMode: OutputMode): void {
  const streamingStateful = collect(plan, (n) => n.streaming && (n.kind === 'Aggregate' || n.kind === 'Deduplicate' || isStreamStreamJoin(n)));
  const aggregates = streamingStateful.filter((n) => n.kind === 'Aggregate');
  if (aggregates.length > 1) {
    throw PlannerErrors.UNSUPPORTED_STREAMING_OPERATION({ operation: 'Multiple streaming aggregations', reason: '' });
  }
  if (streamingStateful.length > 1) {
    throw PlannerErrors.UNSUPPORTED_STREAMING_OPERATION({
      operation: 'More than one stateful operator (e.g. dropDuplicates followed by an aggregation)',
      reason: ' in weir yet; Spark allows chaining them only in Append output mode',
    });
  }
  const agg = aggregates[0] as Extract<APlan, { kind: 'Aggregate' }> | undefined;
  if (outputMode === 'complete' && !agg) {
    throw PlannerErrors.STREAMING_OUTPUT_MODE_UNSUPPORTED({
      outputMode: 'Complete',
      reason: 'when there are no streaming aggregations on streaming DataFrames/Datasets',
    });
  }
  if (agg) {
    const session = agg.keys.some((k) => k.expr.k === 'session');
    if (outputMode === 'append' && agg.eventTime === null) {
      throw PlannerErrors.STREAMING_OUTPUT_MODE_UNSUPPORTED({
        outputMode: 'Append',
        reason: 'when there are streaming aggregations on streaming DataFrames/DataSets without watermark',
      });
    }
    if (outputMode === 'update' && session) {
      throw PlannerErrors.STREAMING_OUTPUT_MODE_UNSUPPORTED({ outputMode: 'Update', reason: 'for session window' });
    }
    if (agg.keys.filter((k) => k.expr.k === 'window' || k.expr.k === 'session').length > 1) {
      throw PlannerErrors.UNSUPPORTED_STREAMING_OPERATION({ operation: 'More than one window or session_window in groupBy', reason: '' });
    }
  }
  const walk = (p: APlan): void => {
    switch (p.kind) {
      case 'Sort':
        if (p.streaming && !(outputMode === 'complete' && containsStreamingAggregate(p.child))) {
          throw PlannerErrors.UNSUPPORTED_STREAMING_OPERATION({
            operation: 'Sorting',
            reason: ', unless it is on aggregated DataFrame/Dataset in Complete output mode',
          });
        }
        break;
      case 'Limit':
        if (p.streaming) throw PlannerErrors.UNSUPPORTED_STREAMING_OPERATION({ operation: 'Limit', reason: ' in weir' });
        break;
      case 'Join':
        if (p.left.streaming && p.right.streaming) {
          if (p.how !== 'inner') {
            throw PlannerErrors.UNSUPPORTED_STREAMING_OPERATION({ operation: `Stream-stream ${p.how} outer join`, reason: ' in weir yet (inner only)' });
          }
          if (outputMode !== 'append') {
            throw PlannerErrors.STREAMING_OUTPUT_MODE_UNSUPPORTED({
              outputMode: outputMode === 'update' ? 'Update' : 'Complete',
              reason: 'for a join between two streaming DataFrames/Datasets: only Append output mode',
            });
          }
        } else if (p.timeRange) {
          throw PlannerErrors.UNSUPPORTED_STREAMING_OPERATION({ operation: 'A time-range join condition on a stream-static join', reason: ' in weir' });
        }
        if (p.left.streaming && (p.how === 'right' || p.how === 'full')) {
          throw PlannerErrors.UNSUPPORTED_STREAMING_OPERATION({
            operation: `${p.how === 'right' ? 'Right outer' : 'Full outer'} join with a streaming DataFrame/Dataset on the left and a static DataFrame/Dataset on the right`,
            reason: '',
          });
        }
        if (p.right.streaming && (p.how === 'left' || p.how === 'full')) {
          throw PlannerErrors.UNSUPPORTED_STREAMING_OPERATION({
            operation: `${p.how === 'left' ? 'Left outer' : 'Full outer'} join with a streaming DataFrame/Dataset on the right and a static DataFrame/Dataset on the left`,
            reason: '',
          });
        }
        break;
      case 'Union':
        if (p.streaming && p.children.some((c) => !c.streaming)) {
          throw PlannerErrors.UNSUPPORTED_STREAMING_OPERATION({ operation: 'Union between streaming and batch DataFrames/Datasets', reason: '' });
        }
        break;
      case 'Deduplicate':
        if (p.streaming && p.withinWatermark && p.eventTime === null) {
          throw PlannerErrors.UNSUPPORTED_STREAMING_OPERATION({ operation: 'dropDuplicatesWithinWatermark', reason: ' without watermark' });
        }
        break;
      default:
        break;
    }
    for (const c of aPlanChildren(p)) walk(c);
  };
  walk(plan);
  // Joins/unions above the stateful operator.
  const above = (p: APlan): void => {
    if (p.kind === 'Aggregate' || p.kind === 'Deduplicate' || isStreamStreamJoin(p)) return;
    if (p.streaming && streamingStateful.length > 0 && (p.kind === 'Join' || p.kind === 'Union') && streamingStateful.some((s) => collect(p, (n) => n === s).length > 0)) {
      throw PlannerErrors.UNSUPPORTED_STREAMING_OPERATION({ operation: `A ${p.kind === 'Join' ? 'join' : 'union'} after a stateful operator`, reason: ' in weir yet' });
    }
    for (const c of aPlanChildren(p)) above(c);
  };
  above(plan);
}

/** A join whose both sides stream: a stateful operator (`StreamingSymmetricHashJoin`). */
export function isStreamStreamJoin(p: APlan): boolean {
  return p.kind === 'Join' && p.left.streaming && p.right.streaming;
}

function containsStreamingAggregate(p: APlan): boolean {
  return collect(p, (n) => n.kind === 'Aggregate' && n.streaming).length > 0;
}
