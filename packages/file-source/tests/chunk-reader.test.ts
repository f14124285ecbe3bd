// partitionChunkReaders.file against what each generated line MEANS: the generator knows, for
// every record it writes, the row Spark's reader returns (or that it is malformed), so the
// expected rows and bad records come from the generator, not from the reader. Files are big
// enough to span several 64 KiB decode windows and the 8192-row chunk boundary.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { StructType, WeirError, type Row, type RowBatch } from '@weir/core';
import { CHUNK_RECORDS, partitionChunkReaders, partitionReaders, type FilePartitionData, type ParseOptions } from '@weir/file-source';
import { MemoryFs, engineOver } from './helpers/harness.js';

const runs = { seed: Number(process.env['FC_SEED'] ?? 42), numRuns: process.env['CI'] ? 12 : 1 };

type Mode = 'rescue' | 'permissive' | 'badRecords' | 'dropMalformed';
const MODES: readonly Mode[] = ['rescue', 'permissive', 'badRecords', 'dropMalformed'];

const BASE: ParseOptions = {
  mode: 'PERMISSIVE',
  columnNameOfCorruptRecord: '_corrupt_record',
  badRecordsPath: null,
  multiLine: false,
  header: false,
  sep: ',',
  quote: '"',
  escape: '\\',
  nullValue: '',
  rescuedDataColumn: null,
};

function parseOptions(mode: Mode, extra: Partial<ParseOptions> = {}): ParseOptions {
  return {
    ...BASE,
    ...extra,
    mode: mode === 'dropMalformed' ? 'DROPMALFORMED' : 'PERMISSIVE',
    badRecordsPath: mode === 'badRecords' ? '/bad' : null,
    rescuedDataColumn: mode === 'rescue' || mode === 'badRecords' ? '_rescued_data' : null,
  };
}

function partitionData(format: 'json' | 'csv' | 'parquet', paths: readonly string[], mode: Mode, extra: Partial<ParseOptions> = {}): FilePartitionData {
  const parse = parseOptions(mode, extra);
  const ddl = `id BIGINT, name STRING, t TIMESTAMP, x DOUBLE, region STRING, _corrupt_record STRING${parse.rescuedDataColumn ? ', _rescued_data STRING' : ''}`;
  return {
    v: 1,
    format,
    files: paths.map((path) => ({ path, size: 0, partitionValues: { region: 'eu' } })),
    schemaJson: StructType.toJSON(StructType.fromDDL(ddl)),
    partitionColumns: ['region'],
    parse,
    badRecordsFile: parse.badRecordsPath === null ? null : '/bad/batch-0/bad_records/part-00000.json',
  };
}

/** A small deterministic PRNG (mulberry32): the property draws a seed, the generator the file. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Multi-byte characters, and the JSON structure characters the NDJSON fast path must not trip over.
const ALPHABET = ['a', 'b', 'Z', ' ', 'é', '€', '😀', '{', '}', '[', ']', ':', ',', '"', '\\', '\t', '\u2028'];

interface Values {
  id: number | null;
  name: string | null;
  t: { text: string; micros: number } | null;
  x: number | null;
}

function values(rnd: () => number, csvSafe: boolean): Values {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const alphabet = csvSafe ? ALPHABET.filter((c) => c !== '"' && c !== '\\' && c !== '\t') : ALPHABET;
  const name = Array.from({ length: Math.floor(rnd() * 10) }, () => pick(alphabet)).join('');
  const sec = Math.floor(rnd() * 4_000_000_000);
  const iso = new Date(sec * 1000).toISOString().slice(0, 19); // YYYY-MM-DDTHH:MM:SS, Date as the oracle
  const frac = Math.floor(rnd() * 1_000_000);
  const fracText = [``, `.${String(Math.floor(frac / 1000)).padStart(3, '0')}`, `.${String(frac).padStart(6, '0')}`];
  const which = Math.floor(rnd() * 3);
  const micros = sec * 1_000_000 + (which === 0 ? 0 : which === 1 ? Math.floor(frac / 1000) * 1000 : frac);
  return {
    id: rnd() < 0.05 ? null : Math.floor(rnd() * 1e15),
    name: rnd() < 0.05 ? null : name,
    t: rnd() < 0.05 ? null : { text: `${iso}${fracText[which]}Z`, micros },
    x: rnd() < 0.05 ? null : Math.round((rnd() - 0.5) * 1e7) / 1e3 + 0,
  };
}

/** What a test expects back: rows in order, bad records as [path, record]. */
interface Expected {
  readonly rows: Row[];
  readonly bad: Array<[string, string]>;
}

