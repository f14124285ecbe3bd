import { parseDuration, type Row, type StructType } from '@weir/core';
import { Column, toNamedColumn } from './column.js';
import { freezeDeep, type Expression } from './expression.js';
import type { JoinType, LogicalPlan, SourceRef } from './logical-plan.js';
import { PlannerErrors } from './errors.js';
import { formatLogicalPlan } from './explain.js';
import { planQuery } from './plan-query.js';
import { expr, selectItem } from './sql-expression.js';
import { parseTimeRangeCondition } from './stream-join.js';

type ColumnLike = Column | string;

/**
 * An immutable, lazily evaluated query, PySpark's `DataFrame`: every method returns a new
 * DataFrame holding a bigger logical plan (`plan`, plain frozen data). Nothing runs until
 * `@weir/streaming` plans it with {@link planQuery} and executes the stages.
 *
 * ```ts
 * import { DataFrame, col, window, avg } from '@weir/planner';
 * const df = DataFrame.fromSource({ index: 0, format: 'weather-sim' })
 *   .withWatermark('event_time', '10 minutes')
 *   .groupBy(window(col('event_time'), '1 minute'), col('station_id'))
 *   .agg(avg('temperature_c').alias('avg_temp'));
 * ```
 */
export class DataFrame {
  readonly plan: LogicalPlan;

  constructor(plan: LogicalPlan) {
    this.plan = freezeDeep(plan);
  }

  /** A streaming source (`session.readStream…load()` builds this). */
  static fromSource(ref: SourceRef): DataFrame {
    return new DataFrame({ kind: 'Source', index: ref.index, format: ref.format, schema: ref.schema ?? null });
  }

  /** A static relation given inline (a batch `session.read` result, or test data). */
  static fromRows(schema: StructType, rows: readonly Row[]): DataFrame {
    return new DataFrame({ kind: 'LocalRelation', schema, rows: rows.map((r) => ({ ...r })) });
  }

  /** True when the plan reads a streaming source. */
  get isStreaming(): boolean {
    const walk = (p: LogicalPlan): boolean => {
      if (p.kind === 'Source') return true;
      if (p.kind === 'LocalRelation') return false;
      if (p.kind === 'Join') return walk(p.left) || walk(p.right);
      if (p.kind === 'Union') return p.children.some(walk);
      return walk(p.child);
    };
    return walk(this.plan);
  }

  select(...cols: (ColumnLike | ColumnLike[])[]): DataFrame {
    const exprs = cols.flat().map((c) => toNamedColumn(c).expr);
    return new DataFrame({ kind: 'Project', exprs, child: this.plan });
  }

  /** Spark's `selectExpr`: SQL expressions with optional aliases (`"temperature_c * 1.8 + 32 AS f"`). */
  selectExpr(...exprs: string[]): DataFrame {
    return this.select(...exprs.map(selectItem));
  }

  /** Filters rows where `condition` (a Column or a SQL expression string) is true; null and false rows are dropped. */
  where(condition: Column | string): DataFrame {
    const c = typeof condition === 'string' ? expr(condition) : condition;
    return new DataFrame({ kind: 'Filter', condition: c.expr, child: this.plan });
  }
  filter(condition: Column | string): DataFrame {
    return this.where(condition);
  }

  /** Adds a column, or replaces the column of that name in place. */
  withColumn(name: string, c: Column): DataFrame {
    return new DataFrame({ kind: 'WithColumn', name, expr: c.expr, child: this.plan });
  }

  /** Renames a column; a no-op when `existing` is absent (as in Spark). */
  withColumnRenamed(existing: string, newName: string): DataFrame {
    return new DataFrame({ kind: 'RenameColumn', from: existing, to: newName, child: this.plan });
  }

  /** Drops columns by name; absent names are ignored (as in Spark). */
  drop(...names: string[]): DataFrame {
    return new DataFrame({ kind: 'Drop', names, child: this.plan });
  }

  /**
   * Declares `eventTime` as this stream's event-time column, with a watermark of
   * `max(eventTime) - delayThreshold` (computed at the end of each batch, used by the next).
   */
  withWatermark(eventTime: string, delayThreshold: string): DataFrame {
    const delayMs = parseDuration(delayThreshold);
    return new DataFrame({ kind: 'EventTimeWatermark', column: eventTime, delayMs, delayText: delayThreshold, child: this.plan });
  }

  groupBy(...cols: (ColumnLike | ColumnLike[])[]): GroupedData {
    return new GroupedData(this.plan, cols.flat().map((c) => toNamedColumn(c).expr));
  }
  groupby(...cols: (ColumnLike | ColumnLike[])[]): GroupedData {
    return this.groupBy(...cols);
  }

  /** Global aggregation (`df.agg(...)` = `df.groupBy().agg(...)`). */
  agg(...exprs: Column[]): DataFrame {
    return this.groupBy().agg(...exprs);
  }

