import type { FileInfo, Storage } from '@weir/core';
import { globToRegExp, parseInputPath, type InputPattern } from './glob.js';

/** A listed input file with what discovery derived from its path. */
export interface DiscoveredFile extends FileInfo {
  /** Hive `key=value` directory values below the input path, by key. */
  readonly partitionValues: Readonly<Record<string, string | null>>;
}

export interface ListingFilter {
  readonly pathGlobFilter: string | undefined;
  readonly modifiedAfterMs: number | undefined;
  readonly modifiedBeforeMs: number | undefined;
}

/** Spark's default for an empty partition value directory (`key=__HIVE_DEFAULT_PARTITION__`). */
const HIVE_DEFAULT_PARTITION = '__HIVE_DEFAULT_PARTITION__';

/**
 * Spark's hidden-path rule: a name starting with `_` or `.` is a temp or metadata file, except a
 * `_`-directory holding `=` (a partition directory). Writers land files as `.name` then rename.
 */
export function isHiddenSegment(name: string, isDir: boolean): boolean {
  if (name.startsWith('.')) return true;
  if (name.startsWith('_')) return !(isDir && name.includes('='));
  return false;
}

function decodeValue(v: string): string | null {
  if (v === HIVE_DEFAULT_PARTITION) return null;
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
}

/**
 * Lists the input files of a file source: everything below the input path (recursively, as Auto
 * Loader does), honouring a glob in the path, skipping hidden/temp files, filtering by
 * `pathGlobFilter` and `modifiedAfter/Before`, and reading Hive partition values.
 */
export class FileLister {
  readonly #storage: Storage;
  readonly #pattern: InputPattern;
  readonly #nameFilter: RegExp | null;
  readonly #filter: ListingFilter;

  constructor(storage: Storage, inputPath: string, filter: ListingFilter) {
    this.#storage = storage;
    this.#pattern = parseInputPath(inputPath);
    this.#nameFilter = filter.pathGlobFilter === undefined ? null : globToRegExp(filter.pathGlobFilter);
    this.#filter = filter;
  }

  get baseDir(): string {
    return this.#pattern.baseDir;
  }

  /** The greatest path the last `list` call saw (filtered or not), for incremental listing. */
  lastListedPath: string | undefined;

  /** The first matching file in path order, or undefined (stops listing there). */
  async first(): Promise<DiscoveredFile | undefined> {
    return (await this.list(undefined, 1))[0];
  }

  /** Lists matching files, sorted by path; with `startAfter`, only paths after it (incremental listing). */
  async list(startAfter?: string, limit = Infinity): Promise<DiscoveredFile[]> {
    const out: DiscoveredFile[] = [];
    const base = this.#pattern.baseDir;
    const prefixLen = base === '/' ? 1 : base.length + 1;
    const segs = this.#pattern.segments;
    const { modifiedAfterMs: after, modifiedBeforeMs: before } = this.#filter;
    const options = startAfter === undefined ? { recursive: true } : { recursive: true, startAfter };
    for await (const f of this.#storage.list(base, options)) {
      if (this.lastListedPath === undefined || f.path > this.lastListedPath) this.lastListedPath = f.path;
      const rel = f.path.slice(prefixLen);
      const parts = rel.split('/');
      if (parts.length < segs.length) continue;
      let ok = true;
      for (let i = 0; i < parts.length; i++) {
        const part = parts[i] as string;
        const isDir = i < parts.length - 1;
        if (isHiddenSegment(part, isDir) || (i < segs.length && !(segs[i] as RegExp).test(part))) {
          ok = false;
          break;
        }
      }
      if (!ok) continue;
      const name = parts[parts.length - 1] as string;
      if (this.#nameFilter !== null && !this.#nameFilter.test(name)) continue;
      if (after !== undefined && !(f.modificationTime > after)) continue;
      if (before !== undefined && !(f.modificationTime < before)) continue;
      let partitionValues: Record<string, string | null> | undefined;
      for (let i = 0; i < parts.length - 1; i++) {
        const part = parts[i] as string;
        const eq = part.indexOf('=');
        if (eq > 0) (partitionValues ??= {})[part.slice(0, eq)] = decodeValue(part.slice(eq + 1));
      }
      out.push({ path: f.path, size: f.size, modificationTime: f.modificationTime, partitionValues: partitionValues ?? EMPTY });
      if (out.length >= limit) break;
    }
    return out;
  }
}

const EMPTY: Readonly<Record<string, string | null>> = Object.freeze({});