function expectation(): Expected {
  return { rows: [], bad: [] };
}

function rowOf(v: Values, mode: Mode): Row {
  const row: Row = { id: v.id, name: v.name, t: v.t?.micros ?? null, x: v.x, region: 'eu', _corrupt_record: null };
  if (mode === 'rescue' || mode === 'badRecords') row['_rescued_data'] = null;
  return row;
}

/** A malformed record in each mode: the corrupt column (PERMISSIVE), a bad record, or nothing. */
function malformed(exp: Expected, mode: Mode, path: string, text: string, partial: Row | null): void {
  if (mode === 'badRecords') {
    exp.bad.push([path, text]);
  } else if (mode !== 'dropMalformed') {
    const row = partial ?? { id: null, name: null, t: null, x: null, region: 'eu', _corrupt_record: null, ...(mode === 'rescue' ? { _rescued_data: null } : {}) };
    row['_corrupt_record'] = text;
    exp.rows.push(row);
  }
}

/** An NDJSON file of `lines` records of every kind, and what reading it returns. */
function ndjsonFile(rnd: () => number, path: string, lines: number, mode: Mode, exp: Expected): string {
  const rescue = mode === 'rescue' || mode === 'badRecords';
  const out: string[] = [];
  if (rnd() < 0.3) out.push('\uFEFF'); // a BOM, which the reader drops
  for (let i = 0; i < lines; i++) {
    const v = values(rnd, false);
    const obj: Record<string, unknown> = {};
    const entries: Array<[string, unknown]> = [['id', v.id], ['name', v.name], ['t', v.t?.text ?? null], ['x', v.x]];
    if (rnd() < 0.3) entries.reverse();
    for (const [k, val] of entries) if (val !== null || rnd() < 0.5) obj[k] = val; // null or absent
    const kind = rnd();
    let line: string;
    if (kind < 0.75) {
      line = JSON.stringify(obj);
      if (rnd() < 0.05) line = ` ${line} `; // valid, but not the fast path's shape
      exp.rows.push(rowOf(v, mode));
    } else if (kind < 0.8) {
      const extra = rnd() < 0.5 ? 7 : { k: [1, 'a'] };
      line = JSON.stringify({ ...obj, extra });
      const row = rowOf(v, mode);
      if (rescue) row['_rescued_data'] = JSON.stringify({ extra, _file_path: path });
      exp.rows.push(row);
    } else if (kind < 0.85) {
      line = JSON.stringify({ ...obj, id: 'abc' }); // a type mismatch
      const row = rowOf({ ...v, id: null }, mode);
      if (rescue) {
        row['_rescued_data'] = JSON.stringify({ id: 'abc', _file_path: path });
        exp.rows.push(row);
      } else {
        malformed(exp, mode, path, line, row);
      }
    } else if (kind < 0.9) {
      const full = [...JSON.stringify(obj)]; // code points, so a cut never splits a surrogate pair
      line = full.slice(0, Math.floor(rnd() * (full.length - 1))).join('');
      if (line.trim() === '') continue; // an empty prefix is a blank line
      malformed(exp, mode, path, line, null);
    } else if (kind < 0.93) {
      line = ['[1,2]', '42', '"s"', 'null', 'true', '[]'][Math.floor(rnd() * 6)] as string;
      malformed(exp, mode, path, line, null);
    } else if (kind < 0.96) {
      line = ['', '   ', '\t'][Math.floor(rnd() * 3)] as string; // blank: skipped
    } else {
      line = JSON.stringify({ id: v.id, name: { a: [1] } }); // a nested value read as a string column
      const row = rowOf({ id: v.id, name: '{"a":[1]}', t: null, x: null }, mode);
      exp.rows.push(row);
    }
    out.push(line + (rnd() < 0.2 ? '\r\n' : '\n'));
  }
  let text = out.join('');
  if (rnd() < 0.5 && text.endsWith('\n')) text = text.slice(0, text.endsWith('\r\n') ? -2 : -1); // no final newline
  return text;
}

