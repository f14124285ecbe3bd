import { createGeneratedCodeCache, type DataType, type Row } from '@weir/core';
import { MISMATCH, type Converter } from './value-converters.js';
import { literalKey } from './literal-key.js';

/** Side results of one conform call, written into a reused object (no per-row allocation). */
export interface ConformState {
  /** How many schema fields were present in the record (absent ≠ null). */
  matched: number;
  /** Mismatched values to rescue, by field name, or null. */
  rescued: Record<string, unknown> | null;
  /** Index of the first mismatched field when not rescuing, else -1. */
  bad: number;
}

export type JsonConformer = (obj: Record<string, unknown>, convs: readonly Converter[], st: ConformState) => Row;

/**
 * Generates the per-schema function that conforms a parsed JSON object to a row. The ingest hot
 * path: one straight-line function per schema, and rows built as one object literal with every
 * output column (data, partition, corrupt, rescued) in schema order, so all rows share one
 * hidden class and allocate in one step. Names are emitted only through `JSON.stringify`.
 */
const conformers = createGeneratedCodeCache<JsonConformer>();

export function compileJsonConformer(
  dataNames: readonly string[],
  allNames: readonly string[],
  rescue: boolean,
  types: readonly DataType[] = [],
): JsonConformer {
  const q = (s: string) => JSON.stringify(s);
  const body: string[] = ['let m = 0; let rs = null; let bad = -1; let v;'];
  dataNames.forEach((name, i) => {
    const onMismatch = rescue ? `(rs === null ? (rs = {}) : rs)[${q(name)}] = v;` : `if (bad < 0) bad = ${i};`;
    body.push(
      `let r${i}; v = obj[${q(name)}];`,
      `if (v === undefined) r${i} = null; else { m++; if (v === null) r${i} = null; else { r${i} = ${fastPath(types[i], i)}; if (r${i} === MISMATCH) { r${i} = null; ${onMismatch} } } }`,
    );
  });
  body.push('st.matched = m; st.rescued = rs; st.bad = bad;');
  const index = new Map(dataNames.map((n, i) => [n, i]));
  const props = allNames.map((n) => `${literalKey(n)}: ${index.has(n) ? `r${index.get(n)}` : 'null'}`);
  body.push(`return { ${props.join(', ')} };`);
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- code generation from JSON-quoted names only
  const source = `return function conform(obj, c, st) {\n${body.join('\n')}\n};`;
  return conformers(source, (src) => (new Function('MISMATCH', src) as (m: symbol) => JsonConformer)(MISMATCH));
}

/** The common case of a type inline (no call); anything else goes through the converter `c[i]`. */
function fastPath(type: DataType | undefined, i: number): string {
  switch (type) {
    case 'string':
      return `typeof v === 'string' ? v : c[${i}](v)`;
    case 'double':
    case 'float':
      return `typeof v === 'number' ? v : c[${i}](v)`;
    case 'long':
      return `Number.isSafeInteger(v) ? v : c[${i}](v)`;
    case 'integer':
      return `(typeof v === 'number' && (v | 0) === v) ? v : c[${i}](v)`;
    case 'boolean':
      return `typeof v === 'boolean' ? v : c[${i}](v)`;
    default:
      return `c[${i}](v)`;
  }
}
