import type { ConformPlan } from './conform-plan.js';
import type { PartitionFile } from './file-partition-data.js';
import type { RowSink } from './row-sink.js';
import { textWindows } from './text-windows.js';

/**
 * Reads a `text` file: one row per line (`\n` or `\r\n`), empty lines included, no row for the
 * end of a final newline. Windows end after a `\n`, so splitting each one gives the file's lines.
 */
export function* readText(bytes: Uint8Array, file: PartitionFile, plan: ConformPlan, sink: RowSink): Generator<void, void, void> {
  const name = plan.names[0] ?? 'value';
  for (const text of textWindows(bytes)) {
    const lines = text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    for (const line of lines) {
      sink.emit({ [name]: line.endsWith('\r') ? line.slice(0, -1) : line }, file, null);
      if (sink.full) yield;
    }
  }
}
