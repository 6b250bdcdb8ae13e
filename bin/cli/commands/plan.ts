/** `ai-optout plan`: compares the desired state with the organization, live or a snapshot (exit 0 in-sync, 2 drift, 1 error). */
import { DEFAULT_MAX_SNAPSHOT_AGE } from '../../../lambdas/domain/snapshot-age.ts';
import { durationOption } from '../flags.ts';
import { addLiveOptions, addPlanningOptions, outOption, PLAN_FORMATS } from '../options.ts';
import type { CommandContext, FlagsOf, Program } from '../program.ts';

function planCommand(program: Program) {
  return addLiveOptions(addPlanningOptions(program.command('plan'), PLAN_FORMATS))
    .description('compare the desired state with the organization (exit 0 in-sync, 2 drift, 1 error)')
    .option(
      '-s, --snapshot <file-or-url>',
      'plan against an organization snapshot instead of the live organization: a file, or s3://bucket/key (the snapshot the pipeline publishes)',
    )
    .addOption(
      durationOption(
        '--max-snapshot-age <age>',
        `how old the snapshot may be, such as 7d, 36h or 90m: beyond it an error (without the flag, a warning beyond ${DEFAULT_MAX_SNAPSHOT_AGE})`,
      ),
    )
    .option(
      '--base-config <file>',
      "the desired state at the pull request's base: the report adds what the pull request itself changes",
    )
    .addOption(outOption('write the report to a file and print only the summary'));
}

export type PlanFlags = FlagsOf<typeof planCommand>;

export function addPlanCommand(program: Program, context: CommandContext): void {
  planCommand(program).action(async (options, command) =>
    (await import('../actions/plan.ts')).plan(options, command, context),
  );
}
