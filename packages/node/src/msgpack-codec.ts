import { Packr } from 'msgpackr';
import type { Codec } from '@weir/core';

/**
 * {@link Codec} over msgpackr, for state-store files, shuffle blocks and worker messages.
 *
 * `moreTypes` keeps `Map` (decoded as a Map, keys of any type), `Uint8Array` (not Node's
 * `Buffer`) and other typed arrays; plain objects use msgpackr's record extension, which is
 * compact for the many same-shaped rows weir encodes and self-describing within one message
 * (no shared structure table, so any `MsgpackCodec` in any thread or process decodes it).
 * Documented exceptions to round-tripping: `-0` decodes as `0`, and an own key named `__proto__`
 * decodes as `__proto_` (msgpackr's guard against prototype pollution).
 *
 * ```ts
 * const codec = new MsgpackCodec();
 * codec.decode(codec.encode({ k: new Map([['a', 1]]) })); // { k: Map { 'a' => 1 } }
 * ```
 */
export class MsgpackCodec implements Codec {
  readonly #packr = new Packr({ moreTypes: true, useRecords: true, int64AsType: 'number' });

  encode(value: unknown): Uint8Array {
    const view = this.#packr.pack(value);
    // msgpackr returns a view into a shared, reused arena: copy into an ArrayBuffer of our own so
    // the result can be stored, or transferred to another thread, without aliasing later encodes.
    return Uint8Array.prototype.slice.call(view);
  }

  decode(data: Uint8Array): unknown {
    return this.#packr.unpack(data);
  }
}
