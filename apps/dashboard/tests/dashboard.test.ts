// The dashboard over a real session (in-thread, test engine) and a real HTTP server on a free
// port: what /api reports must be what the queries themselves report (lastProgress,
// recentProgress, exception), for runs started before and after the dashboard.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MemoryStream, StructType, WeirError } from '@weir/core';
import { startDashboard, type QueryDetail, type QuerySummary } from '@weir/dashboard';
import { StreamingErrors, createSession } from '@weir/streaming';
import { ManualClock, MemoryStorage, createTestEngine } from '@weir/testkit';

const schema = StructType.fromDDL('station_id STRING, temperature_c DOUBLE');

function testSession() {
  return createSession({ engine: createTestEngine({ storage: new MemoryStorage(), clock: new ManualClock() }), conf: { 'weir.executor.threads': 0 } });
}

async function getJson<T>(url: string): Promise<{ status: number; body: T }> {
  const r = await fetch(url);
  return { status: r.status, body: (await r.json()) as T };
}

/** A value as it crosses JSON (what the page receives). */
const viaJson = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

describe('@weir/dashboard', () => {
  it('lists a running query with the progress the query itself reports, and one run in detail', async () => {
    const session = testSession();
    const dashboard = await startDashboard(session.streams, { port: 0 });
    try {
      const stream = new MemoryStream(schema);
      const q = await session.readStream.memory(stream).writeStream.format('memory').queryName('readings').start();
      for (let b = 0; b < 3; b++) {
        stream.addData([{ station_id: `ST-${b}`, temperature_c: b }, { station_id: 'ST-9', temperature_c: null }]);
        await q.processAllAvailable();
      }
      const { status, body } = await getJson<{ queries: QuerySummary[] }>(`${dashboard.url}api/queries`);
      assert.equal(status, 200);
      assert.equal(body.queries.length, 1);
      const [s] = body.queries as [QuerySummary];
      assert.deepEqual([s.id, s.runId, s.name, s.state, s.exception], [q.id, q.runId, 'readings', 'active', null]);
      assert.equal(typeof s.startedAt, 'string');
      assert.deepEqual(s.lastProgress, viaJson(q.lastProgress));
      assert.equal(s.lastProgress?.numInputRows, 2);

      for (const key of [q.runId, q.id]) {
        const one = await getJson<QueryDetail>(`${dashboard.url}api/queries/${encodeURIComponent(key)}`);
        assert.equal(one.status, 200);
        assert.deepEqual(one.body.recentProgress, viaJson(q.recentProgress));
      }
      await q.stop();
      const after = await getJson<{ queries: QuerySummary[] }>(`${dashboard.url}api/queries`);
      assert.equal(after.body.queries[0]?.state, 'terminated');
    } finally {
      await dashboard.close();
      await session.close();
    }
  });

  it('joins late: a query started before the dashboard is listed with the progress it kept', async () => {
    const session = testSession();
    const stream = new MemoryStream(schema);
    const q = await session.readStream.memory(stream).writeStream.format('memory').queryName('early').start();
    stream.addData([{ station_id: 'ST-1', temperature_c: 1 }]);
    await q.processAllAvailable();
    const dashboard = await startDashboard(session.streams, { port: 0 });
    try {
      stream.addData([{ station_id: 'ST-2', temperature_c: 2 }]);
      await q.processAllAvailable();
      const one = await getJson<QueryDetail>(`${dashboard.url}api/queries/${q.runId}`);
      assert.equal(one.body.state, 'active');
      assert.equal(one.body.startedAt, null);
      assert.deepEqual(one.body.recentProgress, viaJson(q.recentProgress));
      await q.stop();
    } finally {
      await dashboard.close();
      await session.close();
    }
  });

  it('shows a failed run with its error class, and stops listening once closed', async () => {
    const session = testSession();
    const dashboard = await startDashboard(session.streams, { port: 0 });
    const stream = new MemoryStream(schema);
    const q = await session.readStream
      .memory(stream)
      .writeStream.queryName('boom')
      .foreachBatch(() => {
        throw StreamingErrors.MEMORY_TABLE_NOT_FOUND({ name: 'x' });
      })
      .start();
    stream.addData([{ station_id: 'ST-1', temperature_c: 1 }]);
    await assert.rejects(q.processAllAvailable(), (e) => WeirError.hasCode(e, 'STREAM_FAILED'));
    await assert.rejects(q.awaitTermination(), (e) => WeirError.hasCode(e, 'STREAM_FAILED'));
    const { body } = await getJson<QueryDetail>(`${dashboard.url}api/queries/${q.id}`);
    assert.equal(body.state, 'failed');
    assert.equal(body.errorClassOnException, 'MEMORY_TABLE_NOT_FOUND');
    assert.match(body.exception ?? '', /x/);
    const url = dashboard.url;
    await dashboard.close();
    await assert.rejects(fetch(url));
    // Closed: the session's later queries reach no dashboard listener (nothing throws either).
    const q2 = await session.readStream.memory(new MemoryStream(schema)).writeStream.format('memory').queryName('later').start();
    await q2.stop();
    await session.close();
  });

  it('serves the page and its script with no inline script; answers 404, 405 and 400 as JSON', async () => {
    const session = testSession();
    const dashboard = await startDashboard(session.streams, { port: 0 });
    try {
      const page = await fetch(dashboard.url);
      assert.equal(page.status, 200);
      assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
      assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'self'/);
      const html = await page.text();
      assert.match(html, /<title>weir · Structured Streaming<\/title>/);
      assert.match(html, /<script src="\/app.js"><\/script>/);
      assert.doesNotMatch(html, /<script>(?!<\/)/, 'no inline script');
      const js = await fetch(`${dashboard.url}app.js`);
      assert.match(js.headers.get('content-type') ?? '', /^text\/javascript/);
      const script = await js.text();
      assert.match(script, /fetch\('\/api\/queries'\)/);
      // User data (names, offsets, errors) reaches the page only through textContent/attributes.
      assert.doesNotMatch(script, /innerHTML|outerHTML|insertAdjacentHTML|document\.write/);

      assert.equal((await getJson(`${dashboard.url}api/queries/nope`)).status, 404);
      assert.equal((await getJson(`${dashboard.url}elsewhere`)).status, 404);
      assert.equal((await getJson(`${dashboard.url}api/queries/%E0%A4%A`)).status, 400);
      const post = await fetch(`${dashboard.url}api/queries`, { method: 'POST' });
      assert.equal(post.status, 405);
      assert.equal(post.headers.get('allow'), 'GET, HEAD');
      const head = await fetch(`${dashboard.url}api/queries`, { method: 'HEAD' });
      assert.equal(head.status, 200);
      assert.equal(await head.text(), '');
    } finally {
      await dashboard.close();
      await session.close();
    }
  });

  it('refuses a taken port with DASHBOARD_LISTEN_FAILED and a bad port with INVALID_ARGUMENT', async () => {
    const session = testSession();
    const other = createServer();
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', () => r()));
    try {
      const port = (other.address() as AddressInfo).port;
      await assert.rejects(startDashboard(session.streams, { port }), (e) => WeirError.hasCode(e, 'DASHBOARD_LISTEN_FAILED') && /EADDRINUSE/.test((e as Error).message));
      await assert.rejects(startDashboard(session.streams, { port: 70_000 }), (e) => WeirError.hasCode(e, 'INVALID_ARGUMENT'));
      await assert.rejects(startDashboard(session.streams, { port: 0, historySize: 0 }), (e) => WeirError.hasCode(e, 'INVALID_ARGUMENT'));
    } finally {
      await new Promise<void>((r) => other.close(() => r()));
      await session.close();
    }
  });
});