/** A CSV file with a header (columns shuffled, sometimes an unknown column), and what reading it returns. */
function csvFile(rnd: () => number, path: string, lines: number, mode: Mode, exp: Expected): string {
  const rescue = mode === 'rescue' || mode === 'badRecords';
  const columns = ['id', 'name', 't', 'x', ...(rnd() < 0.5 ? ['extra'] : [])];
  for (let i = columns.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [columns[i], columns[j]] = [columns[j] as string, columns[i] as string];
  }
  const out = [columns.join(',') + '\n'];
  for (let i = 0; i < lines; i++) {
    const v = values(rnd, true);
    const cell: Record<string, string> = {
      id: v.id === null ? '' : String(v.id),
      // Quoted when it holds a separator, and always when empty (an unquoted empty cell is null).
      name: v.name === null ? '' : v.name === '' || v.name.includes(',') ? `"${v.name}"` : v.name,
      t: v.t === null ? '' : v.t.text,
      x: v.x === null ? '' : String(v.x),
      extra: `e${i}`,
    };
    const kind = rnd();
    const extraRescue = (row: Row, first: Record<string, unknown> = {}) => {
      if (!rescue) return;
      const rescued: Record<string, unknown> = {};
      for (const c of columns) if (c === 'extra') rescued['extra'] = cell['extra'];
      else if (c in first) rescued[c] = first[c];
      if (Object.keys(rescued).length > 0) row['_rescued_data'] = JSON.stringify({ ...rescued, _file_path: path });
    };
    let line: string;
    if (kind < 0.8) {
      line = columns.map((c) => cell[c]).join(',');
      const row = rowOf(v, mode);
      extraRescue(row);
      exp.rows.push(row);
    } else if (kind < 0.86) {
      line = columns.map((c) => (c === 'id' ? 'abc' : cell[c])).join(',');
      const row = rowOf({ ...v, id: null }, mode);
      if (rescue) {
        extraRescue(row, { id: 'abc' });
        exp.rows.push(row);
      } else {
        malformed(exp, mode, path, line, row);
      }
    } else if (kind < 0.9) {
      line = columns.map((c) => cell[c]).join(',') + ',surplus'; // one field too many
      malformed(exp, mode, path, line, rowOf(v, mode));
    } else if (kind < 0.94) {
      line = columns.map((c) => (c === 'name' ? '"unterminated' : cell[c])).join(',');
      malformed(exp, mode, path, line, null);
    } else {
      line = ''; // blank: skipped
    }
    out.push(line + (rnd() < 0.2 ? '\r\n' : '\n'));
  }
  return out.join('');
}

async function chunksOf(data: FilePartitionData, fs: MemoryFs): Promise<RowBatch[]> {
  const chunks: RowBatch[] = [];
  for await (const c of partitionChunkReaders.file(data, { engine: engineOver(fs) })) chunks.push(c);
  return chunks;
}

function badRecords(fs: MemoryFs, data: FilePartitionData): Array<[string, string]> {
  if (data.badRecordsFile === null) return [];
  const f = fs.files.get(data.badRecordsFile);
  if (f === undefined) return [];
  const lines = new TextDecoder().decode(f.data).split('\n').filter((l) => l !== '');
  return lines.map((l) => {
    const b = JSON.parse(l) as { path: string; record: string; reason: string };
    assert.ok(b.reason.length > 0);
    return [b.path, b.record];
  });
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
  for (const mode of MODES) {
    it(`NDJSON, ${mode}: rows, rescued data, corrupt records and bad records across windows and chunks`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.integer(), async (seed) => {
          const rnd = prng(seed);
          const fs = new MemoryFs();
          const exp = expectation();
          const sizes = [Math.ceil(CHUNK_RECORDS * 1.4) + Math.floor(rnd() * 500), Math.floor(rnd() * 50), 0];
          const paths = sizes.map((_, i) => `/in/f${i}.json`);
          sizes.forEach((n, i) => fs.write(paths[i] as string, ndjsonFile(rnd, paths[i] as string, n, mode, exp)));
          await check(fs, partitionData('json', paths, mode), exp);
        }),
        runs,
      );
    });

    it(`CSV, ${mode}: header per file, rescued and malformed records across windows and chunks`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.integer(), async (seed) => {
          const rnd = prng(seed);
          const fs = new MemoryFs();
          const exp = expectation();
          const sizes = [Math.ceil(CHUNK_RECORDS * 1.4) + Math.floor(rnd() * 500), 1 + Math.floor(rnd() * 50)];
          const paths = sizes.map((_, i) => `/in/f${i}.csv`);
          sizes.forEach((n, i) => fs.write(paths[i] as string, csvFile(rnd, paths[i] as string, n, mode, exp)));
          await check(fs, partitionData('csv', paths, mode, { header: true }), exp);
        }),
        runs,
      );
    });
  }

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
