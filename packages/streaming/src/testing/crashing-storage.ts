// Test-only helper (excluded from the build): a Storage over SimpleMemoryStorage with a crash
// fault plan — the k-th mutating call crashes (before or after taking effect), and every call
// after that throws SIMULATED_CRASH until restart() returns a fresh view of the durable files.
import { WeirError, type FileInfo, type ListOptions, type PutOptions, type Storage } from '@weir/core';
import { SimpleMemoryStorage } from './simple-memory-storage.js';

export interface CrashPlan {
  /** 1-based index of the mutating call (put/delete) that crashes. */
  readonly at: number;
  readonly when: 'before' | 'after';
}

function crash(): WeirError {
  return new WeirError('SIMULATED_CRASH', 'simulated crash', { domain: 'internal', retryable: false });
}

export class CrashingStorage implements Storage {
  readonly durable: SimpleMemoryStorage;
  #plan: CrashPlan | null;
  #mutations = 0;
  crashed = false;

  /** Mutating calls made through this view. */
  get mutations(): number {
    return this.#mutations;
  }

  constructor(durable = new SimpleMemoryStorage(), plan: CrashPlan | null = null) {
    this.durable = durable;
    this.#plan = plan;
  }

  /** The same durable files, a new plan, no crash. */
  restart(plan: CrashPlan | null = null): CrashingStorage {
    return new CrashingStorage(this.durable, plan);
  }

  #check(): void {
    if (this.crashed) throw crash();
  }

  async #mutate(fn: () => Promise<void>): Promise<void> {
    this.#check();
    const n = ++this.#mutations;
    if (this.#plan && n === this.#plan.at) {
      if (this.#plan.when === 'after') await fn();
      this.crashed = true;
      throw crash();
    }
    await fn();
  }

  async read(path: string): Promise<Uint8Array> {
    this.#check();
    return this.durable.read(path);
  }
  async head(path: string): Promise<FileInfo | null> {
    this.#check();
    return this.durable.head(path);
  }
  async *list(dir: string, options?: ListOptions): AsyncIterable<FileInfo> {
    this.#check();
    yield* this.durable.list(dir, options);
  }
  put(path: string, data: Uint8Array, options?: PutOptions): Promise<void> {
    return this.#mutate(() => this.durable.put(path, data, options));
  }
  delete(path: string): Promise<void> {
    return this.#mutate(() => this.durable.delete(path));
  }
}
