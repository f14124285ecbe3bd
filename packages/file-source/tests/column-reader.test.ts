// partitionColumnReaders.file against partitionChunkReaders.file, the row reader (the oracle: each
// columnar contract is defined as equal to its row form): over every file the chunk-reader
// generator makes (NDJSON / CSV / Parquet / text / multiLine, every parse mode, rescued data,
// corrupt records, badRecordsPath, files spanning several 64 KiB windows and the 8192-row chunk
// boundary), the column chunks as rows, concatenated, MUST deep-equal the row batches, chunk
// for chunk, and leave the same bad-records file. The generator's own expectation is checked
// too, so both readers drifting together cannot pass.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StructType, WeirError, columnChunkToRows, vectorKindOf, type ColumnChunk, type Row, type RowBatch } from '@weir/core';
import { CHUNK_RECORDS, partitionChunkReaders, partitionColumnReaders, type FilePartitionData } from '@weir/file-source';
import { MemoryFs, engineOver } from './helpers/harness.js';
import { MODES, badRecords, expectation, generatedFileProperties, ndjsonFile, parseOptions, partitionData, prng, rowOf, values, type Expected } from './helpers/record-files.js';

const runs = { seed: Number(process.env['FC_SEED'] ?? 42), numRuns: process.env['CI'] ? 12 : 1 };

async function rowChunks(data: FilePartitionData, fs: MemoryFs): Promise<RowBatch[]> {
  const chunks: RowBatch[] = [];
  for await (const c of partitionChunkReaders.file(data, { engine: engineOver(fs) })) chunks.push(c);
  return chunks;
}

async function columnChunks(data: FilePartitionData, fs: MemoryFs, columns?: readonly string[]): Promise<ColumnChunk[]> {
  const chunks: ColumnChunk[] = [];
  for await (const c of partitionColumnReaders.file(data, { engine: engineOver(fs) }, columns === undefined ? undefined : { columns })) chunks.push(c);
  return chunks;
}

/**
 * A read asking for `columns` only (core `ColumnReadOptions`): the same chunks and bad records,
 * the listed columns equal to the full read's, every other column all-null.
 */
async function checkPruned(fs: MemoryFs, data: FilePartitionData, full: readonly ColumnChunk[], fullBad: unknown, columns: readonly string[]): Promise<void> {
  fs.files.delete(data.badRecordsFile ?? '');
  const pruned = await columnChunks(data, fs, columns);
  assert.deepEqual(badRecords(fs, data), fullBad, `reading ${columns.join(',')}: the same bad records`);
  assert.deepEqual(pruned.map((c) => c.numRows), full.map((c) => c.numRows), `reading ${columns.join(',')}: the same chunks`);
  const read = new Set(columns);
  const expected = full.flatMap(columnChunkToRows).map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, read.has(k) ? v : null])));
  deepEqualRows(pruned.flatMap(columnChunkToRows), expected, `reading ${columns.join(',')}`);
}

function deepEqualRows(actual: readonly Row[], expected: readonly Row[], what: string): void {
  try {
    assert.deepStrictEqual(actual, expected);
  } catch {
    // Name the first differing row rather than print two arrays of thousands.
    assert.equal(actual.length, expected.length, `${what}: row count`);
    for (let i = 0; i < actual.length; i++) assert.deepStrictEqual(actual[i], expected[i], `${what}: row ${i}`);
  }
}

/**
 * The column reader equals the row reader (rows, chunk breaks, bad records), each chunk is
 * well formed (schema, vector kinds, at most CHUNK_RECORDS rows, never empty), and when the
 * generator knows the content, both equal it.
 */
