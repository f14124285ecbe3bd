import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { InputPartition, Row, SourceContext, TaskContext } from '@weir/core';
import { createNodeEngine } from '@weir/node';
import { weatherSimSource, WEATHER_SCHEMA, WEATHER_CONDITIONS } from '@weir/weather-sim';

const engine = createNodeEngine();
const ctx = { engine, metadataPath: '/nonexistent/sources/0', conf: {}, log: () => undefined } as SourceContext;
const taskCtx = { engine } as TaskContext;

async function readAll(parts: readonly InputPartition[]): Promise<Row[]> {
  const rows: Row[] = [];
  for (const p of parts) {
    // As a worker does: import the reader module by name, call its partition reader.
    const mod = (await import(p.readerModule)) as { partitionReaders: Record<string, (d: unknown, c: TaskContext) => Promise<{ rows: readonly Row[] }>> };
    const reader = mod.partitionReaders[p.reader];
    assert.ok(reader, `reader ${p.reader} exported by ${p.readerModule}`);
    rows.push(...(await reader(structuredClone(p.data), taskCtx)).rows);
  }
  return rows;
}

const opts = { rowsPerBatch: '50', numStations: '4', startTimestamp: '1767225600000', advanceMillisPerBatch: '10000', seed: '5' };

describe('weatherSimSource (rate-micro-batch semantics)', () => {
  it('has format name weather-sim and the weather schema', async () => {
    assert.equal(weatherSimSource.name, 'weather-sim');
    const src = await weatherSimSource.createSource(opts, ctx);
    assert.deepEqual(src.schema(), WEATHER_SCHEMA);
    assert.deepEqual(
      WEATHER_SCHEMA.fields.map((f) => [f.name, f.type]),
      [['station_id', 'string'], ['event_time', 'timestamp'], ['temperature_c', 'double'], ['humidity', 'double'], ['pressure_hpa', 'double'], ['wind_speed_ms', 'double'], ['wind_dir_deg', 'integer'], ['condition', 'string']],
    );
  });

  it('admits exactly one more batch per trigger: {v:1,batch:n}', async () => {
    const src = await weatherSimSource.createSource(opts, ctx);
    assert.deepEqual(await src.latestOffset(null, {}), { v: 1, batch: 1 });
    assert.deepEqual(await src.latestOffset({ v: 1, batch: 7 }, {}), { v: 1, batch: 8 });
  });

  it('each batch has rowsPerBatch rows inside its event-time window, stations round-robin', async () => {
    const src = await weatherSimSource.createSource(opts, ctx);
    const rows = await readAll(await src.planInputPartitions({ v: 1, batch: 2 }, { v: 1, batch: 4 }));
    assert.equal(rows.length, 100);
    rows.forEach((r, k) => {
      const batch = 2 + Math.floor(k / 50);
      const lo = (1767225600000 + batch * 10000) * 1000;
      assert.ok((r['event_time'] as number) >= lo && (r['event_time'] as number) < lo + 10_000_000);
      assert.equal(r['station_id'], `ST-000${((batch * 50 + (k % 50)) % 4) + 1}`);
      assert.ok((WEATHER_CONDITIONS as readonly unknown[]).includes(r['condition']));
      assert.ok(Number.isInteger(r['wind_dir_deg']));
    });
  });

  it('replay after a restart yields identical rows, whatever numPartitions', async () => {
    const a = await readAll(await (await weatherSimSource.createSource(opts, ctx)).planInputPartitions({ v: 1, batch: 0 }, { v: 1, batch: 3 }));
    const b = await readAll(await (await weatherSimSource.createSource(opts, ctx)).planInputPartitions({ v: 1, batch: 0 }, { v: 1, batch: 3 }));
    const parts = await (await weatherSimSource.createSource({ ...opts, numPartitions: '3' }, ctx)).planInputPartitions(null, { v: 1, batch: 3 });
    assert.equal(parts.length, 9);
    const c = await readAll(parts);
    assert.equal(a.length, 150);
    assert.deepEqual(a, b);
    assert.deepEqual(c, a);
  });

  it('a different seed changes the rows', async () => {
    const a = await readAll(await (await weatherSimSource.createSource(opts, ctx)).planInputPartitions(null, { v: 1, batch: 1 }));
    const b = await readAll(await (await weatherSimSource.createSource({ ...opts, seed: '6' }, ctx)).planInputPartitions(null, { v: 1, batch: 1 }));
    assert.notDeepEqual(a, b);
  });

  it('rejects unknown or ill-typed options with INVALID_OPTION', async () => {
    await assert.rejects(async () => weatherSimSource.createSource({ rowsPerSecond: '5' }, ctx), { code: 'INVALID_OPTION' });
    await assert.rejects(async () => weatherSimSource.createSource({ rowsPerBatch: '0' }, ctx), { code: 'INVALID_OPTION' });
  });

  it('rejects a foreign offset with WEATHER_SIM_INVALID_OFFSET', async () => {
    const src = await weatherSimSource.createSource(opts, ctx);
    await assert.rejects(src.planInputPartitions(null, { v: 1, seconds: 3 }), { code: 'WEATHER_SIM_INVALID_OFFSET' });
    await assert.rejects(src.latestOffset({ v: 2, batch: 1 }, {}), { code: 'WEATHER_SIM_INVALID_OFFSET' });
  });
});
