/** `ai-optout snapshot`: reads the organization into a snapshot file, for plan --snapshot (exit 0, or 1 on error). */
import { Option } from '@commander-js/extra-typings';
import { addLiveOptions, outOption } from '../options.ts';
import type { CommandContext, FlagsOf, Program } from '../program.ts';

function snapshotCommand(program: Program) {
  return addLiveOptions(program.command('snapshot'))
    .description('read the organization into a snapshot file, for plan --snapshot (exit 0, or 1 on error)')
    .addOption(outOption('write to this file instead of standard output'))
    .addOption(
      // No default file: a snapshot serves any file, and reading one nobody named could fail the command.
      new Option(
        '-c, --config <file>',
        'the desired-state file the snapshot will be planned with: when it has a bedrock: section, the Bedrock policies are captured too (without --config: the AI opt-out policies only)',
      ),
    );
}

export type SnapshotFlags = FlagsOf<typeof snapshotCommand>;

export function addSnapshotCommand(program: Program, context: CommandContext): void {
  snapshotCommand(program).action(async (options) =>
    (await import('../actions/snapshot.ts')).snapshot(options, context),
  );
}
