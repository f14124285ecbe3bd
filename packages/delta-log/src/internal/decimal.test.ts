import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compareDecimal, normalizeDecimal } from './decimal.js';

describe('exact decimals', () => {
  it('normalises to the scale without losing digits', () => {
    assert.equal(normalizeDecimal('1', 2), '1.00');
    assert.equal(normalizeDecimal('-0.50', 1), '-0.5');
    assert.equal(normalizeDecimal('1E+2', 0), '100');
    assert.equal(normalizeDecimal('123456789012345678901234567890.12', 2), '123456789012345678901234567890.12');
    assert.equal(normalizeDecimal('1.234', 2), undefined);
    assert.equal(normalizeDecimal('-0', 0), '0');
  });
  it('compares numerically', () => {
    assert.equal(compareDecimal('10.5', '9.99'), 1);
    assert.equal(compareDecimal('-10.5', '-9.99'), -1);
    assert.equal(compareDecimal('1.50', '1.5'), 0);
    assert.equal(compareDecimal('-1', '0.1'), -1);
  });
});
