/** The `ai-optout` program itself: its name, its global options and how it prints and exits. */
import { Command } from '@commander-js/extra-typings';
import { packageVersion } from '../../lambdas/adapters/package-root.ts';
import { cutLines } from './flags.ts';
import type { CliIo } from './io.ts';

export function createProgram(io: CliIo) {
  return new Command()
    .name('ai-optout')
    .description(
      "Keeps AWS Organizations AI services opt-out policies in the state declared in ai-optout.yaml: validates the file, computes every account's effective setting, plans and applies the difference. Docs: docs/cli.md",
    )
    .version(packageVersion(), '-V, --version', 'print the version')
    .option('--debug', 'print stack traces on errors')
    .option('--no-color', 'plain text output')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (s) => io.stdout(s),
      writeErr: (s) => io.stderr(s),
      outputError: (s, write) => write(cutLines(s)),
    })
    .exitOverride();
}

/** The program the commands are added to (their global options typed). */
export type Program = ReturnType<typeof createProgram>;

/** The flags of a command as its declaration types them, for the action that reads them. */
export type FlagsOf<Declare extends (program: Program) => { opts(): unknown }> = ReturnType<
  ReturnType<Declare>['opts']
>;

/** What every command's action needs besides its options. */
export interface CommandContext {
  io: CliIo;
  setExit(code: number): void;
  /** Aborts when the command ends: calls still in flight end with it. */
  stop: AbortSignal;
}
