/** What `ai-optout snapshot` does (commands/snapshot.ts declares it). */
import { readDesiredStateFile } from '../../../lambdas/adapters/files.ts';
import type { DesiredState } from '../../../lambdas/domain/desired-state/types.ts';
import { EXIT_OK } from '../../../lambdas/domain/errors.ts';
import type { OrgSnapshot } from '../../../lambdas/domain/model.ts';
import { capturesType, policiesOfType } from '../../../lambdas/domain/planner/existing-policies.ts';
import {
  BEDROCK_SECTION_POLICY_TYPE,
  VERSION_1_POLICY_TYPE,
} from '../../../lambdas/domain/policy-types/version-1.ts';
import { serializeSnapshot } from '../../../lambdas/domain/snapshot.ts';
import type { SnapshotFlags } from '../commands/snapshot.ts';
import { chooseConfig } from '../config-file.ts';
import type { CliIo } from '../io.ts';
import { checkOut, writeOut } from '../out-file.ts';
import type { CommandContext } from '../program.ts';
import { printDiagnostics } from '../report.ts';

export async function snapshot(options: SnapshotFlags, { io, setExit, stop }: CommandContext): Promise<void> {
  // Checked before the organization is read: an output that cannot take the snapshot, or a file that
  // cannot be planned, costs no AWS call.
  if (options.out) await checkOut(options.out, { snapshot: true });
  const desired = options.config === undefined ? undefined : await readDesired(io, options.config);
  // The AWS SDK is loaded only when the action runs.
  const { liveSession } = await import('../live.ts');
  const session = liveSession(io, options, stop);
  // A bedrock: section: its type's policies are read too (readFor), so `plan --snapshot` can plan it.
  const read = desired ? await session.readFor(desired) : await session.read();
  if (options.out) {
    await writeOut(io, options.out, serializeSnapshot(read));
    io.stderr(
      `Wrote ${options.out}: ${read.accounts.length} accounts, ${read.organizationalUnits.length} OUs, ${policyCounts(read)}.\n`,
    );
  } else io.stdout(serializeSnapshot(read));
  setExit(EXIT_OK);
}

async function readDesired(io: CliIo, flag: string): Promise<DesiredState> {
  const { state, diagnostics } = await readDesiredStateFile(await chooseConfig(io, flag));
  printDiagnostics(io, diagnostics);
  return state;
}

/** "3 AI opt-out policies", and the count of every other type the snapshot holds ("1 Bedrock policy"). */
function policyCounts(read: OrgSnapshot): string {
  const types = [VERSION_1_POLICY_TYPE.facts, BEDROCK_SECTION_POLICY_TYPE.facts];
  return types
    .filter((facts) => capturesType(read, facts))
    .map((facts) => {
      const count = policiesOfType(read, facts).length;
      return `${count} ${count === 1 ? facts.noun : facts.nounPlural}`;
    })
    .join(', ');
}
