#!/usr/bin/env node
// The module-boundary lint of DESIGN.md §1, run by `npm run lint` and CI:
//  - every workspace carries exactly one Nx scope tag;
//  - `scope:protocol` sources import no I/O or thread modules (node:*, piscina, parquetjs,
//    msgpackr) and read no wall clock or global randomness (Date.now, Math.random);
//  - a package imports only @weir/* packages it declares, through their entry (no deep
//    imports), and only in the allowed direction (protocol → protocol; nothing → app);
//  - error codes are unique across every `defineErrors` catalogue in the repository.
// Exits 1 listing each violation as `file:line: rule: detail`.
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtinModules } from 'node:module';

const BANNED_IN_PROTOCOL = ['piscina', '@dsnp/parquetjs', 'msgpackr', 'msgpackr-extract', 'worker_threads'];
const BANNED_CALLS = [/\bDate\.now\s*\(/, /\bMath\.random\s*\(/];
/** Which scopes a scope may import from. */
const ALLOWED = {
  'scope:protocol': ['scope:protocol'],
  'scope:adapter': ['scope:protocol', 'scope:adapter'],
  'scope:testkit': ['scope:protocol', 'scope:adapter', 'scope:testkit'],
  'scope:root': ['scope:protocol', 'scope:adapter', 'scope:root'],
  'scope:app': ['scope:protocol', 'scope:adapter', 'scope:root', 'scope:testkit', 'scope:app'],
};
const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
// `node:test` and friends exist only with the prefix, so any `node:` specifier is a builtin.
const NODE_BUILTINS = { has: (spec) => spec.startsWith('node:') || BUILTINS.has(spec) };

function workspaces(root) {
  const out = [];
  for (const group of ['packages', 'apps', 'tools', 'benchmarks']) {
    const dir = join(root, group);
    if (!existsSync(dir)) continue;
    const candidates = existsSync(join(dir, 'package.json')) ? [dir] : readdirSync(dir).map((n) => join(dir, n));
    for (const d of candidates) {
      const pj = join(d, 'package.json');
      if (existsSync(pj)) out.push({ dir: d, pkg: JSON.parse(readFileSync(pj, 'utf8')) });
    }
  }
  return out;
}

function sourceFiles(dir) {
  const found = [];
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(ts|mts|js|mjs)$/.test(name) && !/\.(test|bench|test-d)\.(ts|mts|js|mjs)$/.test(name)) found.push(p);
    }
  };
  if (existsSync(join(dir, 'src'))) walk(join(dir, 'src'));
  return found;
}

/** Import specifiers with their line numbers (static, dynamic and re-exports). */
function imports(text) {
  const out = [];
  const re = /(?:^|[^\w.])(?:import|export)\s*(?:type\s+)?(?:[^'"`;]*?\sfrom\s*)?['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const m of text.matchAll(re)) {
    const spec = m[1] ?? m[2];
    out.push({ spec, line: text.slice(0, m.index).split('\n').length });
  }
  return out;
}

function packageOf(spec) {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function stripComments(text) {
  // Keep line structure so line numbers stay right.
  return text.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' ')).replace(/(^|[^:])\/\/.*$/gm, '$1');
}

export function checkBoundaries(root) {
  const violations = [];
  const all = workspaces(root);
  const byName = new Map(all.map((w) => [w.pkg.name, w]));
  const scopeOf = (w) => (w.pkg.nx?.tags ?? []).filter((t) => t.startsWith('scope:'));
  const codes = new Map();
  for (const w of all) {
    const rel = relative(root, w.dir) || '.';
    const scopes = scopeOf(w);
    if (scopes.length !== 1 || !(scopes[0] in ALLOWED)) {
      violations.push(`${rel}/package.json:1: scope-tag: needs exactly one of ${Object.keys(ALLOWED).join(', ')} in nx.tags (has ${scopes.join(', ') || 'none'})`);
      continue;
    }
    const scope = scopes[0];
    const declared = new Set([...Object.keys(w.pkg.dependencies ?? {}), ...Object.keys(w.pkg.peerDependencies ?? {})]);
    for (const file of sourceFiles(w.dir)) {
      const raw = readFileSync(file, 'utf8');
      const text = stripComments(raw);
      const where = (line) => `${relative(root, file)}:${line}`;
      for (const { spec, line } of imports(text)) {
        if (spec.startsWith('.')) continue;
        const pkgName = packageOf(spec);
        if (scope === 'scope:protocol' && (NODE_BUILTINS.has(spec) || NODE_BUILTINS.has(pkgName) || BANNED_IN_PROTOCOL.includes(pkgName))) {
          violations.push(`${where(line)}: protocol-io: ${spec} is I/O or threads; go through the Engine`);
        }
        if (pkgName.startsWith('@weir/')) {
          if (spec !== pkgName) violations.push(`${where(line)}: deep-import: ${spec} (import the package entry ${pkgName})`);
          const target = byName.get(pkgName);
          if (pkgName === w.pkg.name) continue;
          if (!declared.has(pkgName)) violations.push(`${where(line)}: undeclared-dependency: ${pkgName} is not in ${w.pkg.name}'s dependencies`);
          if (target) {
            const targetScope = scopeOf(target)[0];
            if (!ALLOWED[scope].includes(targetScope)) {
              violations.push(`${where(line)}: scope: ${w.pkg.name} (${scope}) may not import ${pkgName} (${targetScope})`);
            }
          }
        } else if (!NODE_BUILTINS.has(spec) && !NODE_BUILTINS.has(pkgName) && !declared.has(pkgName) && !w.pkg.private) {
          violations.push(`${where(line)}: undeclared-dependency: ${pkgName} is not in ${w.pkg.name}'s dependencies`);
        }
      }
      if (scope === 'scope:protocol') {
        text.split('\n').forEach((l, i) => {
          for (const re of BANNED_CALLS) if (re.test(l)) violations.push(`${where(i + 1)}: protocol-nondeterminism: ${re.source.replace(/\\/g, '')} — inject a Clock or a seed`);
        });
      }
      if (text.includes('defineErrors(')) {
        const block = text.slice(text.indexOf('defineErrors('));
        for (const m of block.matchAll(/^\s+([A-Z][A-Z0-9_]+)\s*:\s*\{/gm)) {
          const line = text.slice(0, text.indexOf('defineErrors(') + m.index).split('\n').length + 1;
          const prev = codes.get(m[1]);
          if (prev) violations.push(`${where(line)}: duplicate-error-code: ${m[1]} already defined at ${prev}`);
          else codes.set(m[1], where(line));
        }
      }
    }
  }
  return violations;
}

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const root = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '../..'));
  const violations = checkBoundaries(root);
  for (const v of violations) console.error(v);
  console.log(violations.length === 0 ? 'boundaries: ok' : `boundaries: ${violations.length} violation(s)`);
  process.exit(violations.length === 0 ? 0 : 1);
}
