import { parseDuration } from '@weir/core';
import { Column, literal, toLiteralColumn, toNamedColumn, type ColumnOrValue } from './column.js';
import type { AggregateFunctionName } from './expression.js';
import { PlannerErrors } from './errors.js';

/** `pyspark.sql.functions.col`: a column by name (`"a"`, `"window.start"`, `` "`a.b`" ``, `"*"`). */
export function col(name: string): Column {
  return toNamedColumn(name);
}
/** Same as {@link col}. */
export const column = col;

/** `pyspark.sql.functions.lit`. */
export function lit(value: unknown): Column {
  return value instanceof Column ? value : literal(value);
}

/** `when(cond, value)`: start of a CASE WHEN chain; continue with `.when()`, end with `.otherwise()`. */
export function when(condition: Column, value: ColumnOrValue): Column {
  return new Column({ kind: 'case', branches: [[condition.expr, toLiteralColumn(value).expr]], otherwise: null });
}

function call(name: string, ...args: Column[]): Column {
  return new Column({ kind: 'call', name, args: args.map((a) => a.expr) });
}

/** The first non-null argument. */
export function coalesce(...cols: (Column | string)[]): Column {
  return call('coalesce', ...cols.map(toNamedColumn));
}
/** Spark `round(x, scale)`: HALF_UP on the decimal value (`round(2.5)` = 3, `round(-2.5)` = -3). */
export function round(c: Column | string, scale = 0): Column {
  return call('round', toNamedColumn(c), literal(scale));
}
export function abs(c: Column | string): Column {
  return call('abs', toNamedColumn(c));
}
export function floor(c: Column | string): Column {
  return call('floor', toNamedColumn(c));
}
export function ceil(c: Column | string): Column {
  return call('ceil', toNamedColumn(c));
}
export function sqrt(c: Column | string): Column {
  return call('sqrt', toNamedColumn(c));
}
export function upper(c: Column | string): Column {
  return call('upper', toNamedColumn(c));
}
export function lower(c: Column | string): Column {
  return call('lower', toNamedColumn(c));
}
/** Removes leading and trailing spaces (only U+0020, as Spark). */
export function trim(c: Column | string): Column {
  return call('trim', toNamedColumn(c));
}
export function length(c: Column | string): Column {
  return call('length', toNamedColumn(c));
}
/** Concatenation; null if any argument is null. */
export function concat(...cols: (Column | string)[]): Column {
  return call('concat', ...cols.map(toNamedColumn));
}
/** Spark `substring(str, pos, len)`: 1-based `pos` (0 acts as 1, negative counts from the end). */
export function substring(c: Column | string, pos: number, len: number): Column {
  return call('substring', toNamedColumn(c), literal(pos), literal(len));
}
/** Group `idx` of the first match of `pattern` (a literal), or `""` when nothing matches. */
export function regexp_extract(c: Column | string, pattern: string, idx: number): Column {
  return call('regexp_extract', toNamedColumn(c), literal(pattern), literal(idx));
}
/** `to_timestamp(col[, format])`: a string parsed as a timestamp (Spark's cast rules, or a datetime pattern); invalid → null. */
export function to_timestamp(c: Column | string, format?: string): Column {
  return format === undefined ? call('to_timestamp', toNamedColumn(c)) : call('to_timestamp', toNamedColumn(c), literal(format));
}
/** `to_date(col[, format])`. */
export function to_date(c: Column | string, format?: string): Column {
  return format === undefined ? call('to_date', toNamedColumn(c)) : call('to_date', toNamedColumn(c), literal(format));
}
/** `date_format(ts, pattern)` with Spark datetime patterns (`yyyy-MM-dd HH:mm:ss.SSS`), in UTC. */
export function date_format(c: Column | string, format: string): Column {
  return call('date_format', toNamedColumn(c), literal(format));
}
/** The micro-batch's timestamp (the same on replay of a batch), not the wall clock. */
export function current_timestamp(): Column {
  return new Column({ kind: 'currentTimestamp' });
}

