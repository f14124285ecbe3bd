import { defineOptions, parseOptions, type Row, type RowBatch, type Sink, type SinkPlugin } from '@weir/core';

const CONSOLE_SINK_OPTIONS = defineOptions([
  { name: 'numRows', kind: 'int', default: '20', min: 0, doc: 'Rows to show per batch. Defaults to `20`.' },
  { name: 'truncate', kind: 'boolean', default: 'true', doc: 'Truncate cells longer than 20 characters. Defaults to `true`.' },
]);

/** Formats a cell as Spark's `show()` does (null → `null`, timestamps as given). */
function cell(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (v instanceof Map) return `{${[...v].map(([k, x]) => `${cell(k)} -> ${cell(x)}`).join(', ')}}`;
  if (Array.isArray(v)) return `[${v.map(cell).join(', ')}]`;
  if (typeof v === 'object') return `{${Object.values(v as Row).map(cell).join(', ')}}`;
  return String(v);
}

/**
 * Spark's `Dataset.showString`: a `+---+` bordered table, right-aligned cells when truncating,
 * cells over 20 characters cut to 17 + `...`, and "only showing top N rows" when cut.
 */
export function showString(batch: RowBatch, numRows: number, truncate: boolean): string {
  const names = batch.schema.fields.map((f) => f.name);
  const shown = batch.rows.slice(0, numRows);
  const fit = (s: string): string => (truncate && s.length > 20 ? `${s.slice(0, 17)}...` : s);
  const table = [names.map(fit), ...shown.map((r) => names.map((n) => fit(cell(r[n]))))];
  const widths = names.map((_, i) => Math.max(3, ...table.map((row) => (row[i] as string).length)));
  const pad = (s: string, w: number): string => (truncate ? s.padStart(w) : s.padEnd(w));
  const sep = `+${widths.map((w) => '-'.repeat(w)).join('+')}+`;
  const line = (row: string[]): string => `|${row.map((s, i) => pad(s, widths[i] as number)).join('|')}|`;
  const out = [sep, line(table[0] as string[]), sep, ...table.slice(1).map(line), sep];
  if (batch.rows.length > numRows) out.push(`only showing top ${numRows} row${numRows === 1 ? '' : 's'}`);
  return `${out.join('\n')}\n`;
}

/**
 * Spark's console sink: prints each batch as `Batch: N` and a `show()` table. For debugging; it is
 * at-least-once (a replayed batch prints again).
 */
export function createConsoleSinkPlugin(out: (text: string) => void): SinkPlugin {
  return Object.freeze({
    name: 'console',
    options: CONSOLE_SINK_OPTIONS,
    outputModes: Object.freeze(['append', 'update', 'complete'] as const),
    createSink(raw: Readonly<Record<string, string>>): Sink {
      const opts = parseOptions(CONSOLE_SINK_OPTIONS, raw, 'console sink');
      return {
        async addBatch(batchId: number, batch: RowBatch): Promise<void> {
          const bar = '-------------------------------------------';
          out(`${bar}\nBatch: ${batchId}\n${bar}\n${showString(batch, opts.numRows, opts.truncate)}`);
        },
        async close(): Promise<void> {},
      };
    },
  });
}
