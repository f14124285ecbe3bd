import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Action } from '../actions/actions.js';
import { checkConflict, type TransactionFootprint } from './conflict-checker.js';

const blindAppend: TransactionFootprint = { tablePath: '/t', readsData: false, removedFiles: new Set(), appIds: new Set(), isCreate: false };
const add = (path: string, dataChange = true): Action => ({ add: { path, partitionValues: {}, size: 1, modificationTime: 1, dataChange } });
const remove = (path: string, dataChange = true): Action => ({ remove: { path, dataChange } });

describe('conflict rules (Spark ConflictChecker)', () => {
  const cases: Array<[string, TransactionFootprint, Action[], string | null]> = [
    ['blind append after append rebases', blindAppend, [add('a')], null],
    ['blind append after a compaction (dataChange=false) rebases', blindAppend, [add('b', false), remove('a', false)], null],
    ['protocol change wins', blindAppend, [{ protocol: { minReaderVersion: 1, minWriterVersion: 3 } }], 'DELTA_PROTOCOL_CHANGED'],
    ['metadata change wins', blindAppend, [{ metaData: { id: 'x', format: { provider: 'parquet' }, schemaString: '{}', partitionColumns: [], configuration: {} } }], 'DELTA_METADATA_CHANGED'],
    ['same appId', { ...blindAppend, appIds: new Set(['q']) }, [{ txn: { appId: 'q', version: 3 } }], 'DELTA_CONCURRENT_TRANSACTION'],
    ['other appId is fine', { ...blindAppend, appIds: new Set(['q']) }, [{ txn: { appId: 'r', version: 3 } }], null],
    ['a reader sees a concurrent append', { ...blindAppend, readsData: true }, [add('a')], 'DELTA_CONCURRENT_APPEND'],
    ['delete of the same file', { ...blindAppend, removedFiles: new Set(['a']) }, [remove('a')], 'DELTA_CONCURRENT_DELETE_DELETE'],
    ['a reader sees a concurrent delete', { ...blindAppend, readsData: true }, [remove('z')], 'DELTA_CONCURRENT_DELETE_READ'],
    ['create after create', { ...blindAppend, isCreate: true }, [add('a')], 'DELTA_TABLE_ALREADY_EXISTS'],
  ];
  for (const [name, tx, winner, code] of cases) {
    it(name, () => {
      const c = checkConflict(tx, 5, winner);
      assert.equal(c?.code ?? null, code);
      if (c) {
        assert.equal(c.error.code, code);
        assert.equal(c.error.details['winningVersion'] ?? c.error.details['version'], 5);
      }
    });
  }
});
