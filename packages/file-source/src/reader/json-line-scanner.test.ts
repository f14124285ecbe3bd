// The byte scanner against the general path (JSON.parse + the conformer), which is the reference:
// over adversarial NDJSON (every key order, missing/extra keys, escapes, control characters,
// invalid UTF-8, every spelling of numbers, timestamps and literals, blanks, CRLF, a BOM), the
// reader with the scanner MUST produce exactly the rows and bad records it produces without.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { columnChunkToRows, type DataType, type Row } from '@weir/core';
import { ColumnSink } from './column-sink.js';
import { compilePlan, type ConformPlan } from './conform-plan.js';
import type { FilePartitionData } from './file-partition-data.js';
import { readJsonLines } from './json-reader.js';
import { lineScanner } from './json-line-scanner.js';
import { RowSink } from './row-sink.js';
import type { ParseOptions } from './parse-options.js';
import { isoUtcMicrosBytes, parseTimestampMicros } from './timestamp-parse.js';

const runs = (local: number, ci: number) => ({ seed: Number(process.env['FC_SEED'] ?? 42), numRuns: process.env['CI'] ? ci : local });

const TYPES = ['string', 'double', 'float', 'long', 'integer', 'boolean', 'timestamp', 'timestamp_ntz'] as const;
type ScalarType = (typeof TYPES)[number];
type Mode = 'permissive' | 'rescue' | 'badRecords' | 'dropMalformed';

function options(mode: Mode): ParseOptions {
  return {
    mode: mode === 'dropMalformed' ? 'DROPMALFORMED' : 'PERMISSIVE',
    columnNameOfCorruptRecord: '_corrupt_record',
    badRecordsPath: mode === 'badRecords' ? '/bad' : null,
    multiLine: false,
    header: false,
    sep: ',',
    quote: '"',
    escape: '\\',
    nullValue: '',
    rescuedDataColumn: mode === 'rescue' || mode === 'badRecords' ? '_rescued_data' : null,
  };
}

function partition(names: readonly string[], types: readonly DataType[], mode: Mode): FilePartitionData {
  const fields = names.map((name, i) => ({ name, type: types[i] as DataType, nullable: true, metadata: {} }));
  if (mode === 'permissive') fields.push({ name: '_corrupt_record', type: 'string', nullable: true, metadata: {} });
  if (mode === 'rescue' || mode === 'badRecords') fields.push({ name: '_rescued_data', type: 'string', nullable: true, metadata: {} });
  return {
    v: 1,
    format: 'json',
    files: [{ path: '/f.json', size: 0, partitionValues: {} }],
    schemaJson: JSON.stringify({ type: 'struct', fields }),
    partitionColumns: [],
    parse: options(mode),
    badRecordsFile: null,
  };
}

/** Number spellings: JSON's own, and near misses JSON.parse rejects. */
const numberText = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => JSON.stringify(x)),
  fc.integer().map(String),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String),
  fc.tuple(fc.integer({ min: -999, max: 999 }), fc.stringMatching(/^[0-9]{1,20}$/)).map(([i, f]) => `${i}.${f}`),
  fc.tuple(fc.integer({ min: -99, max: 99 }), fc.integer({ min: -400, max: 400 }), fc.constantFrom('e', 'E', 'e+', 'E-')).map(([m, e, s]) => `${m}${s}${Math.abs(e)}`),
  fc.constantFrom('-0', '0', '-0.0', '0.10', '1.0', '01', '-', '1.', '.5', '+1', '1e', '--1', '0x1F', 'NaN', 'Infinity', '1_0', '2147483648', '-2147483649', '9007199254740993'),
);

const isoText = fc.oneof(
  fc.date({ min: new Date(Date.UTC(1, 0, 1)), max: new Date(Date.UTC(9999, 11, 31)), noInvalidDate: true }).map((d) => d.toISOString()),
  fc.tuple(fc.date({ min: new Date(0), max: new Date(Date.UTC(2100, 0, 1)), noInvalidDate: true }), fc.stringMatching(/^[0-9]{0,9}$/), fc.constantFrom('Z', 'z', '+02:00', '', '-0530')).map(
    ([d, f, z]) => d.toISOString().slice(0, 19) + (f === '' ? '' : '.' + f) + z,
  ),
  fc.constantFrom('2024-02-30T00:00:00Z', '2024-13-01T00:00:00Z', '2024-01-01T24:00:00Z', '2024-01-01 10:00:00Z', '2024-01-01T10:00:00.Z', '2024-01-01', '20240101T000000Z'),
);