async function check(fs: MemoryFs, data: FilePartitionData, exp: Expected | null): Promise<void> {
  const schema = StructType.fromJSON(data.schemaJson);
  const byRows = await rowChunks(data, fs);
  const rowBad = badRecords(fs, data);
  fs.files.delete(data.badRecordsFile ?? '');
  const byColumns = await columnChunks(data, fs);
  const columnBad = badRecords(fs, data);
  for (const c of byColumns) {
    assert.ok(c.numRows > 0 && c.numRows <= CHUNK_RECORDS, `chunk of ${c.numRows} rows`);
    assert.deepEqual(c.schema, schema);
    assert.equal(c.vectors.length, schema.fields.length);
    c.vectors.forEach((v, f) => assert.equal(v.kind, vectorKindOf((schema.fields[f] as { type: Parameters<typeof vectorKindOf>[0] }).type)));
  }
  assert.deepEqual(byColumns.map((c) => c.numRows), byRows.map((b) => b.rows.length), 'chunks break where row batches break');
  const rows = byRows.flatMap((b) => b.rows);
  deepEqualRows(byColumns.flatMap(columnChunkToRows), rows, 'column reader vs row reader');
  assert.deepEqual(columnBad, rowBad, 'the same bad records');
  // Alternate columns, then the other half: each column is both converted and pruned somewhere.
  const names = schema.fields.map((f) => f.name);
  for (const parity of [0, 1]) await checkPruned(fs, data, byColumns, columnBad, names.filter((_, i) => i % 2 === parity));
  if (exp !== null) {
    deepEqualRows(rows, exp.rows, 'row reader vs generator');
    assert.deepEqual(rowBad, exp.bad);
  }
}

