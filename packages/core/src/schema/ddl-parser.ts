import { CoreErrors } from '../errors/core-errors.js';
import { MAX_DECIMAL_PRECISION, type DataType, type DecimalTypeName, type PrimitiveTypeName, type StructField, type StructType } from './data-type.js';

interface Token {
  readonly kind: 'ident' | 'quoted' | 'number' | 'string' | 'punct' | 'eof';
  readonly text: string;
  readonly pos: number;
}

/** Spark DDL type keywords (case-insensitive) and the type each names. */
const PRIMITIVES: Readonly<Record<string, PrimitiveTypeName>> = {
  string: 'string',
  text: 'string',
  bigint: 'long',
  long: 'long',
  int: 'integer',
  integer: 'integer',
  smallint: 'short',
  short: 'short',
  tinyint: 'byte',
  byte: 'byte',
  double: 'double',
  float: 'float',
  real: 'float',
  boolean: 'boolean',
  bool: 'boolean',
  binary: 'binary',
  date: 'date',
  timestamp: 'timestamp',
  timestamp_ltz: 'timestamp',
  timestamp_ntz: 'timestamp_ntz',
};

function tokenize(ddl: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const error = (reason: string, position: number): never => {
    throw CoreErrors.INVALID_DDL({ position, reason, ddl });
  };
  while (i < ddl.length) {
    const c = ddl[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if ('<>(),:'.includes(c)) {
      tokens.push({ kind: 'punct', text: c, pos: i++ });
    } else if (c === '`') {
      const start = i++;
      let text = '';
      for (;;) {
        if (i >= ddl.length) error('unterminated `quoted identifier`', start);
        if (ddl[i] === '`') {
          if (ddl[i + 1] === '`') {
            text += '`';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        text += ddl[i++];
      }
      tokens.push({ kind: 'quoted', text, pos: start });
    } else if (c === "'" || c === '"') {
      const start = i++;
      let text = '';
      while (ddl[i] !== c) {
        if (i >= ddl.length) error('unterminated string literal', start);
        if (ddl[i] === '\\' && i + 1 < ddl.length) i++;
        text += ddl[i++];
      }
      i++;
      tokens.push({ kind: 'string', text, pos: start });
    } else if (/[0-9-]/.test(c)) {
      const m = /^-?\d+/.exec(ddl.slice(i));
      if (!m) error(`unexpected character '${c}'`, i);
      tokens.push({ kind: 'number', text: m![0], pos: i });
      i += m![0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(ddl.slice(i)) as RegExpExecArray;
      tokens.push({ kind: 'ident', text: m[0], pos: i });
      i += m[0].length;
    } else {
      error(`unexpected character '${c}'`, i);
    }
  }
  tokens.push({ kind: 'eof', text: '', pos: ddl.length });
  return tokens;
}

class DDLParser {
  #tokens: Token[];
  #at = 0;
  readonly #ddl: string;

  constructor(ddl: string) {
    this.#ddl = ddl;
    this.#tokens = tokenize(ddl);
  }

  #peek(): Token {
    return this.#tokens[this.#at] as Token;
  }

  #next(): Token {
    return this.#tokens[this.#at++] as Token;
  }

  #fail(reason: string, token: Token = this.#peek()): never {
    throw CoreErrors.INVALID_DDL({ position: token.pos, reason, ddl: this.#ddl });
  }

  #isKeyword(word: string): boolean {
    const t = this.#peek();
    return t.kind === 'ident' && t.text.toLowerCase() === word;
  }

  #expectPunct(p: string): void {
    const t = this.#next();
    if (t.kind !== 'punct' || t.text !== p) this.#fail(`expected '${p}' but found ${describe(t)}`, t);
  }

  #acceptPunct(p: string): boolean {
    const t = this.#peek();
    if (t.kind === 'punct' && t.text === p) {
      this.#at++;
      return true;
    }
    return false;
  }

  #int(): number {
    const t = this.#next();
    if (t.kind !== 'number') this.#fail(`expected a number but found ${describe(t)}`, t);
    return Number(t.text);
  }

  columns(): StructType {
    const fields: StructField[] = [];
    if (this.#peek().kind === 'eof') this.#fail('expected a column definition');
    do {
      fields.push(this.#field(false));
    } while (this.#acceptPunct(','));
    const t = this.#peek();
    if (t.kind !== 'eof') this.#fail(`expected ',' or end of input but found ${describe(t)}`, t);
    return checkUnique(this.#freezeStruct(fields), this.#ddl);
  }

  #freezeStruct(fields: StructField[]): StructType {
    return Object.freeze({ type: 'struct' as const, fields: Object.freeze(fields) });
  }

  #field(inStruct: boolean): StructField {
    const nameToken = this.#next();
    if (nameToken.kind !== 'ident' && nameToken.kind !== 'quoted') {
      this.#fail(`expected a ${inStruct ? 'field' : 'column'} name but found ${describe(nameToken)}`, nameToken);
    }
    this.#acceptPunct(':');
    const type = this.#type();
    let nullable = true;
    const metadata: Record<string, unknown> = {};
    for (;;) {
      if (this.#isKeyword('not')) {
        this.#at++;
        if (!this.#isKeyword('null')) this.#fail("expected NULL after NOT");
        this.#at++;
        nullable = false;
      } else if (this.#isKeyword('comment')) {
        this.#at++;
        const c = this.#next();
        if (c.kind !== 'string') this.#fail('expected a quoted comment', c);
        metadata['comment'] = c.text;
      } else {
        break;
      }
    }
    return Object.freeze({ name: nameToken.text, type, nullable, metadata: Object.freeze(metadata) });
  }

  #type(): DataType {
    const t = this.#next();
    if (t.kind !== 'ident') this.#fail(`expected a type but found ${describe(t)}`, t);
    const word = t.text.toLowerCase();
    const primitive = PRIMITIVES[word];
    if (primitive) return primitive;
    switch (word) {
      case 'char':
      case 'varchar':
        this.#expectPunct('(');
        this.#int();
        this.#expectPunct(')');
        return 'string';
      case 'decimal':
      case 'dec':
      case 'numeric':
        return this.#decimal(t);
      case 'array': {
        this.#expectPunct('<');
        const elementType = this.#type();
        this.#expectPunct('>');
        return Object.freeze({ type: 'array' as const, elementType, containsNull: true });
      }
      case 'map': {
        this.#expectPunct('<');
        const keyType = this.#type();
        this.#expectPunct(',');
        const valueType = this.#type();
        this.#expectPunct('>');
        return Object.freeze({ type: 'map' as const, keyType, valueType, valueContainsNull: true });
      }
      case 'struct': {
        this.#expectPunct('<');
        const fields: StructField[] = [];
        if (!this.#acceptPunct('>')) {
          do {
            fields.push(this.#field(true));
          } while (this.#acceptPunct(','));
          this.#expectPunct('>');
        }
        return checkUnique(this.#freezeStruct(fields), this.#ddl, t.pos);
      }
      default:
        return this.#fail(`unknown type '${t.text}'`, t);
    }
  }

  #decimal(t: Token): DecimalTypeName {
    let precision = 10;
    let scale = 0;
    if (this.#acceptPunct('(')) {
      precision = this.#int();
      if (this.#acceptPunct(',')) scale = this.#int();
      this.#expectPunct(')');
    }
    if (precision < 1 || precision > MAX_DECIMAL_PRECISION || scale < 0 || scale > precision) {
      this.#fail(`decimal(${precision},${scale}) is out of range (precision 1..38, 0 <= scale <= precision)`, t);
    }
    return `decimal(${precision},${scale})`;
  }
}

function describe(t: Token): string {
  return t.kind === 'eof' ? 'end of input' : `'${t.text}'`;
}

function checkUnique(s: StructType, ddl: string, position = 0): StructType {
  const seen = new Set<string>();
  for (const f of s.fields) {
    const key = f.name.toLowerCase();
    if (seen.has(key)) throw CoreErrors.INVALID_DDL({ position, reason: `duplicate column name '${f.name}'`, ddl });
    seen.add(key);
  }
  return s;
}

/** Parses a Spark DDL column list into a schema. Throws `INVALID_DDL` with the character position. */
export function parseDDL(ddl: string): StructType {
  return new DDLParser(ddl).columns();
}

/** Parses a single Spark DDL type (`DECIMAL(10,2)`, `ARRAY<STRING>`). Throws `INVALID_DDL`. */
export function parseDDLType(ddl: string): DataType {
  const schema = parseDDL(`x ${ddl}`);
  return (schema.fields[0] as StructField).type;
}
