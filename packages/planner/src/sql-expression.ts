import { Column, literal, parseTypeName } from './column.js';
import { PlannerErrors } from './errors.js';
import * as F from './functions.js';

/**
 * A small Spark SQL expression parser for `expr()`, `selectExpr()` and string `where()`:
 * identifiers (`a`, `a.b`, `` `odd name` ``), literals (`1`, `2.5`, `1e3`, `'it''s'`, `TRUE`,
 * `NULL`), `+ - * / %`, comparisons (`= == != <> < <= > >= <=>`), `AND OR NOT`,
 * `IS [NOT] NULL`, `[NOT] BETWEEN … AND …`, `[NOT] IN (…)`, `CAST(x AS type)`,
 * `CASE WHEN … THEN … [ELSE …] END`, function calls of the `functions` module (`upper(s)`,
 * `round(x, 1)`, `count(*)`), and `expr [AS] alias`. Errors are `PARSE_SYNTAX_ERROR`.
 */

type Tok = { readonly t: 'num' | 'str' | 'id' | 'qid' | 'op' | 'end'; readonly v: string; readonly at: number };

const OPS = ['<=>', '==', '!=', '<>', '<=', '>=', '<', '>', '=', '+', '-', '*', '/', '%', '(', ')', ',', '.'];

function tokenize(text: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  const fail = (reason: string): never => {
    throw PlannerErrors.PARSE_SYNTAX_ERROR({ error: reason, position: i, text });
  };
  while (i < text.length) {
    const c = text[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const at = i;
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(text[i + 1] ?? ''))) {
      const m = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[dDlL]?/.exec(text.slice(i)) as RegExpExecArray;
      out.push({ t: 'num', v: m[0], at });
      i += m[0].length;
    } else if (c === "'" || c === '"') {
      let s = '';
      i++;
      for (;;) {
        if (i >= text.length) fail('unterminated string literal');
        const d = text[i] as string;
        if (d === '\\' && i + 1 < text.length) {
          const e = text[i + 1] as string;
          s += e === 'n' ? '\n' : e === 't' ? '\t' : e;
          i += 2;
        } else if (d === c) {
          if (text[i + 1] === c) {
            s += c;
            i += 2;
          } else {
            i++;
            break;
          }
        } else {
          s += d;
          i++;
        }
      }
      out.push({ t: 'str', v: s, at });
    } else if (c === '`') {
      let s = '';
      i++;
      for (;;) {
        if (i >= text.length) fail('unterminated quoted identifier');
        if (text[i] === '`') {
          if (text[i + 1] === '`') {
            s += '`';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        s += text[i];
        i++;
      }
      out.push({ t: 'qid', v: s, at });
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i)) as RegExpExecArray;
      out.push({ t: 'id', v: m[0], at });
      i += m[0].length;
    } else {
      const op = OPS.find((o) => text.startsWith(o, i));
      if (!op) fail(`unexpected character ${JSON.stringify(c)}`);
      out.push({ t: 'op', v: op as string, at });
      i += (op as string).length;
    }
  }
  out.push({ t: 'end', v: '', at: text.length });
  return out;
}

const RESERVED = new Set(['AND', 'OR', 'NOT', 'IS', 'IN', 'BETWEEN', 'AS', 'WHEN', 'THEN', 'ELSE', 'END']);

type ScalarFn = (...args: never[]) => Column;
const FUNCTION_TABLE: Readonly<Record<string, ScalarFn>> = F.functions as unknown as Record<string, ScalarFn>;

