/**
 * Golden tables (../shared/testdata/delta, see MANIFEST.md), one test per table, generated from
 * the manifest: supported tables read to the expected rows (DuckDB over the expected Parquet
 * where the table ships one, the manifest's row counts otherwise); unsupported ones are refused
 * by feature name.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { DeltaTable, type Snapshot } from '@weir/delta-log';
import { TESTDATA, fsEngine } from './support/engines.js';
import { readManifest, type ManifestCase } from './support/manifest.js';
import { duckRows, quoteLiteral, weirRows } from './support/duckdb-oracle.js';

/** Reader features weir refuses (it implements none of them). */
const UNSUPPORTED_READER_FEATURES = new Set([
  'variantType',
  'variantType-preview',
  'variantShredding-preview',
  'typeWidening',
  'typeWidening-preview',
  'geospatial',
]);

type Expectation =
  | { kind: 'refuse'; code: string; features?: ReadonlySet<string> }
  | { kind: 'read'; rows: number | null; files: number };

/**
 * Tables built to be unreadable, and the failure their origin tests assert (Delta Spark's
 * DeltaLogSuite / kernel tests): a missing metaData, a gap in the versions.
 */
const DESIGNED_TO_FAIL: Readonly<Record<string, string>> = {
  'delta-spark-golden/deltalog-state-reconstruction-without-metadata': 'DELTA_STATE_RECOVER_ERROR',
  'delta-spark-golden/deltalog-state-reconstruction-from-checkpoint-missing-metadata': 'DELTA_STATE_RECOVER_ERROR',
  'delta-spark-golden/data-reader-absolute-paths-escaped-chars': 'DELTA_STATE_RECOVER_ERROR', // no metaData action at all
  'delta-spark-golden/versions-not-contiguous': 'DELTA_VERSIONS_NOT_CONTIGUOUS',
  // Not a protocol limit: its data files are ZSTD-compressed and @weir/node's Parquet handler has no
  // ZSTD codec — a coded refusal from the engine, never wrong rows.
  'delta-rs/table_with_column_mapping': 'PARQUET_CODEC_NOT_SUPPORTED',
  // Delta Spark test fixtures written with its test-only DV file-name prefix (`test%dv%prefix-`),
  // so the DV files are not where the descriptor says; and one with a templated absolute DV path
  // (`file:{{FOLDER_WITH_SPECIAL_CHAR}}/…`). Coded refusals, never rows with deleted rows in them.
  'delta-spark/table-with-dv-small': 'DELTA_DELETION_VECTOR_INVALID',
  'delta-spark/table-with-dv-large': 'DELTA_DELETION_VECTOR_INVALID',
  'delta-spark/partitioned-table-with-dv-large': 'DELTA_DELETION_VECTOR_INVALID',
  'delta-spark/table-with-dv-special-char': 'DELTA_FILE_PATH_ESCAPES_TABLE',
};

function expectationOf(c: ManifestCase): Expectation {
  const designed = DESIGNED_TO_FAIL[c.table];
  if (designed !== undefined) return { kind: 'refuse', code: designed };
  const [reader] = c.protocol.split('/');
  if (reader === 'undefined') return { kind: 'refuse', code: c.latestVersion < 0 ? 'DELTA_TABLE_NOT_FOUND' : 'DELTA_STATE_RECOVER_ERROR' };
  if (Number(reader) > 3) return { kind: 'refuse', code: 'DELTA_INVALID_PROTOCOL_VERSION' };
  const bad = new Set(c.features.filter((f) => UNSUPPORTED_READER_FEATURES.has(f)));
  if (bad.size > 0) return { kind: 'refuse', code: 'DELTA_UNSUPPORTED_FEATURE', features: bad };
  const count = c.rowsExpectedByOrigin !== '-' ? c.rowsExpectedByOrigin : c.rowsAtLatest;
  const rows = /^\d+$/.test(count) ? Number(count) : c.files === 0 ? 0 : null; // null: the data files are not shipped
  return { kind: 'read', rows, files: c.files };
}

const ROOT = (c: ManifestCase) => path.join(TESTDATA, c.table, 'delta');

/**
 * Tables whose zone-less timestamp partition values Spark wrote in a non-UTC session time zone:
 * the table's own expected content (`2021-09-08 11:11:11` ↔ 18:11:11Z) implies
 * America/Los_Angeles (UTC−7 on that date), and Spark reads them back in that zone.
 */
const SESSION_TIME_ZONE: Readonly<Record<string, string>> = {
  'delta-spark-golden/data-reader-partition-values': 'America/Los_Angeles',
};

async function compareWithDuck(snap: Snapshot, expectedDir: string, sessionTimeZone?: string): Promise<void> {
  const glob = path.join(expectedDir, '*.parquet');
  const want = await duckRows(`read_parquet(${quoteLiteral(glob)})`, snap.schema);
  const got = weirRows(await snap.collect(sessionTimeZone ? { sessionTimeZone } : {}));
  assert.equal(got.length, want.length, 'row count');
  assert.deepEqual(got, want);
}

describe('golden Delta tables (MANIFEST.md)', () => {
  const engine = fsEngine();
  for (const c of readManifest()) {
    const exp = expectationOf(c);
    const title = `${c.table}: ${exp.kind === 'refuse' ? `refused with ${exp.code}${exp.features ? ' (' + [...exp.features].join('|') + ')' : ''}` : `reads v${c.latestVersion}, ${exp.rows ?? 'files only'} rows`}`;
    it(title, async () => {
      const table = DeltaTable.forPath(engine, ROOT(c));
      if (exp.kind === 'refuse') {
        await assert.rejects(
          (async () => (await table.snapshot()).collect())(),
          (e: { code?: string; details?: { feature?: string } }) => {
            assert.equal(e.code, exp.code);
            if (exp.features) assert.ok(exp.features.has(String(e.details?.feature)), `named feature ${e.details?.feature}`);
            return true;
          },
        );
        return;
      }
      const snap = await table.snapshot();
      assert.equal(snap.version, c.latestVersion);
      assert.equal(snap.files.length, exp.files);
      if (exp.rows === null) return; // data files not shipped: the log replay (version, files) is what is checked
      const expectedDir = path.join(TESTDATA, c.table, 'expected');
      if (c.table.startsWith('dat/')) {
        for (const v of fs.readdirSync(expectedDir).filter((d) => /^v\d+$/.test(d))) {
          const s = await table.snapshot({ version: Number(v.slice(1)) });
          await compareWithDuck(s, path.join(expectedDir, v, 'table_content'));
        }
        await compareWithDuck(snap, path.join(expectedDir, 'latest', 'table_content'));
      } else if (fs.existsSync(expectedDir) && fs.readdirSync(expectedDir).some((f) => f.endsWith('.parquet'))) {
        await compareWithDuck(snap, expectedDir, SESSION_TIME_ZONE[c.table]);
      }
      assert.equal((await snap.collect()).length, exp.rows);
    });
  }
});
