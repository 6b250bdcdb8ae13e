/** `ai-optout snapshot`: reads the organization into a snapshot file, for plan --snapshot (exit 0, or 1 on error). */
import { addLiveOptions, outOption } from '../options.ts';
import type { CommandContext, FlagsOf, Program } from '../program.ts';

function snapshotCommand(program: Program) {
  return addLiveOptions(program.command('snapshot'))
    .description('read the organization into a snapshot file, for plan --snapshot (exit 0, or 1 on error)')
    .addOption(outOption('write to this file instead of standard output'));
}

export type SnapshotFlags = FlagsOf<typeof snapshotCommand>;

export function addSnapshotCommand(program: Program, context: CommandContext): void {
  snapshotCommand(program).action(async (options) =>
    (await import('../actions/snapshot.ts')).snapshot(options, context),
  );
}
