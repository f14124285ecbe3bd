import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { textWindows } from './text-windows.js';

const runs = { seed: Number(process.env['FC_SEED'] ?? 42), numRuns: process.env['CI'] ? 2000 : 300 };

// Bytes biased towards what breaks a naive split: newlines, CR, a BOM, multi-byte and invalid UTF-8.
const piece = fc.oneof(
  fc.constantFrom([0x0a], [0x0d, 0x0a], [0xef, 0xbb, 0xbf], [0xe2, 0x82, 0xac], [0xf0, 0x9f, 0x98, 0x80], [0xe2, 0x82], [0xf0], [0x80], [0xc3], [0x7b, 0x7d]),
  fc.array(fc.integer({ min: 0x20, max: 0x7e }), { maxLength: 12 }),
  fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 6 }),
);
const bytesArb = fc.array(piece, { maxLength: 40 }).map((ps) => Uint8Array.from(ps.flat()));

describe('textWindows (oracle: TextDecoder over the whole file)', () => {
  it('windows concatenate to the whole-file decode (BOM dropped once, replacement characters kept) for any bytes and window size', () => {
    fc.assert(
      fc.property(bytesArb, fc.integer({ min: 1, max: 64 }), (bytes, size) => {
        const windows = [...textWindows(bytes, size)];
        assert.equal(windows.join(''), new TextDecoder().decode(bytes));
        // Every window but the last ends a line, so line-oriented parsers may read window by window.
        for (const w of windows.slice(0, -1)) assert.ok(w.endsWith('\n'), JSON.stringify(w));
        for (const w of windows) assert.ok(w.length > 0);
      }),
      // A BOM inside the file, at a window start: text, not a byte order mark.
      { ...runs, examples: [[Uint8Array.from([0xef, 0xbb, 0xbf, 0x61, 0x0a, 0xef, 0xbb, 0xbf, 0x62, 0x0a]), 2]] },
    );
  });

  it('keeps a window near the requested size unless a line is longer', () => {
    const line = 'x'.repeat(9) + '\n'; // 10 bytes
    const bytes = new TextEncoder().encode(line.repeat(100) + 'y'.repeat(95) + '\n' + line);
    const windows = [...textWindows(bytes, 32)];
    assert.ok(windows.slice(0, 30).every((w) => w.length === 30), 'three whole lines fit a 32-byte window');
    assert.ok(windows.some((w) => w === 'y'.repeat(95) + '\n'), 'a 96-byte line is a window of its own');
  });
});
