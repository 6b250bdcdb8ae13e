/** `ai-optout plan`: compares the desired state with the organization, live or a snapshot (exit 0 in-sync, 2 drift, 1 error). */
import {
  ConfigurationError,
  describeError,
  EXIT_ERROR,
  exitCodeForVerdict,
} from '../../../lambdas/domain/errors.ts';
import { DEFAULT_MAX_SNAPSHOT_AGE } from '../../../lambdas/domain/snapshot-age.ts';
import { durationOption, refuseToOverwrite } from '../flags.ts';
import { addLiveOptions, addPlanningOptions, isReviewFormat, outOption, PLAN_FORMATS } from '../options.ts';
import { planForReview } from '../plan-sources.ts';
import { loadForPlanning, reportOptions } from '../planning.ts';
import type { CommandContext, Program } from '../program.ts';
import { emitReport, emitText, renderFindings } from '../report.ts';

export function addPlanCommand(program: Program, { io, setExit, stop }: CommandContext): void {
  addLiveOptions(addPlanningOptions(program.command('plan'), PLAN_FORMATS))
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
    .addOption(outOption('write the report to a file and print only the summary'))
    .action(async (options, command) => {
      if (options.out)
        await refuseToOverwrite(options.out, [
          { flag: '--config', path: options.config },
          { flag: '--snapshot', path: options.snapshot },
          { flag: '--base-config', path: options.baseConfig },
        ]);
      try {
        const { state, planOptions, diagnostics } = await loadForPlanning(io, options);
        const { plan: result, snapshot } = await planForReview(io, state, options, planOptions, stop);
        await emitReport(result, reportOptions(options, command), io, { state, snapshot, diagnostics });
        setExit(exitCodeForVerdict(result.verdict));
      } catch (error) {
        // Pull-request tools read the configuration error at its place in the file, then it fails as always.
        if (!(error instanceof ConfigurationError) || !isReviewFormat(options.format)) throw error;
        const text = renderFindings(options.format, options.config, { diagnostics: [], error });
        await emitText(text, error.message, options.out, io);
        io.stderr(`error: ${describeError(error)}\n`);
        setExit(EXIT_ERROR);
      }
    });
}
