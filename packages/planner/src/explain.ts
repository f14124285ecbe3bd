import { simpleString } from '@weir/core';
import { exprToString } from './column.js';
import type { LogicalPlan } from './logical-plan.js';
import { AGG_SLOT, aPlanChildren, type APlan } from './analyzer.js';
import type { TExpr } from './typed-expression.js';
import { formatTimeRange } from './stream-join.js';

function tree(lines: string[], depth: number, text: string): void {
  lines.push(depth === 0 ? text : `${'   '.repeat(depth - 1)}+- ${text}`);
}

/** The parsed (unresolved) logical plan, one node per line, Spark's tree drawing. */
export function formatLogicalPlan(p: LogicalPlan): string {
  const lines: string[] = [];
  const walk = (n: LogicalPlan, d: number): void => {
    switch (n.kind) {
      case 'Source':
        tree(lines, d, `'StreamingRelation ${n.format}[${n.index}]`);
        return;
      case 'LocalRelation':
        tree(lines, d, `'LocalRelation [${n.schema.fields.map((f) => f.name).join(', ')}], ${n.rows.length} rows`);
        return;
      case 'Project':
        tree(lines, d, `'Project [${n.exprs.map(exprToString).join(', ')}]`);
        break;
      case 'WithColumn':
        tree(lines, d, `'WithColumn ${n.name} = ${exprToString(n.expr)}`);
        break;
      case 'RenameColumn':
        tree(lines, d, `'RenameColumn ${n.from} -> ${n.to}`);
        break;
      case 'Drop':
        tree(lines, d, `'Drop [${n.names.join(', ')}]`);
        break;
      case 'Filter':
        tree(lines, d, `'Filter ${exprToString(n.condition)}`);
        break;
      case 'EventTimeWatermark':
        tree(lines, d, `'EventTimeWatermark '${n.column}, ${n.delayText}`);
        break;
      case 'Aggregate':
        tree(lines, d, `'Aggregate [${n.groupBy.map(exprToString).join(', ')}], [${n.aggs.map(exprToString).join(', ')}]`);
        break;
      case 'Deduplicate':
        tree(lines, d, `'${n.withinWatermark ? 'DeduplicateWithinWatermark' : 'Deduplicate'} [${(n.keys ?? ['*']).join(', ')}]`);
        break;
      case 'Join':
        tree(lines, d, `'Join ${n.how}, using [${n.on.join(', ')}]${n.timeRange ? `, ${formatTimeRange(n.timeRange)}` : ''}`);
        walk(n.left, d + 1);
        walk(n.right, d + 1);
        return;
      case 'Union':
        tree(lines, d, `'Union`);
        for (const c of n.children) walk(c, d + 1);
        return;
      case 'Sort':
        tree(lines, d, `'Sort [${n.orderBy.map(exprToString).join(', ')}]`);
        break;
      case 'Limit':
        tree(lines, d, `'GlobalLimit ${n.n}`);
        break;
    }
    walk(n.child, d + 1);
  };
  walk(p, 0);
  return lines.join('\n');
}

/** Renders a typed expression in Spark's SQL-ish spelling. */
export function texprToString(e: TExpr): string {
  switch (e.k) {
    case 'col':
      return e.name.startsWith('\u0000') ? `agg#${e.name.slice(4)}` : e.name;
    case 'lit':
      return e.value === null ? 'null' : typeof e.value === 'string' ? JSON.stringify(e.value) : String(e.value);
    case 'bin':
      return `(${texprToString(e.l)} ${e.op === 'and' ? 'AND' : e.op === 'or' ? 'OR' : e.op} ${texprToString(e.r)})`;
    case 'not':
      return `NOT ${texprToString(e.c)}`;
    case 'isNull':
      return `isnull(${texprToString(e.c)})`;
    case 'isNotNull':
      return `isnotnull(${texprToString(e.c)})`;
    case 'negate':
      return `-${texprToString(e.c)}`;
    case 'cast':
      return `cast(${texprToString(e.c)} as ${simpleString(e.dt)})`;
    case 'case':
      return `CASE ${e.branches.map(([c, v]) => `WHEN ${texprToString(c)} THEN ${texprToString(v)}`).join(' ')} ELSE ${texprToString(e.otherwise)} END`;
    case 'call':
      return `${e.fn}(${e.args.map(texprToString).join(', ')})`;
    case 'field':
      return `${texprToString(e.c)}.${e.name}`;
    case 'window':
      return `window(${texprToString(e.time)}, ${e.windowUs}us, ${e.slideUs}us, ${e.startUs}us)`;
    case 'session':
      return `session_window(${texprToString(e.time)}, ${e.gapUs}us)`;
    case 'now':
      return 'current_batch_timestamp()';
  }
}

const attrs = (p: APlan): string => p.schema.map((f) => `${f.name}: ${simpleString(f.type)}`).join(', ');

/** The analyzed plan, with output attributes and types. */
export function formatAnalyzedPlan(p: APlan): string {
  const lines: string[] = [];
  const walk = (n: APlan, d: number): void => {
    let text: string;
    switch (n.kind) {
      case 'Source':
        text = `StreamingRelation ${n.format}[${n.index}], [${attrs(n)}]`;
        break;
      case 'LocalRelation':
        text = `LocalRelation [${attrs(n)}], ${n.rows.length} rows`;
        break;
      case 'Project':
        text = `Project [${n.exprs.map((x) => (x.expr.k === 'col' && x.expr.name === x.name ? x.name : `${texprToString(x.expr)} AS ${x.name}`)).join(', ')}]`;
        break;
      case 'Filter':
        text = `Filter ${texprToString(n.condition)}`;
        break;
      case 'Watermark':
        text = `EventTimeWatermark ${n.column}, ${n.delayText}`;
        break;
      case 'Aggregate':
        text = `Aggregate [${n.keys.map((k) => texprToString(k.expr)).join(', ')}], [${[
          ...n.keys.map((k) => k.name),
          ...n.results.map((r) => `${texprToString(r.expr)} AS ${r.name}`),
        ].join(', ')}] with [${n.aggs.map((a, i) => `${AGG_SLOT(i).slice(1)} = ${a.fn}(${a.input ? texprToString(a.input) : '1'})`).join(', ')}]`;
        break;
      case 'Deduplicate':
        text = `${n.withinWatermark ? 'DeduplicateWithinWatermark' : 'Deduplicate'} [${n.keys.join(', ')}]`;
        break;
      case 'Join':
        text = `Join ${n.how === 'left' ? 'LeftOuter' : n.how === 'right' ? 'RightOuter' : n.how === 'full' ? 'FullOuter' : 'Inner'}, [${n.keys.map((k) => `(${k.left} = ${k.right})`).join(' AND ')}]${n.timeRange ? `, ${formatTimeRange(n.timeRange)}` : ''}`;
        break;
      case 'Union':
        text = 'Union';
        break;
      case 'Sort':
        text = `Sort [${n.keys.map((k) => `${texprToString(k)} ASC NULLS FIRST`).join(', ')}]`;
        break;
      case 'Limit':
        text = `GlobalLimit ${n.n}`;
        break;
    }
    tree(lines, d, text);
    for (const c of aPlanChildren(n)) walk(c, d + 1);
  };
  walk(p, 0);
  return lines.join('\n');
}