const stringText = fc.oneof(
  fc.stringMatching(/^[A-Z]{2}-[0-9]{4}$/).map((s) => JSON.stringify(s)),
  fc.string({ unit: 'grapheme', maxLength: 12 }).map((s) => JSON.stringify(s)),
  fc.string({ unit: 'binary', maxLength: 8 }).map((s) => JSON.stringify(s)),
  fc.constantFrom('"tab\there"', '"a\\"b"', '"\\u0041"', '"é"', '"unterminated', '""'),
);

/** Any JSON value text for a field (right or wrong type), or a near miss. */
const valueText = fc.oneof(
  { weight: 3, arbitrary: numberText },
  { weight: 3, arbitrary: stringText },
  { weight: 2, arbitrary: isoText.map((s) => JSON.stringify(s)) },
  { weight: 1, arbitrary: fc.constantFrom('true', 'false', 'null', 'nul', 'True', '{}', '[1]', '{"x":1}') },
);

/** A value text that fits the column's type (so the scanner's accepting paths are exercised). */
function fitting(t: ScalarType): fc.Arbitrary<string> {
  switch (t) {
    case 'string':
      return stringText;
    case 'double':
    case 'float':
      return fc.oneof({ weight: 4, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => JSON.stringify(x)) }, { weight: 1, arbitrary: numberText });
    case 'long':
      return fc.oneof(fc.bigInt({ min: -(2n ** 60n), max: 2n ** 60n }).map(String), numberText);
    case 'integer':
      return fc.oneof(fc.integer().map(String), numberText);
    case 'boolean':
      return fc.constantFrom('true', 'false', 'null');
    default:
      return isoText.map((s) => JSON.stringify(s));
  }
}

const blank = fc.constantFrom('', ' ', '  ', '\t');

interface Case {
  names: string[];
  types: ScalarType[];
  lines: string[];
}

const schemaArb = fc
  .uniqueArray(fc.oneof(fc.constantFrom('station_id', 'event_time', 'a', 'b', 'é', '__proto__', 'x y', 'q"uote', 'back\\slash'), fc.string({ minLength: 1, maxLength: 5 })), { minLength: 1, maxLength: 6 })
  .chain((names) => fc.tuple(fc.constant(names), fc.array(fc.constantFrom(...TYPES), { minLength: names.length, maxLength: names.length })));

