/** What a listing or `head` reports about one file. */
export interface FileInfo {
  /** The full path, as given to `put` (forward slashes). */
  readonly path: string;
  readonly size: number;
  /** Milliseconds since the epoch. */
  readonly modificationTime: number;
}

export interface ListOptions {
  /** Also list files in sub-directories. Defaults to `false` (files directly under the prefix only). */
  readonly recursive?: boolean;
  /** Only paths strictly greater than this one (byte order). Defaults to none. */
  readonly startAfter?: string;
}

export interface PutOptions {
  /** Fail with `FILE_ALREADY_EXISTS` if the path exists. Defaults to `false` (overwrite). */
  readonly ifAbsent?: boolean;
}

/**
 * Every byte weir reads or writes goes through a Storage. Paths are `/`-separated strings; a
 * "directory" is any prefix ending before a `/`.
 *
 * Contracts (every implementation MUST keep them; `describeStorage` in `@weir/testkit` checks):
 * - `read` MUST fail with `FILE_NOT_FOUND` if the path does not exist.
 * - `head` MUST return `null` for a missing path, never throw for it.
 * - `list(dir)` MUST yield files (never directories) under `dir`, sorted by path in byte order,
 *   and MUST yield nothing (not throw) when `dir` does not exist. Names starting with `.` are
 *   listed too (callers decide what is a temp file).
 * - `put` MUST be atomic — a concurrent reader sees the old content, or none, or all of the new,
 *   never a part — and durable when the promise resolves (it survives a crash).
 * - `put(path, data, { ifAbsent: true })` MUST fail with `FILE_ALREADY_EXISTS` if `path` exists,
 *   and of N concurrent callers (threads or processes) exactly one MUST succeed. This is the
 *   Delta commit and checkpoint-log primitive.
 * - `put` MUST NOT keep `data` (or a view of it) once its promise settles: the caller may reuse
 *   that memory for its next write (state files are written from a reused encoding arena).
 * - Parent directories are implicit: `put` creates them, and MUST NOT require them to exist.
 * - `delete` of a missing path MUST succeed (deletes are idempotent, as on object stores).
 * - Foreign errors are mapped at the edge: not-found → `FILE_NOT_FOUND`, exists →
 *   `FILE_ALREADY_EXISTS`, anything else → `STORAGE_IO_ERROR` with `cause`.
 */
export interface Storage {
  read(path: string): Promise<Uint8Array>;
  /**
   * Optional: `read`, but into `buffer` when the file fits, so a reader of many files reuses one
   * allocation instead of handing the GC a fresh file-sized array per file (external memory,
   * which V8 answers with extra scavenges). Returns `buffer.subarray(0, size)` when it fits,
   * else a new array of exactly the file (callers may keep it as their next buffer).
   * Same errors as `read`. The bytes are the caller's until it next passes the same buffer, so a
   * caller MUST NOT keep views of them past that (copy what it keeps). Callers fall back to
   * `read` when a Storage lacks it.
   */
  readInto?(path: string, buffer: Uint8Array): Promise<Uint8Array>;
  head(path: string): Promise<FileInfo | null>;
  list(dir: string, options?: ListOptions): AsyncIterable<FileInfo>;
  put(path: string, data: Uint8Array, options?: PutOptions): Promise<void>;
  delete(path: string): Promise<void>;
}

/** Joins path segments with single `/` separators. */
export function joinPath(...parts: string[]): string {
  return parts
    .filter((p) => p.length > 0)
    .map((p, i) => (i === 0 ? p.replace(/\/+$/, '') : p.replace(/^\/+|\/+$/g, '')))
    .join('/');
}

/** Collects a listing into an array (listings are sorted, so the array is too). */
export async function listAll(storage: Storage, dir: string, options?: ListOptions): Promise<FileInfo[]> {
  const out: FileInfo[] = [];
  for await (const f of storage.list(dir, options)) out.push(f);
  return out;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function utf8Encode(s: string): Uint8Array {
  return encoder.encode(s);
}

export function utf8Decode(b: Uint8Array): string {
  return decoder.decode(b);
}
