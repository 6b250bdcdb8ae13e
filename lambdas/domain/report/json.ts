import type { Plan } from '../planner/schema.ts';
import type { AppliedStepReport, Report } from './schema.ts';

/** What the report says about the run beyond the plan. */
export interface ReportContext {
  /** The configuration revision checked (the pipeline's source revision), when known. */
  readonly revision?: string | undefined;
  /** What started the run (the pipeline's `trigger` variable), when known. */
  readonly trigger?: string | undefined;
}

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
