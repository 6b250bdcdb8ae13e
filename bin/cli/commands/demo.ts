/** `ai-optout demo`: plans the bundled example configuration against the bundled example organization (no AWS access; exit 0). */
import { formatOption, limitOption } from '../options.ts';
import type { CommandContext, FlagsOf, Program } from '../program.ts';

function demoCommand(program: Program) {
  return program
    .command('demo')
    .description(
      'plan the bundled example configuration against the bundled example LZA organization (no AWS access)',
    )
    .addOption(formatOption())
    .addOption(limitOption());
}

export type DemoFlags = FlagsOf<typeof demoCommand>;

export function addDemoCommand(program: Program, context: CommandContext): void {
  demoCommand(program).action(async (options, command) =>
    (await import('../actions/demo.ts')).demo(options, command, context),
  );
}
