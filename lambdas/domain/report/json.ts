import type { Plan } from '../planner.ts';
import type { Report } from './schema.ts';

/** The plan as report JSON, version 1. */
export function toReport(plan: Plan, generatedAt: Date): Report {
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
  };
}

export function renderJson(plan: Plan, generatedAt: Date): string {
  return `${JSON.stringify(toReport(plan, generatedAt), null, 2)}\n`;
}
