import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStream, StructType, WeirError, listAll, messageParameters, utf8Decode, utf8Encode } from '@weir/core';
import { col, window } from '@weir/planner';
import { StreamingErrors, createSession, showString, type QueryIdleEvent, type QueryTerminatedEvent } from '@weir/streaming';
import { ManualClock, MemoryStorage, createTestEngine } from '@weir/testkit';

const schema = StructType.fromDDL('word STRING, ts TIMESTAMP');
const at = (hhmm: string): number => Date.parse(`2024-01-01T${hhmm}:00Z`) * 1000;

function testSession(storage = new MemoryStorage(), clock = new ManualClock()) {
  const out: string[] = [];
  const session = createSession({ engine: createTestEngine({ storage, clock }), conf: { 'weir.executor.threads': 0 }, out: (t) => out.push(t) });
  return { session, storage, clock, out };
}

describe('error catalogue', () => {
  it('has unique UPPER_SNAKE codes, and every message parameter is a plain name', () => {
    const codes = Object.keys(StreamingErrors);
    assert.equal(new Set(codes).size, codes.length);
    for (const code of codes) {
      assert.match(code, /^[A-Z][A-Z0-9_]+$/);
      const factory = StreamingErrors[code as keyof typeof StreamingErrors];
      const params = messageParameters(factory.spec.message);
      const err = factory(Object.fromEntries(params.map((p) => [p, 'x'])));
      assert.equal(err.code, code);
      assert.doesNotMatch(err.message, /<[A-Za-z]/, `${code} fills every parameter`);
    }
  });
});