function lineArb(names: readonly string[], types: readonly ScalarType[]): fc.Arbitrary<string> {
  const field = (i: number) => fc.tuple(fc.oneof({ weight: 12, arbitrary: fitting(types[i] as ScalarType) }, { weight: 1, arbitrary: valueText }), blank, blank);
  const canonical = fc.tuple(...names.map((_, i) => field(i)), blank).map((parts) => {
    const fields = names.map((n, i) => {
      const [v, s1, s2] = parts[i] as [string, string, string];
      return `${s1}${JSON.stringify(n)}${s2}:${s1}${v}`;
    });
    return `{${fields.join(',')}${parts[names.length] as string}}`;
  });
  const mutated = fc.tuple(canonical, fc.nat(), fc.constantFrom('drop', 'extra', 'swap', 'trailing', 'prefix', 'crlf', 'escapeKey', 'cut')).map(([line, k, how]) => {
    switch (how) {
      case 'drop':
        return line.replace(/^\{[^,]*,?/, '{');
      case 'extra':
        return line.slice(0, -1) + (names.length > 0 ? ',' : '') + `"zz${k % 3}":${k % 2 ? '[1,{"a":2}]' : '"x"'}}`;
      case 'swap': {
        const obj = line;
        return obj.includes(',') ? '{' + obj.slice(1, -1).split(',').reverse().join(',') + '}' : obj;
      }
      case 'trailing':
        return line + (k % 2 ? ' ' : ' x');
      case 'prefix':
        return (k % 2 ? ' ' : '[') + line;
      case 'crlf':
        return line + '\r';
      case 'escapeKey':
        return line.replace(/"([a-z])/, (_, c: string) => `"\\u00${c.charCodeAt(0).toString(16)}`);
      default:
        return line.slice(0, Math.max(1, line.length - 1 - (k % 5)));
    }
  });
  return fc.oneof({ weight: 6, arbitrary: canonical }, { weight: 3, arbitrary: mutated }, { weight: 1, arbitrary: fc.constantFrom('', '   ', '{}', 'null', '[]', 'not json') });
}

const caseArb: fc.Arbitrary<Case> = schemaArb.chain(([names, types]) =>
  fc.array(lineArb(names, types), { minLength: 1, maxLength: 30 }).map((lines) => ({ names, types, lines })),
);

function read(bytes: Uint8Array, c: Case, mode: Mode, scanner: boolean) {
  const data = partition(c.names, c.types, mode);
  const plan = compilePlan(data);
  const sink = new RowSink(plan);
  const rows = [];
  for (const _ of readJsonLines(bytes, data.files[0] as FilePartitionData['files'][number], plan, sink, scanner)) rows.push(...sink.take());
  rows.push(...sink.take());
  return { rows, bad: sink.bad };
}

/** The same read through the column sink (the byte scanner's column form), as rows. */
function readColumns(bytes: Uint8Array, c: Case, mode: Mode) {
  const data = partition(c.names, c.types, mode);
  const plan = compilePlan(data);
  const sink = new ColumnSink(plan);
  const rows = [];
  for (const _ of readJsonLines(bytes, data.files[0] as FilePartitionData['files'][number], plan, sink)) rows.push(...columnChunkToRows(sink.takeChunk()));
  rows.push(...columnChunkToRows(sink.takeChunk()));
  return { rows, bad: sink.bad };
}

function fileBytes(lines: readonly string[], bom: boolean, badByte: boolean): Uint8Array {
  const text = new TextEncoder().encode(lines.join('\n') + '\n');
  const out = new Uint8Array(text.length + (bom ? 3 : 0));
  if (bom) out.set([0xef, 0xbb, 0xbf]);
  out.set(text, bom ? 3 : 0);
  if (badByte) {
    // An invalid UTF-8 byte inside the first string value, if any.
    const q = out.indexOf(0x22, out.indexOf(0x3a));
    if (q >= 0 && q + 1 < out.length && out[q + 1] !== 0x22 && out[q + 1] !== 0x0a) out[q + 1] = 0xff;
  }
  return out;
}

describe('json-line-scanner', () => {
  it('the reader gives the same rows and bad records with and without the scanner, in rows and in columns, in every parse mode', () => {
    let lines = 0;
    let accepted = 0;
    fc.assert(
      fc.property(caseArb, fc.constantFrom<Mode>('permissive', 'rescue', 'badRecords', 'dropMalformed'), fc.boolean(), fc.boolean(), (c, mode, bom, badByte) => {
        const bytes = fileBytes(c.lines, bom, badByte);
        const general = read(bytes, c, mode, false);
        assert.deepStrictEqual(read(bytes, c, mode, true), general);
        assert.deepStrictEqual(readColumns(bytes, c, mode), general, 'the column form');
        const scan = lineScanner(compilePlan(partition(c.names, c.types, mode)));
        for (const line of c.lines) {
          const b = new TextEncoder().encode(line);
          lines++;
          if (scan !== null && scan(b, 0, b.length) !== null) accepted++;
        }
      }),
      runs(300, 1500),
    );
    // Not vacuous: a good share of the generated lines went through the scanner.
    assert.ok(accepted > lines / 10, `${accepted} of ${lines} lines scanned`);
  });

  it('accepts every canonical line (JSON.stringify of a conforming record), so the fast path is the common path', () => {
    const plan = compilePlan(partition(['station_id', 'event_time', 't', 'n', 'ok'], ['string', 'timestamp', 'double', 'integer', 'boolean'], 'rescue'));
    const scan = lineScanner(plan);
    assert.ok(scan !== null);
    fc.assert(
      fc.property(
        fc.string({ maxLength: 10 }),
        fc.date({ min: new Date(0), max: new Date(Date.UTC(2200, 0, 1)), noInvalidDate: true }),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.integer(),
        fc.boolean(),
        (s, d, t, n, ok) => {
          const line = JSON.stringify({ station_id: s, event_time: d.toISOString(), t, n, ok });
          const bytes = new TextEncoder().encode(line);
          const row = scan(bytes, 0, bytes.length);
          const escapes = /[\\\u0000-\u001f]/.test(JSON.stringify(s).slice(1, -1));
          if (escapes) return; // strings with escapes take the general path by design
          assert.ok(row !== null, line);
          assert.deepStrictEqual(row, { station_id: s, event_time: d.getTime() * 1000, t: JSON.parse(JSON.stringify(t)) as number, n, ok, _rescued_data: null });
        },
      ),
      runs(500, 3000),
    );
  });

  it('reads numbers exactly as JSON.parse does (the exact-division fast path and the fallback)', () => {
    const plan = compilePlan(partition(['x'], ['double'], 'permissive'));
    const scan = lineScanner(plan);
    assert.ok(scan !== null);
    fc.assert(
      fc.property(numberText, (text) => {
        const bytes = new TextEncoder().encode(`{"x":${text}}`);
        const row = scan(bytes, 0, bytes.length);
        let expected: unknown;
        try {
          expected = (JSON.parse(`{"x":${text}}`) as { x: unknown }).x;
        } catch {
          assert.equal(row, null, `${text} is not JSON, the scanner must decline it`);
          return;
        }
        assert.ok(row !== null, text);
        assert.ok(Object.is(row['x'], expected), `${text}: ${String(row['x'])} vs ${String(expected)}`);
      }),
      runs(2000, 20000),
    );
  });

  it('isoUtcMicrosBytes agrees with parseTimestampMicros wherever it answers, and answers for toISOString', () => {
    fc.assert(
      fc.property(isoText, (s) => {
        const bytes = new TextEncoder().encode(s);
        const fast = isoUtcMicrosBytes(bytes, 0, bytes.length);
        if (fast !== undefined) assert.equal(fast, parseTimestampMicros(s), s);
        if (/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(s) && parseTimestampMicros(s) !== undefined && s.length !== 21) assert.equal(fast, parseTimestampMicros(s), s);
      }),
      runs(1000, 10000),
    );
  });

  it('the column form never builds a row object for a line the scanner accepts (only declined lines are conformed as rows)', () => {
    const names = ['station_id', 'event_time', 'temperature_c', 'n', 'ok', 'big'];
    const types: DataType[] = ['string', 'timestamp', 'double', 'integer', 'boolean', 'long'];
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.string({ maxLength: 6 }), fc.date({ min: new Date(0), max: new Date(Date.UTC(2200, 0, 1)), noInvalidDate: true }), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.boolean(), fc.option(fc.integer())), { minLength: 1, maxLength: 40 }),
        fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }),
        (records, reorder) => {
          let declined = 0;
          const lines = records.map(([s, d, t, n, ok, big], k) => {
            const rec = { station_id: s, event_time: d.toISOString(), temperature_c: t, n, ok, big };
            const escapes = /[\\\u0000-\u001f]/.test(JSON.stringify(s).slice(1, -1));
            // Another key order is valid JSON the scanner declines.
            if (escapes || (reorder[k] === true && k % 3 === 0)) {
              declined++;
              const { ok: first, ...others } = rec; // \`ok\` moved to the front
              return JSON.stringify(escapes ? rec : { ok: first, ...others });
            }
            return JSON.stringify(rec);
          });
          const bytes = new TextEncoder().encode(lines.join('\n') + '\n');
          const data = partition(names, types, 'rescue');
          const plan = compilePlan(data);
          let built = 0;
          let conformed = 0;
          let appended = 0;
          const spied: ConformPlan = {
            ...plan,
            buildRow: (v) => (built++, plan.buildRow(v)),
            conformer: (o, c, st) => (conformed++, plan.conformer(o, c, st)),
          };
          const file = data.files[0] as FilePartitionData['files'][number];
          const sink = new ColumnSink(spied);
          const append = sink.builder.appendRow.bind(sink.builder);
          sink.builder.appendRow = (row: Row) => (appended++, append(row));
          for (const _ of readJsonLines(bytes, file, spied, sink)) assert.fail('fewer lines than a chunk');
          const rows = columnChunkToRows(sink.takeChunk());
          assert.equal(built, 0, 'buildRow is never called by the column form');
          assert.equal(conformed, declined, 'only declined lines are conformed');
          assert.equal(appended, declined, 'only declined lines are appended as rows');
          // The control: the row sink over the same plan does build a row per accepted line.
          const rowSink = new RowSink(spied);
          for (const _ of readJsonLines(bytes, file, spied, rowSink)) assert.fail('fewer lines than a chunk');
          assert.equal(built, records.length - declined, 'the row form builds a row per accepted line');
          assert.deepStrictEqual(rows, rowSink.take());
        },
      ),
      runs(100, 1000),
    );
  });
});
