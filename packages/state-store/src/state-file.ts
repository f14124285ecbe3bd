import type { Codec } from '@weir/core';
import { crc32 } from './crc32.js';
import { StateStoreErrors } from './errors.js';

/** The newest state-file format this build reads and the one it writes. */
export const STATE_FILE_FORMAT_VERSION = 1;

const MAGIC = [0x57, 0x53, 0x53, 0x54] as const; // "WSST": weir state store
const HEADER_BYTES = 16;

/** What a `<version>.delta` holds: the keys put (with their values) and removed in that version. */
export interface DeltaFileContent {
  readonly kind: 'delta';
  readonly version: number;
  /** Key-ordered `[key, value]` pairs, disjoint from `removes`. */
  readonly puts: ReadonlyArray<readonly [string, unknown]>;
  /** Key-ordered keys removed in this version. */
  readonly removes: readonly string[];
}

/** What a `<version>.snapshot` holds: every entry of the store at that version. */
export interface SnapshotFileContent {
  readonly kind: 'snapshot';
  readonly version: number;
  /** Key-ordered `[key, value]` pairs. */
  readonly entries: ReadonlyArray<readonly [string, unknown]>;
}

export type StateFileContent = DeltaFileContent | SnapshotFileContent;

/**
 * Encodes one state file. Layout (all integers big-endian):
 *
 * ```
 * offset  size  field
 *  0      4     magic "WSST"
 *  4      1     format version (1)
 *  5      1     kind: 'D' (0x44) delta | 'S' (0x53) snapshot
 *  6      2     reserved, 0
 *  8      4     payload length N
 * 12      4     CRC-32 of the payload
 * 16      N     payload = engine.codec.encode({ v: version, k: [keys…], x: [values…], r: [removed keys…] })
 * ```
 * (`r` only in deltas). Keys and values are parallel arrays encoded in ONE codec call: encoding
 * each value on its own costs several times more. A torn or truncated file fails the length or
 * CRC check and is reported as `STATE_STORE_CORRUPT`, never misread.
 */
export function encodeStateFile(codec: Codec, content: StateFileContent): Uint8Array {
  const pairs = content.kind === 'delta' ? content.puts : content.entries;
  const keys: string[] = new Array(pairs.length);
  const values: unknown[] = new Array(pairs.length);
  for (let i = 0; i < pairs.length; i++) {
    const pair = pairs[i] as readonly [string, unknown];
    keys[i] = pair[0];
    values[i] = pair[1];
  }
  return encodeStateFileParts(codec, content.kind, content.version, keys, values, content.kind === 'delta' ? content.removes : []);
}

/**
 * {@link encodeStateFile} from parallel arrays (what a commit builds in its one pass over the
 * changes, without a `[key, value]` pair per entry): `keys` key-ordered, `values[i]` the value of
 * `keys[i]`, `removes` key-ordered (deltas only; ignored for snapshots). Same bytes as
 * `encodeStateFile` of the same content.
 */
export function encodeStateFileParts(
  codec: Codec,
  kind: 'delta' | 'snapshot',
  version: number,
  keys: readonly string[],
  values: readonly unknown[],
  removes: readonly string[],
): Uint8Array {
  const body = stateFileBody(kind, version, keys, values, removes);
  const prefixing = codec as PrefixEncodingCodec;
  let out: Uint8Array;
  if (typeof prefixing.encodeWithPrefix === 'function') {
    // The codec leaves room for the header: no second multi-megabyte buffer and copy per commit.
    out = prefixing.encodeWithPrefix(body, HEADER_BYTES);
  } else {
    const payload = codec.encode(body);
    out = new Uint8Array(HEADER_BYTES + payload.length);
    out.set(payload, HEADER_BYTES);
  }
  return frameStateFile(out, kind);
}

/**
 * {@link encodeStateFileParts}, handed to `use` and then given back: with a codec that lends its
 * arena (`encodeLeased`), the file is written from that arena, not copied into a fresh buffer
 * first (a multi-megabyte copy, and its page faults, per partition per batch). `use` MUST NOT
 * keep the bytes past its promise (a `Storage.put` does not).
 */
export async function withEncodedStateFile<T>(codec: Codec, file: StateFileParts, use: (bytes: Uint8Array) => Promise<T>): Promise<T> {
  const { kind, version, keys, values, removes } = file;
  const leasing = codec as PrefixEncodingCodec;
  if (typeof leasing.encodeLeased !== 'function') return use(encodeStateFileParts(codec, kind, version, keys, values, removes));
  const lease = leasing.encodeLeased(stateFileBody(kind, version, keys, values, removes), HEADER_BYTES);
  try {
    return await use(frameStateFile(lease.bytes, kind));
  } finally {
    lease.release();
  }
}

function stateFileBody(kind: 'delta' | 'snapshot', version: number, keys: readonly string[], values: readonly unknown[], removes: readonly string[]): object {
  return kind === 'delta' ? { v: version, k: keys, x: values, r: removes } : { v: version, k: keys, x: values };
}

/** Fills the header of `out` (payload already after it) and returns `out`. */
function frameStateFile(out: Uint8Array, kind: 'delta' | 'snapshot'): Uint8Array {
  out.set(MAGIC, 0);
  out[4] = STATE_FILE_FORMAT_VERSION;
  out[5] = kind === 'delta' ? 0x44 : 0x53;
  out[6] = 0;
  out[7] = 0;
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  view.setUint32(8, out.length - HEADER_BYTES);
  view.setUint32(12, crc32(out, HEADER_BYTES, out.length));
  return out;
}

