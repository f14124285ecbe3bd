import { Packr, RESERVE_START_SPACE } from 'msgpackr';
import { CoreErrors, type Codec } from '@weir/core';

/**
 * The arena every `MsgpackCodec` of this thread packs into, kept between calls. msgpackr's own
 * arena moves on after each result (results are views it must not overwrite) and grows by
 * allocating fresh buffers: every byte of a multi-megabyte value (a state partition's window
 * blocks, a state-store delta) then lands in memory the OS has not mapped yet, and the page faults
 * cost several times the copying itself. `encode` copies each result out, so the arena can be
 * rewritten from offset 0 by the next call and its pages stay warm.
 */
let arena: Buffer = Buffer.allocUnsafeSlow(64 * 1024);

/**
 * Arenas handed back by released leases (`encodeLeased`), taken by the next lease. A lease keeps
 * its arena across an `await` (the file write), and another task of the same thread may encode
 * meanwhile: it takes a free arena here, or makes one, instead of waiting or copying.
 */
const freeLeaseArenas: Buffer[] = [];
const MAX_FREE_LEASE_ARENAS = 4;

/** msgpackr's `RESERVE_START_SPACE` takes the prefix length in its low 8 bits. */
const MAX_RESERVED_PREFIX_BYTES = 0xff;

/**
 * Arenas msgpackr grew beyond this are used for that one value and dropped, not kept: a thread
 * holds at most this much address space for encoding (resident only where values were written).
 */
const MAX_RETAINED_ARENA_BYTES = 64 * 1024 * 1024;

/**
 * Handed to msgpackr after each encode, so that other msgpackr users in the thread (its target
 * buffer is module state shared by every `Packr`) never write into {@link arena}: their results
 * are views they may keep, which the next encode here would overwrite. It is never written to:
 * msgpackr replaces a target with no room before writing.
 */
const HANDBACK: Buffer = Buffer.alloc(0);

/** True while an encode is packing into {@link arena} (a nested encode must not reuse it). */
let arenaInUse = false;

/**
 * glibc's malloc serves a request at or above its mmap threshold with a fresh `mmap` (every page
 * faults when first written, and is unmapped again on free), and raises the threshold to the size
 * of an mmapped block when one is freed, up to 32 MiB (mallopt(3), "dynamic mmap threshold").
 * msgpackr's growing arenas used to be such blocks, freed every few encodes; the warm arena here
 * is never freed, so without help the threshold stays below the size of our results and every
 * result is a fresh mapping: measured in a worker, the copy-out then cost more than the warm
 * arena saved. So once per thread and size class, `encode` allocates a block of 4× the result
 * (below 32 MiB), never touches it (no page is faulted) and drops it: when the garbage collector
 * frees it, results of this size come from the reusable heap. Other allocators ignore this; it
 * costs one untouched mapping per size class.
 */
const MMAP_THRESHOLD_MAX = 32 * 1024 * 1024;
let thresholdRaisedTo = 0;
function raiseMmapThresholdFor(bytes: number): void {
  if (bytes < 128 * 1024 || bytes * 2 <= thresholdRaisedTo || thresholdRaisedTo >= MMAP_THRESHOLD_MAX / 2) return;
  thresholdRaisedTo = Math.min(MMAP_THRESHOLD_MAX - 64 * 1024, bytes * 4);
  try {
    Buffer.allocUnsafeSlow(thresholdRaisedTo);
  } catch {
    // No address space to spare (a tight memory limit): the hint is only an optimization.
  }
}

/**
 * A copy of `view` after `prefixBytes` zero bytes, in a buffer of its own. Not `slice` (memory
 * zero-filled first, then copied over): the copy writes every byte after the prefix.
 */
function withPrefix(view: Buffer, prefixBytes: number): Buffer {
  const out = Buffer.allocUnsafeSlow(prefixBytes + view.length);
  if (prefixBytes > 0) out.fill(0, 0, prefixBytes);
  view.copy(out, prefixBytes, 0, view.length);
  return out;
}

/** @throws INVALID_ARGUMENT unless `prefixBytes` is a non-negative integer. */
function checkPrefixBytes(prefixBytes: number): void {
  if (!Number.isSafeInteger(prefixBytes) || prefixBytes < 0) {
    throw CoreErrors.INVALID_ARGUMENT({ option: 'prefixBytes', reason: `must be a non-negative integer, got ${String(prefixBytes)}` });
  }
}

