import { StructType, WeirError, joinPath, listAll, utf8Decode, utf8Encode, type Storage } from '@weir/core';
import { FileSourceErrors } from '../errors.js';

/** One schema version of a file source, as recorded under `<schemaLocation>/_schemas/<version>`. */
export interface SchemaVersion {
  readonly version: number;
  /** The full source schema: data columns, partition columns, corrupt and rescued columns. */
  readonly schema: StructType;
  readonly partitionColumns: readonly string[];
  readonly rescuedDataColumn: string | null;
  /** Columns this version added over the previous one (empty for version 0). */
  readonly addedColumns: readonly string[];
}

const HEADER = 'v1';

/**
 * Auto Loader's schema log: version `n` is the file `_schemas/<n>` (`v1\n{json}`), written with
 * `put(ifAbsent)` so two writers cannot both claim a version. Versions are never rewritten.
 */
export class SchemaLog {
  readonly #storage: Storage;
  readonly #dir: string;
  readonly #cache = new Map<number, SchemaVersion>();

  constructor(storage: Storage, schemaLocation: string) {
    this.#storage = storage;
    this.#dir = joinPath(schemaLocation, '_schemas');
  }

  get dir(): string {
    return this.#dir;
  }

  async versions(): Promise<number[]> {
    const files = await listAll(this.#storage, this.#dir);
    return files
      .map((f) => f.path.slice(f.path.lastIndexOf('/') + 1))
      .filter((n) => /^\d+$/.test(n))
      .map(Number)
      .sort((a, b) => a - b);
  }

  async latest(): Promise<SchemaVersion | null> {
    const vs = await this.versions();
    const last = vs[vs.length - 1];
    return last === undefined ? null : this.get(last);
  }

  async get(version: number): Promise<SchemaVersion> {
    const hit = this.#cache.get(version);
    if (hit) return hit;
    const path = joinPath(this.#dir, String(version));
    const text = utf8Decode(await this.#storage.read(path));
    const nl = text.indexOf('\n');
    if (text.slice(0, nl) !== HEADER) throw FileSourceErrors.FILE_SOURCE_LOG_CORRUPT({ path, reason: `unsupported header "${text.slice(0, nl)}"` });
    let body: { schema: unknown; partitionColumns: string[]; rescuedDataColumn: string | null; addedColumns: string[] };
    try {
      body = JSON.parse(text.slice(nl + 1)) as typeof body;
    } catch (cause) {
      throw FileSourceErrors.FILE_SOURCE_LOG_CORRUPT({ path, reason: 'invalid JSON' }, { cause });
    }
    const v: SchemaVersion = Object.freeze({
      version,
      schema: StructType.fromJSON(body.schema),
      partitionColumns: Object.freeze([...body.partitionColumns]),
      rescuedDataColumn: body.rescuedDataColumn,
      addedColumns: Object.freeze([...body.addedColumns]),
    });
    this.#cache.set(version, v);
    return v;
  }

  /** Writes `version`; returns false (not an error) when another writer already wrote it. */
  async add(v: SchemaVersion): Promise<boolean> {
    const body = JSON.stringify({
      schema: v.schema,
      partitionColumns: v.partitionColumns,
      rescuedDataColumn: v.rescuedDataColumn,
      addedColumns: v.addedColumns,
    });
    try {
      await this.#storage.put(joinPath(this.#dir, String(v.version)), utf8Encode(`${HEADER}\n${body}`), { ifAbsent: true });
    } catch (e) {
      if (WeirError.hasCode(e, 'FILE_ALREADY_EXISTS')) return false;
      throw e;
    }
    this.#cache.set(v.version, v);
    return true;
  }
}