describe('partitionColumnReaders.file (oracle: the row reader, and the generator)', () => {
  generatedFileProperties(check, runs);

  it('Parquet: rows across the chunk boundary, an incompatible column rescued or malformed, a corrupt file a bad record', async () => {
    const engine = engineOver(new MemoryFs());
    const rnd = prng(7);
    const big = Array.from({ length: CHUNK_RECORDS + 100 }, () => values(rnd, false));
    const schema = StructType.fromDDL('id BIGINT, name STRING, t TIMESTAMP, x DOUBLE');
    const a = await engine.parquet.write({ schema, rows: big.map((v) => ({ id: v.id, name: v.name, t: v.t?.micros ?? null, x: v.x })) });
    const b = await engine.parquet.write({ schema: StructType.fromDDL('id BIGINT, x STRING'), rows: [{ id: 1, x: 'wide' }] });
    for (const mode of MODES) {
      const fs = new MemoryFs();
      fs.write('/in/a.parquet', a);
      fs.write('/in/b.parquet', b);
      fs.write('/in/c.parquet', new TextEncoder().encode('not a parquet file'));
      await check(fs, partitionData('parquet', ['/in/a.parquet', '/in/b.parquet', '/in/c.parquet'], mode), null);
    }
  });

  it('text: one row per line (CRLF, empty lines, multi-byte characters, a BOM) across windows and chunks', async () => {
    const rnd = prng(11);
    const lines = Array.from({ length: Math.ceil(CHUNK_RECORDS * 1.2) }, (_, i) => (i % 97 === 0 ? '' : `${i} ${[...'é€😀{"'].slice(0, i % 6).join('')}${'x'.repeat(i % 40)}`));
    const fs = new MemoryFs();
    fs.write('/in/a.txt', '\uFEFF' + lines.map((l) => l + (rnd() < 0.2 ? '\r\n' : '\n')).join(''));
    fs.write('/in/b.txt', 'last line without newline\r\nend');
    const data: FilePartitionData = {
      ...partitionData('json', ['/in/a.txt', '/in/b.txt'], 'permissive'),
      format: 'text',
      schemaJson: StructType.toJSON(StructType.fromDDL('value STRING')),
      partitionColumns: [],
    };
    await check(fs, data, { rows: [...lines, 'last line without newline', 'end'].map((value) => ({ value })), bad: [] });
  });

  it('multiLine JSON and CSV: a file of more records than a chunk', async () => {
    const rnd = prng(5);
    const vs = Array.from({ length: CHUNK_RECORDS + 300 }, () => values(rnd, true));
    const records = vs.map((v) => ({ id: v.id, name: v.name, t: v.t?.text ?? null, x: v.x }));
    const fs = new MemoryFs();
    fs.write('/in/a.json', JSON.stringify(records, null, 2));
    const multi = { multiLine: true, header: true };
    await check(fs, partitionData('json', ['/in/a.json'], 'permissive', multi), { rows: vs.map((v) => rowOf(v, 'permissive')), bad: [] });
    const csv = ['id,name,t,x', ...vs.map((v, i) => [v.id ?? '', i % 50 === 0 ? '"two\nlines"' : v.name === null ? '' : `"${v.name}"`, v.t?.text ?? '', v.x ?? ''].join(','))].join('\n');
    fs.write('/in/a.csv', csv);
    await check(fs, partitionData('csv', ['/in/a.csv'], 'permissive', multi), null);
  });

  it('every scanned type (string, timestamp, timestamp_ntz, double, float, long, integer, boolean) with nulls, and partition columns that differ per file', async () => {
    // Each line in schema order (the scanner's shape), some with nulls, some declined (a key out
    // of order, an escape, a fraction in an integer column); partition values of each file
    // converted to their types (a value that does not convert is null), as Spark reads them.
    const ddl = 's STRING, t TIMESTAMP, tn TIMESTAMP_NTZ, d DOUBLE, f FLOAT, l BIGINT, i INT, b BOOLEAN, region STRING, n INT, day DATE, ok BOOLEAN, _corrupt_record STRING';
    const rnd = prng(17);
    const fs = new MemoryFs();
    const files = [
      { path: '/in/region=eu/n=5/day=2024-01-02/ok=true/a.json', partitionValues: { region: 'eu', n: '5', day: '2024-01-02', ok: 'true' } },
      { path: '/in/region=us/n=x/day=1969-12-31/ok=false/b.json', partitionValues: { region: 'us', n: 'x', day: '1969-12-31', ok: 'false' } },
      { path: '/in/c.json', partitionValues: { region: null, n: '-7', day: null, ok: null } },
    ];
    const expected: Row[] = [];
    const dayOf = (text: string | null) => (text === null ? null : Date.UTC(Number(text.slice(0, 4)), Number(text.slice(5, 7)) - 1, Number(text.slice(8, 10))) / 86_400_000);
    const partOf = (pv: (typeof files)[number]['partitionValues']) => ({
      region: pv.region,
      n: pv.n === null || !/^-?\d+$/.test(pv.n) ? null : Number(pv.n),
      day: dayOf(pv.day),
      ok: pv.ok === null ? null : pv.ok === 'true',
    });
    for (const file of files) {
      const lines: string[] = [];
      const count = file.path.endsWith('a.json') ? CHUNK_RECORDS + 77 : 300;
      for (let k = 0; k < count; k++) {
        const sec = Math.floor(rnd() * 4e9);
        const iso = new Date(sec * 1000).toISOString();
        const v = {
          s: rnd() < 0.1 ? null : `st-${Math.floor(rnd() * 50)}`,
          t: rnd() < 0.1 ? null : iso,
          tn: rnd() < 0.1 ? null : iso,
          d: rnd() < 0.1 ? null : Math.round((rnd() - 0.5) * 1e6) / 100 + 0,
          f: rnd() < 0.1 ? null : Math.round(rnd() * 1e4) / 10,
          l: rnd() < 0.1 ? null : Math.floor((rnd() - 0.5) * 1e15),
          i: rnd() < 0.1 ? null : Math.floor((rnd() - 0.5) * 1e6),
          b: rnd() < 0.1 ? null : rnd() < 0.5,
        };
        const row: Row = { ...v, t: v.t === null ? null : sec * 1e6, tn: v.tn === null ? null : sec * 1e6, ...partOf(file.partitionValues), _corrupt_record: null };
        const kind = rnd();
        let line = JSON.stringify(v);
        if (kind < 0.03) line = JSON.stringify({ t: v.t, s: v.s, tn: v.tn, d: v.d, f: v.f, l: v.l, i: v.i, b: v.b }); // declined: key order
        else if (kind < 0.06 && v.s !== null) {
          line = line.replace(`"s":"st-`, `"s":"st\\u002d`); // declined: an escape; the same value
        } else if (kind < 0.09) {
          line = JSON.stringify({ ...v, i: 1.5 }); // declined, then malformed: 1.5 is not an INT
          row['i'] = null;
          row['_corrupt_record'] = line;
        }
        lines.push(line);
        expected.push(row);
      }
      fs.write(file.path, lines.join('\n') + '\n');
    }
    const data: FilePartitionData = {
      ...partitionData('json', files.map((f) => f.path), 'permissive'),
      files: files.map((f) => ({ path: f.path, size: 0, partitionValues: f.partitionValues })),
      schemaJson: StructType.toJSON(StructType.fromDDL(ddl)),
      partitionColumns: ['region', 'n', 'day', 'ok'],
    };
    await check(fs, data, { rows: expected, bad: [] });
    const chunks = await columnChunks(data, fs);
    // Numbers travel in typed arrays: the columnar form the pipeline is for.
    assert.ok(chunks[0]?.vectors[3]?.kind === 'float64' && chunks[0].vectors[3].values instanceof Float64Array);
    assert.ok(chunks[0]?.vectors[7]?.kind === 'boolean' && chunks[0].vectors[7].nulls !== null);
  });

  it('a column named __proto__ is a column (an own property) in the chunk rows', async () => {
    const fs = new MemoryFs();
    fs.write('/in/a.json', '{"__proto__":"p","b":1}\n{"b":2}\n');
    const data: FilePartitionData = {
      ...partitionData('json', ['/in/a.json'], 'permissive'),
      schemaJson: StructType.toJSON(StructType.fromDDL('`__proto__` STRING, b BIGINT')),
      partitionColumns: [],
    };
    await check(fs, data, null);
    const rows = (await columnChunks(data, fs)).flatMap(columnChunkToRows);
    assert.deepEqual(Object.getOwnPropertyDescriptor(rows[0], '__proto__')?.value, 'p');
    assert.equal(rows[1]?.['b'], 2);
  });

  it('writes bad records only once the iteration completes, and none when it is abandoned', async () => {
    const fs = new MemoryFs();
    const exp = expectation();
    fs.write('/in/f0.json', ndjsonFile(prng(3), '/in/f0.json', Math.ceil(CHUNK_RECORDS * 1.4), 'badRecords', exp));
    const data = partitionData('json', ['/in/f0.json'], 'badRecords');
    assert.ok(exp.bad.length > 0);
    const it = partitionColumnReaders.file(data, { engine: engineOver(fs) })[Symbol.asyncIterator]();
    let n = 0;
    for (let r = await it.next(); !r.done; r = await it.next()) {
      n++;
      assert.equal(fs.files.has(data.badRecordsFile as string), false, `no bad records file after chunk ${n}`);
    }
    assert.ok(n >= 2);
    assert.deepEqual(badRecords(fs, data), exp.bad);
    fs.files.delete(data.badRecordsFile as string);
    for await (const _ of partitionColumnReaders.file(data, { engine: engineOver(fs) })) break;
    assert.equal(fs.files.has(data.badRecordsFile as string), false);
  });

  it('FAILFAST fails at the first malformed record with MALFORMED_RECORD_IN_PARSING, after yielding the chunks before it', async () => {
    const fs = new MemoryFs();
    const good = Array.from({ length: CHUNK_RECORDS + 5 }, (_, i) => JSON.stringify({ id: i })).join('\n');
    fs.write('/in/f.json', `${good}\n{"id":\n{"id":1}\n`);
    const data = { ...partitionData('json', ['/in/f.json'], 'permissive'), parse: { ...parseOptions('permissive'), mode: 'FAILFAST' as const } };
    const seen: number[] = [];
    await assert.rejects(
      (async () => {
        for await (const c of partitionColumnReaders.file(data, { engine: engineOver(fs) })) seen.push(c.numRows);
      })(),
      (e: unknown) => WeirError.hasCode(e, 'MALFORMED_RECORD_IN_PARSING'),
    );
    assert.deepEqual(seen, [CHUNK_RECORDS]);
  });
});