/** An encoding on loan from the codec's arena: see `MsgpackCodec.encodeLeased`. */
export interface EncodedLease {
  readonly bytes: Uint8Array;
  release(): void;
}

/** A lease of bytes that own their buffer (nothing to give back). */
function ownedLease(bytes: Uint8Array): EncodedLease {
  return { bytes, release: () => {} };
}

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
 * `encode` returns a `Uint8Array` that owns its whole `ArrayBuffer` (offset 0, exact length), so
 * it can be stored, or transferred to another thread, without aliasing later encodes.
 *
 * ```ts
 * const codec = new MsgpackCodec();
 * codec.decode(codec.encode({ k: new Map([['a', 1]]) })); // { k: Map { 'a' => 1 } }
 * ```
 */
export class MsgpackCodec implements Codec {
  readonly #packr = new Packr({ moreTypes: true, useRecords: true, int64AsType: 'number' });

  encode(value: unknown): Uint8Array {
    return this.encodeWithPrefix(value, 0);
  }

  /**
   * `encode(value)` written after `prefixBytes` zero bytes, in one buffer the result owns: a
   * caller that frames the encoding (a state file's header) fills the prefix in place instead of
   * copying the whole encoding into a second buffer.
   */
  encodeWithPrefix(value: unknown, prefixBytes: number): Uint8Array {
    checkPrefixBytes(prefixBytes);
    // A value whose own serialization (toJSON, an extension) encodes again: leave the arena to
    // the outer call and let msgpackr nest as it does on its own.
    if (arenaInUse) return withPrefix(this.#packr.pack(value), prefixBytes);
    const view = this.#packInto(arena, value, 0);
    // msgpackr grew the arena (a value larger than any before): keep the larger one, up to the cap.
    if (view.buffer !== arena.buffer && view.buffer.byteLength <= MAX_RETAINED_ARENA_BYTES) {
      arena = Buffer.from(view.buffer as ArrayBuffer);
    }
    const out = withPrefix(view, prefixBytes);
    raiseMmapThresholdFor(out.length);
    return out;
  }

  /**
   * `packr.pack(value, options)` into `target` (msgpackr grows it when too small: the result is
   * then in a larger buffer), with {@link arenaInUse} set meanwhile, and msgpackr's target handed
   * back after, so no other msgpackr user in the thread writes into `target`.
   */
  #packInto(target: Buffer, value: unknown, options: number): Buffer {
    const packr = this.#packr;
    arenaInUse = true;
    try {
      packr.useBuffer(target);
      return packr.pack(value, options);
    } finally {
      packr.useBuffer(HANDBACK);
      arenaInUse = false;
    }
  }

  /**
   * `encodeWithPrefix(value, prefixBytes)` without the copy-out: `bytes` is a view of a warm arena
   * of this thread, valid until `release()` (the arena is then reused; a caller MUST NOT touch
   * `bytes` after that). For a multi-megabyte value written once and dropped (a state file), the
   * copy into a fresh buffer, and the page faults of that buffer, were most of its commit time.
   * `release` is idempotent. A value larger than the arena grows it (msgpackr copies what it
   * wrote so far into a larger buffer, which is then kept for next time).
   */
  encodeLeased(value: unknown, prefixBytes: number): EncodedLease {
    checkPrefixBytes(prefixBytes);
    if (arenaInUse || prefixBytes > MAX_RESERVED_PREFIX_BYTES) return ownedLease(this.encodeWithPrefix(value, prefixBytes));
    let leased = freeLeaseArenas.pop() ?? Buffer.allocUnsafeSlow(64 * 1024);
    let bytes: Buffer;
    try {
      // msgpackr reserves the prefix itself (and keeps it when it grows the buffer): no copy-out.
      bytes = this.#packInto(leased, value, RESERVE_START_SPACE | prefixBytes);
    } catch (err) {
      freeLeaseArenas.push(leased);
      throw err;
    }
    // msgpackr grew the arena (a value larger than this arena): lend its larger one, and keep it.
    if (bytes.buffer !== leased.buffer) leased = Buffer.from(bytes.buffer as ArrayBuffer);
    bytes.fill(0, 0, prefixBytes);
    let released = false;
    return {
      bytes,
      release: () => {
        if (released) return;
        released = true;
        if (freeLeaseArenas.length < MAX_FREE_LEASE_ARENAS && leased.length <= MAX_RETAINED_ARENA_BYTES) freeLeaseArenas.push(leased);
      },
    };
  }

  decode(data: Uint8Array): unknown {
    return this.#packr.unpack(data);
  }
}
