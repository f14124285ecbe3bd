import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createSession, type StreamingQueryProgress } from '@weir/streaming';
import { duckRows } from './delta-test-helpers.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'weir-streaming-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function land(dir: string, name: string, records: object[]): void {
  fs.mkdirSync(dir, { recursive: true });
  const tmpFile = path.join(dir, `.${name}.tmp`);
  fs.writeFileSync(tmpFile, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  fs.renameSync(tmpFile, path.join(dir, name));
}

describe('cloudFiles source through the session', () => {
  it('picks up a new column (addNewColumns) at a batch boundary without restart and names it in progress', async () => {
    const landing = path.join(tmp, 'landing');
    const session = createSession({ conf: { 'weir.executor.threads': 0 } });
    land(landing, 'a-0001.json', [{ station_id: 'KSEA', temp: 11.5 }]);
    const progress: StreamingQueryProgress[] = [];
    session.streams.addListener({ onQueryProgress: (e) => progress.push(e.progress) });
    const df = session.readStream
      .format('cloudFiles')
      .option('cloudFiles.format', 'json')
      .option('cloudFiles.schemaLocation', path.join(tmp, 'schema'))
      .load(landing);
    const q = await df.writeStream.format('memory').queryName('files').option('checkpointLocation', path.join(tmp, 'chk')).start();
    await q.processAllAvailable();
    land(landing, 'a-0002.json', [{ station_id: 'KPDX', temp: 9.0, humidity: 0.8 }]);
    await q.processAllAvailable();
    await q.stop();
    await session.close();
    if (q.exception) throw q.exception;
    const rows = session.table('files').rows;
    assert.equal(rows.length, 2);
    const kpdx = rows.find((r) => r['station_id'] === 'KPDX')!;
    assert.ok('humidity' in kpdx, 'the new column reaches the sink in the same run');
    assert.ok(progress.some((p) => p.addedColumns?.includes('humidity')), 'a progress event names the added column');
  });
});

describe('cloudFiles with a user schema and rescuedDataColumn, into Delta', () => {
  it('keeps the rescued data column in the table (it was planned from the user schema alone and dropped)', async () => {
    const landing = path.join(tmp, 'rescue-landing');
    land(landing, 'r-0001.json', [{ a: 1, b: 'x' }, { a: 'bad', c: 3 }, { a: 2 }]);
    const session = createSession({ conf: { 'weir.executor.threads': 0 } });
    const out = path.join(tmp, 'rescue-out');
    try {
      const q = await session.readStream
        .format('cloudFiles')
        .option('cloudFiles.format', 'json')
        .schema('a LONG')
        .option('rescuedDataColumn', '_rescued_data')
        .load(landing)
        .writeStream.format('delta')
        .option('checkpointLocation', path.join(tmp, 'rescue-chk'))
        .trigger({ availableNow: true })
        .start(out);
      await q.awaitTermination();
    } finally {
      await session.close();
    }
    const rows = await duckRows(out, 'a, _rescued_data', 'a NULLS FIRST');
    const file = path.join(landing, 'r-0001.json');
    assert.deepStrictEqual(
      rows.map((r) => [r['a'] === null ? null : Number(r['a']), r['_rescued_data'] === null ? null : JSON.parse(r['_rescued_data'] as string)]),
      [
        [null, { a: 'bad', c: 3, _file_path: file }],
        [1, { b: 'x', _file_path: file }],
        [2, null],
      ],
    );
  });
});

describe('weather-sim source through the session', () => {
  it('is registered by default; a once-triggered query reads one micro-batch of rowsPerBatch rows', async () => {
    const session = createSession({ conf: { 'weir.executor.threads': 0 } });
    const q = await session.readStream
      .format('weather-sim')
      .option('rowsPerBatch', 25)
      .option('numStations', 5)
      .load()
      .writeStream.format('memory')
      .queryName('weather')
      .option('checkpointLocation', path.join(tmp, 'weather-chk'))
      .trigger({ once: true })
      .start();
    await q.awaitTermination();
    await session.close();
    const rows = session.table('weather').rows;
    assert.equal(rows.length, 25);
    assert.equal(new Set(rows.map((r) => r['station_id'])).size, 5);
    assert.equal(q.lastProgress?.numInputRows, 25);
  });
});
