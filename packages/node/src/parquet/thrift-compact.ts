/**
 * A minimal Thrift compact-protocol writer: just what the Parquet footer and page headers need
 * (Parquet's metadata is Thrift compact). Writing it here keeps the writer free of
 * @dsnp/parquetjs's generated classes and of its `node-int64` wrappers on the hot path.
 *
 * A struct is described as an array of `[fieldId, value]` in ascending id order; a value is
 * tagged with its Thrift type so the encoder needs no schema.
 */
export type ThriftValue =
  | { readonly t: 'bool'; readonly v: boolean }
  | { readonly t: 'i8'; readonly v: number }
  | { readonly t: 'i32'; readonly v: number }
  | { readonly t: 'i64'; readonly v: number }
  | { readonly t: 'binary'; readonly v: Uint8Array }
  | { readonly t: 'string'; readonly v: string }
  | { readonly t: 'struct'; readonly v: ThriftStruct }
  | { readonly t: 'list'; readonly elem: 'i32' | 'string' | 'struct'; readonly v: readonly ThriftValue[] };

export type ThriftStruct = ReadonlyArray<readonly [number, ThriftValue | undefined]>;

// Compact protocol type ids.
const CT = { TRUE: 1, FALSE: 2, BYTE: 3, I32: 5, I64: 6, BINARY: 8, LIST: 9, STRUCT: 12 } as const;

export const i8 = (v: number): ThriftValue => ({ t: 'i8', v });
export const i32 = (v: number): ThriftValue => ({ t: 'i32', v });
export const i64 = (v: number): ThriftValue => ({ t: 'i64', v });
export const bool = (v: boolean): ThriftValue => ({ t: 'bool', v });
export const str = (v: string): ThriftValue => ({ t: 'string', v });
export const struct = (v: ThriftStruct): ThriftValue => ({ t: 'struct', v });
export const list = (elem: 'i32' | 'string' | 'struct', v: readonly ThriftValue[]): ThriftValue => ({ t: 'list', elem, v });

const encoder = new TextEncoder();

class ByteSink {
  buf = new Uint8Array(256);
  len = 0;

  ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.len++] = b;
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }

  /** Unsigned varint of a non-negative integer up to 2^53 (arithmetic, not 32-bit ops). */
  varint(n: number): void {
    while (n >= 0x80) {
      this.byte((n % 0x80) | 0x80);
      n = Math.floor(n / 0x80);
    }
    this.byte(n);
  }

  zigzag(n: number): void {
    // zigzag(n) = 2n for n ≥ 0, −2n − 1 for n < 0 (exact for |n| < 2^52).
    this.varint(n >= 0 ? n * 2 : -n * 2 - 1);
  }
}

function typeId(v: ThriftValue): number {
  switch (v.t) {
    case 'bool':
      return v.v ? CT.TRUE : CT.FALSE;
    case 'i8':
      return CT.BYTE;
    case 'i32':
      return CT.I32;
    case 'i64':
      return CT.I64;
    case 'binary':
    case 'string':
      return CT.BINARY;
    case 'struct':
      return CT.STRUCT;
    case 'list':
      return CT.LIST;
  }
}

function writeValue(out: ByteSink, v: ThriftValue): void {
  switch (v.t) {
    case 'bool':
      out.byte(v.v ? 1 : 0); // only inside lists; fields carry the bool in the type nibble
      return;
    case 'i8':
      out.byte(v.v & 0xff);
      return;
    case 'i32':
    case 'i64':
      out.zigzag(v.v);
      return;
    case 'binary':
      out.varint(v.v.length);
      out.bytes(v.v);
      return;
    case 'string': {
      const b = encoder.encode(v.v);
      out.varint(b.length);
      out.bytes(b);
      return;
    }
    case 'struct':
      writeStruct(out, v.v);
      return;
    case 'list': {
      const elem = v.elem === 'i32' ? CT.I32 : v.elem === 'string' ? CT.BINARY : CT.STRUCT;
      if (v.v.length < 15) out.byte((v.v.length << 4) | elem);
      else {
        out.byte(0xf0 | elem);
        out.varint(v.v.length);
      }
      for (const e of v.v) writeValue(out, e);
      return;
    }
  }
}

function writeStruct(out: ByteSink, fields: ThriftStruct): void {
  let last = 0;
  for (const [id, value] of fields) {
    if (value === undefined) continue;
    const type = typeId(value);
    const delta = id - last;
    if (delta > 0 && delta <= 15) out.byte((delta << 4) | type);
    else {
      out.byte(type);
      out.zigzag(id);
    }
    last = id;
    if (value.t !== 'bool') writeValue(out, value);
  }
  out.byte(0); // STOP
}

/** Encodes one struct in the Thrift compact protocol. */
export function encodeThriftStruct(fields: ThriftStruct): Uint8Array {
  const out = new ByteSink();
  writeStruct(out, fields);
  return out.buf.slice(0, out.len);
}
