// A small in-memory Storage for this package's tests: explicit modification times, and a crash
// plan (every mutating call after the k-th throws SIMULATED_CRASH; `restart()` gives a fresh view
// of what was durably written). @weir/testkit's MemoryStorage is the shared one; this helper keeps
// the tests independent of its schedule and lets them set modification times exactly.
import { CoreErrors, WeirError, type FileInfo, type ListOptions, type PutOptions, type Storage } from '@weir/core';

interface Entry {
  data: Uint8Array;
  modificationTime: number;
}

export class MemoryFs implements Storage {
  readonly files: Map<string, Entry>;
  /** The modification time `put` stamps; tests advance it. */
  now = 1_700_000_000_000;
  #mutations = 0;
  #crashAfter = Infinity;
  #crashed = false;

  constructor(files: Map<string, Entry> = new Map()) {
    this.files = files;
  }

  /** Crash when the (k+1)-th mutating call starts: calls 1..k succeed, later ones throw. */
  crashAfter(k: number): void {
    this.#crashAfter = this.#mutations + k;
  }

  get crashed(): boolean {
    return this.#crashed;
  }

  /** A fresh process's view of the durable state (everything put before the crash). */
  restart(): MemoryFs {
    const fs = new MemoryFs(this.files);
    fs.now = this.now;
    return fs;
  }

  #check(): void {
    if (this.#crashed) throw new WeirError('SIMULATED_CRASH', 'simulated crash', { domain: 'internal', retryable: false });
  }

  #mutate(): void {
    this.#check();
    if (this.#mutations >= this.#crashAfter) {
      this.#crashed = true;
      this.#check();
    }
    this.#mutations++;
  }

  /** Test setup: writes a file with a given modification time (not counted as a mutation). */
  write(path: string, text: string | Uint8Array, modificationTime = this.now): void {
    this.files.set(path, { data: typeof text === 'string' ? new TextEncoder().encode(text) : text, modificationTime });
  }

  async read(path: string): Promise<Uint8Array> {
    this.#check();
    const e = this.files.get(path);
    if (!e) throw CoreErrors.FILE_NOT_FOUND({ path });
    return e.data;
  }

  /**
   * `Storage.readInto`, hostile on purpose: the bytes past the file are overwritten with `{`, so
   * a reader that looks past a file's end, or keeps views of an earlier file's bytes, reads
   * garbage (malformed records, wrong values) and the reader tests fail.
   */
  async readInto(path: string, buffer: Uint8Array): Promise<Uint8Array> {
    const data = await this.read(path);
    // A copy: the caller may keep a larger array as its next buffer and overwrite it.
    if (data.byteLength > buffer.byteLength) return data.slice();
    buffer.set(data);
    buffer.fill(0x7b, data.byteLength);
    return buffer.subarray(0, data.byteLength);
  }

  async head(path: string): Promise<FileInfo | null> {
    this.#check();
    const e = this.files.get(path);
    return e ? { path, size: e.data.length, modificationTime: e.modificationTime } : null;
  }

  async *list(dir: string, options: ListOptions = {}): AsyncIterable<FileInfo> {
    this.#check();
    const prefix = dir.endsWith('/') ? dir : dir + '/';
    const out: FileInfo[] = [];
    for (const [path, e] of this.files) {
      if (!path.startsWith(prefix)) continue;
      if (!options.recursive && path.slice(prefix.length).includes('/')) continue;
      if (options.startAfter !== undefined && path <= options.startAfter) continue;
      out.push({ path, size: e.data.length, modificationTime: e.modificationTime });
    }
    out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    yield* out;
  }

  async put(path: string, data: Uint8Array, options: PutOptions = {}): Promise<void> {
    this.#mutate();
    if (options.ifAbsent && this.files.has(path)) throw CoreErrors.FILE_ALREADY_EXISTS({ path });
    this.files.set(path, { data: new Uint8Array(data), modificationTime: this.now });
  }

  async delete(path: string): Promise<void> {
    this.#mutate();
    this.files.delete(path);
  }
}
