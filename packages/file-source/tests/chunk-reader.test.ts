// partitionChunkReaders.file against what each generated line MEANS: the generator knows, for
// every record it writes, the row Spark's reader returns (or that it is malformed), so the
// expected rows and bad records come from the generator, not from the reader. Files are big
// enough to span several 64 KiB decode windows and the 8192-row chunk boundary.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { StructType, WeirError, type Row, type RowBatch } from '@weir/core';
import { CHUNK_RECORDS, partitionChunkReaders, partitionReaders, type FilePartitionData } from '@weir/file-source';
import { MemoryFs, engineOver } from './helpers/harness.js';
import { MODES, badRecords, expectation, generatedFileProperties, malformed, ndjsonFile, parseOptions, partitionData, prng, rowOf, values, type Expected } from './helpers/record-files.js';

const runs = { seed: Number(process.env['FC_SEED'] ?? 42), numRuns: process.env['CI'] ? 12 : 1 };

async function chunksOf(data: FilePartitionData, fs: MemoryFs): Promise<RowBatch[]> {
  const chunks: RowBatch[] = [];
  for await (const c of partitionChunkReaders.file(data, { engine: engineOver(fs) })) chunks.push(c);
  return chunks;
}

/** The chunk contract plus the expected content, and the whole reader equal to the chunks. */
async function check(fs: MemoryFs, data: FilePartitionData, exp: Expected): Promise<void> {
  const chunks = await chunksOf(data, fs);
  for (const c of chunks) {
    assert.ok(c.rows.length > 0 && c.rows.length <= CHUNK_RECORDS, `chunk of ${c.rows.length} rows`);
    assert.deepEqual(c.schema, StructType.fromJSON(data.schemaJson));
  }
  const rows = chunks.flatMap((c) => c.rows);
  try {
    assert.deepStrictEqual(rows, exp.rows);
  } catch {
    // Name the first differing row rather than print two arrays of thousands.
    assert.equal(rows.length, exp.rows.length);
    for (let i = 0; i < rows.length; i++) assert.deepEqual(rows[i], exp.rows[i], `row ${i}`);
  }
  assert.deepEqual(badRecords(fs, data), exp.bad);
  assert.ok(chunks.some((c) => c.rows.length === CHUNK_RECORDS), 'a file is split at the chunk size');
  fs.files.delete(data.badRecordsFile ?? '');
  const whole = await partitionReaders.file(data, { engine: engineOver(fs) });
  assert.deepEqual(whole.rows, rows);
  assert.deepEqual(badRecords(fs, data), exp.bad);
}

