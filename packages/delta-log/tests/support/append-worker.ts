/**
 * A separate writer process for the concurrency test:
 *   append-worker.ts <tablePath> <writerId> <commits>
 * Appends <commits> one-row files, each commit carrying txn{appId: writer-<id>, version: k}.
 * Prints one JSON line per commit: {"writer":id,"k":k,"version":v,"attempts":n}.
 */
import { StructType } from '@weir/core';
import { DeltaTable, writeDataFiles } from '@weir/delta-log';
import { createNodeEngine } from '@weir/node';

const [tablePath, writerId, commits] = process.argv.slice(2) as [string, string, string];
const engine = createNodeEngine();
const table = DeltaTable.forPath(engine, tablePath);
const schema = StructType.fromDDL('writer STRING, k INT');
for (let k = 0; k < Number(commits); k++) {
  const adds = await writeDataFiles(engine, tablePath, { schema, rows: [{ writer: writerId, k }] });
  const r = await table.commitFiles({ adds, appTransaction: { appId: `writer-${writerId}`, version: k } });
  if (r.kind !== 'committed') {
    process.stderr.write(`${r.code}\n`);
    process.exit(3);
  }
  process.stdout.write(JSON.stringify({ writer: writerId, k, version: r.version, attempts: r.attempts }) + '\n');
}
