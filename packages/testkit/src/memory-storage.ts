import { CoreErrors, joinPath, type Clock, type FileInfo, type ListOptions, type PutOptions, type Storage } from '@weir/core';
import { compareByteOrder } from '@weir/node';
import { TestkitErrors } from './errors.js';

/** The storage operations a fault plan can target. `put` and `delete` are the mutating ones. */
export type StorageOperation = 'read' | 'head' | 'list' | 'put' | 'delete';

/** One storage call as a fault plan sees it. */
export interface StorageCall {
  /** 1-based index among all calls since the plan was armed. */
  readonly call: number;
  /** 1-based index among mutating calls (put/delete) since the plan was armed; 0 for reads. */
  readonly mutation: number;
  readonly operation: StorageOperation;
  readonly path: string;
}

/** An injected I/O failure: surfaces as `STORAGE_IO_ERROR` with `details.errno`. Nothing is written. */
export interface InjectedFailure {
  /** Which calls fail: the n-th call of `operation` (1-based, counted since arming), or a predicate. */
  readonly operation?: StorageOperation;
  readonly nth?: number;
  readonly when?: (call: StorageCall) => boolean;
  readonly errno: 'EIO' | 'ENOSPC';
}

/**
 * What goes wrong, and when. Counting starts when the plan is armed (constructor or
 * {@link MemoryStorage.arm}), so setup writes done before arming do not shift crash points.
 */
export interface FaultPlan {
  /**
   * Crash at the k-th mutating call (1-based): `before` → the call has no effect; `after` → the
   * call takes effect, then throws. Either way that call and every later call on this view
   * throws `SIMULATED_CRASH` until `restart()`.
   */
  readonly crash?: { readonly atMutation: number; readonly when: 'before' | 'after' };
  readonly failures?: readonly InjectedFailure[];
}

export interface MemoryStorageOptions {
  /** Faults to inject, counted from construction. Defaults to none. */
  readonly faults?: FaultPlan;
  /** Source of `modificationTime`. Defaults to a counter starting at 1 (ms), so order is deterministic. */
  readonly clock?: Pick<Clock, 'now'>;
}

interface StoredFile {
  readonly data: Uint8Array;
  readonly modificationTime: number;
}

const DISK = Symbol('disk');

/** The "disk" that survives a crash: shared by a MemoryStorage and the views `restart()` returns. */
class Disk {
  readonly files = new Map<string, StoredFile>();
  #tick = 0;
  constructor(readonly clock: Pick<Clock, 'now'> | undefined) {}
  now(): number {
    return this.clock === undefined ? ++this.#tick : this.clock.now();
  }
}

/**
 * An in-memory {@link Storage} for tests, with a fault plan. Every `put` is atomic and durable
 * as soon as it takes effect (there is no page cache to lose), so after a crash `restart()`
 * returns a view holding exactly the puts and deletes that took effect: a put that crashed
 * `before` is absent, one that crashed `after` is present, none is ever half-written.
 *
 * A call checks the plan, then yields once (as real I/O would) before taking effect; a crash
 * raised by another call in between cancels it — an in-flight write is lost, as on a real crash.
 *
 * ```ts
 * const storage = new MemoryStorage();
 * await setUp(storage);
 * storage.arm({ crash: { atMutation: 3, when: 'before' } });
 * await assert.rejects(runQuery(storage), (e) => WeirError.hasCode(e, 'SIMULATED_CRASH'));
 * const recovered = storage.restart(); // what a new process would find on disk
 * ```
 */
export class MemoryStorage implements Storage {
  readonly #disk: Disk;
  #plan: FaultPlan = {};
  #calls = 0;
  #mutations = 0;
  #perOperation = new Map<StorageOperation, number>();
  #crashed: { call: number; operation: string; path: string } | null = null;

  constructor(options: MemoryStorageOptions = {}) {
    this.#disk = (options as { [DISK]?: Disk })[DISK] ?? new Disk(options.clock);
    if (options.faults !== undefined) this.arm(options.faults);
  }

  /** Installs a fault plan and restarts call counting from zero. */
  arm(plan: FaultPlan): void {
    this.#plan = plan;
    this.#calls = 0;
    this.#mutations = 0;
    this.#perOperation = new Map();
  }

  /** Crashes this view now: every later call throws `SIMULATED_CRASH`. */
  crash(): void {
    this.#crashed ??= { call: this.#calls, operation: 'crash()', path: '-' };
  }

  get crashed(): boolean {
    return this.#crashed !== null;
  }

