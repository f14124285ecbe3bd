import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStream, StructType, WeirError } from '@weir/core';
import { createSession } from '@weir/streaming';
import { createTestEngine } from '@weir/testkit';

describe('session.read (batch)', () => {
  it("reads a Delta table written by a query, at the latest version and with versionAsOf", async () => {
    const session = createSession({ engine: createTestEngine(), conf: { 'weir.executor.threads': 0 } });
    const stream = new MemoryStream(StructType.fromDDL('id LONG'));
    const q = await session.readStream.memory(stream).writeStream.format('delta').option('checkpointLocation', '/chk').start('/tables/t');
    stream.addData([{ id: 1 }, { id: 2 }]);
    await q.processAllAvailable();
    stream.addData([{ id: 3 }]);
    await q.processAllAvailable();
    await q.stop();
    const latest = await session.read.format('delta').load('/tables/t');
    assert.deepEqual(latest.rows.map((r) => r['id']).sort(), [1, 2, 3]);
    // Each batch is one Delta commit (the first one also creates the table): version 0 has 2 rows, version 1 has 3.
    assert.equal((await session.read.format('delta').option('versionAsOf', 0).load('/tables/t')).rows.length, 2);
    assert.equal((await session.read.format('delta').option('versionAsOf', 1).load('/tables/t')).rows.length, 3);
    await assert.rejects(session.read.format('delta').option('versionAsOf', 2).load('/tables/t'));
    await assert.rejects(session.read.format('delta').option('versionAsOff', 1).load('/tables/t'), (e) => WeirError.hasCode(e, 'INVALID_OPTION'));
  });
});
