// Test-only helper (excluded from the build): an in-memory, in-thread engine.
import { createNodeEngine } from '@weir/node';
import type { Clock, Engine, Storage } from '@weir/core';
import { SimpleMemoryStorage } from './simple-memory-storage.js';
import { SimpleManualClock } from './manual-clock.js';

export function makeTestEngine(opts: { storage?: Storage; clock?: Clock } = {}): Engine & { storage: Storage; clock: Clock } {
  return createNodeEngine({ storage: opts.storage ?? new SimpleMemoryStorage(), clock: opts.clock ?? new SimpleManualClock(1_700_000_000_000) });
}