describe('partitionChunkReaders.file (oracle: the generator knows each record)', () => {
  generatedFileProperties(check, runs);

  it('Parquet: rows across the chunk boundary, an incompatible column rescued or malformed, a corrupt file a bad record', async () => {
    const engine = engineOver(new MemoryFs());
    const rnd = prng(7);
    const big = Array.from({ length: CHUNK_RECORDS + 100 }, () => values(rnd, false));
    const schema = StructType.fromDDL('id BIGINT, name STRING, t TIMESTAMP, x DOUBLE');
    const a = await engine.parquet.write({ schema, rows: big.map((v) => ({ id: v.id, name: v.name, t: v.t?.micros ?? null, x: v.x })) });
    // x as a string: no safe widening to double.
    const b = await engine.parquet.write({ schema: StructType.fromDDL('id BIGINT, x STRING'), rows: [{ id: 1, x: 'wide' }] });
    for (const mode of MODES) {
      const fs = new MemoryFs();
      const exp = expectation();
      fs.write('/in/a.parquet', a);
      for (const v of big) exp.rows.push(rowOf(v, mode));
      fs.write('/in/b.parquet', b);
      const oddRow = { id: 1, name: null, t: null, x: null, region: 'eu', _corrupt_record: null } as Row;
      if (mode === 'rescue' || mode === 'badRecords') exp.rows.push({ ...oddRow, _rescued_data: JSON.stringify({ x: 'wide', _file_path: '/in/b.parquet' }) });
      else malformed(exp, mode, '/in/b.parquet', JSON.stringify({ id: 1, x: 'wide' }), oddRow);
      fs.write('/in/c.parquet', new TextEncoder().encode('not a parquet file'));
      malformed(exp, mode, '/in/c.parquet', '', null);
      await check(fs, partitionData('parquet', ['/in/a.parquet', '/in/b.parquet', '/in/c.parquet'], mode), exp);
    }
  });

  it('text: one row per line (CRLF, empty lines, multi-byte characters, a BOM) across windows and chunks', async () => {
    const rnd = prng(11);
    const lines = Array.from({ length: Math.ceil(CHUNK_RECORDS * 1.2) }, (_, i) => (i % 97 === 0 ? '' : `${i} ${[...'é€😀{"'].slice(0, i % 6).join('')}${'x'.repeat(i % 40)}`));
    const text = '\uFEFF' + lines.map((l) => l + (rnd() < 0.2 ? '\r\n' : '\n')).join('');
    const fs = new MemoryFs();
    fs.write('/in/a.txt', text);
    fs.write('/in/b.txt', 'last line without newline\r\nend');
    const data: FilePartitionData = {
      ...partitionData('json', ['/in/a.txt', '/in/b.txt'], 'permissive'),
      format: 'text',
      schemaJson: StructType.toJSON(StructType.fromDDL('value STRING')),
      partitionColumns: [],
    };
    await check(fs, data, { rows: [...lines, 'last line without newline', 'end'].map((value) => ({ value })), bad: [] });
  });

  it('multiLine JSON and CSV: a file of more records than a chunk is yielded in chunks', async () => {
    const rnd = prng(5);
    const vs = Array.from({ length: CHUNK_RECORDS + 300 }, () => values(rnd, true));
    const records = vs.map((v) => ({ id: v.id, name: v.name, t: v.t?.text ?? null, x: v.x }));
    const fs = new MemoryFs();
    fs.write('/in/a.json', JSON.stringify(records, null, 2));
    const multi = { multiLine: true, header: true };
    await check(fs, partitionData('json', ['/in/a.json'], 'permissive', multi), { rows: vs.map((v) => rowOf(v, 'permissive')), bad: [] });
    // A quoted name spanning lines is one record with multiLine.
    const csv = ['id,name,t,x', ...vs.map((v, i) => [v.id ?? '', i % 50 === 0 ? '"two\nlines"' : v.name === null ? '' : `"${v.name}"`, v.t?.text ?? '', v.x ?? ''].join(','))].join('\n');
    fs.write('/in/a.csv', csv);
    const expected = vs.map((v, i) => rowOf(i % 50 === 0 ? { ...v, name: 'two\nlines' } : v, 'permissive'));
    await check(fs, partitionData('csv', ['/in/a.csv'], 'permissive', multi), { rows: expected, bad: [] });
  });

  it('a column named __proto__ is a column (an own property), in JSON and CSV rows', async () => {
    const fs = new MemoryFs();
    fs.write('/in/a.json', '{"__proto__":"p","b":1}\n{"b":2}\n');
    fs.write('/in/a.csv', '__proto__,b\np,1\n');
    const schemaJson = StructType.toJSON(StructType.fromDDL('`__proto__` STRING, b BIGINT'));
    for (const [format, path, count] of [['json', '/in/a.json', 2], ['csv', '/in/a.csv', 1]] as const) {
      const data: FilePartitionData = { ...partitionData(format, [path], 'permissive', { header: true }), schemaJson, partitionColumns: [] };
      const rows = (await chunksOf(data, fs)).flatMap((c) => c.rows);
      assert.equal(rows.length, count);
      const first = rows[0] as Row;
      assert.equal(Object.getPrototypeOf(first), Object.prototype, format);
      assert.deepEqual(Object.getOwnPropertyDescriptor(first, '__proto__')?.value, 'p', format);
      assert.equal(first['b'], 1);
    }
  });

  it('writes bad records only once the iteration completes, and none when it is abandoned', async () => {
    const fs = new MemoryFs();
    const exp = expectation();
    fs.write('/in/f0.json', ndjsonFile(prng(3), '/in/f0.json', Math.ceil(CHUNK_RECORDS * 1.4), 'badRecords', exp));
    const data = partitionData('json', ['/in/f0.json'], 'badRecords');
    assert.ok(exp.bad.length > 0);
    const it = partitionChunkReaders.file(data, { engine: engineOver(fs) })[Symbol.asyncIterator]();
    let n = 0;
    for (let r = await it.next(); !r.done; r = await it.next()) {
      n++;
      assert.equal(fs.files.has(data.badRecordsFile as string), false, `no bad records file after chunk ${n}`);
    }
    assert.ok(n >= 2);
    assert.deepEqual(badRecords(fs, data), exp.bad);
    fs.files.clear();
    fs.write('/in/f0.json', ndjsonFile(prng(3), '/in/f0.json', Math.ceil(CHUNK_RECORDS * 1.4), 'badRecords', expectation()));
    for await (const _ of partitionChunkReaders.file(data, { engine: engineOver(fs) })) break;
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
        for await (const c of partitionChunkReaders.file(data, { engine: engineOver(fs) })) seen.push(c.rows.length);
      })(),
      (e: unknown) => WeirError.hasCode(e, 'MALFORMED_RECORD_IN_PARSING'),
    );
    assert.deepEqual(seen, [CHUNK_RECORDS]);
  });
});

