// Generators of NDJSON / CSV files with every kind of record (good, rescued, type mismatches,
// truncated, non-objects, blanks, nested values, CRLF, a BOM, multi-byte text) that know what
// each record MEANS: the row Spark's reader returns, or that it is malformed. Shared by the
// chunk-reader tests (the generator is the oracle) and the column-reader tests (which also
// compare against the row reader), with the properties both run (`generatedFileProperties`).
import { it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { StructType, type Row } from '@weir/core';
import { CHUNK_RECORDS, type FilePartitionData, type ParseOptions } from '@weir/file-source';
import { MemoryFs } from './memory-fs.js';

export type Mode = 'rescue' | 'permissive' | 'badRecords' | 'dropMalformed';
export const MODES: readonly Mode[] = ['rescue', 'permissive', 'badRecords', 'dropMalformed'];

export const BASE: ParseOptions = {
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

export function parseOptions(mode: Mode, extra: Partial<ParseOptions> = {}): ParseOptions {
  return {
    ...BASE,
    ...extra,
    mode: mode === 'dropMalformed' ? 'DROPMALFORMED' : 'PERMISSIVE',
    badRecordsPath: mode === 'badRecords' ? '/bad' : null,
    rescuedDataColumn: mode === 'rescue' || mode === 'badRecords' ? '_rescued_data' : null,
  };
}

export function partitionData(format: 'json' | 'csv' | 'parquet', paths: readonly string[], mode: Mode, extra: Partial<ParseOptions> = {}): FilePartitionData {
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
export function prng(seed: number): () => number {
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
export const ALPHABET = ['a', 'b', 'Z', ' ', 'é', '€', '😀', '{', '}', '[', ']', ':', ',', '"', '\\', '\t', '\u2028'];

export interface Values {
  id: number | null;
  name: string | null;
  t: { text: string; micros: number } | null;
  x: number | null;
}

export function values(rnd: () => number, csvSafe: boolean): Values {
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
export interface Expected {
  readonly rows: Row[];
  readonly bad: Array<[string, string]>;
}

export function expectation(): Expected {
  return { rows: [], bad: [] };
}

export function rowOf(v: Values, mode: Mode): Row {
  const row: Row = { id: v.id, name: v.name, t: v.t?.micros ?? null, x: v.x, region: 'eu', _corrupt_record: null };
  if (mode === 'rescue' || mode === 'badRecords') row['_rescued_data'] = null;
  return row;
}

/** A malformed record in each mode: the corrupt column (PERMISSIVE), a bad record, or nothing. */
export function malformed(exp: Expected, mode: Mode, path: string, text: string, partial: Row | null): void {
  if (mode === 'badRecords') {
    exp.bad.push([path, text]);
  } else if (mode !== 'dropMalformed') {
    const row = partial ?? { id: null, name: null, t: null, x: null, region: 'eu', _corrupt_record: null, ...(mode === 'rescue' ? { _rescued_data: null } : {}) };
    row['_corrupt_record'] = text;
    exp.rows.push(row);
  }
}

/** An NDJSON file of `lines` records of every kind, and what reading it returns. */
export function ndjsonFile(rnd: () => number, path: string, lines: number, mode: Mode, exp: Expected): string {
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
export function csvFile(rnd: () => number, path: string, lines: number, mode: Mode, exp: Expected): string {
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


export function badRecords(fs: MemoryFs, data: FilePartitionData): Array<[string, string]> {
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

/** One reader's check of a partition's output against the generator's expectation `exp`. */
export type ReaderCheck = (fs: MemoryFs, data: FilePartitionData, exp: Expected) => Promise<void>;

/**
 * Registers, per parse mode, the NDJSON and CSV properties both readers' tests run: files
 * spanning several 64 KiB windows and the chunk boundary (plus a small one, and an empty NDJSON
 * file), made by the generator and handed to `check`.
 */
export function generatedFileProperties(check: ReaderCheck, runs: fc.Parameters<[number]>): void {
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
}
