/**
 * The `ai-optout` command line (docs/cli.md). Thin: the program (program.ts) with one module per
 * command (commands/); this file runs it and maps its end onto an exit code: the command's own
 * (0 in-sync or valid, 2 drift), or 1 for any error, printed as one sentence (a stack trace with --debug).
 */
import { CommanderError } from '@commander-js/extra-typings';
import { describeError, EXIT_OK, exitCodeFor } from '../../lambdas/domain/errors.ts';
import { escapeTextLines } from '../../lambdas/domain/report/escape.ts';
import { addApplyCommand } from './commands/apply.ts';
import { addDemoCommand } from './commands/demo.ts';
import { addPlanCommand } from './commands/plan.ts';
import { addSnapshotCommand } from './commands/snapshot.ts';
import { addValidateCommand } from './commands/validate.ts';
import { FLAG_ERROR } from './flags.ts';
import { type CliIo, defaultIo } from './io.ts';
import { type CommandContext, createProgram, type Program } from './program.ts';

function buildProgram(context: CommandContext): Program {
  const program = createProgram(context.io);
  for (const add of [addValidateCommand, addPlanCommand, addApplyCommand, addSnapshotCommand, addDemoCommand])
    add(program, context);
  return program;
}

/**
 * Commander's own ends that are not errors: help asked for and version shown. A bare `ai-optout` is
 * commander's `commander.help` with exit code 1: usage on stderr, as for any other missing argument.
 */
const COMMANDER_SUCCESS = new Set(['commander.helpDisplayed', 'commander.version']);

/** The stack's frames alone: its first lines repeat the message already printed. */
function stackFrames(error: unknown): string | undefined {
  if (!(error instanceof Error) || !error.stack) return undefined;
  const frames = error.stack.split('\n').filter((line) => /^\s+at /.test(line));
  return frames.length > 0 ? frames.join('\n') : undefined;
}

/** Runs the CLI and returns the exit code; never throws. */
export async function main(argv: readonly string[], io: CliIo = defaultIo): Promise<number> {
  let exitCode = EXIT_OK;
  const stop = new AbortController();
  const program = buildProgram({
    io,
    setExit: (code) => {
      exitCode = code;
    },
    stop: stop.signal,
  });
  try {
    await program.parseAsync([...argv]);
    return exitCode;
  } catch (error) {
    // Commander has printed its own errors; ours (a flag value the CLI checks itself) are printed here.
    if (error instanceof CommanderError && error.code !== FLAG_ERROR)
      return COMMANDER_SUCCESS.has(error.code) ? EXIT_OK : exitCodeFor(error);
    // Errors quote names and values from files and the organization: their control characters are shown, not run.
    io.stderr(`error: ${escapeTextLines(describeError(error))}\n`);
    const frames = program.opts().debug ? stackFrames(error) : undefined;
    if (frames) io.stderr(`${frames}\n`);
    return exitCodeFor(error);
  } finally {
    // Calls still in flight (siblings of one that failed) end with the command.
    stop.abort(new Error('the command has ended'));
  }
}
