import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { defineOptions, parseOptions } from './option-spec.js';
import { parseDuration, formatDuration } from './duration.js';
import { parseByteSize } from './byte-size.js';
import { WeirError } from '../errors/weir-error.js';

const FC = { seed: Number(process.env['FC_SEED'] ?? 42), numRuns: process.env['CI'] ? 300 : 100 };

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof WeirError ? e.code : 'NOT_A_WEIR_ERROR';
  }
  return undefined;
}

const SPECS = defineOptions([
  { name: 'maxFilesPerTrigger', kind: 'int', default: '1000', min: 1, doc: 'files per batch' },
  { name: 'maxBytesPerTrigger', kind: 'bytes', doc: 'soft max bytes per batch' },
  { name: 'maxFileAge', kind: 'duration', default: '7 days', doc: 'ignore older files' },
  { name: 'includeExistingFiles', kind: 'boolean', default: 'true', doc: '' },
  { name: 'schemaEvolutionMode', kind: 'enum', values: ['addNewColumns', 'rescue', 'failOnNewColumns', 'none'], doc: '' },
  { name: 'schemaHints', kind: 'ddl', doc: '' },
] as const);

describe('parseOptions', () => {
  it('fills defaults, parses kinds, and matches names case-insensitively like Spark', () => {
    const o = parseOptions(SPECS, { MAXFILESPERTRIGGER: '10', maxbytespertrigger: '512m', schemaevolutionmode: 'RESCUE', schemaHints: 'a INT' }, 'cloudFiles source');
    assert.equal(o.maxFilesPerTrigger, 10);
    assert.equal(o.maxBytesPerTrigger, 512 * 1024 * 1024);
    assert.equal(o.maxFileAge, 7 * 86_400_000);
    assert.equal(o.includeExistingFiles, true);
    assert.equal(o.schemaEvolutionMode, 'rescue');
    assert.equal(o.schemaHints?.fields[0]?.type, 'integer');
    assert.ok(Object.isFrozen(o));
  });

  const bad: Array<[string, Record<string, string>]> = [
    ['unknown option', { maxFilesPerTriger: '10' }],
    ['not an integer', { maxFilesPerTrigger: '1.5' }],
    ['below minimum', { maxFilesPerTrigger: '0' }],
    ['bad boolean', { includeExistingFiles: 'yes' }],
    ['bad duration', { maxFileAge: '7 fortnights' }],
    ['bad bytes', { maxBytesPerTrigger: 'lots' }],
    ['bad enum', { schemaEvolutionMode: 'merge' }],
    ['bad DDL', { schemaHints: 'a INTEGR' }],
  ];
  for (const [why, raw] of bad) {
    it(`rejects ${why} with INVALID_OPTION listing the valid names`, () => {
      try {
        parseOptions(SPECS, raw, 'cloudFiles source');
        assert.fail('expected INVALID_OPTION');
      } catch (e) {
        assert.ok(e instanceof WeirError);
        assert.equal(e.code, 'INVALID_OPTION');
        assert.match(String(e.details['validOptions']), /maxFilesPerTrigger, maxBytesPerTrigger, maxFileAge/);
      }
    });
  }
});

describe('parseDuration', () => {
  const cases: Array<[string, number]> = [
    ['10 seconds', 10_000],
    ['1 minute', 60_000],
    ['500 ms', 500],
    ['1 day', 86_400_000],
    ['interval 5 minutes', 300_000],
    ['1 hour 30 minutes', 5_400_000],
    ['2h', 7_200_000],
    ['0 seconds', 0],
  ];
  for (const [text, ms] of cases) it(`"${text}" is ${ms} ms`, () => assert.equal(parseDuration(text), ms));
  for (const text of ['', 'ten seconds', '5 parsecs', '-1 second', '5']) {
    it(`rejects "${text}" with INVALID_INTERVAL_FORMAT`, () => assert.equal(codeOf(() => parseDuration(text)), 'INVALID_INTERVAL_FORMAT'));
  }
  it('formatDuration output parses back to the same milliseconds', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 10 ** 10 }), (ms) => parseDuration(formatDuration(ms)) === ms), FC);
  });
});

describe('parseByteSize', () => {
  const cases: Array<[string, number]> = [
    ['10g', 10 * 1024 ** 3],
    ['512m', 512 * 1024 ** 2],
    ['1kb', 1024],
    ['100b', 100],
    ['4096', 4096],
    ['1 GiB', 1024 ** 3],
  ];
  for (const [text, n] of cases) it(`"${text}" is ${n} bytes`, () => assert.equal(parseByteSize(text), n));
  for (const text of ['', 'g', '10 zb', '-1m']) {
    it(`rejects "${text}" with INVALID_BYTE_SIZE`, () => assert.equal(codeOf(() => parseByteSize(text)), 'INVALID_BYTE_SIZE'));
  }
});
