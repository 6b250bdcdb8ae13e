/** What `ai-optout snapshot` does (commands/snapshot.ts declares it). */
import { writeSnapshotFile } from '../../../lambdas/adapters/files.ts';
import { EXIT_OK } from '../../../lambdas/domain/errors.ts';
import { serializeSnapshot } from '../../../lambdas/domain/snapshot.ts';
import type { SnapshotFlags } from '../commands/snapshot.ts';
import type { CommandContext } from '../program.ts';

export async function snapshot(options: SnapshotFlags, { io, setExit, stop }: CommandContext): Promise<void> {
  // The AWS SDK is loaded only when the action runs.
  const [{ liveOptions }, { readLive }] = await Promise.all([
    import('../live.ts'),
    import('../../../lambdas/reconciler.ts'),
  ]);
  const read = await readLive(liveOptions(io, options, stop));
  if (options.out) {
    await writeSnapshotFile(options.out, read);
    io.stderr(
      `Wrote ${options.out}: ${read.accounts.length} accounts, ${read.organizationalUnits.length} OUs, ${read.policies.length} AI opt-out policies.\n`,
    );
  } else io.stdout(serializeSnapshot(read));
  setExit(EXIT_OK);
}
