import { CoreErrors } from '../errors/core-errors.js';

const UNIT_BYTES: Readonly<Record<string, number>> = {
  '': 1, b: 1,
  k: 1024, kb: 1024, kib: 1024,
  m: 1024 ** 2, mb: 1024 ** 2, mib: 1024 ** 2,
  g: 1024 ** 3, gb: 1024 ** 3, gib: 1024 ** 3,
  t: 1024 ** 4, tb: 1024 ** 4, tib: 1024 ** 4,
  p: 1024 ** 5, pb: 1024 ** 5, pib: 1024 ** 5,
};

/**
 * Parses a Spark byte string (`byteStringAsBytes`: binary units) to bytes: `"10g"`, `"512m"`,
 * `"1kb"`, `"100b"`, `"4096"`. Throws `INVALID_BYTE_SIZE`.
 */
export function parseByteSize(input: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(input);
  const unit = m ? UNIT_BYTES[(m[2] as string).toLowerCase()] : undefined;
  if (!m || unit === undefined) throw CoreErrors.INVALID_BYTE_SIZE({ input });
  return Math.round(Number(m[1]) * unit);
}
