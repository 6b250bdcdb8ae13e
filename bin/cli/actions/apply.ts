/** What `ai-optout apply` does (commands/apply.ts declares it). */
import type { Mode } from '../../../lambdas/domain/contract.ts';
import {
  ConfigurationError,
  EXIT_DRIFT,
  EXIT_ERROR,
  exitCodeForVerdict,
} from '../../../lambdas/domain/errors.ts';
import { preflightRefusal } from '../../../lambdas/domain/planner/preflight.ts';
import type { Plan } from '../../../lambdas/domain/planner.ts';
import { plural } from '../../../lambdas/domain/plural.ts';
import { nextSteps } from '../../../lambdas/domain/report/next-steps.ts';
import type { ApplyResult } from '../../../lambdas/organization-session.ts';
import type { ApplyFlags } from '../commands/apply.ts';
import type { CliIo } from '../io.ts';
import { type GlobalFlags, loadForPlanning, reportOptions } from '../planning.ts';
import type { CommandContext } from '../program.ts';
import { describeStep, type ReportOptions, render } from '../report.ts';

export async function apply(
  options: ApplyFlags,
  command: GlobalFlags,
  { io, setExit, stop }: CommandContext,
): Promise<void> {
  const { file, state, planOptions } = await loadForPlanning(io, options);
  refuseAudit(options.mode, state.mode, file);
  // The AWS SDK is loaded only when the action runs.
  const [{ liveSession }, { actionableChanges }] = await Promise.all([
    import('../live.ts'),
    import('../../../lambdas/organization-session.ts'),
  ]);
  // Text goes to stdout with the progress; other formats keep stdout for the report alone.
  const progress = options.format === 'text' ? io.stdout : io.stderr;
  const onStep = (step: Parameters<typeof describeStep>[0]) => progress(`${describeStep(step)}\n`);
  const session = liveSession(io, options, stop, { onStep });
  const report = reportOptions(options, command);
  // A bedrock: section: its policies are read too, and its guardrails go through pre-flight, so that
  // the plan, apply and the plan after apply all judge them (a failed guardrail: nothing is written).
  const snapshot = await session.readFor(state);
  const preflight = await session.preflight(state, snapshot);
  const applyOptions = preflight ? { ...planOptions, preflight } : planOptions;
  const planned = session.plan(state, await session.confirm(snapshot), applyOptions);
  const before = planned.plan;
  const todo = actionableChanges(before).length;
  if (options.format === 'text') io.stdout(render(before, report, io));
  // Refused before anyone is asked to confirm, and whether or not there is anything to write: a failed
  // guardrail is said in one sentence, never as "Nothing to apply".
  const refusal = preflightRefusal(before);
  if (refusal) {
    refuse(refusal, before, report, io);
    setExit(EXIT_DRIFT);
    return;
  }
  if (todo === 0) {
    progress('\nNothing to apply.\n');
    // `applied` is always in the JSON report: empty when there was nothing to apply.
    if (options.format !== 'text') io.stdout(render(before, report, io, { applied: [] }));
    setExit(exitCodeForVerdict(before.verdict));
    return;
  }
  if (!options.yes && !(await confirmed(io, todo, before))) {
    io.stderr('Apply cancelled; nothing was changed.\n');
    setExit(EXIT_ERROR);
    return;
  }
  progress(`\nApplying ${plural(todo, 'change')}:\n`);
  const result = await session.apply(state, planned, applyOptions);
  if (result.refused) {
    refuse(result.refused, before, report, io);
    setExit(EXIT_DRIFT);
    return;
  }
  printApplied(result, actionableChanges(result.after).length, report, io, progress);
  setExit(exitCodeForVerdict(result.after.verdict));
}

/**
 * `mode: audit` means nothing is written, by anyone: apply refuses before it calls AWS at all, unless
 * `--mode enforce` names the override (the pipeline's ceiling is the deployment's business, not this).
 */
function refuseAudit(flag: Mode | undefined, fileMode: Mode, file: string): void {
  if ((flag ?? fileMode) === 'enforce') return;
  const why = flag ? '--mode audit was given' : `${file} is in audit mode (mode: audit, or no mode)`;
  throw new ConfigurationError(
    `apply writes nothing in audit mode, and ${why}: set mode: enforce in the file, or pass --mode enforce to apply it anyway`,
  );
}

/**
 * A guardrail of the plan failed pre-flight: one sentence naming it and its first failed check, on
 * standard error; the report (other formats) says nothing was applied.
 */
function refuse(refusal: string, before: Plan, report: ReportOptions, io: CliIo): void {
  if (report.format !== 'text') io.stdout(render(before, report, io, { applied: [] }));
  io.stderr(`error: apply refused, ${refusal}\n`);
}

/** Asks on the terminal; only `yes` applies. Off a terminal, --yes is required. */
async function confirmed(io: CliIo, todo: number, before: Plan): Promise<boolean> {
  if (!io.interactive) {
    throw new ConfigurationError(
      `apply needs confirmation: standard input is not a terminal, so pass --yes to apply ${plural(todo, 'change')} to ${before.organization.id}`,
    );
  }
  const answer = await io.ask(
    `\nApply ${plural(todo, 'change')} to organization ${before.organization.id}? Only 'yes' is accepted: `,
  );
  return answer.trim() === 'yes';
}

/** After apply: in text, how it was verified and what is left; otherwise the report with its steps. */
function printApplied(
  result: ApplyResult,
  left: number,
  report: ReportOptions,
  io: CliIo,
  progress: (text: string) => void,
): void {
  if (report.format !== 'text') {
    io.stdout(render(result.after, report, io, { applied: result.steps }));
    return;
  }
  const made = result.steps.filter((step) => step.outcome === 'done').length;
  progress(
    `\nApplied ${plural(made, 'change')}; verified by reading the organization again (${plural(result.rereads, 'read')}).\n`,
  );
  // What AWS says of the effective policies as apply left them, every policy type asked.
  if (result.after.fidelity?.source === 'aws') {
    progress(`Confirmed by AWS (DescribeEffectivePolicy): ${result.after.fidelity.summary}.\n`);
  }
  if (result.converged) io.stdout(`${result.after.summary}\n`);
  else {
    progress(`Changes still planned after apply (${left}); run apply again or read the plan below:\n`);
    io.stdout(render(result.after, report, io));
  }
  io.stdout(`${nextSteps(result.after, 'apply').join('\n')}\n`);
}
