/** What `ai-optout snapshot` does (commands/snapshot.ts declares it). */
import { EXIT_OK } from '../../../lambdas/domain/errors.ts';
import { serializeSnapshot } from '../../../lambdas/domain/snapshot.ts';
import type { SnapshotFlags } from '../commands/snapshot.ts';
import { checkOut, writeOut } from '../out-file.ts';
import type { CommandContext } from '../program.ts';

export async function snapshot(options: SnapshotFlags, { io, setExit, stop }: CommandContext): Promise<void> {
  // Checked before the organization is read: an output that cannot take the snapshot costs no AWS call.
  if (options.out) await checkOut(options.out, { snapshot: true });
  // The AWS SDK is loaded only when the action runs.
  const { liveSession } = await import('../live.ts');
  const read = await liveSession(io, options, stop).read();
  if (options.out) {
    await writeOut(io, options.out, serializeSnapshot(read));
    io.stderr(
      `Wrote ${options.out}: ${read.accounts.length} accounts, ${read.organizationalUnits.length} OUs, ${read.policies.length} AI opt-out policies.\n`,
    );
  } else io.stdout(serializeSnapshot(read));
  setExit(EXIT_OK);
}