  /** Drops duplicate rows, by `subset` columns or by all columns. With a watermark, include the event-time column to bound state. */
  dropDuplicates(subset?: readonly string[]): DataFrame {
    return new DataFrame({ kind: 'Deduplicate', keys: subset ? [...subset] : null, withinWatermark: false, child: this.plan });
  }
  drop_duplicates(subset?: readonly string[]): DataFrame {
    return this.dropDuplicates(subset);
  }

  /** Drops duplicates arriving within the watermark delay of the first occurrence (needs `withWatermark`). */
  dropDuplicatesWithinWatermark(subset?: readonly string[]): DataFrame {
    return new DataFrame({ kind: 'Deduplicate', keys: subset ? [...subset] : null, withinWatermark: true, child: this.plan });
  }

  /**
   * Equi-join on same-named columns (`on`); the output has the join columns once, then left, then
   * right columns. For a stream-stream join, `options.condition` adds a time-range condition in
   * Spark's SQL spelling that bounds the join state once both sides have watermarks:
   * `"clickTime BETWEEN impressionTime - interval 5 minutes AND impressionTime + interval 5 minutes"`
   * or `"clickTime >= impressionTime AND clickTime <= impressionTime + interval 1 hour"`.
   */
  join(other: DataFrame, on: string | readonly string[], how: JoinType = 'inner', options: { condition?: string } = {}): DataFrame {
    const onList = typeof on === 'string' ? [on] : [...on];
    if (options.condition === undefined) return new DataFrame({ kind: 'Join', left: this.plan, right: other.plan, on: onList, how });
    const timeRange = parseTimeRangeCondition(options.condition);
    return new DataFrame({ kind: 'Join', left: this.plan, right: other.plan, on: onList, how, timeRange });
  }

  /** Union by position (Spark `union`): the columns take this DataFrame's names. */
  union(other: DataFrame): DataFrame {
    const children = this.plan.kind === 'Union' ? [...this.plan.children, other.plan] : [this.plan, other.plan];
    return new DataFrame({ kind: 'Union', children });
  }
  unionAll(other: DataFrame): DataFrame {
    return this.union(other);
  }

  /** Sorting: only supported after an aggregation in complete mode (Spark's rule); checked by the analyzer. */
  orderBy(...cols: (ColumnLike | ColumnLike[])[]): DataFrame {
    return new DataFrame({ kind: 'Sort', orderBy: cols.flat().map((c) => toNamedColumn(c).expr), child: this.plan });
  }
  sort(...cols: (ColumnLike | ColumnLike[])[]): DataFrame {
    return this.orderBy(...cols);
  }

  /** Not supported on streaming DataFrames (rejected by the analyzer, as Spark does). */
  limit(n: number): DataFrame {
    return new DataFrame({ kind: 'Limit', n, child: this.plan });
  }

  /**
   * The plans as text: the parsed logical plan and, when every source schema is known, the
   * analyzed and physical plans (planned in append mode with 8 shuffle partitions unless given).
   */
  explain(options: { sourceSchemas?: readonly StructType[]; outputMode?: 'append' | 'update' | 'complete'; shufflePartitions?: number } = {}): string {
    const parsed = `== Parsed Logical Plan ==\n${formatLogicalPlan(this.plan)}`;
    try {
      const plan = planQuery(this.plan, {
        sourceSchemas: options.sourceSchemas ?? [],
        outputMode: options.outputMode ?? 'append',
        shufflePartitions: options.shufflePartitions ?? 8,
      });
      return plan.explain;
    } catch (e) {
      return `${parsed}\n\n== Physical Plan ==\n(not available: ${(e as Error).message})`;
    }
  }
}

/** PySpark's `GroupedData`: the result of `groupBy`, turned into a DataFrame by `agg` or a shortcut. */
export class GroupedData {
  readonly #child: LogicalPlan;
  readonly #keys: readonly Expression[];
  constructor(child: LogicalPlan, keys: readonly Expression[]) {
    this.#child = child;
    this.#keys = keys;
  }
  agg(...exprs: (Column | Column[])[]): DataFrame {
    const aggs = exprs.flat().map((c) => c.expr);
    if (aggs.length === 0) throw PlannerErrors.INVALID_EXPRESSION({ expression: 'agg', reason: 'agg() needs at least one aggregate expression' });
    return new DataFrame({ kind: 'Aggregate', groupBy: this.#keys, aggs, child: this.#child });
  }
  #each(fn: 'sum' | 'avg' | 'min' | 'max', names: string[]): DataFrame {
    return this.agg(...names.map((n) => new Column({ kind: 'agg', fn, child: { kind: 'col', name: n } })));
  }
  /** Row count per group, in a column named `count`. */
  count(): DataFrame {
    return this.agg(new Column({ kind: 'agg', fn: 'count', child: null }).alias('count'));
  }
  sum(...names: string[]): DataFrame {
    return this.#each('sum', names);
  }
  avg(...names: string[]): DataFrame {
    return this.#each('avg', names);
  }
  mean(...names: string[]): DataFrame {
    return this.#each('avg', names);
  }
  min(...names: string[]): DataFrame {
    return this.#each('min', names);
  }
  max(...names: string[]): DataFrame {
    return this.#each('max', names);
  }
}
