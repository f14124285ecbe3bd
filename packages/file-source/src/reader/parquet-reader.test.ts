// readParquetRows over decoded rows (the handler's output): conforming to the plan must define a
// column named `__proto__` as a field, never set the row's prototype.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StructType, type Row } from '@weir/core';
import { compilePlan } from './conform-plan.js';
import type { FilePartitionData } from './file-partition-data.js';
import { readParquetRows } from './parquet-reader.js';
import { RowSink } from './row-sink.js';

function data(schema: StructType): FilePartitionData {
  return {
    v: 1,
    format: 'parquet',
    files: [{ path: '/f.parquet', size: 0, partitionValues: {} }],
    schemaJson: JSON.stringify(schema),
    partitionColumns: [],
    parse: { mode: 'PERMISSIVE', columnNameOfCorruptRecord: '_corrupt_record', badRecordsPath: null, multiLine: false, header: false, sep: ',', quote: '"', escape: '\\', nullValue: '', rescuedDataColumn: null },
    badRecordsFile: null,
  };
}

describe('readParquetRows', () => {
  it('a column named __proto__ becomes a field of the row (own value, or null when the file lacks it)', () => {
    const schema = StructType.fromDDL('a BIGINT, `__proto__` STRING');
    const d = data(schema);
    const plan = compilePlan(d);
    const withProto: Row = { a: 1 };
    Object.defineProperty(withProto, '__proto__', { value: 'p', enumerable: true, writable: true, configurable: true });
    const rows: Row[] = [];
    for (const decoded of [withProto, { a: 2 }]) {
      const sink = new RowSink(plan);
      for (const _ of readParquetRows({ schema, rows: [decoded] }, d.files[0] as FilePartitionData['files'][number], plan, sink)) rows.push(...sink.take());
      rows.push(...sink.take());
    }
    assert.equal(rows.length, 2);
    for (const r of rows) assert.equal(Object.getPrototypeOf(r), Object.prototype);
    assert.deepEqual(rows.map((r) => [r['a'], Object.getOwnPropertyDescriptor(r, '__proto__')?.value]), [[1, 'p'], [2, null]]);
  });
});
