// Shared helpers for the Delta sink/source tests: an independent reader of a Delta table through
// DuckDB (log replay with read_json + read_parquet of the active files), used as the oracle.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

export function tempDir(prefix = 'weir-streaming-delta-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** The active files of a Delta table by replaying its JSON commits independently of weir (no checkpoints). */
export function activeFilesByReplay(tablePath: string): string[] {
  const logDir = path.join(tablePath, '_delta_log');
  const commits = fs.readdirSync(logDir).filter((n) => /^\d{20}\.json$/.test(n)).sort();
  const active = new Set<string>();
  for (const c of commits) {
    for (const line of fs.readFileSync(path.join(logDir, c), 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const a = JSON.parse(line) as { add?: { path: string }; remove?: { path: string } };
      if (a.add) active.add(decodeURIComponent(a.add.path));
      if (a.remove) active.delete(decodeURIComponent(a.remove.path));
    }
  }
  return [...active].map((p) => path.join(tablePath, p));
}

/** The txn versions per appId recorded in the log, in commit order (duplicates would show up here). */
export function txnVersions(tablePath: string): Map<string, number[]> {
  const logDir = path.join(tablePath, '_delta_log');
  const out = new Map<string, number[]>();
  for (const c of fs.readdirSync(logDir).filter((n) => /^\d{20}\.json$/.test(n)).sort()) {
    for (const line of fs.readFileSync(path.join(logDir, c), 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const a = JSON.parse(line) as { txn?: { appId: string; version: number } };
      if (a.txn) out.set(a.txn.appId, [...(out.get(a.txn.appId) ?? []), a.txn.version]);
    }
  }
  return out;
}

/** Reads the table's active Parquet files with DuckDB (hive partitioning on), rows as plain objects. */
export async function duckRows(tablePath: string, columns: string, orderBy: string): Promise<Record<string, unknown>[]> {
  const files = activeFilesByReplay(tablePath);
  if (files.length === 0) return [];
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    const list = files.map((f) => `'${f.replace(/'/g, "''")}'`).join(', ');
    const reader = await conn.runAndReadAll(`SELECT ${columns} FROM read_parquet([${list}], hive_partitioning = true, union_by_name = true) ORDER BY ${orderBy}`);
    return reader.getRowObjectsJS() as Record<string, unknown>[];
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}
