/** What `ai-optout demo` does (commands/demo.ts declares it). */
import { join } from 'node:path';
import { readDesiredStateFile, readSnapshotFile } from '../../../lambdas/adapters/files.ts';
import { PACKAGE_ROOT } from '../../../lambdas/adapters/package-root.ts';
import { DEFAULT_VERIFY } from '../../../lambdas/domain/contract.ts';
import { EXIT_OK } from '../../../lambdas/domain/errors.ts';
import { snapshotVerification } from '../../../lambdas/domain/planner/fidelity.ts';
import { plan } from '../../../lambdas/domain/planner.ts';
import { nextSteps } from '../../../lambdas/domain/report/next-steps.ts';
import type { DemoFlags } from '../commands/demo.ts';
import { type GlobalFlags, reportOptions } from '../planning.ts';
import type { CommandContext } from '../program.ts';
import { emitReport } from '../report.ts';

/**
 * In the package's own folder, so `demo` finds the bundled example from any working directory. The
 * example is config/ai-optout.yaml with a `bedrock:` section: the deployed config leaves that out.
 */
const EXAMPLE_CONFIG = join(PACKAGE_ROOT, 'examples/ai-optout.yaml');
const EXAMPLE_SNAPSHOT = join(PACKAGE_ROOT, 'examples/lza-organization.snapshot.json');

export async function demo(
  options: DemoFlags,
  command: GlobalFlags,
  { io, setExit }: CommandContext,
): Promise<void> {
  const { state } = await readDesiredStateFile(EXAMPLE_CONFIG);
  const snapshot = await readSnapshotFile(EXAMPLE_SNAPSHOT);
  if (options.format === 'text') {
    io.stdout(
      'Demo: planning examples/ai-optout.yaml against examples/lza-organization.snapshot.json, an example LZA\n' +
        'organization with drift in it. No AWS credentials are used. Exit code: 0 (plan itself exits 2 on drift).\n\n',
    );
  }
  const verification = snapshotVerification(DEFAULT_VERIFY);
  const result = plan(state, snapshot, { verification });
  await emitReport(result, reportOptions(options, command), io);
  if (options.format === 'text') io.stdout(`${nextSteps(result, 'demo').join('\n')}\n`);
  setExit(EXIT_OK);
}
