/**
 * Binary encoding for state-store files and worker messages (msgpackr in `@weir/node`).
 * `decode(encode(v))` MUST deep-equal `v` for plain objects, arrays, strings, finite numbers,
 * booleans, null, Uint8Array and Map, with two documented exceptions: `-0` may become `0`, and an own
 * key named `__proto__` may be renamed (implementations MUST NOT let it set a prototype).
 */
export interface Codec {
  encode(value: unknown): Uint8Array;
  decode(data: Uint8Array): unknown;
}
