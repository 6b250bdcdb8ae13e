/** What the commands print: reports in the format asked for (the report registry), diagnostics, apply steps. */
import type { AppliedStep } from '../../lambdas/adapters/organizations/applier.ts';
import { packageVersion } from '../../lambdas/adapters/package-root.ts';
import type { Diagnostic } from '../../lambdas/domain/diagnostics.ts';
import type { Plan } from '../../lambdas/domain/planner.ts';
import { escapeText, escapeTextLines } from '../../lambdas/domain/report/escape.ts';
import type { CheckInput, CheckOutput, ReportInput } from '../../lambdas/domain/report/format.ts';
import { type FormatName, REPORTS } from '../../lambdas/domain/report/registry.ts';
import { textDiagnostics } from '../../lambdas/domain/report/text.ts';
import type { CliIo } from './io.ts';
import { writeOut } from './out-file.ts';

export interface ReportOptions {
  format: FormatName;
  out?: string | undefined;
  limit?: number;
  /** Whether colours are wanted (`--no-color` turns them off); a terminal must take them too. */
  color: boolean;
}

export function printDiagnostics(io: CliIo, diagnostics: readonly Diagnostic[]): void {
  if (diagnostics.length > 0) io.stderr(textDiagnostics(diagnostics));
}

/** One apply step for the terminal (policy names and paths come from the file and the organization). */
export function describeStep(step: AppliedStep): string {
  const mark = step.outcome === 'done' ? '✓' : step.outcome === 'already-done' ? '=' : '·';
  return escapeText(
    `  ${mark} ${step.action} ${step.policy ?? ''}${step.policyType ? ` [${step.policyType}]` : ''}${step.targetPath ? ` → ${step.targetPath}` : ''}${step.outcome === 'done' ? '' : ` (${step.detail})`}`,
  );
}

/** What a command knows besides the plan: the desired state, the organization and the file's warnings (plan), the steps (apply). */
export type RunFacts = Pick<ReportInput, 'state' | 'snapshot' | 'diagnostics' | 'applied'>;

/**
 * What the CLI tells every format: the tool's version (SARIF), the working directory that findings' paths
 * are relative to (the repository root in CI).
 */
function tool(): Pick<ReportInput, 'toolVersion' | 'root'> {
  return { toolVersion: packageVersion(), root: process.cwd() };
}

/** The plan in the format asked for; colours only on a terminal that takes them, never into --out. */
export function render(plan: Plan, options: ReportOptions, io: CliIo, facts: RunFacts = {}): string {
  return REPORTS.get(options.format).render({
    plan,
    generatedAt: io.now(),
    limit: options.limit,
    color: options.color && io.color && !options.out,
    ...tool(),
    ...facts,
  });
}

/** A check of the file alone (validate, or a plan's configuration error) in a format that renders one. */
export function renderCheck(
  format: FormatName,
  check: Omit<CheckInput, 'toolVersion' | 'root'>,
): CheckOutput {
  const chosen = REPORTS.get(format);
  if (!chosen.renderCheck) throw new Error(`--format ${format} renders no check of the desired-state file`);
  return chosen.renderCheck({ ...check, ...tool() });
}

/** The report on standard output, or written to `--out` with only the summary printed. */
export async function emitReport(
  result: Plan,
  options: ReportOptions,
  io: CliIo,
  facts: RunFacts = {},
): Promise<void> {
  await emitText(render(result, options, io, facts), result.summary, options.out, io);
}

/** Text on standard output, or written to `out` with only the summary printed. */
export async function emitText(
  text: string,
  summary: string,
  out: string | undefined,
  io: CliIo,
): Promise<void> {
  if (out) {
    await writeOut(io, out, text);
    io.stdout(`${escapeTextLines(summary)}\nReport written to ${out}\n`);
  } else io.stdout(text);
}
