// Acceptance with @weir/weather-sim as the oracle: its manifest says exactly which records are
// malformed and which files drifted; the file source must route each as the mode says.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WeirError, type Offset, type Row, type Source } from '@weir/core';
import { simulate, recordIdOf, WEATHER_SCHEMA_DDL, type SimulationManifest } from '@weir/weather-sim';
import { MemoryFs, cloudFiles, engineOver, readBatch, schemaDDL } from './helpers/harness.js';

const BASE = { out: '/in', files: 3, rowsPerFile: 150, stations: 5, malformedFraction: 0.06 } as const;

async function landClean(fs: MemoryFs): Promise<SimulationManifest> {
  return simulate({ ...BASE, engine: engineOver(fs), seed: 11, startTime: '2026-01-01T00:00:00Z' });
}

async function landDrift(fs: MemoryFs): Promise<SimulationManifest> {
  return simulate({ ...BASE, engine: engineOver(fs), seed: 12, startTime: '2026-01-02T00:00:00Z', driftAtFile: 0, filePrefix: 'weatherz' });
}

function idFromText(m: SimulationManifest, text: string): string | null {
  const hit = /"station_id":"([^"]*)","event_time":"([^"]*)"/.exec(text);
  return hit ? recordIdOf(m, { station_id: hit[1], event_time: hit[2] }) : null;
}

/** Ids of the records the source routed as malformed: corrupt column (unparsable) + rescued measurements (wrong type). */
function malformedIds(m: SimulationManifest, rows: readonly Row[]): string[] {
  const ids: string[] = [];
  for (const r of rows) {
    if (typeof r['_corrupt_record'] === 'string') ids.push(idFromText(m, r['_corrupt_record']) ?? '?');
    else if (typeof r['_rescued_data'] === 'string') {
      const rescued = JSON.parse(r['_rescued_data']) as Record<string, unknown>;
      if (['temperature_c', 'humidity', 'pressure_hpa', 'wind_speed_ms', 'wind_dir_deg'].some((k) => k in rescued)) ids.push(recordIdOf(m, r as { station_id: unknown; event_time: unknown }) ?? '?');
    }
  }
  return ids.sort();
}

const OPTS = { 'cloudFiles.format': 'json', 'cloudFiles.schemaLocation': '/schema', 'cloudFiles.schemaHints': WEATHER_SCHEMA_DDL };

async function batch(src: Source, fs: MemoryFs, start: Offset | null): Promise<{ end: Offset; rows: Row[] }> {
  const end = await src.latestOffset(start, {});
  assert.ok(end && JSON.stringify(end) !== JSON.stringify(start), 'expected new files');
  return { end, rows: await readBatch(src, fs, start, end) };
}

describe('weather-sim drift/malformed manifests as the oracle', () => {
  it('PERMISSIVE + addNewColumns: every malformed record is in the corrupt column or _rescued_data; drifted rows carry the new columns with no restart', async () => {
    const fs = new MemoryFs();
    const clean = await landClean(fs);
    assert.ok(clean.counts.malformed > 0);
    const src = await cloudFiles(fs, OPTS);
    const b0 = await batch(src, fs, null);
    assert.equal(b0.rows.length, clean.counts.rows);
    assert.deepEqual(malformedIds(clean, b0.rows), [...clean.ids.malformed].sort());
    await src.commit(b0.end);

    const drift = await landDrift(fs);
    const b1 = await batch(src, fs, b0.end);
    assert.equal(src.metrics!(b1.end)['addedColumns'], 'gust_ms,uv_index');
    assert.match(schemaDDL(src), /gust_ms string, uv_index string/);
    assert.equal(b1.rows.length, drift.counts.rows);
    assert.deepEqual(malformedIds(drift, b1.rows), [...drift.ids.malformed].sort());
    const withDrift = b1.rows.filter((r) => r['uv_index'] !== null && r['gust_ms'] !== null);
    assert.equal(withDrift.length, drift.counts.drifted, 'every parseable drifted line has the new columns');
  });

  it('rescue keeps the schema and rescues the drift fields', async () => {
    const fs = new MemoryFs();
    await landClean(fs);
    const src = await cloudFiles(fs, { ...OPTS, 'cloudFiles.schemaEvolutionMode': 'rescue' });
    const b0 = await batch(src, fs, null);
    await src.commit(b0.end);
    const drift = await landDrift(fs);
    const before = schemaDDL(src);
    const b1 = await batch(src, fs, b0.end);
    assert.equal(schemaDDL(src), before);
    const rescuedDrift = b1.rows.filter((r) => typeof r['_rescued_data'] === 'string' && 'uv_index' in (JSON.parse(r['_rescued_data']) as object));
    assert.equal(rescuedDrift.length, drift.counts.drifted);
  });

  it('failOnNewColumns fails with UNKNOWN_FIELD_EXCEPTION when the drifted files arrive', async () => {
    const fs = new MemoryFs();
    await landClean(fs);
    const src = await cloudFiles(fs, { ...OPTS, 'cloudFiles.schemaEvolutionMode': 'failOnNewColumns' });
    const b0 = await batch(src, fs, null);
    await landDrift(fs);
    await assert.rejects(src.latestOffset(b0.end, {}), (e: unknown) => WeirError.hasCode(e, 'UNKNOWN_FIELD_EXCEPTION'));
  });

  it('partitionByDate landings become a date partition column (date=YYYY-MM-DD directories)', async () => {
    const fs = new MemoryFs();
    const m = await simulate({ out: '/in', files: 2, rowsPerFile: 20, stations: 2, engine: engineOver(fs), seed: 3, partitionByDate: true });
    const src = await cloudFiles(fs, { ...OPTS, 'cloudFiles.schemaHints': `${WEATHER_SCHEMA_DDL}, date DATE` });
    const { rows } = await batch(src, fs, null);
    assert.equal(rows.length, m.counts.rows);
    const dirs = new Set(m.files.map((f) => /date=(\d{4}-\d\d-\d\d)\//.exec(f.path)?.[1]));
    assert.deepEqual(new Set(rows.map((r) => new Date((r['date'] as number) * 86_400_000).toISOString().slice(0, 10))), dirs);
  });

  it('DROPMALFORMED drops exactly the malformed records; badRecordsPath records exactly them', async () => {
    const fs = new MemoryFs();
    const clean = await landClean(fs);
    const dropped = await cloudFiles(fs, { ...OPTS, 'cloudFiles.schemaEvolutionMode': 'none', mode: 'DROPMALFORMED' });
    const rows = (await batch(dropped, fs, null)).rows;
    assert.equal(rows.length, clean.counts.rows - clean.counts.malformed);

    const fs2 = new MemoryFs();
    await landClean(fs2);
    const bad = await cloudFiles(fs2, { ...OPTS, 'cloudFiles.schemaEvolutionMode': 'none', badRecordsPath: '/bad' });
    const kept = (await batch(bad, fs2, null)).rows;
    assert.equal(kept.length, clean.counts.rows - clean.counts.malformed);
    const recorded: string[] = [];
    for (const [p, e] of fs2.files) {
      if (!p.startsWith('/bad/')) continue;
      for (const line of new TextDecoder().decode(e.data).trim().split('\n')) recorded.push(idFromText(clean, (JSON.parse(line) as { record: string }).record) ?? '?');
    }
    assert.deepEqual(recorded.sort(), [...clean.ids.malformed].sort());
  });
});
