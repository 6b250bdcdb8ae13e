/** `ai-optout plan`: compares the desired state with the organization, live or a snapshot (exit 0 in-sync, 2 drift, 1 error). */
import { readSnapshotFile } from '../../../lambdas/adapters/files.ts';
import { exitCodeForVerdict } from '../../../lambdas/domain/errors.ts';
import { type Plan, plan } from '../../../lambdas/domain/planner.ts';
import { refuseToOverwrite } from '../flags.ts';
import { addLiveOptions, addPlanningOptions, outOption } from '../options.ts';
import { loadForPlanning, reportOptions } from '../planning.ts';
import type { CommandContext, Program } from '../program.ts';
import { emitReport } from '../report.ts';

export function addPlanCommand(program: Program, { io, setExit, stop }: CommandContext): void {
  addLiveOptions(addPlanningOptions(program.command('plan')))
    .description('compare the desired state with the organization (exit 0 in-sync, 2 drift, 1 error)')
    .option(
      '-s, --snapshot <file>',
      'plan against an organization snapshot file instead of the live organization',
    )
    .addOption(outOption('write the report to a file and print only the summary'))
    .action(async (options, command) => {
      if (options.out)
        await refuseToOverwrite(options.out, [
          { flag: '--config', path: options.config },
          { flag: '--snapshot', path: options.snapshot },
        ]);
      const { state, planOptions } = await loadForPlanning(io, options);
      let result: Plan;
      if (options.snapshot) {
        // A snapshot has no AWS to ask: the report says the effective policies are not confirmed.
        const verification = { source: 'snapshot', verify: options.verify } as const;
        result = plan(state, await readSnapshotFile(options.snapshot), { ...planOptions, verification });
      } else {
        // The AWS SDK is loaded only when the organization is read live.
        const [{ liveOptions }, { planLive }] = await Promise.all([
          import('../live.ts'),
          import('../../../lambdas/reconciler.ts'),
        ]);
        result = (await planLive(state, liveOptions(io, options, stop), planOptions)).plan;
      }
      await emitReport(result, reportOptions(options, command), io);
      setExit(exitCodeForVerdict(result.verdict));
    });
}
