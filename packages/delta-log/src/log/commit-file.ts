/**
 * Reading and writing one commit file: newline-delimited JSON, one action per line.
 */
import { utf8Decode, utf8Encode } from '@weir/core';
import { DeltaErrors } from '../errors.js';
import { actionKey, type Action } from '../actions/actions.js';

/**
 * Parses a commit file's bytes into its known actions, in file order. Blank lines are skipped;
 * actions of unknown type are ignored, as the spec requires of readers. A line that is not a JSON
 * object (e.g. a truncated write) fails with `DELTA_LOG_FILE_CORRUPT` — never a silent partial commit.
 */
export function parseCommitFile(bytes: Uint8Array, file: string): Action[] {
  const text = utf8Decode(bytes);
  const out: Action[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (line.length === 0) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (cause) {
      throw DeltaErrors.DELTA_LOG_FILE_CORRUPT({ file, line: i + 1, reason: 'not valid JSON' }, { cause });
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw DeltaErrors.DELTA_LOG_FILE_CORRUPT({ file, line: i + 1, reason: 'not a JSON object' });
    }
    const key = actionKey(parsed as Record<string, unknown>);
    if (key === undefined) continue;
    const body = (parsed as Record<string, unknown>)[key];
    if (typeof body !== 'object' || body === null) {
      throw DeltaErrors.DELTA_LOG_FILE_CORRUPT({ file, line: i + 1, reason: `${key} is not an object` });
    }
    validateAction(key, body as Record<string, unknown>, file, i + 1);
    out.push({ [key]: body } as unknown as Action);
  }
  return out;
}

const REQUIRED: Partial<Record<string, readonly string[]>> = {
  add: ['path'],
  remove: ['path'],
  cdc: ['path'],
  txn: ['appId', 'version'],
  protocol: ['minReaderVersion', 'minWriterVersion'],
  domainMetadata: ['domain'],
};

function validateAction(key: string, body: Record<string, unknown>, file: string, line: number): void {
  for (const f of REQUIRED[key] ?? []) {
    if (body[f] === undefined || body[f] === null) {
      throw DeltaErrors.DELTA_LOG_FILE_CORRUPT({ file, line, reason: `${key} has no ${f}` });
    }
  }
  if ((key === 'add' || key === 'remove' || key === 'cdc') && typeof body['path'] !== 'string') {
    throw DeltaErrors.DELTA_LOG_FILE_CORRUPT({ file, line, reason: `${key}.path is not a string` });
  }
}

/** Serialises actions as a commit file: one JSON object per line, newline-terminated. */
export function serializeCommit(actions: readonly Action[]): Uint8Array {
  return utf8Encode(actions.map((a) => JSON.stringify(a)).join('\n') + '\n');
}
