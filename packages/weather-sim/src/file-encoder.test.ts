import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { utf8Decode } from '@weir/core';
import { encodeFile } from './file-encoder.js';
import { LineKind, type AssembledFile } from './file-assembler.js';
import { jsonFields, csvCells, csvHeader } from './record-format.js';
import { TimestampFormatter } from './time-format.js';
import { WeatherModel } from './weather-model.js';

// The byte-level fast path must write exactly what the string-based general path (used for
// imperfect lines) writes, in every shape, or lines of one file would differ in format.
describe('encodeFile fast path = general path', () => {
  const model = new WeatherModel(3, 7);
  const start = Date.UTC(2026, 11, 31, 23, 50) * 1000;
  for (const micros of [false, true]) {
    const step = micros ? 1_234_567 : 6_000_000;
    const ts = new TimestampFormatter(micros ? 'us' : 'ms');
    const ctx = { engine: { parquet: undefined as never }, model, startMicros: start, stepMicros: step, micros, ts };
    const readings = Array.from({ length: 500 }, (_, i) => model.reading(i, start + i * step));
    const file: AssembledFile = {
      index: 0,
      readings,
      kinds: readings.map(() => LineKind.CLEAN),
      details: readings.map(() => 0),
      hasDuplicates: false,
      range: null,
    };
    const range: AssembledFile = { ...file, readings: [], kinds: [], details: [], range: { first: 0, count: 500 } };
    for (const shape of [
      { drift: false, typeChange: false },
      { drift: true, typeChange: false },
      { drift: true, typeChange: true },
    ]) {
      it(`json and csv, ${micros ? 'µs' : 'ms'}, ${JSON.stringify(shape)}`, async () => {
        const json = readings.map((r) => '{' + jsonFields(r, ts, shape).map(([k, v]) => `"${k}":${v}`).join(',') + '}\n').join('');
        assert.equal(utf8Decode(await encodeFile(ctx, file, 'json', shape)), json);
        assert.equal(utf8Decode(await encodeFile(ctx, range, 'json', shape)), json);
        const csv = csvHeader(shape) + readings.map((r) => csvCells(r, ts, shape).join(',') + '\n').join('');
        assert.equal(utf8Decode(await encodeFile(ctx, file, 'csv', shape)), csv);
        assert.equal(utf8Decode(await encodeFile(ctx, range, 'csv', shape)), csv);
        for (const line of json.trim().split('\n')) JSON.parse(line);
      });
    }
  }
});
