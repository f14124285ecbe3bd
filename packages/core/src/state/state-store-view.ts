/**
 * The key-value view a stateful operator works against for one (operator, partition) at one
 * version: the contract between the operators (`@weir/planner`) and the versioned store
 * (`@weir/state-store`), so neither depends on the other.
 *
 * Keys are strings (an operator encodes its grouping key, e.g. as canonical JSON); values are
 * plain data the Engine's `Codec` can encode.
 *
 * Contracts:
 * - `get` after `put(k, v)` in the same view MUST return `v`; after `remove(k)`, `undefined`.
 * - `entries()` MUST reflect every `put`/`remove` made so far, in key order (byte order), so
 *   operators that emit from state produce deterministic output.
 * - Changes become durable only when the owning store commits; an aborted view leaves the
 *   loaded version untouched.
 */
export interface StateStoreView {
  get(key: string): unknown;
  put(key: string, value: unknown): void;
  remove(key: string): void;
  entries(): Iterable<readonly [string, unknown]>;
  readonly size: number;
}
