import { gunzipSync, gzipSync } from 'node:zlib';
// Snappy comes from @dsnp/parquetjs's own codec table (snappyjs), so the writer adds no dependency.
import { deflate as pqDeflate, inflate as pqInflate } from '@dsnp/parquetjs/dist/lib/compression.js';
import { Codec } from './parquet-format.js';

export type CompressionName = 'snappy' | 'gzip' | 'uncompressed';

export function codecOf(name: CompressionName): number {
  return name === 'snappy' ? Codec.SNAPPY : name === 'gzip' ? Codec.GZIP : Codec.UNCOMPRESSED;
}

export async function compress(name: CompressionName, data: Uint8Array): Promise<Uint8Array> {
  switch (name) {
    case 'uncompressed':
      return data;
    case 'gzip':
      return gzipSync(data);
    case 'snappy':
      return pqDeflate('SNAPPY', Buffer.from(data.buffer, data.byteOffset, data.byteLength));
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
