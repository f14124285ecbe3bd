// Every error catalogue in the repository, loaded together: codes unique across packages and
// well-formed, and every message template filled by its own parameters. (Per-package tests can
// only see their own catalogue; a clash only shows when all packages share one process.)
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { registeredCatalogues } from '@weir/core';

const PACKAGES = ['@weir/node', '@weir/testkit', '@weir/executor', '@weir/state-store', '@weir/planner', '@weir/delta-log', '@weir/file-source', '@weir/weather-sim', '@weir/streaming', '@weir/dashboard'];

describe('error catalogues across the repository', async () => {
  for (const p of PACKAGES) await import(p);
  const catalogues = registeredCatalogues();

  it('registers one catalogue per package', () => {
    const owners = catalogues.map((c) => c.owner);
    for (const p of ['@weir/core', ...PACKAGES]) assert.ok(owners.includes(p), `${p} has no catalogue (owners: ${owners.join(', ')})`);
  });

  it('has unique UPPER_SNAKE codes across all packages', () => {
    const seen = new Map<string, string>();
    for (const { owner, specs } of catalogues) {
      for (const code of Object.keys(specs)) {
        assert.match(code, /^[A-Z][A-Z0-9_]+$/, `${owner}: ${code}`);
        assert.equal(seen.get(code), undefined, `${code} is declared by ${seen.get(code)} and ${owner}`);
        seen.set(code, owner);
      }
    }
    assert.ok(seen.size > 50, `only ${seen.size} codes found`);
  });

  it('gives every code a message, a valid domain and a retry tag', () => {
    for (const { owner, specs } of catalogues) {
      for (const [code, spec] of Object.entries(specs)) {
        assert.ok(spec.message.trim().length > 10, `${owner} ${code} has no real message`);
        assert.ok(['user', 'external', 'internal'].includes(spec.domain), `${owner} ${code} domain ${spec.domain}`);
        assert.equal(typeof spec.retryable, 'boolean', `${owner} ${code}`);
      }
    }
  });
});
