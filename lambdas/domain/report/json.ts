import type { Plan } from '../planner/schema.ts';
import { defineFormat, type ReportContext } from './format.ts';
import type { AppliedStepReport, Report } from './schema.ts';

/** The plan as report JSON, version 1; after an apply, `applied` lists what each step did. */
export function toReport(
  plan: Plan,
  generatedAt: Date,
  applied?: readonly AppliedStepReport[],
  context: ReportContext = {},
): Report {
  return {
    reportVersion: 1,
    generatedAt: generatedAt.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    mode: plan.mode,
    organization: plan.organization,
    verdict: plan.verdict,
    summary: plan.summary,
    changes: plan.changes,
    effectiveChanges: plan.effectiveChanges,
    violations: plan.violations,
    accounts: plan.accounts,
    warnings: plan.warnings,
    ...(plan.fidelity ? { fidelity: plan.fidelity } : {}),
    ...(plan.preflight ? { preflight: plan.preflight } : {}),
    ...(context.revision ? { revision: context.revision } : {}),
    ...(plan.snapshot ? { snapshot: plan.snapshot } : {}),
    ...(plan.pullRequest ? { pullRequest: plan.pullRequest } : {}),
    ...(context.trigger ? { trigger: context.trigger } : {}),
    ...(applied ? { applied: applied.map((step) => ({ ...step })) } : {}),
  };
}

/** The report as two-space JSON text, newline-terminated. */
export function renderJson(...args: Parameters<typeof toReport>): string {
  return `${JSON.stringify(toReport(...args), null, 2)}\n`;
}

/** `--format json`: report JSON, version 1 (ReportSchema); for `validate`, the file's diagnostics. */
export const jsonFormat = defineFormat({
  name: 'json',
  kind: 'report',
  render: (input) => renderJson(input.plan, input.generatedAt, input.applied, input.run),
  renderCheck: ({ file, state, diagnostics }) => ({
    output: `${JSON.stringify({ file, valid: state !== undefined, diagnostics }, null, 2)}\n`,
  }),
  artifact: { file: 'report.json', contentType: 'application/json', latest: true },
});
