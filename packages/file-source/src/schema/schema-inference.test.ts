import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { StructType, type FileInfo } from '@weir/core';
import { createNodeEngine } from '@weir/node';
import { MemoryFs } from '../../tests/helpers/memory-fs.js';
import { DECODE_WINDOW_BYTES } from '../reader/text-windows.js';
import { inferDataSchema, type InferenceOptions } from './schema-inference.js';
import { inferSchemaTask } from './infer-schema-task.js';

const PARSE = { multiLine: false, header: false, sep: ',', quote: '"', escape: '\\', nullValue: '', mode: 'PERMISSIVE' as const };
const JSON_TYPED: InferenceOptions = { format: 'json', inferColumnTypes: true, parse: PARSE };
const CSV_TYPED: InferenceOptions = { format: 'csv', inferColumnTypes: true, parse: { ...PARSE, header: true } };

const ddl = (s: StructType): string => s.fields.map((f) => `${f.name} ${typeof f.type === 'string' ? f.type : JSON.stringify(f.type)}`).join(', ');

const byteLength = (s: string): number => new TextEncoder().encode(s).length;

/**
 * NDJSON of `a` (long) / `s` (string) lines, then `special` starting within 80 bytes before
 * `DECODE_WINDOW_BYTES` (so a long one crosses the first window's nominal end), then `tail(i)`
 * lines up to `total` bytes.
 */
function ndjsonAcrossWindow(special: string, total: number, tail: (i: number) => string = (i) => JSON.stringify({ a: i, s: 'y' })): string {
  const lines: string[] = [];
  let size = 0;
  // Lines of at most ~65 bytes: the loop ends in [W - 80, W - 15).
  for (let i = 0; size < DECODE_WINDOW_BYTES - 80; i++) {
    const line = JSON.stringify({ a: i, s: 'x'.repeat(i % 50) }) + '\n';
    lines.push(line);
    size += line.length;
  }
  lines.push(special + '\n');
  size += byteLength(special) + 1;
  for (let i = 0; size < total; i++) {
    const line = tail(i) + '\n';
    lines.push(line);
    size += byteLength(line);
  }
  return lines.join('');
}

/** Asserts that `part` starts before the first window's nominal end and ends after it (all text before it is ASCII). */
function assertStraddles(text: string, part: string): void {
  const start = text.indexOf(part);
  assert.ok(start >= 0 && start < DECODE_WINDOW_BYTES && start + byteLength(part) > DECODE_WINDOW_BYTES, 'the record straddles the first window end');
}

function storageWith(files: Record<string, string>): { engine: ReturnType<typeof createNodeEngine>; infos: FileInfo[] } {
  const fs = new MemoryFs();
  for (const [path, text] of Object.entries(files)) fs.write(path, text);
  const infos = Object.entries(files).map(([path, text]) => ({ path, size: new TextEncoder().encode(text).length, modificationTime: 0 }));
  return { engine: createNodeEngine({ storage: fs }), infos };
}

/** Infers one file's schema and checks its columns and whether a record was malformed. */
async function assertInfers(path: string, text: string, opts: InferenceOptions, expected: string, malformed: boolean): Promise<void> {
  const { engine, infos } = storageWith({ [path]: text });
  const r = await inferDataSchema(engine, infos, opts);
  assert.equal(ddl(r.dataSchema), expected);
  assert.equal(r.sawMalformed, malformed);
}

