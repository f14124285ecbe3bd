/**
 * A growable byte buffer the column writers encode pages into. One instance is reused for every
 * page of a file (the compressed copy is what stays), so encoding a page allocates nothing.
 */
export class ByteWriter {
  buf: Buffer;
  len = 0;

  constructor(initialCapacity = 1024) {
    this.buf = Buffer.allocUnsafe(Math.max(16, initialCapacity));
  }

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.len++] = b;
  }

  /** Unsigned 32-bit little-endian. */
  u32(n: number): void {
    this.ensure(4);
    const buf = this.buf;
    const at = this.len;
    buf[at] = n & 0xff;
    buf[at + 1] = (n >>> 8) & 0xff;
    buf[at + 2] = (n >>> 16) & 0xff;
    buf[at + 3] = (n >>> 24) & 0xff;
    this.len = at + 4;
  }

  /** Overwrites 4 bytes at `at` (a length prefix reserved earlier). */
  u32At(at: number, n: number): void {
    const buf = this.buf;
    buf[at] = n & 0xff;
    buf[at + 1] = (n >>> 8) & 0xff;
    buf[at + 2] = (n >>> 16) & 0xff;
    buf[at + 3] = (n >>> 24) & 0xff;
  }

  /** Unsigned LEB128 varint of a non-negative 32-bit integer. */
  varint(n: number): void {
    this.ensure(5);
    const buf = this.buf;
    let at = this.len;
    while (n >= 0x80) {
      buf[at++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    buf[at++] = n;
    this.len = at;
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }

  /** The bytes written so far: a view, valid until the next write or `reset`. */
  view(): Buffer {
    return this.buf.subarray(0, this.len);
  }

  reset(): void {
    this.len = 0;
  }

  /** Empties the buffer and drops it when it grew past `keep` bytes (one huge page must not pin its memory). */
  release(keep: number): void {
    this.len = 0;
    if (this.buf.length > keep) this.buf = Buffer.allocUnsafe(64 * 1024);
  }
}
