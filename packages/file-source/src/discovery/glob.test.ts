import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { globToRegExp, parseInputPath } from './glob.js';

describe('Hadoop globs', () => {
  it('matches *, ?, [..], [^..] and {a,b} within one segment', () => {
    const cases: Array<[string, string, boolean]> = [
      ['*.json', 'a.json', true],
      ['*.json', 'a.csv', false],
      ['*.json', 'dir/a.json', false],
      ['f?.json', 'f1.json', true],
      ['f?.json', 'f10.json', false],
      ['[ab]*', 'b1', true],
      ['[^ab]*', 'b1', false],
      ['[a-c]x', 'bx', true],
      ['{2023,2024}-*', '2024-06', true],
      ['{2023,2024}-*', '2025-06', false],
      ['a.b', 'aXb', false],
    ];
    for (const [glob, name, expected] of cases) assert.equal(globToRegExp(glob).test(name), expected, `${glob} vs ${name}`);
  });

  it('splits an input path into the literal base and the glob segments below it', () => {
    assert.deepEqual(parseInputPath('/data/in/').baseDir, '/data/in');
    const p = parseInputPath('/data/*/year=2024/*.json');
    assert.equal(p.baseDir, '/data');
    assert.equal(p.segments.length, 3);
  });
});
