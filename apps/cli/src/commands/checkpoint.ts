/**
 * The `weir checkpoint` parent command. Subcommands (`inspect`, `state`) attach to it through
 * {@link checkpointCommand}, so each lives in its own file and registers independently.
 */
import type { Command } from 'commander';

/** Returns the program's `checkpoint` command, creating it on first use. */
export function checkpointCommand(program: Command): Command {
  const existing = program.commands.find((c) => c.name() === 'checkpoint');
  if (existing) return existing;
  return program.command('checkpoint').description('Inspect streaming checkpoints (offsets, commits, state)');
}
