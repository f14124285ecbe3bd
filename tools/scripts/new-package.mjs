#!/usr/bin/env node
// Scaffolds a publishable @weir/* package that follows the house template (STYLE.md 10.2/10.9).
// Usage: node tools/scripts/new-package.mjs <dir-under-packages> "<one-line description>" <scope-tag> [dep …]
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const [name, description, tag = 'scope:protocol', ...deps] = process.argv.slice(2);
if (!name || !description) {
  console.error('usage: new-package.mjs <name> "<description>" <scope-tag> [@weir/dep …]');
  process.exit(2);
}
const root = join('packages', name);
if (existsSync(join(root, 'package.json'))) {
  console.error(`${root} already exists`);
  process.exit(2);
}
mkdirSync(join(root, 'src'), { recursive: true });
mkdirSync(join(root, 'tests'), { recursive: true });
const internal = deps.filter((d) => d.startsWith('@weir/'));
const pkg = {
  name: `@weir/${name}`,
  version: '0.1.0',
  description,
  license: 'Apache-2.0',
  type: 'module',
  sideEffects: false,
  exports: {
    '.': { '@weir/source': './src/index.ts', types: './dist/index.d.ts', default: './dist/index.js' },
    './package.json': './package.json',
  },
  files: ['dist', '!**/*.tsbuildinfo'],
  engines: { node: '>=20.19' },
  scripts: { build: 'tsc -b tsconfig.lib.json', test: 'node ../../tools/scripts/run-tests.mjs .' },
  dependencies: Object.fromEntries(internal.map((d) => [d, '*'])),
  nx: { tags: [tag] },
};
writeFileSync(join(root, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
const refs = internal.map((d) => ({ path: `../${d.slice('@weir/'.length)}/tsconfig.lib.json` }));
writeFileSync(
  join(root, 'tsconfig.lib.json'),
  JSON.stringify(
    {
      extends: '../../tsconfig.base.json',
      compilerOptions: { rootDir: 'src', outDir: 'dist', tsBuildInfoFile: 'dist/tsconfig.lib.tsbuildinfo', types: ['node'] },
      include: ['src/**/*.ts'],
      exclude: ['src/**/*.test.ts', 'src/**/*.bench.ts'],
      references: refs,
    },
    null,
    2,
  ) + '\n',
);
writeFileSync(
  join(root, 'tsconfig.json'),
  JSON.stringify({ files: [], references: [{ path: './tsconfig.lib.json' }] }, null, 2) + '\n',
);
writeFileSync(
  join(root, 'src', 'index.ts'),
  `/**\n * @packageDocumentation\n * ${description}\n */\nexport {};\n`,
);
writeFileSync(join(root, 'README.md'), `# @weir/${name}\n\n${description}\n`);
console.log(`created ${root}`);
