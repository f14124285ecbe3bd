/**
 * `weir delta cat|history|describe|vacuum|optimize|checkpoint <table>`: inspect and maintain a
 * Delta table through @weir/delta-log. Output: ndjson rows use ISO-8601 UTC timestamps with
 * microseconds and `YYYY-MM-DD` dates; errors print `CODE: message` (see main.ts) and exit 1.
 */
import path from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { isDecimalType, parseByteSize, simpleString, StructType, type DataType, type Engine, type Row } from '@weir/core';
import { DeltaTable, type Snapshot } from '@weir/delta-log';
import { createNodeEngine } from '@weir/node';

function pad(n: number, w: number): string {
  return String(n).padStart(w, '0');
}

/** `2024-01-01T00:00:00.000000Z` for epoch microseconds. */
export function isoMicros(micros: number): string {
  const ms = Math.floor(micros / 1000);
  const d = new Date(ms);
  const frac = pad(d.getUTCMilliseconds() * 1000 + (micros - ms * 1000), 6);
  return `${d.toISOString().slice(0, 19)}.${frac}Z`;
}

/** `YYYY-MM-DD` for a day number. */
export function isoDate(days: number): string {
  return new Date(days * 86_400_000).toISOString().slice(0, 10);
}

/** A value in its JSON form for `delta cat`, by Spark type. */
export function jsonValue(v: unknown, type: DataType): unknown {
  if (v === null || v === undefined) return null;
  if (type === 'timestamp') return isoMicros(v as number);
  if (type === 'timestamp_ntz') return isoMicros(v as number).replace(/Z$/, '');
  if (type === 'date') return isoDate(v as number);
  if (type === 'binary') return Buffer.from(v as Uint8Array).toString('base64');
  if (isDecimalType(type)) return String(v);
  if (typeof type === 'object') {
    if (type.type === 'struct') {
      const r = v as Row;
      return Object.fromEntries(type.fields.map((f) => [f.name, jsonValue(r[f.name], f.type)]));
    }
    if (type.type === 'array') return (v as unknown[]).map((x) => jsonValue(x, type.elementType));
    if (type.type === 'map') {
      const entries = v instanceof Map ? [...v.entries()] : Object.entries(v as Row);
      return entries.every(([k]) => typeof k === 'string')
        ? Object.fromEntries(entries.map(([k, x]) => [k, jsonValue(x, type.valueType)]))
        : entries.map(([k, x]) => ({ key: jsonValue(k, type.keyType), value: jsonValue(x, type.valueType) }));
    }
  }
  return v;
}

function jsonRow(schema: StructType, row: Row): Record<string, unknown> {
  return Object.fromEntries(schema.fields.map((f) => [f.name, jsonValue(row[f.name], f.type)]));
}

function tableText(columns: readonly string[], rows: ReadonlyArray<Readonly<Record<string, unknown>>>): string {
  const cell = (v: unknown) => (v === null || v === undefined ? 'null' : typeof v === 'object' ? JSON.stringify(v) : String(v));
  const cells = rows.map((r) => columns.map((c) => cell(r[c])));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => (r[i] as string).length)));
  const line = (vals: readonly string[]) => vals.map((v, i) => v.padEnd(widths[i] as number)).join(' | ').trimEnd();
  return [line(columns), widths.map((w) => '-'.repeat(w)).join('-+-'), ...cells.map(line)].join('\n') + '\n';
}

function nonNegativeInt(name: string) {
  return (raw: string): number => {
    if (!/^(0|[1-9][0-9]*)$/.test(raw) || !Number.isSafeInteger(Number(raw))) throw new InvalidArgumentError(`${name} must be a non-negative integer, got "${raw}"`);
    return Number(raw);
  };
}

function nonNegativeNumber(name: string) {
  return (raw: string): number => {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`${name} must be a non-negative number, got "${raw}"`);
    return n;
  };
}

async function withTable<T>(table: string, fn: (t: DeltaTable, engine: Engine) => Promise<T>): Promise<T> {
  const engine = createNodeEngine();
  try {
    return await fn(DeltaTable.forPath(engine, path.resolve(table)), engine);
  } finally {
    await engine.tasks.close();
  }
}

export interface CatOptions {
  readonly version?: number;
  readonly timestamp?: string;
  readonly format?: 'ndjson' | 'table';
  readonly limit?: number;
}

/** The text `weir delta cat` prints. */
export async function deltaCat(table: string, options: CatOptions = {}): Promise<string> {
  return withTable(table, async (t) => {
    const snap = await t.snapshot({
      ...(options.version === undefined ? {} : { version: options.version }),
      ...(options.timestamp === undefined ? {} : { timestamp: options.timestamp }),
    });
    const rows: Record<string, unknown>[] = [];
    const limit = options.limit ?? Infinity;
    outer: for await (const b of snap.scan()) {
      for (const r of b.rows) {
        if (rows.length >= limit) break outer;
        rows.push(jsonRow(snap.schema, r));
      }
    }
    if ((options.format ?? 'ndjson') === 'table') return tableText(StructType.fieldNames(snap.schema), rows);
    return rows.map((r) => JSON.stringify(r) + '\n').join('');
  });
}

