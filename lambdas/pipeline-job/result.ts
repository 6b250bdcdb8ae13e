/**
 * The job's one result (`JobResult`, as CodePipeline's job API takes it), decided once: success with the
 * output variables downstream stages test, a continuation, or a failure of the type
 * lambdas/domain/errors.ts maps the error to. Its text is a summary line first, then the most important
 * changes and violations, then "… and N more", always within the API's limits (summary 2,048
 * characters, failure message 5,000: [CP-JOB-RESULT-LIMITS]).
 */
import type { JobResult } from '../adapters/codepipeline/job-results.ts';
import type { FailOn, Mode, OutputVariable } from '../domain/contract.ts';
import { echo } from '../domain/echo.ts';
import { ConfigurationError, describeError, type FailureType, failureTypeFor } from '../domain/errors.ts';
import type { Plan } from '../domain/planner.ts';
import { countsByType } from '../domain/type-counts.ts';
import type { ApplyResult } from '../organization-session.ts';
import type { Logger } from '../runtime/logger.ts';

export type { JobResult } from '../adapters/codepipeline/job-results.ts';

export const SUMMARY_LIMIT = 2048;
export const MESSAGE_LIMIT = 5000;

/** What fails the action under each `failOn` (an apply that did not converge fails under all three). */
export const FAILS_ON: Readonly<Record<FailOn, (plan: Plan) => boolean>> = {
  drift: (plan) => plan.verdict === 'drift',
  violations: (plan) => plan.violations.length > 0,
  never: () => false,
};

/** A finished run as its result needs it: the plan of the organization as it is now, and what apply did. */
export interface Decided {
  result: Plan;
  applied: ApplyResult | undefined;
  mode: Mode;
  failOn: FailOn;
  /** The configuration revision checked, when the input artifact names one. */
  revision: string | undefined;
  /** The policy types the run planned, AI opt-out's first (organization-session.ts, policyTypesFor). */
  policyTypes: readonly string[];
}

/** The result of a finished run: JobFailed per `failOn` (or an apply that did not converge), else success. */
export function decideResult({ result, applied, mode, failOn, revision, policyTypes }: Decided): JobResult {
  const first = headline(result, mode, applied, revision);
  const lines = detailLines(result);
  if ((applied && !applied.converged) || FAILS_ON[failOn](result)) return failure('JobFailed', first, lines);
  return {
    kind: 'success',
    summary: fitLines(first, lines, SUMMARY_LIMIT),
    variables: outputVariables(result, mode, policyTypes),
  };
}

/** The failure an error means, logged as the pipeline shows it: the message is cut to 5,000 characters. */
export function failureResult(error: unknown, log: Logger): Extract<JobResult, { kind: 'failure' }> {
  const text = describeError(error);
  const [first, ...rest] = text.split('\n');
  const result = failure(failureTypeFor(error), first ?? text, rest);
  const diagnostics = error instanceof ConfigurationError ? error.diagnostics.length : undefined;
  log.error(
    {
      type: result.type,
      err: result.message,
      ...(diagnostics ? { diagnostics } : {}),
      stack: error instanceof Error ? echo(error.stack ?? '', 4_000) : undefined,
    },
    'job failed',
  );
  return result;
}

function failure(type: FailureType, first: string, lines: readonly string[]) {
  return { kind: 'failure', type, message: fitLines(first, lines, MESSAGE_LIMIT) } as const;
}

/**
 * The six variables every run sets, counting every policy type; a run that planned more than one type
 * (a file with a `bedrock:` section) adds `CHANGES_<type>` and `VIOLATIONS_<type>` for each, so a
 * later stage can gate on one type (`#{AiOptOut.VIOLATIONS_<type>}`, the type's Organizations name).
 */
export function outputVariables(
  plan: Plan,
  mode: Mode,
  policyTypes: readonly string[],
): Record<OutputVariable, string> & Record<string, string> {
  const perType =
    policyTypes.length > 1
      ? countsByType(plan, policyTypes).flatMap((c) => [
          [`CHANGES_${c.policyType}`, String(c.changes)],
          [`VIOLATIONS_${c.policyType}`, String(c.violations)],
        ])
      : [];
  return {
    VERDICT: plan.verdict,
    CHANGES: String(plan.changes.length),
    VIOLATIONS: String(plan.violations.length),
    EFFECTIVE_CHANGES: String(plan.effectiveChanges.length),
    ACCOUNTS: String(plan.accounts.total),
    MODE: mode,
    ...Object.fromEntries(perType),
  };
}

/** The first line a release manager reads; it names the configuration revision checked, when known. */
export function headline(plan: Plan, mode: Mode, applied?: ApplyResult, revision?: string): string {
  const checked = `(mode ${mode}${revision ? `, configuration revision ${revision}` : ''})`;
  if (!applied) return `${plan.summary} ${checked}`;
  // Pre-flight refused the plan: the sentence names each failed guardrail and its first failed check.
  if (applied.refused) return `apply refused, ${applied.refused} ${checked}`;
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
