/** `ai-optout snapshot`: reads the organization into a snapshot file, for plan --snapshot (exit 0, or 1 on error). */
import { writeSnapshotFile } from '../../../lambdas/adapters/files.ts';
import { EXIT_OK } from '../../../lambdas/domain/errors.ts';
import { serializeSnapshot } from '../../../lambdas/domain/snapshot.ts';
import { addLiveOptions, outOption } from '../options.ts';
import type { CommandContext, Program } from '../program.ts';

export function addSnapshotCommand(program: Program, { io, setExit, stop }: CommandContext): void {
  addLiveOptions(program.command('snapshot'))
    .description('read the organization into a snapshot file, for plan --snapshot (exit 0, or 1 on error)')
    .addOption(outOption('write to this file instead of standard output'))
    .action(async (options) => {
      // The AWS SDK is loaded only when the action runs.
      const [{ liveOptions }, { readLive }] = await Promise.all([
        import('../live.ts'),
        import('../../../lambdas/reconciler.ts'),
      ]);
      const snapshot = await readLive(liveOptions(io, options, stop));
      if (options.out) {
        await writeSnapshotFile(options.out, snapshot);
        io.stderr(
          `Wrote ${options.out}: ${snapshot.accounts.length} accounts, ${snapshot.organizationalUnits.length} OUs, ${snapshot.policies.length} AI opt-out policies.\n`,
        );
      } else io.stdout(serializeSnapshot(snapshot));
      setExit(EXIT_OK);
    });
}
