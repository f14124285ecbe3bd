import { Packr } from 'msgpackr';

// Same msgpackr configuration as @weir/node's MsgpackCodec: Maps and typed arrays survive, same-shaped
// rows are stored as records (each block self-describing, so any thread decodes it).
const packr = new Packr({ moreTypes: true, useRecords: true, int64AsType: 'number' });

/**
 * Encodes one shuffle block (e.g. the `[key, partial]` pairs a map task sends to one state
 * partition) as msgpack. The result owns its `ArrayBuffer`, so a worker can return it and the
 * executor transfers it to the main thread instead of copying. `-0` decodes as `0`.
 *
 * ```ts
 * const block = encodeShuffleBlock([['s1', { sum: 3, count: 2 }]]);
 * decodeShuffleBlock(block); // [['s1', { sum: 3, count: 2 }]]
 * ```
 */
export function encodeShuffleBlock(values: readonly unknown[]): Uint8Array {
  const view = packr.pack(values);
  // msgpackr returns a view into a reused arena: copy it out so it can be stored or transferred.
  return Uint8Array.prototype.slice.call(view);
}

/** Decodes a block written by {@link encodeShuffleBlock}. */
export function decodeShuffleBlock<T = unknown>(block: Uint8Array): T[] {
  return packr.unpack(block) as T[];
}
