import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { encodeDataFilePath, resolveDataFilePath } from './table-path.js';

describe('resolveDataFilePath', () => {
  it('URL-decodes relative paths (Spark encodes the escaped folder again)', () => {
    assert.equal(resolveDataFilePath('/t', 'ts=2021-09-08%2011%253A11%253A11/part-0.parquet'), '/t/ts=2021-09-08 11%3A11%3A11/part-0.parquet');
    assert.equal(resolveDataFilePath('/t/', '_2=bar+%252521/p.parquet'), '/t/_2=bar+%2521/p.parquet');
  });
  it('accepts absolute paths and file: URIs inside the table', () => {
    assert.equal(resolveDataFilePath('/data/t', '/data/t/a.parquet'), '/data/t/a.parquet');
    assert.equal(resolveDataFilePath('/data/t', 'file:///data/t/x%20y.parquet'), '/data/t/x y.parquet');
    assert.equal(resolveDataFilePath('/data/t', 'file:/data/t/a.parquet'), '/data/t/a.parquet');
  });
  it('refuses paths that escape the table root', () => {
    for (const p of ['../secret.parquet', 'a/../../x.parquet', '%2E%2E/x.parquet', '/etc/passwd', 'file:///etc/passwd', '/data/t/../u/a.parquet', 's3://bucket/a.parquet', '/data/tt/a.parquet', '_delta_log/00000000000000000000.json']) {
      assert.throws(() => resolveDataFilePath('/data/t', p), { code: 'DELTA_FILE_PATH_ESCAPES_TABLE' }, p);
    }
  });
  it('encode → resolve round-trips', () => {
    const rel = 'ts=2021-09-08 11%3A11%3A11/é ü/part-00000-x.c000.snappy.parquet';
    assert.equal(resolveDataFilePath('/t', encodeDataFilePath(rel)), '/t/' + rel);
  });
});
