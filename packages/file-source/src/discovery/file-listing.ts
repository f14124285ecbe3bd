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

  /**
   * Lists matching files, sorted by path; with `startAfter`, only paths after it (incremental
   * listing). `accept(path, modificationTime)` drops files early (e.g. already seen) so that a
   * steady-state listing of a large directory allocates almost nothing per known file.
   */
  async list(startAfter?: string, limit = Infinity, accept?: (path: string, modificationTime: number) => boolean): Promise<DiscoveredFile[]> {
    const out: DiscoveredFile[] = [];
    const base = this.#pattern.baseDir;
    const prefixLen = base === '/' ? 1 : base.length + 1;
    const segs = this.#pattern.segments;
    const nameFilter = this.#nameFilter;
    const { modifiedAfterMs: after, modifiedBeforeMs: before } = this.#filter;
    const options = startAfter === undefined ? { recursive: true } : { recursive: true, startAfter };
    let last = this.lastListedPath;
    for await (const f of this.#storage.list(base, options)) {
      const path = f.path;
      if (last === undefined || path > last) last = path;
      if (accept !== undefined && !accept(path, f.modificationTime)) continue;
      if (after !== undefined && !(f.modificationTime > after)) continue;
      if (before !== undefined && !(f.modificationTime < before)) continue;
      // Walk the segments below the base without splitting: hidden names, glob segments, key=value dirs.
      let ok = true;
      let partitionValues: Record<string, string | null> | undefined;
      let segStart = prefixLen;
      let depth = 0;
      for (;;) {
        const slash = path.indexOf('/', segStart);
        const isDir = slash >= 0;
        const part = path.slice(segStart, isDir ? slash : path.length);
        const c = part.charCodeAt(0);
        if (c === 46 /* . */ || (c === 95 /* _ */ && isHiddenSegment(part, isDir))) {
          ok = false;
          break;
        }
        if (depth < segs.length && !(segs[depth] as RegExp).test(part)) {
          ok = false;
          break;
        }
        depth++;
        if (!isDir) {
          if (nameFilter !== null && !nameFilter.test(part)) ok = false;
          break;
        }
        const eq = part.indexOf('=');
        if (eq > 0) (partitionValues ??= {})[part.slice(0, eq)] = decodeValue(part.slice(eq + 1));
        segStart = slash + 1;
      }
      if (!ok || depth < segs.length) continue;
      out.push({ path, size: f.size, modificationTime: f.modificationTime, partitionValues: partitionValues ?? EMPTY });
      if (out.length >= limit) break;
    }
    this.lastListedPath = last;
    return out;
  }
}

const EMPTY: Readonly<Record<string, string | null>> = Object.freeze({});
