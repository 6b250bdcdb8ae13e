/**
 * What the job reports to CodePipeline: a summary line first, then the most important changes and
 * violations, then "… and N more", always within the API's limits (summary 2,048 characters, failure
 * message 5,000: [CP-JOB-RESULT-LIMITS]), plus the output variables downstream stages test.
 */
import type { Mode, OutputVariable } from '../domain/contract.ts';
import type { Plan } from '../domain/planner.ts';
import type { ApplyResult } from '../reconciler.ts';

export const SUMMARY_LIMIT = 2048;
export const MESSAGE_LIMIT = 5000;

type OutputVariables = Record<OutputVariable, string>;

export function outputVariables(plan: Plan, mode: Mode): OutputVariables {
  return {
    VERDICT: plan.verdict,
    CHANGES: String(plan.changes.length),
    VIOLATIONS: String(plan.violations.length),
    EFFECTIVE_CHANGES: String(plan.effectiveChanges.length),
    ACCOUNTS: String(plan.accounts.total),
    MODE: mode,
  };
}

/** The first line a release manager reads; it names the configuration revision checked, when known. */
export function headline(plan: Plan, mode: Mode, applied?: ApplyResult, revision?: string): string {
  const checked = `(mode ${mode}${revision ? `, configuration revision ${revision}` : ''})`;
  if (!applied) return `${plan.summary} ${checked}`;
  const done = applied.steps.filter((s) => s.outcome === 'done').length;
  const what =
    applied.steps.length === 0 ? 'nothing to apply' : `applied ${done} of ${applied.steps.length} steps`;
  const converged = applied.converged ? '' : '; apply did not converge';
  return `${what}${converged}; now ${plan.summary} ${checked}`;
}

/** The detail lines after the headline, most important first. */
export function detailLines(plan: Plan): string[] {
  const lines: string[] = [];
  for (const change of plan.changes) {
    const subject = change.policy ? `${change.action} ${change.policy}` : change.action;
    lines.push(`${subject}${change.target ? ` → ${change.target.path}` : ''}: ${change.detail}`);
  }
  for (const violation of plan.violations) {
    lines.push(
      `violation: ${violation.accountName} (${violation.accountId}) in ${violation.path}: ${violation.service} is ${violation.actual} (${violation.causeDetail})`,
    );
  }
  for (const warning of plan.warnings) lines.push(`warning: ${warning.message}`);
  return lines;
}

/** Joins lines under `limit` characters, ending with "… and N more" when some do not fit. */
export function fitLines(first: string, lines: readonly string[], limit: number): string {
  const head = first.length > limit ? `${first.slice(0, limit - 1)}…` : first;
  let text = head;
  for (let i = 0; i < lines.length; i++) {
    const rest = lines.length - i - 1;
    const candidate = `${text}\n${lines[i]}`;
    const reserve = rest > 0 ? `\n… and ${rest} more`.length : 0;
    if (candidate.length + reserve > limit) {
      const more = `\n… and ${lines.length - i} more`;
      return text.length + more.length <= limit ? text + more : text;
    }
    text = candidate;
  }
  return text;
}
