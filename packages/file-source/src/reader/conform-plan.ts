import { StructType, createGeneratedCodeCache, type Row, type StructField } from '@weir/core';
import type { FilePartitionData } from './file-partition-data.js';
import { literalKey } from './literal-key.js';
import { compileJsonConformer, type ConformState, type JsonConformer } from './json-conformer.js';
import type { ParseOptions } from './parse-options.js';
import { csvConverter, jsonConverter, type Converter } from './value-converters.js';


/** Everything a record needs to be conformed to the schema, compiled once per partition. */
export interface ConformPlan {
  readonly schema: StructType;
  /** Data columns (not rescued, corrupt or partition columns), in schema order. */
  readonly names: readonly string[];
  readonly types: readonly StructField[];
  readonly index: ReadonlyMap<string, number>;
  readonly rescued: string | null;
  readonly corrupt: string | null;
  readonly partition: ReadonlyArray<readonly [string, Converter]>;
  readonly parse: ParseOptions;
  readonly conformer: JsonConformer;
  readonly state: ConformState;
  /** Per data column, the converter of the partition's format (JSON values or CSV text). */
  readonly convs: readonly Converter[];
  /** True when a data column is a struct, array or map (then a JSON line may nest). */
  readonly nested: boolean;
  /**
   * Builds a row from the data columns' values (`values[i]` for `names[i]`): one object literal
   * with every output column in schema order (non-data columns null), so rows share one hidden
   * class and allocate in one step instead of growing key by key.
   */
  readonly buildRow: (values: readonly unknown[]) => Row;
}

const rowBuilders = createGeneratedCodeCache<(values: readonly unknown[]) => Row>();

function compileRowBuilder(names: readonly string[], allNames: readonly string[]): (values: readonly unknown[]) => Row {
  const index = new Map(names.map((n, i) => [n, i]));
  const props = allNames.map((n) => `${literalKey(n)}: ${index.has(n) ? `v[${index.get(n)}]` : 'null'}`);
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- code generation from JSON-quoted names only
  return rowBuilders(`return { ${props.join(', ')} };`, (src) => new Function('v', src) as (values: readonly unknown[]) => Row);
}

export function compilePlan(data: FilePartitionData): ConformPlan {
  const schema = StructType.fromJSON(data.schemaJson);
  const rescued = data.parse.rescuedDataColumn;
  const corruptName = data.parse.columnNameOfCorruptRecord;
  const corrupt = schema.fields.some((f) => f.name === corruptName) ? corruptName : null;
  const partitionSet = new Set(data.partitionColumns);
  const dataFields = schema.fields.filter((f) => f.name !== rescued && f.name !== corrupt && !partitionSet.has(f.name));
  const partition = schema.fields
    .filter((f) => partitionSet.has(f.name))
    .map((f) => [f.name, csvConverter(f.type)] as const);
  const names = dataFields.map((f) => f.name);
  const allNames = schema.fields.map((f) => f.name);
  return {
    schema,
    conformer: compileJsonConformer(names, allNames, rescued !== null, dataFields.map((f) => f.type)),
    buildRow: compileRowBuilder(names, allNames),
    state: { matched: 0, rescued: null, bad: -1 },
    names,
    types: dataFields,
    index: new Map(dataFields.map((f, i) => [f.name, i])),
    rescued,
    corrupt,
    partition,
    parse: data.parse,
    convs: dataFields.map((f) => (data.format === 'csv' ? csvConverter(f.type) : jsonConverter(f.type))),
    nested: dataFields.some((f) => typeof f.type !== 'string'),
  };
}
