/**
 * `weir checkpoint state <dir> --operator N [--partition P] [--version V] [--json]`: prints a
 * stateful operator's state store as rows (partition, version, key, value), Spark's state data
 * source in a command. Read-only: it loads versions and writes nothing. A windowed aggregation's
 * window blocks (one store key per window, see @weir/planner) are printed one row per group.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { createNodeEngine } from '@weir/node';
import { readStateRows, type StateRow } from '@weir/state-store';
import { expandWindowBlock } from '@weir/planner';
import { checkpointCommand } from './checkpoint.js';

export interface CheckpointStateOptions {
  readonly operator: number;
  readonly partition?: number;
  readonly version?: number;
}

/** Reads the rows the command prints (the `--json` output). */
export async function checkpointStateRows(dir: string, options: CheckpointStateOptions): Promise<StateRow[]> {
  const engine = createNodeEngine();
  try {
    const rows = await readStateRows(engine, dir, options.operator, {
      ...(options.partition === undefined ? {} : { partition: options.partition }),
      ...(options.version === undefined ? {} : { version: options.version }),
    });
    return expandWindowBlocks(rows);
  } finally {
    await engine.tasks.close();
  }
}

/** Rows with each window block replaced by one row per group (its full group key and flat aggregate state). */
export function expandWindowBlocks(rows: readonly StateRow[]): StateRow[] {
  const out: StateRow[] = [];
  for (const r of rows) {
    const groups = expandWindowBlock(r.key, r.value);
    if (groups === null) out.push(r);
    else for (const [key, value] of groups) out.push({ ...r, key, value });
  }
  return out;
}

/** JSON for state values: Maps become objects (or entry lists), bytes become base64, bigints strings. */
export function stateValueJSON(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof Map) {
      const entries = [...v.entries()];
      return entries.every(([k]) => typeof k === 'string') ? Object.fromEntries(entries) : entries;
    }
    if (v instanceof Set) return [...v];
    if (v instanceof Uint8Array) return { base64: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') };
    if (typeof v === 'bigint') return v.toString();
    return v;
  });
}

/** The command's output: a tab-separated table with a header, or (`json`) a JSON array. */
export function formatStateRows(rows: readonly StateRow[], options: { readonly json: boolean }): string {
  if (options.json) return `[${rows.map((r) => stateValueJSON(r)).join(',\n')}]\n`;
  const lines = rows.map((r) => `${r.partition}\t${r.version}\t${r.key}\t${stateValueJSON(r.value)}`);
  return ['partition\tversion\tkey\tvalue', ...lines].join('\n') + '\n';
}

function nonNegativeInt(name: string) {
  return (raw: string): number => {
    if (!/^(0|[1-9][0-9]*)$/.test(raw) || !Number.isSafeInteger(Number(raw))) {
      throw new InvalidArgumentError(`${name} must be a non-negative integer, got "${raw}"`);
    }
    return Number(raw);
  };
}

export function registerCheckpointStateCommand(program: Command): void {
  checkpointCommand(program)
    .command('state')
    .description("Print a stateful operator's state store as rows: partition, version, key, value")
    .argument('<dir>', 'the checkpointLocation directory')
    .requiredOption('--operator <N>', 'the stateful operator id (state/<N>/…)', nonNegativeInt('--operator'))
    .option('--partition <P>', 'only this state partition (default: all)', nonNegativeInt('--partition'))
    .option('--version <V>', "the state version to read (default: each partition's latest)", nonNegativeInt('--version'))
    .option('--json', 'print the rows as a JSON array')
    .action(async (dir: string, opts: { operator: number; partition?: number; version?: number; json?: boolean }) => {
      const rows = await checkpointStateRows(dir, opts);
      process.stdout.write(formatStateRows(rows, { json: opts.json === true }));
      if (opts.json !== true) process.stderr.write(`${rows.length} row(s)\n`);
    });
}
