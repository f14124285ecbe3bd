import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseLogFileName, formatVersion } from './log-path.js';

describe('log file names', () => {
  it('parses every kind the spec names', () => {
    assert.deepEqual(parseLogFileName('00000000000000000010.json'), { kind: 'commit', version: 10, name: '00000000000000000010.json' });
    assert.equal(parseLogFileName('00000000000000000010.checkpoint.parquet')?.kind, 'checkpoint');
    const mp = parseLogFileName('00000000000000000010.checkpoint.0000000002.0000000003.parquet');
    assert.equal(mp?.kind, 'multipart-checkpoint');
    assert.equal(mp?.part, 2);
    assert.equal(mp?.numParts, 3);
    assert.equal(parseLogFileName('00000000000000000002.checkpoint.80a083e8-7026-4e79-81be-64bd76c43a11.json')?.format, 'json');
    assert.equal(parseLogFileName('00000000000000000001.00000000000000000003.compacted.json')?.kind, 'compacted');
    assert.equal(parseLogFileName('00000000000000000001.crc')?.kind, 'crc');
    assert.equal(parseLogFileName('_last_checkpoint'), undefined);
    assert.equal(parseLogFileName('.00000000000000000001.json.crc'), undefined);
    assert.equal(parseLogFileName('1.json'), undefined);
  });
  it('formats 20-digit versions', () => {
    assert.equal(formatVersion(7), '00000000000000000007');
  });
});
