// Test-only helper (excluded from the build): a minimal in-memory Storage used by unit tests
// until/unless @weir/testkit's MemoryStorage is wired in.
import { CoreErrors, type FileInfo, type ListOptions, type PutOptions, type Storage } from '@weir/core';

export class SimpleMemoryStorage implements Storage {
  readonly files = new Map<string, { data: Uint8Array; mtime: number }>();
  mutations = 0;
  async read(path: string): Promise<Uint8Array> {
    const f = this.files.get(path);
    if (!f) throw CoreErrors.FILE_NOT_FOUND({ path });
    return f.data;
  }
  async head(path: string): Promise<FileInfo | null> {
    const f = this.files.get(path);
    return f ? { path, size: f.data.length, modificationTime: f.mtime } : null;
  }
  async *list(dir: string, options?: ListOptions): AsyncIterable<FileInfo> {
    const prefix = dir.endsWith('/') ? dir : `${dir}/`;
    const keys = [...this.files.keys()].filter((k) => k.startsWith(prefix) && (options?.recursive || !k.slice(prefix.length).includes('/'))).sort();
    for (const k of keys) {
      if (options?.startAfter !== undefined && k <= options.startAfter) continue;
      const f = this.files.get(k)!;
      yield { path: k, size: f.data.length, modificationTime: f.mtime };
    }
  }
  async put(path: string, data: Uint8Array, options?: PutOptions): Promise<void> {
    this.mutations++;
    if (options?.ifAbsent && this.files.has(path)) throw CoreErrors.FILE_ALREADY_EXISTS({ path });
    this.files.set(path, { data: data.slice(), mtime: 0 });
  }
  async delete(path: string): Promise<void> {
    this.mutations++;
    this.files.delete(path);
  }
}
