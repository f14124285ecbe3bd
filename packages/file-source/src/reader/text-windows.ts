/**
 * Bytes decoded per window. Why a window, not the whole file: V8 puts a string over ~128 KiB in
 * large-object space (fresh pages, page faults, old-generation GC), and decoding a 1.8 MB file in
 * one call measured ~45× the CPU time of decoding it in 64 KiB windows, whose strings are
 * young-generation garbage a scavenge frees at no cost.
 */
export const DECODE_WINDOW_BYTES = 64 * 1024;

// ignoreBOM: a window that happens to start with U+FEFF must keep it, as a whole-file decode
// would; only the file's leading BOM is dropped (by `firstTextByte`).
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

/** Where a file's text starts: after a UTF-8 byte order mark, which a whole-file `TextDecoder` drops. */
export function firstTextByte(bytes: Uint8Array): number {
  return bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
}

/**
 * Decodes `bytes` (UTF-8, the file's whole content) as a sequence of strings, each ending just
 * after a `\n` (the last one where the file ends), about `windowBytes` long; a longer line is one
 * window of its own.
 *
 * Concatenated, the windows MUST equal the whole file decoded with `TextDecoder` (replacement
 * characters included): they split only after a 0x0A byte, which is never part of a multi-byte
 * UTF-8 sequence, and a decoder ends a malformed sequence at it in either case. So every window
 * holds whole lines, and a line-oriented parser may read window by window.
 */
export function* textWindows(bytes: Uint8Array, windowBytes: number = DECODE_WINDOW_BYTES): Generator<string, void, void> {
  const n = bytes.length;
  let pos = firstTextByte(bytes);
  while (pos < n) {
    let end: number;
    if (n - pos <= windowBytes) {
      end = n;
    } else {
      end = bytes.lastIndexOf(10, pos + windowBytes - 1) + 1;
      if (end <= pos) {
        // One line longer than the window: it is the window.
        const nl = bytes.indexOf(10, pos + windowBytes);
        end = nl < 0 ? n : nl + 1;
      }
    }
    yield decoder.decode(bytes.subarray(pos, end));
    pos = end;
  }
}

/** The whole file as one string (formats that are not line-oriented: multiLine JSON/CSV). */
export function decodeWhole(bytes: Uint8Array): string {
  return decoder.decode(bytes.subarray(firstTextByte(bytes)));
}

/** One line's text, `bytes[start, end)` (a line the byte scanner declined). */
export function decodeLine(bytes: Uint8Array, start: number, end: number): string {
  return decoder.decode(bytes.subarray(start, end));
}
