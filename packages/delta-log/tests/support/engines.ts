/**
 * Engines for tests. `fsEngine()` is the real Node engine (FsStorage + NodeParquetHandler).
 * `jsonParquetEngine()` swaps the ParquetHandler for a JSON stand-in, for protocol tests that
 * exercise commits/conflicts/replay and must not depend on Parquet encoding details.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Engine, ParquetHandler, RowBatch, StructType } from '@weir/core';
import { createNodeEngine } from '@weir/node';

export const TESTDATA = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../../shared/testdata/delta');

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'weir-delta-log-'));
}

function replacer(_k: string, v: unknown): unknown {
  if (v instanceof Map) return { __map: [...v.entries()] };
  if (v instanceof Uint8Array) return { __bytes: [...v] };
  return v;
}
function reviver(_k: string, v: unknown): unknown {
  if (v && typeof v === 'object' && '__map' in v) return new Map((v as { __map: [string, unknown][] }).__map);
  if (v && typeof v === 'object' && '__bytes' in v) return Uint8Array.from((v as { __bytes: number[] }).__bytes);
  return v;
}

/** A ParquetHandler stand-in that stores batches as JSON (not Parquet!). */
export class JsonParquetHandler implements ParquetHandler {
  async write(batch: RowBatch): Promise<Uint8Array> {
    return new TextEncoder().encode(JSON.stringify({ schema: batch.schema, rows: batch.rows }, replacer));
  }
  async read(data: Uint8Array, options?: { columns?: readonly string[] }): Promise<RowBatch> {
    const b = JSON.parse(new TextDecoder().decode(data), reviver) as { schema: StructType; rows: Record<string, unknown>[] };
    if (!options?.columns) return b;
    const cols = options.columns;
    return {
      schema: { type: 'struct', fields: b.schema.fields.filter((f) => cols.includes(f.name)) },
      rows: b.rows.map((r) => Object.fromEntries(cols.map((c) => [c, r[c] ?? null]))),
    };
  }
  async readMetadata(data: Uint8Array): Promise<{ schema: StructType; numRows: number }> {
    const b = JSON.parse(new TextDecoder().decode(data), reviver) as { schema: StructType; rows: unknown[] };
    return { schema: b.schema, numRows: b.rows.length };
  }
}

export function fsEngine(): Engine {
  return createNodeEngine();
}

export function jsonParquetEngine(base: Engine = createNodeEngine()): Engine {
  return Object.freeze({ ...base, parquet: new JsonParquetHandler() });
}
