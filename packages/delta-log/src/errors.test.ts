import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { messageParameters } from '@weir/core';
import { DeltaErrors } from './errors.js';

describe('DeltaErrors catalogue', () => {
  it('codes are UPPER_SNAKE, Delta-prefixed, and render their parameters', () => {
    for (const [code, factory] of Object.entries(DeltaErrors)) {
      assert.match(code, /^DELTA_[A-Z0-9_]+$/);
      const params = messageParameters(factory.spec.message);
      const details = Object.fromEntries(params.map((p) => [p, `<<${p}>>`]));
      const e = factory(details);
      assert.equal(e.code, code);
      for (const p of params) assert.ok(e.message.includes(`<<${p}>>`), `${code} renders ${p}`);
    }
  });
});
