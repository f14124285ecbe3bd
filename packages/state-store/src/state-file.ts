import type { Codec } from '@weir/core';
import { crc32 } from './crc32.js';
import { StateStoreErrors } from './errors.js';

/** The newest state-file format this build reads and the one it writes. */
export const STATE_FILE_FORMAT_VERSION = 1;

const MAGIC = [0x57, 0x53, 0x53, 0x54] as const; // "WSST": weir state store
const HEADER_BYTES = 16;

/** What a `<version>.delta` holds: the keys put (with their encoded values) and removed in that version. */
export interface DeltaFileContent {
  readonly kind: 'delta';
  readonly version: number;
  /** Key-ordered `[key, encoded value]` pairs, disjoint from `removes`. */
  readonly puts: ReadonlyArray<readonly [string, Uint8Array]>;
  /** Key-ordered keys removed in this version. */
  readonly removes: readonly string[];
}

/** What a `<version>.snapshot` holds: every entry of the store at that version. */
export interface SnapshotFileContent {
  readonly kind: 'snapshot';
  readonly version: number;
  /** Key-ordered `[key, encoded value]` pairs. */
  readonly entries: ReadonlyArray<readonly [string, Uint8Array]>;
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
 * 16      N     payload = engine.codec.encode({ v: version, k: [key, value, key, value, …], r: [removed keys] })
 * ```
 *
 * Values inside the payload are the codec-encoded bytes of each state value, so a snapshot is
 * written without re-encoding values and the in-memory store can keep them compact. A torn or
 * truncated file fails the length or CRC check and is reported as `STATE_STORE_CORRUPT`,
 * never misread.
 */
export function encodeStateFile(codec: Codec, content: StateFileContent): Uint8Array {
  const pairs = content.kind === 'delta' ? content.puts : content.entries;
  const flat: Array<string | Uint8Array> = new Array(pairs.length * 2);
  let i = 0;
  for (const [k, v] of pairs) {
    flat[i++] = k;
    flat[i++] = v;
  }
  const payload = codec.encode(
    content.kind === 'delta' ? { v: content.version, k: flat, r: content.removes } : { v: content.version, k: flat },
  );
  const out = new Uint8Array(HEADER_BYTES + payload.length);
  out.set(MAGIC, 0);
  out[4] = STATE_FILE_FORMAT_VERSION;
  out[5] = content.kind === 'delta' ? 0x44 : 0x53;
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  view.setUint32(8, payload.length);
  view.setUint32(12, crc32(payload));
  out.set(payload, HEADER_BYTES);
  return out;
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
  const body = decoded as { v?: unknown; k?: unknown; r?: unknown } | null;
  if (body === null || typeof body !== 'object' || !Array.isArray(body.k) || body.k.length % 2 !== 0) {
    throw corrupt('payload is not a state file body');
  }
  if (body.v !== expected.version) throw corrupt(`file records version ${String(body.v)}, expected ${expected.version}`);
  const flat = body.k as unknown[];
  const pairs: Array<readonly [string, Uint8Array]> = new Array(flat.length / 2);
  for (let i = 0, j = 0; i < flat.length; i += 2, j++) {
    const key = flat[i];
    const value = flat[i + 1];
    if (typeof key !== 'string' || !(value instanceof Uint8Array)) throw corrupt(`entry ${j} is not a [string, bytes] pair`);
    pairs[j] = [key, value];
  }
  if (kind === 'snapshot') return { kind, version: expected.version, entries: pairs };
  if (!Array.isArray(body.r) || body.r.some((k) => typeof k !== 'string')) throw corrupt('delta removes are not a list of keys');
  return { kind, version: expected.version, puts: pairs, removes: body.r as string[] };
}
