import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { FsStorage, MsgpackCodec, SystemClock } from '@weir/node';
import { createStateStoreProvider } from '@weir/state-store';
import { checkpointStateRows, formatStateRows } from './checkpoint-state.js';

const CLI = fileURLToPath(new URL('../cli.ts', import.meta.url));

/** Runs the CLI in a child process (capturing stdout in-process would also swallow the test reporter's output). */
function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--conditions=@weir/source', '--import', 'tsx', CLI, ...args],
      { encoding: 'utf8' },
      (err, stdout, stderr) => resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : -1, stdout, stderr }),
    );
  });
}

describe('weir checkpoint state', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weir-cli-state-')).split(path.sep).join('/');
  before(async () => {
    const engine = { storage: new FsStorage(), codec: new MsgpackCodec(), clock: new SystemClock() };
    // Operator 0, partitions 0 and 1: a running count per station over 3 batches.
    for (const partition of [0, 1]) {
      const provider = createStateStoreProvider(engine, { checkpointLocation: dir, operatorId: 0, partition });
      for (let batch = 0; batch < 3; batch++) {
        const store = await provider.load(batch);
        store.put(`station-${partition}`, { count: batch + 1, seen: new Map([['last', batch]]) });
        await store.commit();
      }
    }
    // Operator 1: a windowed aggregation's state, one block per window (two groups: avg states [sum, count]).
    const provider = createStateStoreProvider(engine, { checkpointLocation: dir, operatorId: 1, partition: 0 });
    const store = await provider.load(0);
    store.put('1767225660000000|', ['weir.wb1', 2, '["ST-1"]\n["ST-2"]', new Float64Array([21.5, 2, -3, 1])]);
    await store.commit();
  });

  it('prints a window block as one row per group', async () => {
    const rows = await checkpointStateRows(dir, { operator: 1 });
    assert.deepEqual(JSON.parse(formatStateRows(rows, { json: true })), [
      { partition: 0, version: 1, key: '1767225660000000|["ST-1"]', value: [21.5, 2] },
      { partition: 0, version: 1, key: '1767225660000000|["ST-2"]', value: [-3, 1] },
    ]);
  });

  it('reads every partition at its latest version (JSON output)', async () => {
    const rows = await checkpointStateRows(dir, { operator: 0 });
    assert.deepEqual(JSON.parse(formatStateRows(rows, { json: true })), [
      { partition: 0, version: 3, key: 'station-0', value: { count: 3, seen: { last: 2 } } },
      { partition: 1, version: 3, key: 'station-1', value: { count: 3, seen: { last: 2 } } },
    ]);
  });

  it('reads one partition at an older version (table output)', async () => {
    const rows = await checkpointStateRows(dir, { operator: 0, partition: 1, version: 1 });
    assert.deepEqual(formatStateRows(rows, { json: false }).trim().split('\n'), [
      'partition\tversion\tkey\tvalue',
      '1\t1\tstation-1\t{"count":1,"seen":{"last":0}}',
    ]);
  });

  it('end to end: prints rows, exits 1 with the store error code for a missing version, 2 on usage errors', async () => {
    const [ok, missingVersion, missingOperator, badOperator] = await Promise.all([
      runCli(['checkpoint', 'state', dir, '--operator', '0', '--partition', '0', '--json']),
      runCli(['checkpoint', 'state', dir, '--operator', '0', '--partition', '0', '--version', '9']),
      runCli(['checkpoint', 'state', dir]),
      runCli(['checkpoint', 'state', dir, '--operator', 'x1']),
    ]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.deepEqual(JSON.parse(ok.stdout), [{ partition: 0, version: 3, key: 'station-0', value: { count: 3, seen: { last: 2 } } }]);
    assert.equal(missingVersion.code, 1);
    assert.match(missingVersion.stderr, /^CANNOT_READ_DELTA_FILE_NOT_EXISTS: /m);
    assert.equal(missingOperator.code, 2);
    assert.equal(badOperator.code, 2);
  });
});
