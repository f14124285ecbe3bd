import type { ColumnVectorKind } from '@weir/core';
import { PlannerErrors } from './errors.js';

/**
 * Code generation for the columnar map stage: the row stage's generated text (see `codegen.ts`),
 * re-targeted from row objects to column vectors.
 *
 * Why from the text: the {@link QueryPlan} carries each map stage as the text of ONE function over
 * rows (it crosses threads as plain data; the typed pipelines it came from do not). The columnar
 * stage keeps that function's expression lines byte for byte (the same filters, projections,
 * casts and watermark statistics: one semantics, one generator) and rewrites only the three kinds
 * of line that touch a row object:
 *
 * - the input column loads `const c0 = (r["a"] ?? null);` / `const c0 = h.own(r, "__proto__");`
 *   become reads of a vector at row `i` (typed-array reads for float64 / boolean vectors);
 * - the output `out.push({ "a": t3, … });` becomes writes into a core `ColumnChunkBuilder`'s
 *   arrays (a column that is an input column unchanged is not copied per row: the caller reuses
 *   or gathers the input vector), and `out.push(r)` (a filter-only stage) records the surviving
 *   row index for a gather;
 * - the loop header runs over `n` row indices instead of an array of rows.
 *
 * An aggregation's loop ends in `sink.add(r, key0, …, input0, …)` instead of an emit: that call
 * is kept, with `null` for the row (asked for with `sink: true`; the caller guarantees the sink
 * never keeps the row, i.e. late rows are not collected).
 *
 * Every other line is recognised by shape or copied verbatim; anything unrecognised (joins,
 * dedup sinks, a line shape this parser does not know) makes {@link parseRowStage} return null
 * and the caller keeps the row stage: never a wrong answer. Generated identifiers added here all
 * start with `$` so they cannot collide with the row generator's (`c0`, `t1`, `k2`, `nowUs`, …);
 * no user text is added (columns are addressed by position; the copied lines embed user text only
 * through `JSON.stringify`, as the row generator wrote them).
 */

/** One input column load of the row stage. */
export interface ColumnRead {
  /** The generated variable (`c3`). */
  readonly v: string;
  /** The column name read. */
  readonly name: string;
}

/** What a loop of the row stage emits per surviving row. */
export type ParsedEmit =
  /** `out.push(r)`: the input row itself (its fields are the output fields). */
  | { readonly kind: 'input' }
  /** `out.push({ … })`: per output field, the JS expression (a variable or a literal) of its value. */
  | { readonly kind: 'values'; readonly values: readonly string[] }
  /**
   * `sink.add(r, a0, …)`: the row handed to an aggregate sink (keys, then aggregate inputs); `args`
   * is the JS text after `r` (`, c1, c0, null`, or empty). Only parsed when asked for (aggregations
   * whose sink does not keep the row: it is passed as `null`).
   */
  | { readonly kind: 'sink'; readonly args: string };

/** One `for` loop of the row stage (a stage has one per pipeline from its source). */
export interface ParsedLoop {
  readonly reads: readonly ColumnRead[];
  /** The loop body between the loads and the emit, verbatim. */
  readonly body: readonly string[];
  readonly emit: ParsedEmit;
}

export interface ParsedStage {
  /** Prologue lines run once per compilation (helper and cast lookups), verbatim. */
  readonly prologue: readonly string[];
  readonly loops: readonly ParsedLoop[];
}

/** Where the stage's reads find their columns in one chunk. */
export interface ReadSlot {
  /** Index of the chunk vector, or -1 when the chunk has no such column (reads null). */
  readonly index: number;
  readonly kind: ColumnVectorKind;
  /** Whether the vector has a `nulls` array (decides the generated read). */
  readonly nullable: boolean;
}

/** How the generated function writes output field `f` (only fields computed per row are written). */
export interface OutputSlot {
  /** Output field index. */
  readonly field: number;
  /** Index in the builder's schema (the computed fields only). */
  readonly builderIndex: number;
  readonly kind: ColumnVectorKind;
}

