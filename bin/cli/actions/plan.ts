/** What `ai-optout plan` does (commands/plan.ts declares it). */
import {
  ConfigurationError,
  describeError,
  EXIT_ERROR,
  exitCodeForVerdict,
} from '../../../lambdas/domain/errors.ts';
import { escapeTextLines } from '../../../lambdas/domain/report/escape.ts';
import { nextSteps } from '../../../lambdas/domain/report/next-steps.ts';
import { REPORTS } from '../../../lambdas/domain/report/registry.ts';
import type { PlanFlags } from '../commands/plan.ts';
import { chooseConfig } from '../config-file.ts';
import { checkOut } from '../out-file.ts';
import { planForReview } from '../plan-sources.ts';
import { type GlobalFlags, loadForPlanning, reportOptions } from '../planning.ts';
import type { CommandContext } from '../program.ts';
import { emitReport, emitText, renderCheck } from '../report.ts';

export async function plan(
  options: PlanFlags,
  command: GlobalFlags,
  { io, setExit, stop }: CommandContext,
): Promise<void> {
  const config = await chooseConfig(io, options.config);
  if (options.out)
    await checkOut(options.out, {
      inputs: [
        { flag: '--config', path: config },
        { flag: '--snapshot', path: options.snapshot },
        { flag: '--base-config', path: options.baseConfig },
      ],
    });
  try {
    const { state, planOptions, diagnostics } = await loadForPlanning(io, { ...options, config });
    const { plan: result, snapshot } = await planForReview(io, state, options, planOptions, stop);
    await emitReport(result, reportOptions(options, command), io, { state, snapshot, diagnostics });
    if (options.format === 'text') io.stdout(`${nextSteps(result, 'plan').join('\n')}\n`);
    setExit(exitCodeForVerdict(result.verdict));
  } catch (error) {
    // Pull-request tools read the configuration error at its place in the file, then it fails as always.
    if (!(error instanceof ConfigurationError) || REPORTS.get(options.format).kind !== 'review') throw error;
    const { output } = renderCheck(options.format, { file: config, diagnostics: [], error });
    await emitText(output, error.message, options.out, io);
    io.stderr(`error: ${escapeTextLines(describeError(error))}\n`);
    setExit(EXIT_ERROR);
  }
}
