/**
 * Exact decimal strings (weir's in-memory decimal form) without floating point.
 */

/** `raw` (e.g. `1`, `-0.5`, `1.2300`, `1E+2`) with exactly `scale` fraction digits; `undefined` if not a number or precision would be lost. */
export function normalizeDecimal(raw: string, scale: number): string | undefined {
  const m = /^\s*([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$/.exec(raw);
  if (!m || ((m[2] ?? '') === '' && (m[3] ?? '') === '')) return undefined;
  const neg = m[1] === '-';
  let digits = (m[2] ?? '') + (m[3] ?? '');
  let pointPos = (m[2] ?? '').length + Number(m[4] ?? 0); // digits left of the point
  if (pointPos < 0) {
    digits = '0'.repeat(-pointPos) + digits;
    pointPos = 0;
  }
  if (digits.length < pointPos) digits = digits + '0'.repeat(pointPos - digits.length);
  let intPart = digits.slice(0, pointPos).replace(/^0+/, '');
  let frac = digits.slice(pointPos);
  if (frac.length > scale) {
    if (/[1-9]/.test(frac.slice(scale))) return undefined;
    frac = frac.slice(0, scale);
  } else frac = frac.padEnd(scale, '0');
  if (intPart === '') intPart = '0';
  const isZero = /^0*$/.test(intPart + frac);
  return `${neg && !isZero ? '-' : ''}${intPart}${scale > 0 ? '.' + frac : ''}`;
}

/** Compares two exact decimal strings numerically. */
export function compareDecimal(a: string, b: string): number {
  const na = a.startsWith('-');
  const nb = b.startsWith('-');
  if (na !== nb) return na ? -1 : 1;
  const [ai = '', af = ''] = a.replace(/^-/, '').split('.');
  const [bi = '', bf = ''] = b.replace(/^-/, '').split('.');
  const ia = ai.replace(/^0+/, '');
  const ib = bi.replace(/^0+/, '');
  let c = ia.length !== ib.length ? ia.length - ib.length : ia < ib ? -1 : ia > ib ? 1 : 0;
  if (c === 0) {
    const w = Math.max(af.length, bf.length);
    const fa = af.padEnd(w, '0');
    const fb = bf.padEnd(w, '0');
    c = fa < fb ? -1 : fa > fb ? 1 : 0;
  }
  return na ? -Math.sign(c) : Math.sign(c);
}
