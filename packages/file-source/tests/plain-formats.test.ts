import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StructType } from '@weir/core';
import { createNodeEngine } from '@weir/node';
import { csvFileSource, jsonFileSource, textFileSource, cloudFilesSource } from '@weir/file-source';
import { MemoryFs, cloudFiles, readBatch } from './helpers/harness.js';

const T0 = 1_700_000_000_000;

function ctx(fs: MemoryFs, userSchema?: string) {
  return {
    engine: createNodeEngine({ storage: fs }),
    metadataPath: '/ckpt/sources/0',
    path: '/in',
    conf: {},
    log: () => {},
    ...(userSchema === undefined ? {} : { userSchema: StructType.fromDDL(userSchema) }),
  };
}

describe("Spark's plain file stream formats (json, csv, text) share the source", () => {
  it('json with a user schema, Spark option names (maxFilesPerTrigger has no default)', async () => {
    const fs = new MemoryFs();
    fs.write('/in/a.json', '{"x":1}\n', T0);
    fs.write('/in/b.json', '{"x":2}\n', T0 + 1);
    const src = await jsonFileSource.createSource({ maxFilesPerTrigger: '1' }, ctx(fs, 'x BIGINT'));
    assert.deepEqual(src.getDefaultReadLimit(), { maxFiles: 1 });
    const e0 = await src.latestOffset(null, src.getDefaultReadLimit());
    assert.deepEqual(await readBatch(src, fs, null, e0!), [{ x: 1 }]);
    const unlimited = await jsonFileSource.createSource({}, { ...ctx(fs, 'x BIGINT'), metadataPath: '/ck2' });
    assert.deepEqual(unlimited.getDefaultReadLimit(), {});
    await assert.rejects(Promise.resolve().then(() => jsonFileSource.createSource({ 'cloudFiles.format': 'json' }, ctx(fs, 'x BIGINT'))), { code: 'INVALID_OPTION' });
  });

  it('csv with header and a user schema; text reads one value per line', async () => {
    const fs = new MemoryFs();
    fs.write('/in/a.csv', 'x,y\n1,a\n2,b\n', T0);
    const csv = await csvFileSource.createSource({ header: 'true' }, ctx(fs, 'x INT, y STRING'));
    const e = await csv.latestOffset(null, {});
    assert.deepEqual(await readBatch(csv, fs, null, e!), [{ x: 1, y: 'a' }, { x: 2, y: 'b' }]);
    const text = await textFileSource.createSource({}, { ...ctx(fs), metadataPath: '/ck2' });
    assert.equal(StructType.toJSON(text.schema()), StructType.toJSON(StructType.fromDDL('value STRING')));
    const t = await text.latestOffset(null, {});
    assert.deepEqual(await readBatch(text, fs, null, t!), [{ value: 'x,y' }, { value: '1,a' }, { value: '2,b' }]);
  });

  it('a plain json stream without a schema is refused (Spark needs one for streaming file sources)', async () => {
    const fs = new MemoryFs();
    fs.write('/in/a.json', '{"x":1}\n', T0);
    await assert.rejects(Promise.resolve().then(() => jsonFileSource.createSource({}, ctx(fs))), { code: 'CF_SCHEMA_LOCATION_REQUIRED' });
  });

  it('CSV multiLine: quoted values may span lines', async () => {
    const fs = new MemoryFs();
    fs.write('/in/a.csv', 'id,note\n1,"two\nlines"\n2,plain\n', T0);
    const src = await cloudFiles(fs, { 'cloudFiles.format': 'csv', header: 'true', multiLine: 'true' }, { userSchema: StructType.fromDDL('id INT, note STRING') });
    const e = await src.latestOffset(null, {});
    assert.deepEqual(await readBatch(src, fs, null, e!), [{ id: 1, note: 'two\nlines' }, { id: 2, note: 'plain' }]);
  });

  it('rejects an unparsable modifiedAfter and a multi-character sep with INVALID_OPTION', async () => {
    const fs = new MemoryFs();
    const c = ctx(fs, 'x BIGINT');
    await assert.rejects(Promise.resolve().then(() => cloudFilesSource.createSource({ 'cloudFiles.format': 'json', modifiedAfter: 'last tuesday' }, c)), { code: 'INVALID_OPTION' });
    await assert.rejects(Promise.resolve().then(() => cloudFilesSource.createSource({ 'cloudFiles.format': 'csv', sep: ';;' }, c)), { code: 'INVALID_OPTION' });
  });
});
