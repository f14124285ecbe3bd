import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { estimateValueBytes } from './state-store.js';

describe('estimateValueBytes', () => {
  it('counts a typed array by its bytes (a window block holds its states in a Float64Array)', () => {
    assert.equal(estimateValueBytes(new Float64Array(1000).fill(0.5), 0), 64 + 8000);
    assert.equal(estimateValueBytes(new Uint8Array(10), 0), 64 + 10);
    // Inside a value: the array's slots plus the typed array's bytes.
    assert.equal(estimateValueBytes(['x', new Float64Array(4)], 0), 48 + (8 + 17) + (8 + 64 + 32));
  });
});