  /** Calls and mutating calls seen since the plan was armed (for enumerating crash points). */
  get stats(): { readonly calls: number; readonly mutations: number } {
    return { calls: this.#calls, mutations: this.#mutations };
  }

  /** A fresh view of the durable state, with no fault plan: what a restarted process would see. */
  restart(): MemoryStorage {
    return new MemoryStorage({ [DISK]: this.#disk } as MemoryStorageOptions);
  }

  /** Every file's path and content, sorted by path (for assertions). */
  snapshot(): Map<string, Uint8Array> {
    const paths = [...this.#disk.files.keys()].sort(compareByteOrder);
    return new Map(paths.map((p) => [p, (this.#disk.files.get(p) as StoredFile).data.slice()]));
  }

  async read(path: string): Promise<Uint8Array> {
    await this.#enter('read', path);
    const f = this.#disk.files.get(path);
    if (f === undefined) throw CoreErrors.FILE_NOT_FOUND({ path });
    return f.data.slice();
  }

  async head(path: string): Promise<FileInfo | null> {
    await this.#enter('head', path);
    const f = this.#disk.files.get(path);
    return f === undefined ? null : { path, size: f.data.length, modificationTime: f.modificationTime };
  }

  async *list(dir: string, options: ListOptions = {}): AsyncIterable<FileInfo> {
    await this.#enter('list', dir);
    const prefix = dir === '' ? '' : dir.endsWith('/') ? dir : dir + '/';
    const base = dir.endsWith('/') && dir.length > 1 ? dir.slice(0, -1) : dir;
    const out: FileInfo[] = [];
    for (const [p, f] of this.#disk.files) {
      if (!p.startsWith(prefix)) continue;
      const rest = p.slice(prefix.length);
      if (rest === '' || (options.recursive !== true && rest.includes('/'))) continue;
      // Report paths as joinPath(dir, relative), like FsStorage (`dir/` and `dir` list alike).
      const path = base === '' ? rest : joinPath(base, rest);
      if (options.startAfter !== undefined && compareByteOrder(path, options.startAfter) <= 0) continue;
      out.push({ path, size: f.data.length, modificationTime: f.modificationTime });
    }
    out.sort((a, b) => compareByteOrder(a.path, b.path));
    // The listing is a snapshot taken at call time; yielding it lazily keeps the AsyncIterable shape.
    for (const f of out) {
      this.#throwIfCrashed('list', dir);
      yield f;
    }
  }

  async put(path: string, data: Uint8Array, options: PutOptions = {}): Promise<void> {
    // The caller may reuse its buffer: store a copy of what it passed now (`Uint8Array.prototype.slice`, not
    // `data.slice()`: on a Node Buffer `slice` is a view, and a later write would change the file).
    const copy = Uint8Array.prototype.slice.call(data);
    const after = await this.#enter('put', path);
    const files = this.#disk.files;
    let failure: unknown = null;
    if (options.ifAbsent === true && files.has(path)) failure = CoreErrors.FILE_ALREADY_EXISTS({ path });
    else {
      try {
        this.#checkTree(path, 'put');
        files.set(path, { data: copy, modificationTime: this.#disk.now() });
      } catch (e) {
        failure = e;
      }
    }
    after(); // an `after` crash wins over the call's own outcome
    if (failure !== null) throw failure;
  }

  async delete(path: string): Promise<void> {
    const after = await this.#enter('delete', path);
    this.#disk.files.delete(path);
    after();
  }

  /** A file where a directory is needed (or the reverse) fails as it does on a file system. */
  #checkTree(path: string, operation: string): void {
    const files = this.#disk.files;
    for (let i = path.indexOf('/', 1); i > 0; i = path.indexOf('/', i + 1)) {
      if (files.has(path.slice(0, i))) {
        throw CoreErrors.STORAGE_IO_ERROR({ operation, path, reason: `${path.slice(0, i)} is a file`, errno: 'ENOTDIR' });
      }
    }
    const asDir = path + '/';
    for (const p of files.keys()) {
      if (p.startsWith(asDir)) throw CoreErrors.STORAGE_IO_ERROR({ operation, path, reason: 'is a directory', errno: 'EISDIR' });
    }
  }

  #throwIfCrashed(operation: string, path: string): void {
    if (this.#crashed !== null) {
      throw TestkitErrors.SIMULATED_CRASH({ call: this.#crashed.call, operation: `${this.#crashed.operation}; now ${operation}`, path });
    }
  }

  /**
   * Applies the fault plan to one call. Returns the hook to run after a mutating call took
   * effect (the `after` crash); throws for crashes and injected failures.
   */
  async #enter(operation: StorageOperation, path: string): Promise<() => void> {
    this.#throwIfCrashed(operation, path);
    const call = ++this.#calls;
    const mutating = operation === 'put' || operation === 'delete';
    const mutation = mutating ? ++this.#mutations : 0;
    const nth = (this.#perOperation.get(operation) ?? 0) + 1;
    this.#perOperation.set(operation, nth);
    const crash = this.#plan.crash;
    if (crash !== undefined && mutating && mutation === crash.atMutation && crash.when === 'before') {
      this.#crashed = { call, operation, path };
      this.#throwIfCrashed(operation, path);
    }
    const info: StorageCall = { call, mutation, operation, path };
    for (const f of this.#plan.failures ?? []) {
      const hit = f.when !== undefined ? f.when(info) : (f.operation === undefined || f.operation === operation) && f.nth === (f.operation === undefined ? call : nth);
      if (hit) {
        throw CoreErrors.STORAGE_IO_ERROR({ operation, path, reason: `injected ${f.errno}`, errno: f.errno });
      }
    }
    // Real I/O yields; a crash raised meanwhile by another call cancels this one.
    await Promise.resolve();
    this.#throwIfCrashed(operation, path);
    if (crash !== undefined && mutating && mutation === crash.atMutation && crash.when === 'after') {
      return () => {
        this.#crashed = { call, operation, path };
        this.#throwIfCrashed(operation, path);
      };
    }
    return noop;
  }
}

const noop = (): void => undefined;
