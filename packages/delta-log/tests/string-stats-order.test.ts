/**
 * String statistics in UTF-8 byte order, checked against DuckDB (an independent reader that
 * compares VARCHARs as UTF-8 bytes, as Delta/Spark do): the `minValues`/`maxValues` weir writes for
 * a file equal DuckDB's `min`/`max` over that file, for the row and the column-chunk write paths.
 * The strings mix ASCII, BMP (below and above the surrogate range) and astral characters, where
 * JS's UTF-16 order and UTF-8 byte order disagree.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StructType, columnChunkFromRows, type Row } from '@weir/core';
import { openDataFileWriter, parseStats, resolveDataFilePath, type AddAction } from '@weir/delta-log';
import { fsEngine, tempDir } from './support/engines.js';
import { duck, quoteLiteral } from './support/duckdb-oracle.js';

const schema = StructType.fromDDL('s STRING, st STRUCT<y: STRING>');

const SETS: ReadonlyArray<readonly string[]> = [
  ['\uffff', '😀'],
  ['a\ue000', 'a😀', 'a\ud7ff', 'a'],
  ['\u{10ffff}', '\ufffd', '\u{10000}z', 'zz', 'é'],
  ['日本', '\uf900', '𝄞music', '\uffef', '\u{1f600}\u{1f600}'],
];

async function duckMinMax(file: string): Promise<[unknown, unknown, unknown, unknown]> {
  const c = await duck();
  const r = await c.runAndReadAll(`SELECT min(s), max(s), min(st.y), max(st.y) FROM read_parquet(${quoteLiteral(file)})`);
  return r.getRows()[0] as [unknown, unknown, unknown, unknown];
}

describe('string stats agree with DuckDB min/max (UTF-8 byte order)', () => {
  for (const via of ['write', 'writeColumns'] as const) {
    it(`files written by DataFileWriter.${via}`, async () => {
      for (const values of SETS) {
        const engine = fsEngine();
        const dir = tempDir();
        // the nested leaf gets the values in reverse, so a first-seen bias cannot pass
        const rows: Row[] = values.map((s, i) => ({ s, st: { y: values[values.length - 1 - i] } }));
        const writer = openDataFileWriter(engine, dir, schema, {});
        if (via === 'write') await writer.write(rows);
        else await writer.writeColumns(columnChunkFromRows(schema, rows));
        const [add] = (await writer.finish()) as AddAction[];
        const stats = parseStats(add!.stats)!;
        const [minS, maxS, minY, maxY] = await duckMinMax(resolveDataFilePath(dir, add!.path));
        assert.equal(stats.minValues?.['s'], minS, `min of ${JSON.stringify(values)}`);
        assert.equal(stats.maxValues?.['s'], maxS, `max of ${JSON.stringify(values)}`);
        assert.equal((stats.minValues?.['st'] as Row)['y'], minY);
        assert.equal((stats.maxValues?.['st'] as Row)['y'], maxY);
      }
    });
  }
});