/** The history entries `weir delta history` prints (newest first). */
export async function deltaHistory(table: string, options: { json?: boolean } = {}): Promise<string> {
  return withTable(table, async (t) => {
    const h = await t.history();
    const entries = h.map((e) => ({
      version: e.version,
      timestamp: new Date(e.timestamp).toISOString(),
      operation: e.operation ?? null,
      operationParameters: e.operationParameters ?? {},
      engineInfo: (e.commitInfo?.['engineInfo'] as string | undefined) ?? null,
      isBlindAppend: (e.commitInfo?.['isBlindAppend'] as boolean | undefined) ?? null,
      operationMetrics: (e.commitInfo?.['operationMetrics'] as Record<string, unknown> | undefined) ?? {},
    }));
    if (options.json) return JSON.stringify(entries, null, 2) + '\n';
    return tableText(['version', 'timestamp', 'operation', 'operationParameters', 'engineInfo'], entries);
  });
}

/** What `weir delta describe` reports. */
export function describeSnapshot(snap: Snapshot): Record<string, unknown> {
  const files = snap.files;
  return {
    path: snap.tablePath,
    version: snap.version,
    id: snap.metadata.id,
    name: snap.metadata.name ?? null,
    description: snap.metadata.description ?? null,
    createdTime: snap.metadata.createdTime === undefined || snap.metadata.createdTime === null ? null : new Date(snap.metadata.createdTime).toISOString(),
    protocol: {
      minReaderVersion: snap.protocol.minReaderVersion,
      minWriterVersion: snap.protocol.minWriterVersion,
      readerFeatures: snap.protocol.readerFeatures ?? [],
      writerFeatures: snap.protocol.writerFeatures ?? [],
    },
    schema: StructType.toDDL(snap.schema),
    columns: snap.schema.fields.map((f) => ({ name: f.name, type: simpleString(f.type), nullable: f.nullable })),
    partitionColumns: [...snap.partitionColumns],
    numFiles: files.length,
    sizeInBytes: files.reduce((n, f) => n + f.size, 0),
    numRecords: snap.numRecords() ?? null,
    configuration: snap.configuration,
    lastCheckpointVersion: snap.logSegment.checkpoint?.version ?? null,
  };
}

export async function deltaDescribe(table: string, options: { json?: boolean } = {}): Promise<string> {
  return withTable(table, async (t) => {
    const d = describeSnapshot(await t.snapshot());
    if (options.json) return JSON.stringify(d, null, 2) + '\n';
    const lines = Object.entries(d).map(([k, v]) => `${k.padEnd(22)} ${typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)}`);
    return lines.join('\n') + '\n';
  });
}

export function registerDeltaCommand(program: Command): void {
  const delta = program.command('delta').description('inspect and maintain Delta tables');
  delta
    .command('cat')
    .description('print the rows of a table (optionally at a version or timestamp)')
    .argument('<table>', 'table directory')
    .addOption(new Option('--version <n>', 'time travel to this version').argParser(nonNegativeInt('--version')).conflicts('timestamp'))
    .option('--timestamp <ts>', 'time travel to the version current at this time (ISO-8601)')
    .addOption(new Option('--format <format>', 'output format').choices(['ndjson', 'table']).default('ndjson'))
    .option('--limit <n>', 'print at most n rows', nonNegativeInt('--limit'))
    .action(async (table: string, o: CatOptions) => {
      process.stdout.write(await deltaCat(table, o));
    });
  delta
    .command('history')
    .description('print the commit history, newest first')
    .argument('<table>', 'table directory')
    .option('--json', 'JSON output')
    .action(async (table: string, o: { json?: boolean }) => {
      process.stdout.write(await deltaHistory(table, o));
    });
  delta
    .command('describe')
    .description('print version, protocol, schema, partitioning, files, bytes and records')
    .argument('<table>', 'table directory')
    .option('--json', 'JSON output')
    .action(async (table: string, o: { json?: boolean }) => {
      process.stdout.write(await deltaDescribe(table, o));
    });
  delta
    .command('vacuum')
    .description('delete unreferenced data files older than the retention period')
    .argument('<table>', 'table directory')
    .option('--retention-hours <h>', 'retention (default: delta.deletedFileRetentionDuration, 168 h)', nonNegativeNumber('--retention-hours'))
    .option('--dry-run', 'only list the files that would be deleted')
    .option('--force', 'allow a retention shorter than the table’s')
    .action(async (table: string, o: { retentionHours?: number; dryRun?: boolean; force?: boolean }) => {
      const r = await withTable(table, (t) =>
        t.vacuum({
          ...(o.retentionHours === undefined ? {} : { retentionHours: o.retentionHours }),
          dryRun: o.dryRun ?? false,
          force: o.force ?? false,
        }),
      );
      for (const f of r.files) process.stdout.write(f + '\n');
      process.stderr.write(`${r.dryRun ? 'would delete' : 'deleted'} ${r.files.length} file(s)\n`);
    });
  delta
    .command('optimize')
    .description('compact small files (bin-packing) with dataChange=false')
    .argument('<table>', 'table directory')
    .option('--target-file-size <size>', 'target file size, e.g. 128m (default 1g)')
    .action(async (table: string, o: { targetFileSize?: string }) => {
      const r = await withTable(table, (t) => t.optimize(o.targetFileSize === undefined ? {} : { targetFileSize: parseByteSize(o.targetFileSize) }));
      const version = r.commit?.kind === 'committed' ? r.commit.version : null;
      if (r.commit?.kind === 'conflict') throw r.commit.error;
      process.stdout.write(JSON.stringify({ numFilesRemoved: r.numFilesRemoved, numFilesAdded: r.numFilesAdded, version }) + '\n');
    });
  delta
    .command('checkpoint')
    .description('write a checkpoint of the latest version (and _last_checkpoint)')
    .argument('<table>', 'table directory')
    .action(async (table: string) => {
      const r = await withTable(table, (t) => t.checkpoint());
      process.stdout.write(JSON.stringify(r) + '\n');
    });
}
