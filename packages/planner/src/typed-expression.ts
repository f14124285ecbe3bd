import { field, struct, type DataType, type StructField } from '@weir/core';
import type { AggregateFunctionName, BinaryOperator } from './expression.js';

/**
 * Resolved, typed expressions: the analyzer's output and the input of code generation and of the
 * reference interpreter. Column references carry the exact field name of their input row.
 */
export type TExpr =
  | { readonly k: 'col'; readonly name: string; readonly dt: DataType }
  | { readonly k: 'lit'; readonly value: unknown; readonly dt: DataType }
  | {
      readonly k: 'bin';
      readonly op: BinaryOperator;
      readonly l: TExpr;
      readonly r: TExpr;
      /** The operand type after coercion (both sides have it). */
      readonly operandType: DataType;
      readonly dt: DataType;
    }
  | { readonly k: 'not' | 'isNull' | 'isNotNull' | 'negate'; readonly c: TExpr; readonly dt: DataType }
  | { readonly k: 'cast'; readonly c: TExpr; readonly dt: DataType }
  | { readonly k: 'case'; readonly branches: readonly (readonly [TExpr, TExpr])[]; readonly otherwise: TExpr; readonly dt: DataType }
  | { readonly k: 'call'; readonly fn: string; readonly args: readonly TExpr[]; readonly dt: DataType }
  | { readonly k: 'field'; readonly c: TExpr; readonly name: string; readonly dt: DataType }
  | {
      readonly k: 'window';
      readonly time: TExpr;
      readonly windowUs: number;
      readonly slideUs: number;
      readonly startUs: number;
      readonly dt: DataType;
    }
  | { readonly k: 'session'; readonly time: TExpr; readonly gapUs: number; readonly dt: DataType }
  | { readonly k: 'now'; readonly dt: DataType };

/** Spark's window struct: `struct<start: timestamp, end: timestamp>`. */
export const WINDOW_TYPE: DataType = struct([field('start', 'timestamp'), field('end', 'timestamp')]);

export function isWindowType(t: DataType): boolean {
  return JSON.stringify(t) === JSON.stringify(WINDOW_TYPE);
}

/** A resolved aggregate function call. */
export interface AggregateCall {
  readonly fn: AggregateFunctionName;
  /** Input evaluated per row in the map stage (null for `count(*)`). */
  readonly input: TExpr | null;
  readonly dt: DataType;
}

export type Fields = readonly StructField[];

export function texprChildren(e: TExpr): TExpr[] {
  switch (e.k) {
    case 'bin':
      return [e.l, e.r];
    case 'not':
    case 'isNull':
    case 'isNotNull':
    case 'negate':
    case 'cast':
    case 'field':
      return [e.c];
    case 'case':
      return [...e.branches.flat(), e.otherwise];
    case 'call':
      return [...e.args];
    case 'window':
    case 'session':
      return [e.time];
    default:
      return [];
  }
}

/** Names of input columns an expression reads. */
export function referencedColumns(e: TExpr, out = new Set<string>()): Set<string> {
  if (e.k === 'col') out.add(e.name);
  for (const c of texprChildren(e)) referencedColumns(c, out);
  return out;
}
