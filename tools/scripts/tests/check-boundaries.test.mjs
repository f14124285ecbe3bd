// The boundary lint must fail on each rule it claims to enforce: build a throwaway repo with one
// violation per rule and check each is reported, and that a clean repo passes.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkBoundaries } from '../check-boundaries.mjs';

function makeRepo(files) {
  const root = mkdtempSync(join(tmpdir(), 'weir-lint-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return root;
}

const pkg = (name, tag, deps = {}) => ({ name, version: '0.0.0', type: 'module', dependencies: deps, nx: { tags: [tag] } });
const base = {
  'packages/core/package.json': pkg('@weir/core', 'scope:protocol'),
  'packages/core/src/index.ts': "export const x = 1;\n",
  'packages/node/package.json': pkg('@weir/node', 'scope:adapter', { '@weir/core': '*', msgpackr: '2.1.3' }),
  'packages/node/src/index.ts': "import { readFile } from 'node:fs/promises';\nimport { pack } from 'msgpackr';\nimport { x } from '@weir/core';\nexport { readFile, pack, x };\n",
  'apps/cli/package.json': pkg('@weir/cli', 'scope:app', { '@weir/node': '*' }),
  'apps/cli/src/main.ts': "import { x } from '@weir/node';\nexport { x };\n",
};

describe('checkBoundaries', () => {
  it('passes a repository that keeps the rules', () => {
    assert.deepEqual(checkBoundaries(makeRepo(base)), []);
  });

  const cases = [
    ['protocol-io', { 'packages/core/src/io.ts': "import { readFileSync } from 'node:fs';\nexport { readFileSync };\n" }],
    ['protocol-io', { 'packages/core/src/pool.ts': "export const load = () => import('piscina');\n" }],
    ['protocol-nondeterminism', { 'packages/core/src/now.ts': 'export const now = () => Date.now();\n' }],
    ['protocol-nondeterminism', { 'packages/core/src/rand.ts': 'export const r = Math.random();\n' }],
    ['scope', { 'packages/core/package.json': pkg('@weir/core', 'scope:protocol', { '@weir/node': '*' }), 'packages/core/src/bad.ts': "export * from '@weir/node';\n" }],
    ['undeclared-dependency', { 'packages/node/src/extra.ts': "import Piscina from 'piscina';\nexport { Piscina };\n" }],
    ['deep-import', { 'apps/cli/src/deep.ts': "export * from '@weir/node/src/index.js';\n" }],
    ['scope-tag', { 'packages/core/package.json': { ...pkg('@weir/core', 'scope:protocol'), nx: { tags: [] } } }],
    ['duplicate-error-code', {
      'packages/core/src/errors.ts': "export const E = defineErrors('@weir/core', {\n  SAME_CODE: { domain: 'user', retryable: false, message: 'a' },\n});\n",
      'packages/node/src/errors.ts': "export const E = defineErrors('@weir/node', {\n  SAME_CODE: { domain: 'user', retryable: false, message: 'b' },\n});\n",
    }],
  ];
  for (const [rule, extra] of cases) {
    it(`reports ${rule} (${Object.keys(extra).join(', ')})`, () => {
      const violations = checkBoundaries(makeRepo({ ...base, ...extra }));
      assert.ok(violations.some((v) => v.includes(`: ${rule}: `)), violations.join('\n') || 'no violations');
    });
  }

  it('ignores banned calls in comments and in test files', () => {
    const violations = checkBoundaries(makeRepo({
      ...base,
      'packages/core/src/doc.ts': '// never call Date.now() here\n/* Math.random() */\nexport const y = 2;\n',
      'packages/core/src/doc.test.ts': "import { readFileSync } from 'node:fs';\nDate.now();\n",
    }));
    assert.deepEqual(violations, []);
  });
});
