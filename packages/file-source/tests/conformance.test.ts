// @weir/testkit's Source conformance suite over the cloudFiles source (MemoryStorage engine) and
// over FsStorage on a temp dir.
import { after } from 'node:test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StructType, utf8Encode, type Engine, type Row } from '@weir/core';
import { createNodeEngine } from '@weir/node';
import { createTestEngine, describeSource } from '@weir/testkit';
import { cloudFilesSource } from '@weir/file-source';

const SCHEMA = StructType.fromDDL('id BIGINT, name STRING');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'weir-file-source-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function factory(makeEngine: () => Engine, root: () => string) {
  return async () => {
    const engine = makeEngine();
    const dir = root();
    let n = 0;
    const options = { 'cloudFiles.format': 'json' };
    const ctx = { engine, metadataPath: `${dir}/ckpt/sources/0`, path: `${dir}/in`, conf: {}, log: () => {}, userSchema: SCHEMA };
    return {
      engine,
      source: await cloudFilesSource.createSource(options, ctx),
      restart: async () => cloudFilesSource.createSource(options, ctx),
      // One unit = one file of two rows, landed atomically.
      feed: async (units: number): Promise<Row[]> => {
        const rows: Row[] = [];
        for (let u = 0; u < units; u++) {
          const unit = [{ id: n * 2, name: `r${n}a` }, { id: n * 2 + 1, name: `r${n}b` }];
          await engine.storage.put(`${dir}/in/part-${String(n).padStart(5, '0')}.json`, utf8Encode(unit.map((r) => JSON.stringify(r)).join('\n') + '\n'));
          rows.push(...unit);
          n++;
        }
        return rows;
      },
    };
  };
}

describeSource('cloudFiles (MemoryStorage)', factory(() => createTestEngine(), () => '/t'), { oneUnitLimit: { maxFiles: 1 } });
let k = 0;
describeSource('cloudFiles (FsStorage)', factory(() => createNodeEngine(), () => path.join(tmp, `case${k++}`)), { oneUnitLimit: { maxFiles: 1 } });