describe('session API', () => {
  it('rejects unknown source options at start() with INVALID_OPTION', async () => {
    const { session } = testSession();
    const df = session.readStream.format('rate').option('rowsPerSecnd', 5).load();
    await assert.rejects(df.writeStream.format('memory').queryName('r').start(), (e) => WeirError.hasCode(e, 'INVALID_OPTION'));
  });

  it('refuses a checkpoint with logs but no metadata (STREAMING_CHECKPOINT_MISSING_METADATA_FILE)', async () => {
    const { session, storage } = testSession();
    await storage.put('/chk/offsets/0', utf8Encode('v1\n{"batchWatermarkMs":0,"batchTimestampMs":0,"conf":{}}\n-'));
    const df = session.readStream.memory(new MemoryStream(schema));
    await assert.rejects(
      df.writeStream.format('memory').queryName('m').option('checkpointLocation', '/chk').start(),
      (e) => WeirError.hasCode(e, 'STREAMING_CHECKPOINT_MISSING_METADATA_FILE'),
    );
  });

  it('rate source: rowsPerSecond rows per second of (timestamp, value), driven by the engine clock', async () => {
    const { session, clock } = testSession();
    const start = clock.now();
    const q = await session.readStream.format('rate').option('rowsPerSecond', 4).load().writeStream.format('memory').queryName('rate').start();
    clock.advance(2_000);
    await q.processAllAvailable();
    await q.stop();
    const rows = session.table('rate').rows;
    assert.deepEqual(rows.map((r) => r['value']), [0, 1, 2, 3, 4, 5, 6, 7]);
    assert.deepEqual(rows.map((r) => r['timestamp']), [0, 250, 500, 750, 1000, 1250, 1500, 1750].map((ms) => (start + ms) * 1000));
  });

  it('console sink prints "Batch: N" and a Spark show() table (numRows, truncate)', async () => {
    const { session, out } = testSession();
    const stream = new MemoryStream(StructType.fromDDL('id LONG, name STRING'));
    const q = await session.readStream.memory(stream).writeStream.format('console').option('numRows', 1).start();
    stream.addData([{ id: 1, name: 'a-very-long-name-that-gets-truncated' }, { id: 2, name: null }]);
    await q.processAllAvailable();
    await q.stop();
    assert.equal(
      out.join(''),
      [
        '-------------------------------------------',
        'Batch: 0',
        '-------------------------------------------',
        '+---+--------------------+',
        '| id|                name|',
        '+---+--------------------+',
        '|  1|a-very-long-name-...|',
        '+---+--------------------+',
        'only showing top 1 row',
        '',
      ].join('\n'),
    );
    assert.match(showString({ schema: StructType.fromDDL('x INT'), rows: [{ x: null }] }, 20, false), /\|null\|/);
  });

  it('posts onQueryIdle when a trigger finds no data, and onQueryTerminated with the failure code', async () => {
    const { session } = testSession();
    const idle: QueryIdleEvent[] = [];
    const terminated: QueryTerminatedEvent[] = [];
    session.streams.addListener({ onQueryIdle: (e) => idle.push(e), onQueryTerminated: (e) => terminated.push(e) });
    const stream = new MemoryStream(schema);
    const q = await session.readStream
      .memory(stream)
      .writeStream.queryName('boom')
      .foreachBatch(() => {
        throw StreamingErrors.MEMORY_TABLE_NOT_FOUND({ name: 'x' });
      })
      .start();
    await q.processAllAvailable();
    assert.ok(idle.length >= 1);
    stream.addData([{ word: 'a', ts: 0 }]);
    await assert.rejects(q.processAllAvailable(), (e) => WeirError.hasCode(e, 'STREAM_FAILED'));
    await assert.rejects(q.awaitTermination(), (e) => WeirError.hasCode(e, 'STREAM_FAILED'));
    assert.equal(terminated[0]?.errorClassOnException, 'MEMORY_TABLE_NOT_FOUND');
    assert.equal(q.isActive, false);
  });

  it('awaitTermination(timeout) resolves false when the engine clock passes the timeout first', async () => {
    const { session, clock } = testSession();
    const q = await session.readStream.memory(new MemoryStream(schema)).writeStream.format('memory').queryName('t').start();
    const waiting = q.awaitTermination(5_000);
    clock.advance(5_000);
    assert.equal(await waiting, false);
    await q.stop();
    assert.equal(await q.awaitTermination(1), true);
  });

  it('writes late rows to weir.lateData.path as JSON lines with the watermark at drop time', async () => {
    const { session, storage } = testSession();
    session.setConf('weir.lateData.path', '/late');
    const stream = new MemoryStream(schema);
    const df = session.readStream.memory(stream).withWatermark('ts', '10 minutes').groupBy(window(col('ts'), '10 minutes'), col('word')).count();
    const q = await df.writeStream.format('memory').queryName('lw').start();
    stream.addData([{ word: 'owl', ts: at('12:21') }]);
    await q.processAllAvailable();
    stream.addData([{ word: 'cat', ts: at('12:04') }]);
    await q.processAllAvailable();
    await q.stop();
    const files = await listAll(storage, '/late');
    assert.equal(files.length, 1);
    const lines = utf8Decode(await storage.read(files[0]!.path)).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(lines.length, 1);
    assert.equal((lines[0]!['row'] as Record<string, unknown>)['word'], 'cat');
    assert.equal(lines[0]!['watermark'], '2024-01-01T12:11:00.000Z');
  });

  it('uses a temporary checkpoint for memory/console sinks (deleted on a clean stop) and requires one for others', async () => {
    const { session, storage } = testSession();
    const stream = new MemoryStream(schema);
    const q = await session.readStream.memory(stream).writeStream.format('memory').queryName('tmpchk').start();
    stream.addData([{ word: 'a', ts: 0 }]);
    await q.processAllAvailable();
    assert.ok([...storage.snapshot().keys()].some((k) => k.includes('weir-temporary-') && k.endsWith('/commits/0')));
    await q.stop();
    assert.deepEqual([...storage.snapshot().keys()].filter((k) => k.includes('weir-temporary-')), []);
    await assert.rejects(
      session.readStream.memory(stream).writeStream.format('delta').start('/tables/x'),
      (e) => WeirError.hasCode(e, 'MISSING_CHECKPOINT_LOCATION'),
    );
  });
});
