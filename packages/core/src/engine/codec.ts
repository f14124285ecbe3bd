/**
 * Binary encoding for state-store files and worker messages (msgpackr in `@weir/node`).
 * `decode(encode(v))` MUST deep-equal `v` for plain objects, arrays, strings, finite numbers,
 * booleans, null, Uint8Array and Map (with the one documented exception that `-0` may become `0`).
 */
export interface Codec {
  encode(value: unknown): Uint8Array;
  decode(data: Uint8Array): unknown;
}
