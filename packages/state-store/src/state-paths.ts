import { joinPath } from '@weir/core';

/**
 * Where state files live, parsed and formatted in ONE place:
 * `<checkpointLocation>/state/<operatorId>/<partition>/<version>.delta | <version>.snapshot`.
 */
export function storeDirectory(checkpointLocation: string, operatorId: number, partition: number): string {
  return joinPath(checkpointLocation, 'state', String(operatorId), String(partition));
}

export function operatorDirectory(checkpointLocation: string, operatorId: number): string {
  return joinPath(checkpointLocation, 'state', String(operatorId));
}

export type StateFileKind = 'delta' | 'snapshot';

export function stateFilePath(storeDir: string, version: number, kind: StateFileKind): string {
  return joinPath(storeDir, `${version}.${kind}`);
}

/** Parses a state file name (`12.delta`, `10.snapshot`); anything else (temp files, strays) → null. */
export function parseStateFileName(name: string): { version: number; kind: StateFileKind } | null {
  const m = /^(0|[1-9][0-9]*)\.(delta|snapshot)$/.exec(name);
  if (m === null) return null;
  const version = Number(m[1]);
  if (!Number.isSafeInteger(version)) return null;
  return { version, kind: m[2] as StateFileKind };
}

/** The last `/`-separated segment of a path. */
export function baseName(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? path : path.slice(i + 1);
}
