/**
 * `ai-optout apply`: plans against the live organization, carries the plan out after confirmation,
 * then verifies by reading it again (exit 0 in sync, 2 still drifting, 1 error).
 */
import { addLiveOptions, addPlanningOptions } from '../options.ts';
import type { CommandContext, FlagsOf, Program } from '../program.ts';

function applyCommand(program: Program) {
  return addLiveOptions(addPlanningOptions(program.command('apply')))
    .description(
      'plan against the live organization, carry the plan out, then verify (exit 0 in sync, 2 still drifting, 1 error)',
    )
    .option('-y, --yes', 'apply without asking (required when standard input is not a terminal)');
}

export type ApplyFlags = FlagsOf<typeof applyCommand>;

export function addApplyCommand(program: Program, context: CommandContext): void {
  applyCommand(program).action(async (options, command) =>
    (await import('../actions/apply.ts')).apply(options, command, context),
  );
}