describe('NDJSON fast path (oracle: JSON.parse of each line)', () => {
  // Lines shaped like the fast path's precondition ({…} with no other { or [), most of them not
  // valid JSON: a window of them must still give exactly what parsing each line alone gives.
  const fragment = fc.constantFrom('"a"', '"b"', ':', ',', '1', '-2.5e3', 'null', 'true', '"', '}', '{', '[', ']', '},{', ' ', '\\', '"x}"', '"\\""', '\r', '\t', 'é');
  const shaped = fc.array(fragment, { maxLength: 8 }).map((fs) => `{${fs.join('')}}`);
  const flat = fc.dictionary(fc.constantFrom('a', 'b', 'c'), fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null)), { noNullPrototype: true }).map((o) => JSON.stringify(o));
  const line = fc.oneof({ arbitrary: flat, weight: 4 }, { arbitrary: shaped, weight: 1 }, { arbitrary: fc.constantFrom('', ' ', '{}', '{"a":[1]}', '[{}]', '{"a":{}}'), weight: 1 });

  it('parses a window of lines exactly as JSON.parse parses each line', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(line, { maxLength: 30 }), fc.boolean(), async (lines, crlf) => {
        const fs = new MemoryFs();
        fs.write('/in/f.json', lines.join(crlf ? '\r\n' : '\n'));
        const data: FilePartitionData = {
          ...partitionData('json', ['/in/f.json'], 'permissive'),
          schemaJson: StructType.toJSON(StructType.fromDDL('a STRING, b STRING, _corrupt_record STRING')),
          partitionColumns: [],
        };
        const expected: Row[] = [];
        for (const l of lines.join('\n').split('\n')) {
          if (l === '') continue;
          let obj: unknown;
          try {
            obj = JSON.parse(l);
          } catch {
            if (l.trim() !== '') expected.push({ a: null, b: null, _corrupt_record: l });
            continue;
          }
          if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
            expected.push({ a: null, b: null, _corrupt_record: l });
            continue;
          }
          const o = obj as Record<string, unknown>;
          const str = (v: unknown) => (v === undefined || v === null ? null : typeof v === 'string' ? v : JSON.stringify(v));
          expected.push({ a: str(o['a']), b: str(o['b']), _corrupt_record: null });
        }
        const rows = (await chunksOf(data, fs)).flatMap((c) => c.rows);
        assert.deepEqual(rows, expected);
      }),
      {
        seed: Number(process.env['FC_SEED'] ?? 42),
        numRuns: process.env['CI'] ? 3000 : 400,
        // Lines that are invalid alone but valid joined: two lines forming one element, one line two.
        examples: [
          [['{"a":[{}', '{}]}', '{},{}'], false],
          [['{"a":"}', '{"}', '{},{}'], true],
          [['{"a":1}', '{"b":2},{"a":3}', '{"a":4', '}'], false],
        ],
      },
    );
  });
});