describe('schema inference over files larger than one decode window', () => {
  it('JSON: a record crossing the window boundary is read whole (its own column and type, nothing malformed)', async () => {
    const special = JSON.stringify({ a: 7, s: 'crossing', z: 1.5, zz: 'é'.repeat(60) });
    const text = ndjsonAcrossWindow(special, 3 * DECODE_WINDOW_BYTES);
    assertStraddles(text, special);
    // Spark's JSON inference: integral → bigint (long), fractional → double, fields sorted by name.
    await assertInfers('/in/big.json', text, JSON_TYPED, 'a long, s string, z double, zz string', false);
  });

  it('JSON: a malformed line past the first window is still seen', async () => {
    const text = ndjsonAcrossWindow(JSON.stringify({ a: 1 }), 2 * DECODE_WINDOW_BYTES, (i) => (i === 5 ? '{"a": oops' : JSON.stringify({ a: i })));
    await assertInfers('/in/bad.json', text, JSON_TYPED, 'a long, s string', true);
  });

  it('CSV: the header comes from the first window, a row crossing the window end widens its column', async () => {
    const rows = ['id,v,w'];
    let size = rows[0]!.length + 1;
    // Rows of at most ~20 bytes: the loop ends in [W - 30, W - 10).
    for (let i = 0; size < DECODE_WINDOW_BYTES - 30; i++) {
      rows.push(`${i},${i * 2},w${i}`);
      size += rows[rows.length - 1]!.length + 1;
    }
    const crossing = `1,2.5,${'q'.repeat(40)}`;
    rows.push(crossing);
    for (let i = 0; i < 3000; i++) rows.push(`${i},${i},x`);
    const text = rows.join('\n') + '\n';
    assertStraddles(text, crossing);
    // Spark's CSV inference: header order; an int column with one 2.5 is double.
    await assertInfers('/in/big.csv', text, CSV_TYPED, 'id integer, v double, w string', false);
  });

  it('sampleSize.numBytes stops inside a large file; numFiles stops after that many files', async () => {
    const text = ndjsonAcrossWindow(JSON.stringify({ a: 1 }), 4 * DECODE_WINDOW_BYTES, (i) => JSON.stringify(i === 9000 ? { late: true } : { a: i }));
    const late = text.indexOf('"late"');
    assert.ok(late > 2 * DECODE_WINDOW_BYTES);
    const { engine, infos } = storageWith({ '/in/f1.json': text, '/in/f2.json': '{"second":1}\n' });
    const all = await inferDataSchema(engine, infos, JSON_TYPED);
    assert.equal(ddl(all.dataSchema), 'a long, late boolean, s string, second long');
    // One window's worth of bytes: the late column (and the second file) are never read.
    const firstWindow = await inferDataSchema(engine, infos, { ...JSON_TYPED, sampleSize: { numFiles: 1000, numBytes: 1000 } });
    assert.equal(ddl(firstWindow.dataSchema), 'a long, s string');
    // Enough bytes for the late column but not for the second file.
    const upToLate = await inferDataSchema(engine, infos, { ...JSON_TYPED, sampleSize: { numFiles: 1000, numBytes: late + 1 } });
    assert.equal(ddl(upToLate.dataSchema), 'a long, late boolean, s string');
    const oneFile = await inferDataSchema(engine, infos, { ...JSON_TYPED, sampleSize: { numFiles: 1, numBytes: 50 * 1024 ** 3 } });
    assert.equal(ddl(oneFile.dataSchema), 'a long, late boolean, s string');
  });

  it('the known-columns pre-scan reads past the first window (a new key only in a later window)', async () => {
    const text = ndjsonAcrossWindow(JSON.stringify({ a: 1 }), 3 * DECODE_WINDOW_BYTES, (i) => JSON.stringify(i === 1500 ? { a: i, fresh: 'yes' } : { a: i }));
    assert.ok(text.indexOf('"fresh"') > DECODE_WINDOW_BYTES);
    const { engine, infos } = storageWith({ '/in/f.json': text });
    const out = await inferSchemaTask({ files: infos, options: JSON_TYPED, knownColumns: ['a', 's'] }, { engine });
    assert.equal(ddl(StructType.fromJSON(out.dataSchemaJson)), 'a long, fresh string, s string');
    const none = await inferSchemaTask({ files: infos, options: JSON_TYPED, knownColumns: ['a', 's', 'fresh'] }, { engine });
    assert.equal(ddl(StructType.fromJSON(none.dataSchemaJson)), '', 'no new column: the file is skipped');
  });

  it('one large file infers what the same lines as small one-window files infer (fast-check)', async () => {
    const value = fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null), fc.string({ maxLength: 40 }), fc.constant('2024-06-01T10:00:00Z'));
    const record = fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd', 'é'), value, { maxKeys: 4, noNullPrototype: true });
    await fc.assert(
      fc.asyncProperty(fc.array(record, { minLength: 1, maxLength: 40 }), fc.boolean(), async (records, types) => {
        // Padding lines make the file span several windows; the random records are spread among them.
        const lines: string[] = [];
        let size = 0;
        for (let i = 0; size < 2.5 * DECODE_WINDOW_BYTES; i++) {
          lines.push(JSON.stringify({ pad: 'p'.repeat(200 + (i % 17)) }));
          if (i < records.length) lines.push(JSON.stringify(records[i]));
          size += byteLength(lines[lines.length - 1] as string) + 220;
        }
        const big = lines.join('\n') + '\n';
        const small: Record<string, string> = {};
        lines.forEach((l, i) => (small[`/in/s${String(i).padStart(5, '0')}.json`] = l + '\n'));
        const opts: InferenceOptions = { ...JSON_TYPED, inferColumnTypes: types };
        const one = storageWith({ '/in/big.json': big });
        const many = storageWith(small);
        const a = await inferDataSchema(one.engine, one.infos, opts);
        const b = await inferDataSchema(many.engine, many.infos, opts);
        assert.equal(StructType.toJSON(a.dataSchema), StructType.toJSON(b.dataSchema));
        assert.deepEqual(a.nullColumns, b.nullColumns);
      }),
      { seed: Number(process.env['FC_SEED'] ?? 42), numRuns: process.env['CI'] ? 40 : 10 },
    );
  });
});
