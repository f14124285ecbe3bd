import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { messageParameters, registeredCatalogues } from '@weir/core';
import { NodeErrors } from './errors.js';

const OWNER = '@weir/node';
const PACKAGES = path.resolve(import.meta.dirname, '../..');

/** Codes declared in every package's sources (`CODE: { domain: …`), read as text: no imports, no graph edges. */
function codesDeclaredOutside(own: string): Set<string> {
  const found = new Set<string>();
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'node_modules' && e.name !== 'dist') walk(p);
      } else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) {
        for (const m of fs.readFileSync(p, 'utf8').matchAll(/^\s+([A-Z][A-Z0-9_]+): \{\s*domain:/gm)) found.add(m[1] as string);
      }
    }
  };
  for (const pkg of fs.readdirSync(PACKAGES)) if (pkg !== own && fs.existsSync(path.join(PACKAGES, pkg, 'src'))) walk(path.join(PACKAGES, pkg, 'src'));
  return found;
}

describe('NodeErrors catalogue', () => {
  it('codes are UPPER_SNAKE, registered once, and declared by no other package', () => {
    const mine = registeredCatalogues().filter((c) => c.owner === OWNER);
    assert.equal(mine.length, 1);
    const codes = Object.keys(mine[0]?.specs ?? {});
    assert.deepEqual(codes.sort(), Object.keys(NodeErrors).sort());
    const elsewhere = codesDeclaredOutside('node');
    assert.ok(elsewhere.size > 10, 'the scan found the other catalogues');
    for (const code of codes) {
      assert.match(code, /^[A-Z][A-Z0-9_]+$/);
      assert.ok(!elsewhere.has(code), `${code} is also declared in another package`);
    }
  });

  it('every factory fills its message parameters and keeps code and domain', () => {
    for (const [code, factory] of Object.entries(NodeErrors)) {
      const details = Object.fromEntries(messageParameters(factory.spec.message).map((p) => [p, `<<${p}>>`]));
      const err = factory(details);
      assert.equal(err.code, code);
      assert.equal(err.domain, factory.spec.domain);
      assert.ok(!/<[A-Za-z]\w*>/.test(err.message.replace(/<<\w+>>/g, '')), `${code}: unfilled parameter in "${err.message}"`);
    }
  });
});