const JSON_STRING = String.raw`"(?:[^"\\]|\\.)*"`;
const READ_ROW = new RegExp(String.raw`^ {4}const (c\d+) = \(r\[(${JSON_STRING})\] \?\? null\);$`);
const READ_OWN = new RegExp(String.raw`^ {4}const (c\d+) = h\.own\(r, (${JSON_STRING})\);$`);
const PROLOGUE = /^const k\d+ = h\.(?:castFn|fns)\[?\(?/;
/** A value in an emitted object literal: a generated variable or a literal from `literalSource`. */
const VALUE = /^(?:[tck]\d+|nowUs|null|NaN|Infinity|true|false|\(-Infinity\)|\(-0\)|\(-?\d[\d.eE+-]*\))/;

const HEADER = [
  'return function stage(rows, rt, sink) {',
  '  const out = [];',
  '  const nowUs = rt.nowUs;',
  '  let evMin = rt.evMin, evMax = rt.evMax, evSum = rt.evSum, evCount = rt.evCount;',
];
const FOOTER = ['  rt.evMin = evMin; rt.evMax = evMax; rt.evSum = evSum; rt.evCount = evCount;', '  return out;', '};'];
const LOOP_OPEN = '  for (let i = 0; i < rows.length; i++) {';
const LOOP_ROW = '    const r = rows[i];';
const LOOP_CLOSE = '  }';

/** The object-literal key `codegen.ts` writes for `name` (computed for `__proto__`). */
function objectKey(name: string): string {
  return name === '__proto__' ? `[${JSON.stringify(name)}]` : JSON.stringify(name);
}

/** Parses `{ "a": t3, "b": "x" }` against the expected output names; the values' source, or null. */
function parseObject(text: string, names: readonly string[]): string[] | null {
  if (!text.startsWith('{ ')) return null;
  let at = 2;
  const values: string[] = [];
  for (let f = 0; f < names.length; f++) {
    const key = objectKey(names[f] as string) + ': ';
    if (!text.startsWith(key, at)) return null;
    at += key.length;
    const rest = text.slice(at);
    let value: string | null = null;
    if (rest.startsWith('"')) {
      const m = new RegExp(`^${JSON_STRING}`).exec(rest);
      value = m === null ? null : m[0];
    } else {
      const m = VALUE.exec(rest);
      value = m === null ? null : m[0];
    }
    if (value === null) return null;
    values.push(value);
    at += value.length;
    const sep = f + 1 < names.length ? ', ' : '';
    if (!text.startsWith(sep, at)) return null;
    at += sep.length;
  }
  return text.slice(at) === ' }' ? values : null;
}

/**
 * Splits the text of a stateless row stage (as `generateStage` writes it, with an `emit`
 * terminal) into its parts; null for any other shape (stateful terminals, joins, unknown lines).
 * `outputNames` are the plan's output field names, in order. With `sink: true` a loop may end in
 * an aggregate sink call (`sink.add(r, …)`, the aggregate terminal) instead of an emit.
 */
export function parseRowStage(code: string, outputNames: readonly string[], options: { readonly sink?: boolean } = {}): ParsedStage | null {
  const lines = code.split('\n');
  let at = 0;
  if (lines[at++] !== '"use strict";') return null;
  const prologue: string[] = [];
  while (at < lines.length && lines[at] !== HEADER[0]) {
    const l = lines[at++] as string;
    // Only helper and cast lookups: join tables (`rt.joins`) are per-call and not handled here.
    if (!PROLOGUE.test(l) || l.includes('rt.')) return null;
    prologue.push(l);
  }
  for (const h of HEADER) if (lines[at++] !== h) return null;
  const loops: ParsedLoop[] = [];
  while (lines[at] === LOOP_OPEN) {
    at++;
    if (lines[at++] !== LOOP_ROW) return null;
    const reads: ColumnRead[] = [];
    for (;;) {
      const m = READ_ROW.exec(lines[at] ?? '') ?? READ_OWN.exec(lines[at] ?? '');
      if (m === null) break;
      reads.push({ v: m[1] as string, name: JSON.parse(m[2] as string) as string });
      at++;
    }
    const body: string[] = [];
    let emit: ParsedEmit | null = null;
    while (at < lines.length && lines[at] !== LOOP_CLOSE) {
      const l = lines[at++] as string;
      if (!l.startsWith('    ')) return null;
      const t = l.trim();
      if (t.startsWith('out.push(')) {
        // The emit is the loop's last statement (filters `continue` before it; joins nest and are refused).
        if (l !== '    ' + t || lines[at] !== LOOP_CLOSE) return null;
        if (t === 'out.push(r);') emit = { kind: 'input' };
        else {
          if (!t.endsWith(');')) return null;
          const values = parseObject(t.slice('out.push('.length, -2), outputNames);
          if (values === null) return null;
          emit = { kind: 'values', values };
        }
        continue;
      }
      if (options.sink === true && t.startsWith('sink.add(r')) {
        // The aggregate terminal: the loop's last statement, its arguments free of the row (the sink gets `null`).
        if (l !== '    ' + t || lines[at] !== LOOP_CLOSE || !t.endsWith(');')) return null;
        const args = t.slice('sink.add(r'.length, -2);
        if (args !== '' && !args.startsWith(', ')) return null;
        if (/\b(?:rows|out|sink|r)\b|\brt\.joins|\bfor \(/.test(args.replace(new RegExp(JSON_STRING, 'g'), '""'))) return null;
        emit = { kind: 'sink', args };
        continue;
      }
      // Anything that still needs the row, the sink or a join is outside this generator.
      if (/\b(?:rows|out|sink|r)\b|\brt\.joins|\bfor \(/.test(t.replace(new RegExp(JSON_STRING, 'g'), '""'))) return null;
      body.push(l);
    }
    if (lines[at++] !== LOOP_CLOSE || emit === null) return null;
    loops.push({ reads, body, emit });
  }
  for (const f of FOOTER) if (lines[at++] !== f) return null;
  return at === lines.length ? { prologue, loops } : null;
}

/** Whether JS text `text` mentions identifier `v` (which may contain `$`). */
export function usesVariable(text: string, v: string): boolean {
  return new RegExp(`(?<![\\w$])${v.replace(/\$/g, '\\$')}(?![\\w$])`).test(text);
}

/** JS reading row `i` of the vector in `slot` as a row value (`vectorValue`), for the variables `$v<j>` / `$n<j>`. */
function readSource(slot: ReadSlot): string {
  if (slot.index < 0) return 'null';
  const v = `$v${slot.index}`;
  const n = `$n${slot.index}`;
  switch (slot.kind) {
    case 'float64':
      return slot.nullable ? `${n}[i] === 1 ? null : ${v}[i]` : `${v}[i]`;
    case 'boolean':
      return slot.nullable ? `${n}[i] === 1 ? null : ${v}[i] === 1` : `${v}[i] === 1`;
    default:
      return `${v}[i] ?? null`;
  }
}

/** Statements writing value `x` (a JS expression) to output slot `s` at row `$o`, as `ColumnChunkBuilder.set` would. */
function writeSource(s: OutputSlot, x: string): string {
  const j = s.builderIndex;
  switch (s.kind) {
    case 'float64':
      return `if (${x} == null) { $on${j}[$o] = 1; $z${j} = $o; } else $of${j}[$o] = ${x};`;
    case 'boolean':
      return `if (${x} == null) { $on${j}[$o] = 1; $z${j} = $o; } else $ob${j}[$o] = ${x} === true ? 1 : 0;`;
    default:
      return `$ov${j}[$o] = ${x} ?? null;`;
  }
}

/** A loop prepared for generation: reads bound to chunk slots, writes to output slots. */
export interface LoopLayout {
  readonly loop: ParsedLoop;
  /** Per read (same order as `loop.reads`): where it reads from. */
  readonly slots: readonly ReadSlot[];
  /** Per output field: the emitted value expression, or null when the field is not written per row (direct). */
  readonly writes: readonly (string | null)[];
  /** Whether the surviving row indices go to `$sel` (for direct or passed-through columns). */
  readonly select: boolean;
}

/**
 * The text of the columnar stage function for one chunk layout:
 * `function (vs, n, rt, b, $sel, sink) → number of output rows`, writing the computed fields into
 * builder `b` (then `b.numRows` is that count) and, when `select`, the surviving row indices into
 * `$sel`. A loop ending in an aggregate sink call calls `sink.add(null, …)` instead (no output row). Compile it with `new Function('h', text)(helpers)`, like the row stage.
 */
export function generateColumnarStage(prologue: readonly string[], loops: readonly LoopLayout[], outputs: readonly OutputSlot[]): string {
  const out: string[] = ['"use strict";', ...prologue, 'return function columnarStage(vs, n, rt, b, $sel, sink) {'];
  out.push('  const nowUs = rt.nowUs;');
  out.push('  let evMin = rt.evMin, evMax = rt.evMax, evSum = rt.evSum, evCount = rt.evCount;');
  // The vectors the loops read, loaded once per call (loads of columns no statement uses are dropped below).
  const loopLines: string[] = [];
  const loaded = new Set<number>();
  for (const s of outputs) {
    const j = s.builderIndex;
    if (s.kind === 'float64') out.push(`  const $of${j} = b.float64s[${j}], $on${j} = b.nulls[${j}]; let $z${j} = -1;`);
    else if (s.kind === 'boolean') out.push(`  const $ob${j} = b.booleans[${j}], $on${j} = b.nulls[${j}]; let $z${j} = -1;`);
    else out.push(`  const $ov${j} = b.values[${j}];`);
  }
  for (const l of loops) {
    const writes: string[] = [];
    l.writes.forEach((x, f) => {
      if (x === null) return;
      const s = outputs.find((o) => o.field === f);
      if (s === undefined) throw PlannerErrors.PLANNER_INTERNAL_ERROR({ reason: `columnar stage: output field ${f} has no slot` });
      writes.push(writeSource(s, x));
    });
    // Loads no remaining statement uses are not generated (a column only passed through is gathered instead).
    const emit = l.loop.emit;
    const call = emit.kind === 'sink' ? `    sink.add(null${emit.args});` : null;
    const used = [...l.loop.body, ...writes, call ?? ''].join('\n');
    loopLines.push('  for (let i = 0; i < n; i++) {');
    l.loop.reads.forEach((r, k) => {
      if (!usesVariable(used, r.v)) return;
      const slot = l.slots[k] as ReadSlot;
      loopLines.push(`    const ${r.v} = ${readSource(slot)};`);
      if (slot.index >= 0) loaded.add(slot.index);
    });
    loopLines.push(...l.loop.body);
    if (call !== null) loopLines.push(call);
    else {
      for (const w of writes) loopLines.push('    ' + w);
      if (l.select) loopLines.push('    $sel[$o] = i;');
      loopLines.push('    $o++;');
    }
    loopLines.push('  }');
  }
  for (const j of [...loaded].sort((a, b) => a - b)) {
    const kind = loops.flatMap((l) => l.slots).find((x) => x.index === j)?.kind;
    out.push(`  const $v${j} = vs[${j}].values${kind === 'values' ? '' : `, $n${j} = vs[${j}].nulls`};`);
  }
  out.push('  let $o = 0;');
  out.push(...loopLines);
  out.push('  rt.evMin = evMin; rt.evMax = evMax; rt.evSum = evSum; rt.evCount = evCount;');
  // Null flags written straight into the arrays: `setNull` at one null row marks the column as having nulls.
  for (const s of outputs) if (s.kind !== 'values') out.push(`  if ($z${s.builderIndex} >= 0) { b.numRows = $z${s.builderIndex}; b.setNull(${s.builderIndex}); }`);
  out.push('  b.numRows = $o;');
  out.push('  return $o;');
  out.push('};');
  return out.join('\n');
}
