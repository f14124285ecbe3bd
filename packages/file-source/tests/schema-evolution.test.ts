import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WeirError, type Offset } from '@weir/core';
import { MemoryFs, cloudFiles, readBatch, schemaDDL } from './helpers/harness.js';

const T0 = 1_700_000_000_000;

function setup(): MemoryFs {
  const fs = new MemoryFs();
  fs.write('/in/f1.json', '{"a":1,"b":"x"}\n', T0);
  return fs;
}

const opts = (mode?: string, more: Record<string, string> = {}) => ({
  'cloudFiles.format': 'json',
  'cloudFiles.schemaLocation': '/schema',
  ...(mode === undefined ? {} : { 'cloudFiles.schemaEvolutionMode': mode }),
  ...more,
});

describe('schema evolution (cloudFiles.schemaEvolutionMode)', () => {
  it('addNewColumns (the default): the next batch continues in the same run with the new column, a new schema version and a schemaChanged metric', async () => {
    const fs = setup();
    const src = await cloudFiles(fs, opts());
    const e0 = (await src.latestOffset(null, {})) as Offset;
    assert.deepEqual(await readBatch(src, fs, null, e0), [{ a: '1', b: 'x', _rescued_data: null }]);
    assert.equal(e0['schemaVersion'], 0);
    await src.commit(e0);
    fs.write('/in/f2.json', '{"a":2,"b":"y","c":true}\n', T0 + 1);
    const e1 = (await src.latestOffset(e0, {})) as Offset;
    assert.equal(e1['schemaVersion'], 1, 'the offset names the schema version of its rows');
    assert.equal(schemaDDL(src), 'a string, b string, c string, _rescued_data string');
    const m = src.metrics!(e1);
    assert.equal(m['schemaChanged'], 'true');
    assert.equal(m['addedColumns'], 'c');
    assert.deepEqual(await readBatch(src, fs, e0, e1), [{ a: '2', b: 'y', c: 'true', _rescued_data: null }]);
    assert.ok(fs.files.has('/schema/_schemas/1'));
    // A replay of the first batch keeps its own (older) schema version: offsets stay deterministic.
    assert.deepEqual(await readBatch(src, fs, null, e0), [{ a: '1', b: 'x', _rescued_data: null }]);
    // And a restart resumes with the newest version.
    const again = await cloudFiles(fs.restart(), opts());
    assert.equal(schemaDDL(again), 'a string, b string, c string, _rescued_data string');
    assert.equal(again.metrics!(null)['schemaChanged'], 'false');
  });

  it('addNewColumns with inferColumnTypes and schemaHints types the added column', async () => {
    const fs = setup();
    const src = await cloudFiles(fs, opts(undefined, { 'cloudFiles.inferColumnTypes': 'true', 'cloudFiles.schemaHints': 'd DOUBLE' }));
    const e0 = await src.latestOffset(null, {});
    fs.write('/in/f2.json', '{"a":2,"b":"y","c":5,"d":1}\n', T0 + 1);
    const e1 = await src.latestOffset(e0, {});
    assert.equal(schemaDDL(src), 'a bigint, b string, d double, c bigint, _rescued_data string');
    assert.deepEqual(await readBatch(src, fs, e0, e1!), [{ a: 2, b: 'y', c: 5, d: 1, _rescued_data: null }]);
  });

  it('rescue keeps the schema and rescues the new field', async () => {
    const fs = setup();
    const src = await cloudFiles(fs, opts('rescue'));
    const e0 = await src.latestOffset(null, {});
    fs.write('/in/f2.json', '{"a":2,"b":"y","c":true}\n', T0 + 1);
    const e1 = await src.latestOffset(e0, {});
    assert.equal(schemaDDL(src), 'a string, b string, _rescued_data string');
    assert.deepEqual(await readBatch(src, fs, e0, e1!), [
      { a: '2', b: 'y', _rescued_data: JSON.stringify({ c: true, _file_path: '/in/f2.json' }) },
    ]);
    assert.ok(!fs.files.has('/schema/_schemas/1'));
  });

  it('failOnNewColumns fails with UNKNOWN_FIELD_EXCEPTION and keeps the schema', async () => {
    const fs = setup();
    const src = await cloudFiles(fs, opts('failOnNewColumns'));
    const e0 = await src.latestOffset(null, {});
    fs.write('/in/f2.json', '{"a":2,"b":"y","c":true}\n', T0 + 1);
    await assert.rejects(src.latestOffset(e0, {}), (e: unknown) => WeirError.hasCode(e, 'UNKNOWN_FIELD_EXCEPTION'));
    assert.equal(schemaDDL(src), 'a string, b string, _rescued_data string');
    assert.ok(!fs.files.has('/schema/_schemas/1'));
  });

  it('none ignores new columns (no rescued column unless rescuedDataColumn is set)', async () => {
    const fs = setup();
    const src = await cloudFiles(fs, opts('none'));
    assert.equal(schemaDDL(src), 'a string, b string');
    const e0 = await src.latestOffset(null, {});
    fs.write('/in/f2.json', '{"a":2,"b":"y","c":true}\n', T0 + 1);
    const e1 = await src.latestOffset(e0, {});
    assert.deepEqual(await readBatch(src, fs, e0, e1!), [{ a: '2', b: 'y' }]);
  });

  it('weir.fileSource.restartOnSchemaChange=true stops like Auto Loader (after recording the version); the restarted query reads the new column', async () => {
    for (const how of ['option', 'conf'] as const) {
      const fs = setup();
      const more = how === 'option' ? { 'weir.fileSource.restartOnSchemaChange': 'true' } : {};
      const conf = how === 'conf' ? { 'weir.fileSource.restartOnSchemaChange': 'true' } : {};
      const src = await cloudFiles(fs, opts(undefined, more), { conf });
      const e0 = await src.latestOffset(null, {});
      await src.commit(e0!);
      fs.write('/in/f2.json', '{"a":2,"b":"y","c":true}\n', T0 + 1);
      await assert.rejects(src.latestOffset(e0, {}), (e: unknown) => WeirError.hasCode(e, 'UNKNOWN_FIELD_EXCEPTION'));
      assert.ok(fs.files.has('/schema/_schemas/1'));
      const restarted = await cloudFiles(fs.restart(), opts(undefined, more), { conf });
      assert.equal(schemaDDL(restarted), 'a string, b string, c string, _rescued_data string');
      const e1 = await restarted.latestOffset(e0, {});
      assert.deepEqual(await readBatch(restarted, fs, e0, e1!), [{ a: '2', b: 'y', c: 'true', _rescued_data: null }]);
    }
  });

  it('a case-mismatched field is not a new column: it is rescued', async () => {
    const fs = setup();
    const src = await cloudFiles(fs, opts());
    const e0 = await src.latestOffset(null, {});
    fs.write('/in/f2.json', '{"A":2,"b":"y"}\n', T0 + 1);
    const e1 = await src.latestOffset(e0, {});
    assert.equal(schemaDDL(src), 'a string, b string, _rescued_data string');
    assert.deepEqual(await readBatch(src, fs, e0, e1!), [{ a: null, b: 'y', _rescued_data: JSON.stringify({ A: 2, _file_path: '/in/f2.json' }) }]);
  });

  it('failOnNewColumns also guards a user schema', async () => {
    const fs = setup();
    const { StructType } = await import('@weir/core');
    const src = await cloudFiles(fs, { 'cloudFiles.format': 'json', 'cloudFiles.schemaEvolutionMode': 'failOnNewColumns' }, { userSchema: StructType.fromDDL('a BIGINT, b STRING') });
    const e0 = await src.latestOffset(null, {});
    assert.ok(e0);
    fs.write('/in/f2.json', '{"a":2,"b":"y","c":true}\n', T0 + 1);
    await assert.rejects(src.latestOffset(e0, {}), (e: unknown) => WeirError.hasCode(e, 'UNKNOWN_FIELD_EXCEPTION'));
  });

  it('addNewColumns is refused with a user schema', async () => {
    const fs = setup();
    const { StructType } = await import('@weir/core');
    await assert.rejects(cloudFiles(fs, opts('addNewColumns'), { userSchema: StructType.fromDDL('a STRING') }), { code: 'CF_INVALID_OPTION_COMBINATION' });
  });
});
