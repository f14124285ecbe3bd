import type { DataType } from '@weir/core';

/**
 * Unresolved expressions: what the DataFrame API builds. Plain frozen data (they live inside
 * logical plans, which cross threads); the analyzer turns them into typed expressions.
 */
export type BinaryOperator =
  | '+'
  | '-'
  | '*'
  | '/'
  | '%'
  | '='
  | '!='
  | '<=>'
  | '<'
  | '<='
  | '>'
  | '>='
  | 'and'
  | 'or';

export type AggregateFunctionName =
  | 'count'
  | 'sum'
  | 'avg'
  | 'min'
  | 'max'
  | 'first'
  | 'last'
  | 'approx_count_distinct'
  | 'stddev';

export type Expression =
  | { readonly kind: 'col'; readonly name: string }
  | { readonly kind: 'star' }
  | { readonly kind: 'lit'; readonly value: unknown; readonly type: DataType }
  | { readonly kind: 'alias'; readonly child: Expression; readonly name: string }
  | { readonly kind: 'binary'; readonly op: BinaryOperator; readonly left: Expression; readonly right: Expression }
  | { readonly kind: 'unary'; readonly op: 'not' | 'isNull' | 'isNotNull' | 'negate'; readonly child: Expression }
  | { readonly kind: 'cast'; readonly child: Expression; readonly to: DataType }
  | { readonly kind: 'case'; readonly branches: readonly (readonly [Expression, Expression])[]; readonly otherwise: Expression | null }
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly Expression[] }
  | { readonly kind: 'field'; readonly child: Expression; readonly name: string }
  | { readonly kind: 'agg'; readonly fn: AggregateFunctionName; readonly child: Expression | null }
  | {
      readonly kind: 'window';
      readonly time: Expression;
      readonly windowUs: number;
      readonly slideUs: number;
      readonly startUs: number;
      /** The duration strings as the user wrote them, for naming and explain. */
      readonly text: string;
    }
  | { readonly kind: 'sessionWindow'; readonly time: Expression; readonly gapUs: number; readonly text: string }
  | { readonly kind: 'currentTimestamp' };

export function freezeDeep<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as object)) freezeDeep(v);
  }
  return value;
}

/** True when `e` (or any sub-expression) is an aggregate function call. */
export function containsAggregate(e: Expression): boolean {
  if (e.kind === 'agg') return true;
  return children(e).some(containsAggregate);
}

export function children(e: Expression): Expression[] {
  switch (e.kind) {
    case 'alias':
    case 'unary':
    case 'cast':
    case 'field':
      return [e.child];
    case 'binary':
      return [e.left, e.right];
    case 'case':
      return [...e.branches.flat(), ...(e.otherwise ? [e.otherwise] : [])];
    case 'call':
      return [...e.args];
    case 'agg':
      return e.child ? [e.child] : [];
    case 'window':
    case 'sessionWindow':
      return [e.time];
    default:
      return [];
  }
}
