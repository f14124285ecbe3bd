// Test doubles for the Delta crash tests: a fault-injecting in-memory Storage (crash before or
// after the k-th mutating call; then every call throws SIMULATED_CRASH; restart() = what was
// durably written) and a JSON ParquetHandler (the crash tests exercise storage semantics, not
// Parquet encoding, which the DuckDB tests cover). They stand in for @weir/testkit until its
// MemoryStorage lands.
import { CoreErrors, WeirError, utf8Decode, utf8Encode, type Engine, type FileInfo, type ListOptions, type ParquetHandler, type PutOptions, type RowBatch, type Storage } from '@weir/core';
import { InThreadTaskExecutor, MsgpackCodec } from '@weir/node';

export interface FaultPlan {
  /** 1-based index of the mutating call (put/delete) that crashes; 0 = never. */
  readonly crashAt: number;
  readonly when: 'before' | 'after';
}

export class FaultyMemoryStorage implements Storage {
  readonly #files: Map<string, { data: Uint8Array; mtime: number }>;
  readonly #plan: FaultPlan;
  #mutations = 0;
  #crashed = false;
  #clock = 0;

  constructor(plan: FaultPlan = { crashAt: 0, when: 'before' }, files = new Map<string, { data: Uint8Array; mtime: number }>()) {
    this.#plan = plan;
    this.#files = files;
  }

  get crashed(): boolean {
    return this.#crashed;
  }

  /** Mutating calls (put/delete) made through this instance so far. */
  get mutations(): number {
    return this.#mutations;
  }

  restart(plan: FaultPlan = { crashAt: 0, when: 'before' }): FaultyMemoryStorage {
    return new FaultyMemoryStorage(plan, new Map(this.#files));
  }

  #check(): void {
    if (this.#crashed) throw new WeirError('SIMULATED_CRASH', 'simulated crash', { domain: 'internal', retryable: false });
  }

  #mutate(apply: () => void): void {
    this.#check();
    this.#mutations++;
    if (this.#mutations === this.#plan.crashAt) {
      if (this.#plan.when === 'after') apply();
      this.#crashed = true;
      this.#check();
    }
    apply();
  }

  async read(path: string): Promise<Uint8Array> {
    this.#check();
    const f = this.#files.get(path);
    if (!f) throw CoreErrors.FILE_NOT_FOUND({ path });
    return f.data;
  }
  async head(path: string): Promise<FileInfo | null> {
    this.#check();
    const f = this.#files.get(path);
    return f ? { path, size: f.data.byteLength, modificationTime: f.mtime } : null;
  }
  async *list(dir: string, options: ListOptions = {}): AsyncIterable<FileInfo> {
    this.#check();
    const prefix = dir.endsWith('/') ? dir : dir + '/';
    const names = [...this.#files.keys()].filter((p) => p.startsWith(prefix) && (options.recursive || !p.slice(prefix.length).includes('/'))).sort();
    for (const p of names) {
      if (options.startAfter !== undefined && p <= options.startAfter) continue;
      const f = this.#files.get(p)!;
      yield { path: p, size: f.data.byteLength, modificationTime: f.mtime };
    }
  }
  async put(path: string, data: Uint8Array, options: PutOptions = {}): Promise<void> {
    this.#check();
    if (options.ifAbsent && this.#files.has(path)) throw CoreErrors.FILE_ALREADY_EXISTS({ path });
    this.#mutate(() => this.#files.set(path, { data: data.slice(), mtime: 1_700_000_000_000 + this.#clock++ }));
  }
  async delete(path: string): Promise<void> {
    this.#mutate(() => this.#files.delete(path));
  }
}

/** Encodes batches as JSON: a stand-in ParquetHandler for storage-level crash tests. */
export const jsonParquet: ParquetHandler = {
  async write(batch: RowBatch) {
    return utf8Encode(JSON.stringify(batch));
  },
  async read(data: Uint8Array) {
    return JSON.parse(utf8Decode(data)) as RowBatch;
  },
  async readMetadata(data: Uint8Array) {
    const b = JSON.parse(utf8Decode(data)) as RowBatch;
    return { schema: b.schema, numRows: b.rows.length };
  },
};

export function memoryEngine(storage: Storage): Engine {
  let now = 1_700_000_000_000;
  const clock = { now: () => now++, sleep: async () => {} } as unknown as Engine['clock'];
  const base = { storage, parquet: jsonParquet, codec: new MsgpackCodec(), clock };
  return { ...base, tasks: new InThreadTaskExecutor({ engine: base }) };
}

export function isSimulatedCrash(err: unknown): boolean {
  return (err as { code?: string }).code === 'SIMULATED_CRASH';
}
