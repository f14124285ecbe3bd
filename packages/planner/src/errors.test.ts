import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { messageParameters, registeredCatalogues } from '@weir/core';
import { PlannerErrors } from './errors.js';

describe('PlannerErrors catalogue', () => {
  it('codes are UPPER_SNAKE, unique across every registered catalogue, and every <param> renders', () => {
    const all = registeredCatalogues().flatMap((c) => Object.keys(c.specs).map((code) => `${c.owner}:${code}`));
    for (const [code, factory] of Object.entries(PlannerErrors)) {
      assert.match(code, /^[A-Z][A-Z0-9_]+$/);
      assert.equal(all.filter((x) => x.endsWith(`:${code}`)).length, 1, `${code} is unique`);
      const params = Object.fromEntries(messageParameters(factory.spec.message).map((p) => [p, `v_${p}`]));
      const e = factory(params);
      assert.equal(e.code, code);
      assert.ok(!/<[A-Za-z]/.test(e.message), `${code} renders all parameters: ${e.message}`);
    }
  });
});
