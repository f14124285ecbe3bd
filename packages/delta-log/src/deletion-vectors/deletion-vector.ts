/**
 * Deletion vectors (spec: "Deletion Vectors", "Deletion Vector Format"): the set of row indexes of
 * a data file that are logically deleted. Stored inline (`i`, Z85 text), in a file next to the
 * data (`u`, `<prefix><Z85 uuid>` → `<prefix>/deletion_vector_<uuid>.bin`) or at a path (`p`).
 * A DV in a file sits at `offset`: a 4-byte big-endian size, the serialised RoaringBitmapArray,
 * a CRC-32. The bitmap array (portable format) is: magic 1681511377 (LE), bitmap count (LE int64),
 * then per bitmap its high 32 bits (LE int32) and a 32-bit Roaring bitmap in its portable format.
 */
import { joinPath, type Engine } from '@weir/core';
import { DeltaErrors } from '../errors.js';
import type { DeletionVectorDescriptor } from '../actions/actions.js';
import { resolveDataFilePath } from '../log/table-path.js';

const Z85 = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#';
const Z85_INDEX = new Map([...Z85].map((c, i) => [c, i]));

/** Z85 (ZeroMQ base85) decoding; the input length is a multiple of 5. */
export function decodeZ85(text: string): Uint8Array {
  if (text.length % 5 !== 0) throw new RangeError('Z85 text length must be a multiple of 5');
  const out = new Uint8Array((text.length / 5) * 4);
  for (let i = 0, o = 0; i < text.length; i += 5, o += 4) {
    let v = 0;
    for (let k = 0; k < 5; k++) {
      const d = Z85_INDEX.get(text[i + k] as string);
      if (d === undefined) throw new RangeError(`invalid Z85 character ${JSON.stringify(text[i + k])}`);
      v = v * 85 + d;
    }
    out[o] = (v >>> 24) & 0xff;
    out[o + 1] = (v >>> 16) & 0xff;
    out[o + 2] = (v >>> 8) & 0xff;
    out[o + 3] = v & 0xff;
  }
  return out;
}

