/**
 * A minimal Thrift compact-protocol reader: decodes a struct into `{ fieldId: value }` without a
 * schema (nested structs become nested objects, lists arrays, binaries Uint8Array views, i64
 * plain numbers). Enough for Parquet page headers on the fast read path.
 */
export type ThriftFields = { [id: number]: unknown };

export class CompactReader {
  pos: number;
  constructor(
    readonly buf: Uint8Array,
    offset = 0,
  ) {
    this.pos = offset;
  }

  #byte(): number {
    if (this.pos >= this.buf.length) throw new Error('thrift: unexpected end of data');
    return this.buf[this.pos++] as number;
  }

  #varint(): number {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      const b = this.#byte();
      result += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) return result;
      mul *= 128;
    }
    throw new Error('thrift: varint too long');
  }

  #zigzag(): number {
    const n = this.#varint();
    return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
  }

  #value(type: number): unknown {
    switch (type) {
      case 1:
        return true;
      case 2:
        return false;
      case 3: {
        const b = this.#byte();
        return b > 127 ? b - 256 : b;
      }
      case 4:
      case 5:
      case 6:
        return this.#zigzag();
      case 7: {
        if (this.pos + 8 > this.buf.length) throw new Error('thrift: unexpected end of data');
        const v = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 8).getFloat64(0, true);
        this.pos += 8;
        return v;
      }
      case 8: {
        const len = this.#varint();
        if (this.pos + len > this.buf.length) throw new Error('thrift: binary runs past the end');
        const v = this.buf.subarray(this.pos, this.pos + len);
        this.pos += len;
        return v;
      }
      case 9:
      case 10: {
        const h = this.#byte();
        let size = h >> 4;
        const elem = h & 0x0f;
        if (size === 15) size = this.#varint();
        const out: unknown[] = [];
        // Booleans inside containers take one byte each (1 = true).
        for (let i = 0; i < size; i++) out.push(elem === 1 || elem === 2 ? this.#byte() === 1 : this.#value(elem));
        return out;
      }
      case 11: {
        const size = this.#varint();
        if (size === 0) return [];
        const kv = this.#byte();
        const out: Array<[unknown, unknown]> = [];
        for (let i = 0; i < size; i++) out.push([this.#value(kv >> 4), this.#value(kv & 0x0f)]);
        return out;
      }
      case 12:
        return this.readStruct();
      default:
        throw new Error(`thrift: unknown type ${type}`);
    }
  }

  readStruct(): ThriftFields {
    const out: ThriftFields = {};
    let last = 0;
    for (;;) {
      const h = this.#byte();
      if (h === 0) return out;
      const type = h & 0x0f;
      const delta = h >> 4;
      const id = delta === 0 ? this.#zigzag() : last + delta;
      out[id] = this.#value(type);
      last = id;
    }
  }
}
