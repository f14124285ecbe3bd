// A minimal in-memory Storage with one crash point, for the state-store property test.
// NOTE: stands in for @weir/testkit's MemoryStorage fault plans, which had not landed when this
// test was written; swap it for `new MemoryStorage({ faults })` once testkit exports it.
import { CoreErrors, WeirError, type FileInfo, type ListOptions, type PutOptions, type Storage } from '@weir/core';

export class CrashStorage implements Storage {
  readonly #files = new Map<string, Uint8Array>();
  #mutations = 0;
  #crashed = false;
  /** Crash at the k-th mutating call (1-based): 'before' it takes effect, or 'after'. */
  crashAt: { readonly call: number; readonly when: 'before' | 'after' } | null = null;
  deletes = 0;

  /** A fresh view after a crash: what was durably written stays, the fault plan is spent. */
  restart(): void {
    this.#crashed = false;
    this.crashAt = null;
  }

  async read(path: string): Promise<Uint8Array> {
    this.#check();
    const f = this.#files.get(path);
    if (f === undefined) throw CoreErrors.FILE_NOT_FOUND({ path });
    return f.slice();
  }

  async head(path: string): Promise<FileInfo | null> {
    this.#check();
    const f = this.#files.get(path);
    return f === undefined ? null : { path, size: f.length, modificationTime: 0 };
  }

  async *list(dir: string, options: ListOptions = {}): AsyncIterable<FileInfo> {
    this.#check();
    const prefix = dir.endsWith('/') ? dir : `${dir}/`;
    const paths = [...this.#files.keys()]
      .filter((p) => p.startsWith(prefix) && (options.recursive === true || !p.slice(prefix.length).includes('/')))
      .filter((p) => options.startAfter === undefined || p > options.startAfter)
      .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    for (const p of paths) yield { path: p, size: (this.#files.get(p) as Uint8Array).length, modificationTime: 0 };
  }

  async put(path: string, data: Uint8Array, options: PutOptions = {}): Promise<void> {
    this.#mutate(() => {
      if (options.ifAbsent === true && this.#files.has(path)) throw CoreErrors.FILE_ALREADY_EXISTS({ path });
      this.#files.set(path, data.slice());
    });
  }

  async delete(path: string): Promise<void> {
    this.#mutate(() => {
      this.deletes++;
      this.#files.delete(path);
    });
  }

  /** Test hook: replace a file's bytes directly (a torn write the storage did not notice). */
  tamper(path: string, bytes: Uint8Array): void {
    this.#files.set(path, bytes);
  }

  paths(): string[] {
    return [...this.#files.keys()].sort();
  }

  #mutate(apply: () => void): void {
    this.#check();
    this.#mutations++;
    const plan = this.crashAt;
    if (plan !== null && plan.call === this.#mutations) {
      if (plan.when === 'after') apply();
      this.#crashed = true;
      throw simulatedCrash();
    }
    apply();
  }

  #check(): void {
    if (this.#crashed) throw simulatedCrash();
  }
}

function simulatedCrash(): WeirError {
  return new WeirError('SIMULATED_CRASH', 'simulated crash (state-store test storage)', { domain: 'external', retryable: false });
}