function uuidOf(bytes: Uint8Array): string {
  const h = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The storage path of an on-disk DV (`u` or `p`). */
export function deletionVectorPath(tablePath: string, dv: DeletionVectorDescriptor): string {
  if (dv.storageType === 'p') return resolveDataFilePath(tablePath, dv.pathOrInlineDv);
  const encoded = dv.pathOrInlineDv;
  const prefix = encoded.slice(0, encoded.length - 20);
  const uuid = uuidOf(decodeZ85(encoded.slice(encoded.length - 20)));
  const name = `deletion_vector_${uuid}.bin`;
  return resolveDataFilePath(tablePath, prefix.length > 0 ? joinPath(prefix, name) : name);
}

const PORTABLE_MAGIC = 1681511377;
const SERIAL_COOKIE_NO_RUNCONTAINER = 12346;
const SERIAL_COOKIE = 12347;
const NO_OFFSET_THRESHOLD = 4;

/** Deleted row indexes from a serialised RoaringBitmapArray (portable format), ascending. */
export function parseRoaringBitmapArray(bytes: Uint8Array): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 0;
  const need = (n: number) => {
    if (pos + n > bytes.byteLength) throw new RangeError('deletion vector truncated');
  };
  need(4);
  if (view.getInt32(pos, true) !== PORTABLE_MAGIC) throw new RangeError('not a portable RoaringBitmapArray');
  pos += 4;
  need(8);
  const count = Number(view.getBigInt64(pos, true));
  pos += 8;
  const out: number[] = [];
  for (let b = 0; b < count; b++) {
    need(4);
    const high = view.getUint32(pos, true);
    pos += 4;
    // one 32-bit Roaring bitmap, portable serialisation
    need(4);
    const cookie = view.getUint32(pos, true);
    pos += 4;
    let size: number;
    let runBitmap: Uint8Array | null = null;
    if ((cookie & 0xffff) === SERIAL_COOKIE) {
      size = (cookie >>> 16) + 1;
      const n = Math.ceil(size / 8);
      need(n);
      runBitmap = bytes.subarray(pos, pos + n);
      pos += n;
    } else if (cookie === SERIAL_COOKIE_NO_RUNCONTAINER) {
      need(4);
      size = view.getUint32(pos, true);
      pos += 4;
    } else throw new RangeError(`unknown Roaring cookie ${cookie}`);
    need(size * 4);
    const keys: number[] = [];
    const cards: number[] = [];
    for (let i = 0; i < size; i++) {
      keys.push(view.getUint16(pos, true));
      cards.push(view.getUint16(pos + 2, true) + 1);
      pos += 4;
    }
    if (runBitmap === null || size >= NO_OFFSET_THRESHOLD) {
      need(size * 4);
      pos += size * 4; // container offsets: containers follow in order, so they are not needed
    }
    for (let i = 0; i < size; i++) {
      const base = high * 2 ** 32 + (keys[i] as number) * 65536;
      const isRun = runBitmap !== null && ((runBitmap[i >> 3] as number) & (1 << (i & 7))) !== 0;
      if (isRun) {
        need(2);
        const runs = view.getUint16(pos, true);
        pos += 2;
        need(runs * 4);
        for (let r = 0; r < runs; r++) {
          const start = view.getUint16(pos, true);
          const len = view.getUint16(pos + 2, true);
          pos += 4;
          for (let v = start; v <= start + len; v++) out.push(base + v);
        }
      } else if ((cards[i] as number) <= 4096) {
        need((cards[i] as number) * 2);
        for (let k = 0; k < (cards[i] as number); k++) {
          out.push(base + view.getUint16(pos, true));
          pos += 2;
        }
      } else {
        need(8192);
        for (let w = 0; w < 1024; w++) {
          const lo = view.getUint32(pos + w * 8, true);
          const hi = view.getUint32(pos + w * 8 + 4, true);
          for (let bit = 0; bit < 32; bit++) {
            if (lo & (1 << bit)) out.push(base + w * 64 + bit);
            if (hi & (1 << bit)) out.push(base + w * 64 + 32 + bit);
          }
        }
        pos += 8192;
      }
    }
  }
  return out.sort((a, b) => a - b);
}

/**
 * The deleted row indexes of a DV.
 * @throws DELTA_DELETION_VECTOR_INVALID when the DV cannot be read or does not match its descriptor.
 */
export async function loadDeletionVector(engine: Engine, tablePath: string, dv: DeletionVectorDescriptor): Promise<Set<number>> {
  let rows: number[];
  try {
    let data: Uint8Array;
    if (dv.storageType === 'i') {
      data = decodeZ85(dv.pathOrInlineDv).subarray(0, dv.sizeInBytes);
    } else if (dv.storageType === 'u' || dv.storageType === 'p') {
      const file = await engine.storage.read(deletionVectorPath(tablePath, dv));
      const offset = dv.offset ?? 1;
      const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
      const size = view.getInt32(offset, false);
      if (size !== dv.sizeInBytes) throw new RangeError(`size ${size} ≠ descriptor ${dv.sizeInBytes}`);
      data = file.subarray(offset + 4, offset + 4 + size);
    } else throw new RangeError(`unknown storageType ${dv.storageType}`);
    rows = parseRoaringBitmapArray(data);
  } catch (cause) {
    if ((cause as { code?: string }).code === 'DELTA_FILE_PATH_ESCAPES_TABLE') throw cause;
    throw DeltaErrors.DELTA_DELETION_VECTOR_INVALID({ path: tablePath, dv: `${dv.storageType}:${dv.pathOrInlineDv}`, reason: (cause as Error).message ?? String(cause) }, { cause });
  }
  if (rows.length !== dv.cardinality) {
    throw DeltaErrors.DELTA_DELETION_VECTOR_INVALID({ path: tablePath, dv: `${dv.storageType}:${dv.pathOrInlineDv}`, reason: `cardinality ${rows.length} ≠ descriptor ${dv.cardinality}` });
  }
  return new Set(rows);
}
