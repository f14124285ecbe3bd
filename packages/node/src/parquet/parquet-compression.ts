import { gunzipSync, gzipSync } from 'node:zlib';
// Snappy decoding comes from @dsnp/parquetjs's own codec table (snappyjs); encoding is ./snappy.ts.
import { inflate as pqInflate } from '@dsnp/parquetjs/dist/lib/compression.js';
import { Codec } from './parquet-format.js';
import { snappyCompress } from './snappy.js';

export type CompressionName = 'snappy' | 'gzip' | 'uncompressed';

export function codecOf(name: CompressionName): number {
  return name === 'snappy' ? Codec.SNAPPY : name === 'gzip' ? Codec.GZIP : Codec.UNCOMPRESSED;
}

/**
 * Compresses a page body synchronously (both codecs are synchronous underneath), so a column
 * writer can encode a page the moment it fills. Always returns a new, exactly sized buffer: `data` may be a
 * view of a scratch buffer that is reused for the next page.
 */
export function compressSync(name: CompressionName, data: Uint8Array): Uint8Array {
  switch (name) {
    case 'uncompressed':
      return Uint8Array.prototype.slice.call(data); // a copy (Buffer#slice would be a view)
    case 'gzip':
      return gzipSync(data);
    case 'snappy':
      return snappyCompress(data);
  }
}

export async function decompress(codec: number, data: Uint8Array): Promise<Uint8Array> {
  switch (codec) {
    case Codec.UNCOMPRESSED:
      return data;
    case Codec.GZIP:
      return gunzipSync(data);
    case Codec.SNAPPY:
      return pqInflate('SNAPPY', Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    default:
      throw new Error(`compression codec ${codec} is not supported`);
  }
}
