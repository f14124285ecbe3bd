import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { messageParameters, registeredCatalogues } from '@weir/core';
import { FileSourceErrors } from './errors.js';

describe('FileSourceErrors catalogue', () => {
  it('codes are UPPER_SNAKE, registered once under @weir/file-source, and unique among loaded catalogues', () => {
    const mine = registeredCatalogues().filter((c) => c.owner === '@weir/file-source');
    assert.equal(mine.length, 1);
    const codes = Object.keys(mine[0]!.specs);
    assert.deepEqual(codes.sort(), Object.keys(FileSourceErrors).sort());
    for (const code of codes) assert.match(code, /^[A-Z][A-Z0-9_]+$/);
    const others = registeredCatalogues().filter((c) => c.owner !== '@weir/file-source').flatMap((c) => Object.keys(c.specs));
    for (const code of codes) assert.ok(!others.includes(code), `${code} is also defined elsewhere`);
  });

  it('every factory fills its message parameters and keeps code and domain', () => {
    for (const [code, factory] of Object.entries(FileSourceErrors)) {
      const details = Object.fromEntries(messageParameters(factory.spec.message).map((p) => [p, `<<${p}>>`]));
      const err = factory(details);
      assert.equal(err.code, code);
      assert.equal(err.domain, factory.spec.domain);
      assert.ok(!/<[A-Za-z]\w*>/.test(err.message.replace(/<<\w+>>/g, '')), `${code}: unfilled parameter in "${err.message}"`);
    }
  });
});
