import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { DuckDBInstance } from '@duckdb/node-api';
import { tokenizeCsv } from './csv-tokenizer.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weir-file-source-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** RFC 4180 encoding: quote a value holding the separator, a quote or a newline; double inner quotes. */
function encode(rows: string[][]): string {
  return rows.map((r) => r.map((v) => (/[",\n]/.test(v) || v === '' ? `"${v.replace(/"/g, '""')}"` : v)).join(',')).join('\n') + '\n';
}

describe('tokenizeCsv', () => {
  it('reads what an RFC 4180 writer wrote, like DuckDB read_csv (outside oracle)', async () => {
    const db = await DuckDBInstance.create(':memory:');
    const con = await db.connect();
    const value = fc.string({ unit: fc.constantFrom('a', 'b', ' ', ',', '"', '\n', 'é', '1', ';'), maxLength: 8 });
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 4 }).chain((w) => fc.array(fc.array(value, { minLength: w, maxLength: w }), { minLength: 1, maxLength: 6 })), async (rows) => {
        const text = encode(rows);
        const file = path.join(dir, 'x.csv');
        fs.writeFileSync(file, text);
        const width = (rows[0] as string[]).length;
        const cols = Array.from({ length: width }, (_, i) => `'c${i}': 'VARCHAR'`).join(', ');
        const r = await con.runAndReadAll(
          `SELECT * FROM read_csv('${file}', header = false, delim = ',', quote = '"', escape = '"', columns = {${cols}}, new_line = '\\n', null_padding = false, strict_mode = true, allow_quoted_nulls = false)`,
        );
        const duck = r.getRows().map((row) => row.map((v) => (v === null ? null : String(v))));
        const ours = tokenizeCsv(text, { sep: ',', quote: '"', escape: '"', nullValue: '', multiLine: true }).map((x) => x.fields);
        assert.deepEqual(ours, duck);
      }),
      { seed: Number(process.env['FC_SEED'] ?? 42), numRuns: process.env['CI'] ? 200 : 40 },
    );
  });

  it("honours Spark's default escape (backslash before a quote), custom separators and nullValue", () => {
    const recs = tokenizeCsv('a;"b\\"c";NA\n"x;y";;z\n', { sep: ';', quote: '"', escape: '\\', nullValue: 'NA', multiLine: false });
    assert.deepEqual(recs.map((r) => r.fields), [['a', 'b"c', null], ['x;y', '', 'z']]);
  });

  it('flags an unterminated quote (single-line mode) and skips blank lines', () => {
    const recs = tokenizeCsv('a,"b\n\nc,d\n', { sep: ',', quote: '"', escape: '\\', nullValue: '', multiLine: false });
    assert.equal(recs[0]?.error, 'unterminated quoted value');
    assert.deepEqual(recs[1]?.fields, ['c', 'd']);
    assert.equal(recs.length, 2);
  });
});