/**
 * A {@link Codec} that can also write its encoding after a caller's prefix, in one buffer the
 * result owns: `encodeWithPrefix(v, n)` MUST equal `n` bytes (any content: the caller overwrites
 * them) followed by `encode(v)`. `@weir/node`'s `MsgpackCodec` has it; a codec without it gets
 * the same file bytes through a copy.
 */
export interface PrefixEncodingCodec extends Codec {
  encodeWithPrefix?(value: unknown, prefixBytes: number): Uint8Array;
  /**
   * `encodeWithPrefix` on loan: `bytes` is valid until `release()`, after which the codec may
   * reuse its memory (`@weir/node`'s `MsgpackCodec` lends a warm arena).
   */
  encodeLeased?(value: unknown, prefixBytes: number): { readonly bytes: Uint8Array; release(): void };
}

/**
 * Decodes a state file written by {@link encodeStateFile}, verifying magic, format version,
 * kind, length, checksum and the version recorded inside against `expectedVersion`.
 * @throws STATE_STORE_CORRUPT, STATE_STORE_UNSUPPORTED_FORMAT_VERSION
 */
export function decodeStateFile(
  codec: Codec,
  path: string,
  data: Uint8Array,
  expected: { readonly kind: 'delta' | 'snapshot'; readonly version: number },
): StateFileContent {
  const parts = decodeStateFileParts(codec, path, data, expected);
  const pairs: Array<readonly [string, unknown]> = new Array(parts.keys.length);
  for (let i = 0; i < parts.keys.length; i++) pairs[i] = [parts.keys[i] as string, parts.values[i]];
  if (parts.kind === 'snapshot') return { kind: 'snapshot', version: expected.version, entries: pairs };
  return { kind: 'delta', version: expected.version, puts: pairs, removes: parts.removes };
}

/** A state file as parallel arrays (see {@link encodeStateFileParts}); `removes` is empty for snapshots. */
export interface StateFileParts {
  readonly kind: 'delta' | 'snapshot';
  readonly version: number;
  readonly keys: readonly string[];
  readonly values: readonly unknown[];
  readonly removes: readonly string[];
}

/** {@link decodeStateFile} without building a pair per entry. Same checks, same errors. */
export function decodeStateFileParts(
  codec: Codec,
  path: string,
  data: Uint8Array,
  expected: { readonly kind: 'delta' | 'snapshot'; readonly version: number },
): StateFileParts {
  const corrupt = (reason: string, cause?: unknown) =>
    StateStoreErrors.STATE_STORE_CORRUPT({ path, reason }, cause === undefined ? {} : { cause });
  if (data.length < HEADER_BYTES) throw corrupt(`${data.length} bytes is shorter than the ${HEADER_BYTES}-byte header`);
  for (let i = 0; i < MAGIC.length; i++) if (data[i] !== MAGIC[i]) throw corrupt('bad magic (not a weir state file)');
  const formatVersion = data[4] as number;
  if (formatVersion > STATE_FILE_FORMAT_VERSION || formatVersion === 0) {
    throw StateStoreErrors.STATE_STORE_UNSUPPORTED_FORMAT_VERSION({
      path,
      formatVersion,
      maxSupportedVersion: STATE_FILE_FORMAT_VERSION,
    });
  }
  const kind = data[5] === 0x44 ? 'delta' : data[5] === 0x53 ? 'snapshot' : null;
  if (kind !== expected.kind) throw corrupt(`file kind byte ${data[5]} does not match a ${expected.kind} file`);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const length = view.getUint32(8);
  if (data.length !== HEADER_BYTES + length) {
    throw corrupt(`payload length ${length} + header ${HEADER_BYTES} != file size ${data.length} (truncated or torn)`);
  }
  const checksum = view.getUint32(12);
  const actual = crc32(data, HEADER_BYTES, data.length);
  if (checksum !== actual) throw corrupt(`checksum mismatch (stored ${checksum}, computed ${actual})`);
  let decoded: unknown;
  try {
    decoded = codec.decode(data.subarray(HEADER_BYTES));
  } catch (err) {
    throw corrupt('payload does not decode', err);
  }
  const body = decoded as { v?: unknown; k?: unknown; x?: unknown; r?: unknown } | null;
  if (body === null || typeof body !== 'object' || !Array.isArray(body.k) || !Array.isArray(body.x) || body.k.length !== body.x.length) {
    throw corrupt('payload is not a state file body');
  }
  if (body.v !== expected.version) throw corrupt(`file records version ${String(body.v)}, expected ${expected.version}`);
  const keys = body.k as unknown[];
  for (let i = 0; i < keys.length; i++) if (typeof keys[i] !== 'string') throw corrupt(`key ${i} is not a string`);
  if (kind === 'snapshot') return { kind, version: expected.version, keys: keys as string[], values: body.x as unknown[], removes: [] };
  if (!Array.isArray(body.r) || body.r.some((k) => typeof k !== 'string')) throw corrupt('delta removes are not a list of keys');
  return { kind, version: expected.version, keys: keys as string[], values: body.x as unknown[], removes: body.r as string[] };
}