class Parser {
  #i = 0;
  constructor(
    readonly toks: Tok[],
    readonly text: string,
  ) {}
  peek(): Tok {
    return this.toks[Math.min(this.#i, this.toks.length - 1)] as Tok;
  }
  next(): Tok {
    const t = this.peek();
    if (t.t !== 'end') this.#i++;
    return t;
  }
  fail(reason: string): never {
    throw PlannerErrors.PARSE_SYNTAX_ERROR({ error: reason, position: this.peek().at, text: this.text });
  }
  kw(word: string): boolean {
    const t = this.peek();
    if (t.t === 'id' && t.v.toUpperCase() === word) {
      this.#i++;
      return true;
    }
    return false;
  }
  isKw(word: string, offset = 0): boolean {
    const t = this.toks[this.#i + offset];
    return t !== undefined && t.t === 'id' && t.v.toUpperCase() === word;
  }
  op(o: string): boolean {
    const t = this.peek();
    if (t.t === 'op' && t.v === o) {
      this.#i++;
      return true;
    }
    return false;
  }
  expect(o: string): void {
    if (!this.op(o)) this.fail(`expected '${o}'`);
  }
  expr(): Column {
    let l = this.and();
    while (this.kw('OR')) l = l.or(this.and());
    return l;
  }
  and(): Column {
    let l = this.not();
    while (this.kw('AND')) l = l.and(this.not());
    return l;
  }
  not(): Column {
    if (this.kw('NOT')) return this.not().not();
    return this.predicate();
  }
  predicate(): Column {
    const l = this.additive();
    const t = this.peek();
    if (t.t === 'op' && ['=', '==', '!=', '<>', '<', '<=', '>', '>=', '<=>'].includes(t.v)) {
      this.next();
      const r = this.additive();
      switch (t.v) {
        case '=':
        case '==':
          return l.eq(r);
        case '!=':
        case '<>':
          return l.neq(r);
        case '<':
          return l.lt(r);
        case '<=':
          return l.leq(r);
        case '>':
          return l.gt(r);
        case '>=':
          return l.geq(r);
        default:
          return l.eqNullSafe(r);
      }
    }
    if (this.kw('IS')) {
      const negate = this.kw('NOT');
      if (!this.kw('NULL')) this.fail('expected NULL after IS');
      return negate ? l.isNotNull() : l.isNull();
    }
    const negate = this.isKw('NOT') && (this.isKw('BETWEEN', 1) || this.isKw('IN', 1)) ? this.kw('NOT') : false;
    if (this.kw('BETWEEN')) {
      const lo = this.additive();
      if (!this.kw('AND')) this.fail('expected AND in BETWEEN');
      const c = l.between(lo, this.additive());
      return negate ? c.not() : c;
    }
    if (this.kw('IN')) {
      this.expect('(');
      const items = [this.expr()];
      while (this.op(',')) items.push(this.expr());
      this.expect(')');
      const c = l.isin(...items);
      return negate ? c.not() : c;
    }
    return l;
  }
  additive(): Column {
    let l = this.multiplicative();
    for (;;) {
      if (this.op('+')) l = l.plus(this.multiplicative());
      else if (this.op('-')) l = l.minus(this.multiplicative());
      else return l;
    }
  }
  multiplicative(): Column {
    let l = this.unary();
    for (;;) {
      if (this.op('*')) l = l.multiply(this.unary());
      else if (this.op('/')) l = l.divide(this.unary());
      else if (this.op('%')) l = l.mod(this.unary());
      else return l;
    }
  }
  unary(): Column {
    if (this.op('-')) {
      const t = this.peek();
      if (t.t === 'num') return this.number(this.next(), true);
      return this.unary().negate();
    }
    if (this.op('+')) return this.unary();
    return this.primary();
  }
  number(t: Tok, negative: boolean): Column {
    const text = t.v.replace(/[dDlL]$/, '');
    const n = Number(text) * (negative ? -1 : 1);
    if (/[dD]$/.test(t.v) || /[.eE]/.test(text)) return new Column({ kind: 'lit', value: n, type: 'double' });
    if (/[lL]$/.test(t.v)) return new Column({ kind: 'lit', value: n, type: 'long' });
    return literal(n);
  }
  primary(): Column {
    const t = this.next();
    switch (t.t) {
      case 'num':
        return this.number(t, false);
      case 'str':
        return literal(t.v);
      case 'qid':
        return this.qualified(t.v, true);
      case 'op':
        if (t.v === '(') {
          const e = this.expr();
          this.expect(')');
          return e;
        }
        if (t.v === '*') return F.col('*');
        return this.fail(`unexpected '${t.v}'`);
      case 'end':
        return this.fail('unexpected end of input');
      case 'id':
        break;
    }
    const word = t.v.toUpperCase();
    if (RESERVED.has(word)) this.fail(`unexpected keyword ${word} (quote a column of that name with backticks)`);
    if (word === 'TRUE' || word === 'FALSE') return literal(word === 'TRUE');
    if (word === 'NULL') return literal(null);
    if (word === 'CAST' && this.op('(')) {
      const e = this.expr();
      if (!this.kw('AS')) this.fail('expected AS in CAST');
      const start = this.peek().at;
      let depth = 0;
      while (!(this.peek().t === 'op' && this.peek().v === ')' && depth === 0)) {
        const x = this.next();
        if (x.t === 'end') this.fail('unterminated CAST');
        if (x.t === 'op' && x.v === '(') depth++;
        if (x.t === 'op' && x.v === ')') depth--;
      }
      const typeText = this.text.slice(start, this.peek().at);
      this.expect(')');
      try {
        return e.cast(parseTypeName(typeText.trim()));
      } catch (cause) {
        throw PlannerErrors.PARSE_SYNTAX_ERROR({ error: `unknown type ${typeText.trim()}`, position: start, text: this.text }, { cause });
      }
    }
    if (word === 'CASE') {
      let c: Column | null = null;
      while (this.kw('WHEN')) {
        const cond = this.expr();
        if (!this.kw('THEN')) this.fail('expected THEN');
        const v = this.expr();
        c = c === null ? F.when(cond, v) : c.when(cond, v);
      }
      if (c === null) this.fail('expected WHEN after CASE');
      if (this.kw('ELSE')) c = (c as Column).otherwise(this.expr());
      if (!this.kw('END')) this.fail('expected END');
      return c as Column;
    }
    if (this.peek().t === 'op' && this.peek().v === '(') {
      this.next();
      const args: Column[] = [];
      if (!this.op(')')) {
        do args.push(this.expr());
        while (this.op(','));
        this.expect(')');
      }
      return this.call(t.v.toLowerCase(), args);
    }
    return this.qualified(t.v, false);
  }
  qualified(first: string, quoted: boolean): Column {
    const parts = [quoted ? '`' + first.replace(/`/g, '``') + '`' : first];
    while (this.peek().t === 'op' && this.peek().v === '.') {
      this.next();
      const n = this.next();
      if (n.t === 'id') parts.push(n.v);
      else if (n.t === 'qid') parts.push('`' + n.v.replace(/`/g, '``') + '`');
      else this.fail('expected a field name after .');
    }
    // A single backticked name is the whole column name (it may contain dots).
    if (parts.length === 1 && quoted) return F.col(first);
    return F.col(parts.join('.'));
  }
  call(name: string, args: Column[]): Column {
    const litValue = (c: Column | undefined, what: string): unknown => {
      if (!c || c.expr.kind !== 'lit') this.fail(`${name}: ${what} must be a literal`);
      return (c as Column).expr.kind === 'lit' ? ((c as Column).expr as { value: unknown }).value : null;
    };
    switch (name) {
      case 'count':
        return args.length === 0 || (args[0] as Column).expr.kind === 'star' ? F.count() : F.count(args[0] as Column);
      case 'round':
        return F.round(args[0] as Column, args.length > 1 ? Number(litValue(args[1], 'the scale')) : 0);
      case 'substring':
      case 'substr':
        return F.substring(args[0] as Column, Number(litValue(args[1], 'the position')), args.length > 2 ? Number(litValue(args[2], 'the length')) : 2147483647);
      case 'regexp_extract':
        return F.regexp_extract(args[0] as Column, String(litValue(args[1], 'the pattern')), args.length > 2 ? Number(litValue(args[2], 'the index')) : 1);
      case 'to_timestamp':
      case 'to_date':
        return (name === 'to_timestamp' ? F.to_timestamp : F.to_date)(args[0] as Column, args.length > 1 ? String(litValue(args[1], 'the format')) : undefined);
      case 'date_format':
        return F.date_format(args[0] as Column, String(litValue(args[1], 'the format')));
      case 'window':
        return F.window(args[0] as Column, String(litValue(args[1], 'the duration')), args[2] ? String(litValue(args[2], 'the slide')) : undefined, args[3] ? String(litValue(args[3], 'the start time')) : undefined);
      case 'session_window':
        return F.session_window(args[0] as Column, String(litValue(args[1], 'the gap')));
      case 'current_timestamp':
      case 'now':
        return F.current_timestamp();
      default: {
        const fn = FUNCTION_TABLE[name];
        if (!fn || name === 'col' || name === 'column' || name === 'lit' || name === 'when') {
          return this.fail(`unknown function ${name}`);
        }
        return fn(...(args as never[]));
      }
    }
  }
}

/** Spark's `functions.expr`: parses a SQL expression into a Column. Throws `PARSE_SYNTAX_ERROR`. */
export function expr(text: string): Column {
  const p = new Parser(tokenize(text), text);
  const e = p.expr();
  if (p.peek().t !== 'end') p.fail(`unexpected '${p.peek().v}'`);
  return e;
}

/** A `selectExpr` item: an expression with an optional `[AS] alias`. */
export function selectItem(text: string): Column {
  const p = new Parser(tokenize(text), text);
  const e = p.expr();
  if (p.peek().t === 'end') return e;
  p.kw('AS');
  const t = p.next();
  if (t.t !== 'id' && t.t !== 'qid') p.fail('expected an alias');
  if (p.peek().t !== 'end') p.fail(`unexpected '${p.peek().v}'`);
  return e.alias(t.v);
}
