/**
 * The `weir` command line. Thin by design: commander parses the arguments, then each command
 * calls a package. Every command lives in `commands/<name>.ts` and registers itself here.
 */
import { Command, CommanderError } from 'commander';
import { registerRunCommand } from './commands/run.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerCheckpointInspectCommand } from './commands/checkpoint-inspect.js';
import { registerCheckpointStateCommand } from './commands/checkpoint-state.js';
import { registerSimulateCommand } from './commands/simulate.js';
import { registerDeltaCommand } from './commands/delta.js';

export function buildProgram(): Command {
  const program = new Command('weir')
    .description('weir: Spark Structured Streaming + Auto Loader + Delta Lake semantics for Node.js')
    .showHelpAfterError()
    .exitOverride();
  // Commands register here, one line each: registerXCommand(program);
  registerRunCommand(program);
  registerDemoCommand(program);
  registerCheckpointInspectCommand(program);
  registerCheckpointStateCommand(program);
  registerSimulateCommand(program);
  registerDeltaCommand(program);
  return program;
}

/** Runs the CLI; returns the process exit code (2 for usage errors, as commander reports them). */
export async function main(argv: readonly string[] = process.argv): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv]);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    const e = err as { code?: string; message?: string };
    process.stderr.write(`${e.code ?? 'ERROR'}: ${e.message ?? String(err)}\n`);
    return 1;
  }
}
