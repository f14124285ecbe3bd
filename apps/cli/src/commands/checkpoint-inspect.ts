/**
 * `weir checkpoint inspect <dir>`: what a query's checkpoint holds — its metadata id, the batches
 * in the offset and commit logs, the last batch's offsets, the watermark, and source/state dirs.
 * Read-only: it never repairs or writes anything.
 */
import type { Command } from 'commander';
import { joinPath, listAll } from '@weir/core';
import { createNodeEngine } from '@weir/node';
import { CommitLog, OffsetSeqLog, readStreamMetadata } from '@weir/streaming';
import { checkpointCommand } from './checkpoint.js';

export interface CheckpointReport {
  readonly checkpoint: string;
  readonly id: string | null;
  readonly offsetBatches: readonly number[];
  readonly commitBatches: readonly number[];
  readonly lastOffsetBatch: number | null;
  readonly lastCommittedBatch: number | null;
  /** True when the last planned batch has no commit: a restart re-runs it with the same offsets. */
  readonly pendingBatch: number | null;
  readonly lastOffsets: readonly unknown[] | null;
  readonly batchWatermarkMs: number | null;
  readonly batchTimestampMs: number | null;
  readonly nextBatchWatermarkMs: number | null;
  readonly conf: Readonly<Record<string, string>> | null;
  readonly sources: readonly string[];
  readonly stateOperators: readonly string[];
}

/** Reads a checkpoint directory into a report (the command's `--json` output). */
export async function inspectCheckpoint(dir: string): Promise<CheckpointReport> {
  const engine = createNodeEngine();
  try {
    const storage = engine.storage;
    const meta = await readStreamMetadata(storage, dir);
    const offsets = new OffsetSeqLog(storage, joinPath(dir, 'offsets'));
    const commits = new CommitLog(storage, joinPath(dir, 'commits'));
    const offsetBatches = await offsets.listBatchIds();
    const commitBatches = await commits.listBatchIds();
    const lastOffset = await offsets.getLatest();
    const lastCommit = await commits.getLatest();
    const subdirs = async (sub: string): Promise<string[]> => {
      const names = new Set<string>();
      const root = joinPath(dir, sub);
      for (const f of await listAll(storage, root, { recursive: true })) {
        const rest = f.path.slice(root.length + 1);
        const first = rest.split('/')[0];
        if (first && rest.includes('/')) names.add(first);
      }
      return [...names].sort();
    };
    return {
      checkpoint: dir,
      id: meta?.id ?? null,
      offsetBatches,
      commitBatches,
      lastOffsetBatch: lastOffset?.[0] ?? null,
      lastCommittedBatch: lastCommit?.[0] ?? null,
      pendingBatch: lastOffset && (!lastCommit || lastCommit[0] < lastOffset[0]) ? lastOffset[0] : null,
      lastOffsets: lastOffset ? [...lastOffset[1].offsets] : null,
      batchWatermarkMs: lastOffset?.[1].metadata.batchWatermarkMs ?? null,
      batchTimestampMs: lastOffset?.[1].metadata.batchTimestampMs ?? null,
      nextBatchWatermarkMs: lastCommit?.[1].nextBatchWatermarkMs ?? null,
      conf: lastOffset?.[1].metadata.conf ?? null,
      sources: await subdirs('sources'),
      stateOperators: await subdirs('state'),
    };
  } finally {
    await engine.tasks.close();
  }
}

function iso(ms: number | null): string {
  return ms === null ? '-' : `${ms} (${new Date(ms).toISOString()})`;
}

function formatReport(r: CheckpointReport): string {
  const range = (ids: readonly number[]) => (ids.length === 0 ? 'none' : `${ids.length} (${ids[0]}…${ids[ids.length - 1]})`);
  const lines = [
    `checkpoint:        ${r.checkpoint}`,
    `query id:          ${r.id ?? '(no metadata file)'}`,
    `offset log:        ${range(r.offsetBatches)}`,
    `commit log:        ${range(r.commitBatches)}`,
    `last planned:      ${r.lastOffsetBatch ?? '-'}`,
    `last committed:    ${r.lastCommittedBatch ?? '-'}`,
    `pending batch:     ${r.pendingBatch === null ? 'none' : `${r.pendingBatch} (re-runs on restart with the same offsets)`}`,
    `batch watermark:   ${iso(r.batchWatermarkMs)}`,
    `next watermark:    ${iso(r.nextBatchWatermarkMs)}`,
    `batch timestamp:   ${iso(r.batchTimestampMs)}`,
  ];
  (r.lastOffsets ?? []).forEach((o, i) => lines.push(`source ${i} offset:   ${o === null ? '-' : JSON.stringify(o)}`));
  if (r.conf) for (const [k, v] of Object.entries(r.conf)) lines.push(`conf:              ${k}=${v}`);
  lines.push(`sources dirs:      ${r.sources.join(', ') || '-'}`);
  lines.push(`state operators:   ${r.stateOperators.join(', ') || '-'}`);
  return lines.join('\n') + '\n';
}

export function registerCheckpointInspectCommand(program: Command): void {
  checkpointCommand(program)
    .command('inspect')
    .description('Show a streaming checkpoint: query id, batches, last offsets and commits, watermark')
    .argument('<dir>', 'the checkpointLocation directory')
    .option('--json', 'print the report as JSON')
    .action(async (dir: string, opts: { json?: boolean }) => {
      const report = await inspectCheckpoint(dir);
      process.stdout.write(opts.json ? JSON.stringify(report, null, 2) + '\n' : formatReport(report));
    });
}