function durationUs(text: string, what: string): number {
  const ms = parseDuration(text);
  if (!(ms > 0)) throw PlannerErrors.INVALID_EXPRESSION({ expression: what, reason: `the duration "${text}" must be positive` });
  return Math.round(ms * 1000);
}

/**
 * `window(timeColumn, windowDuration[, slideDuration[, startTime]])`: the tumbling (or sliding)
 * event-time window a row falls in, a struct `{start, end}` of timestamps; windows are
 * `[start, end)`, aligned to the epoch plus `startTime`.
 */
export function window(timeColumn: Column | string, windowDuration: string, slideDuration?: string, startTime?: string): Column {
  const windowUs = durationUs(windowDuration, 'window');
  const slideUs = slideDuration === undefined ? windowUs : durationUs(slideDuration, 'window');
  if (slideUs > windowUs) {
    throw PlannerErrors.INVALID_EXPRESSION({ expression: 'window', reason: 'the slide duration must be less than or equal to the windowDuration' });
  }
  const startUs = startTime === undefined ? 0 : Math.round(parseDuration(startTime) * 1000);
  const text = [windowDuration, slideDuration, startTime].filter((s) => s !== undefined).join(', ');
  return new Column({ kind: 'window', time: toNamedColumn(timeColumn).expr, windowUs, slideUs, startUs, text });
}

/** `session_window(timeColumn, gapDuration)`: sessions that close after `gap` without events. */
export function session_window(timeColumn: Column | string, gapDuration: string): Column {
  return new Column({ kind: 'sessionWindow', time: toNamedColumn(timeColumn).expr, gapUs: durationUs(gapDuration, 'session_window'), text: gapDuration });
}

/** `window_time(window)`: the window's event time, `window.end - 1µs`. */
export function window_time(windowColumn: Column | string): Column {
  return call('window_time', toNamedColumn(windowColumn));
}

function agg(fn: AggregateFunctionName, c: Column | string | null): Column {
  return new Column({ kind: 'agg', fn, child: c === null ? null : toNamedColumn(c).expr });
}
/** `count(col)` counts non-null values; `count("*")` / `count()` counts rows. */
export function count(c: Column | string = '*'): Column {
  return agg('count', c === '*' ? null : c);
}
export function sum(c: Column | string): Column {
  return agg('sum', c);
}
export function avg(c: Column | string): Column {
  return agg('avg', c);
}
export const mean = avg;
export function min(c: Column | string): Column {
  return agg('min', c);
}
export function max(c: Column | string): Column {
  return agg('max', c);
}
/** The first value seen for the group (in processing order: input partition order, then row order). */
export function first(c: Column | string): Column {
  return agg('first', c);
}
/** The last value seen for the group (in processing order). */
export function last(c: Column | string): Column {
  return agg('last', c);
}
/** Approximate distinct count with HyperLogLog (Spark's default relative error 0.05: 2^9 registers, deterministic hash). */
export function approx_count_distinct(c: Column | string): Column {
  return agg('approx_count_distinct', c);
}
/** Sample standard deviation (`stddev_samp`); null for fewer than two values. */
export function stddev(c: Column | string): Column {
  return agg('stddev', c);
}
export const stddev_samp = stddev;

/** The PySpark `functions` module in one object: `import { F } from '@weir/planner'; F.col('a')`. */
export const functions = Object.freeze({
  col,
  column,
  lit,
  when,
  coalesce,
  round,
  abs,
  floor,
  ceil,
  sqrt,
  upper,
  lower,
  trim,
  length,
  concat,
  substring,
  regexp_extract,
  to_timestamp,
  to_date,
  date_format,
  current_timestamp,
  window,
  session_window,
  window_time,
  count,
  sum,
  avg,
  mean,
  min,
  max,
  first,
  last,
  approx_count_distinct,
  stddev,
  stddev_samp,
});
