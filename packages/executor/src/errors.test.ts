import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { messageParameters } from '@weir/core';
import { ExecutorErrors } from './errors.js';

describe('ExecutorErrors catalogue', () => {
  it('has UPPER_SNAKE codes whose factories fill every <param>', () => {
    for (const [code, factory] of Object.entries(ExecutorErrors)) {
      assert.match(code, /^[A-Z][A-Z0-9_]+$/);
      const params = Object.fromEntries(messageParameters(factory.spec.message).map((p) => [p, `v-${p}`]));
      const err = factory(params);
      assert.equal(err.code, code);
      assert.doesNotMatch(err.message, /<[A-Za-z]/, `${code}: ${err.message}`);
    }
  });
});
