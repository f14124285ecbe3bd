/**
 * Decimals travel in weir as exact strings (`"12.30"`); Parquet stores the unscaled integer.
 * These two functions are the only conversions between the forms.
 */
const DECIMAL_TEXT = /^([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * The unscaled value of `text` at `scale`, or `null` when it cannot be represented exactly
 * (more non-zero fractional digits than `scale`) or is not a decimal number.
 */
export function unscaledDecimal(text: string, scale: number): bigint | null {
  const m = DECIMAL_TEXT.exec(text.trim());
  if (m === null) return null;
  const intPart = m[2] ?? '';
  let frac = m[3] ?? '';
  if (intPart === '' && frac === '') return null;
  let digits = intPart + frac;
  // Shift by the exponent: value = digits × 10^(exp − frac.length).
  let pointShift = Number(m[4] ?? '0') - frac.length + scale;
  if (pointShift < 0) {
    const dropped = digits.slice(digits.length + pointShift);
    if (/[^0]/.test(dropped)) return null;
    digits = digits.slice(0, digits.length + pointShift);
    pointShift = 0;
  }
  frac = '';
  const unscaled = BigInt((digits === '' ? '0' : digits) + '0'.repeat(pointShift));
  return m[1] === '-' ? -unscaled : unscaled;
}

/** Formats an unscaled integer at `scale` as Spark prints a decimal: `-0.05`, `12.30`, `7`. */
export function formatDecimal(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  let digits = (negative ? -unscaled : unscaled).toString();
  if (scale > 0) {
    digits = digits.padStart(scale + 1, '0');
    digits = `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
  }
  return negative ? `-${digits}` : digits;
}

/** Big-endian two's complement of `v` in exactly `length` bytes (FIXED_LEN_BYTE_ARRAY decimals). */
export function bigIntToBytes(v: bigint, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = BigInt.asUintN(length * 8, v);
  for (let i = length - 1; i >= 0; i--) {
    out[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return out;
}

/** Reads a big-endian two's complement integer (BYTE_ARRAY / FIXED_LEN_BYTE_ARRAY decimals). */
export function bytesToBigInt(b: Uint8Array): bigint {
  if (b.length === 0) return 0n;
  let x = 0n;
  for (let i = 0; i < b.length; i++) x = (x << 8n) | BigInt(b[i] as number);
  return BigInt.asIntN(b.length * 8, x);
}
