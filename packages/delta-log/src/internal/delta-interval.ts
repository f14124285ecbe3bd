import { parseDuration } from '@weir/core';

/** Parses Delta's table-property intervals (`interval 1 week`, `interval 30 days`, and plain `7 days`) into ms. */
export function parseDeltaInterval(s: string): number {
  return parseDuration(s.trim().replace(/^interval\s+/i, ''));
}
