/**
 * The job's outcome, decided once: success with output variables, a continuation (the organization is
 * read over several invocations), or a failure of the type lambdas/domain/errors.ts maps the error to.
 */
import type { Mode } from '../domain/contract.ts';
import { echo } from '../domain/echo.ts';
import { ConfigurationError, describeError, type FailureType, failureTypeFor } from '../domain/errors.ts';
import type { Plan } from '../domain/planner.ts';
import type { ApplyResult } from '../reconciler.ts';
import type { Logger } from '../runtime/logger.ts';
import type { UserParameters } from './parameters.ts';
import { detailLines, fitLines, headline, MESSAGE_LIMIT, outputVariables, SUMMARY_LIMIT } from './result.ts';

export type Outcome =
  | { kind: 'success'; summary: string; variables: Record<string, string> }
  | { kind: 'continue'; summary: string; token: string; percentComplete: number }
  | { kind: 'failure'; type: FailureType; message: string };

/** The organization after the job: the plan of the state it is in now, and what apply did (enforce). */
export interface Reconciled {
  result: Plan;
  applied: ApplyResult | undefined;
}

type Failure = Extract<Outcome, { kind: 'failure' }>;

function failure(type: FailureType, first: string, lines: readonly string[] = []): Failure {
  return { kind: 'failure', type, message: fitLines(first, lines, MESSAGE_LIMIT) };
}

/** Whether the result fails the action: apply did not converge, or what `failOn` names is there. */
function failing(plan: Plan, failOn: UserParameters['failOn'], applied: ApplyResult | undefined): boolean {
  if (applied && !applied.converged) return true;
  if (failOn === 'drift') return plan.verdict === 'drift';
  if (failOn === 'violations') return plan.violations.length > 0;
  return false;
}

/** The outcome of a finished run: JobFailed per `failOn`, else success with the output variables. */
export function decideOutcome(
  { result, applied }: Reconciled,
  mode: Mode,
  params: UserParameters,
  revision: string | undefined,
): Outcome {
  const first = headline(result, mode, applied, revision);
  const lines = detailLines(result);
  if (failing(result, params.failOn, applied)) return failure('JobFailed', first, lines);
  return {
    kind: 'success',
    summary: fitLines(first, lines, SUMMARY_LIMIT),
    variables: outputVariables(result, mode),
  };
}

/** The failure, logged as the pipeline shows it: the message is cut to 5,000 characters, never a 10 MB line. */
export function failed(error: unknown, log: Logger): Outcome {
  const text = describeError(error);
  const [first, ...rest] = text.split('\n');
  const outcome = failure(failureTypeFor(error), first ?? text, rest);
  const diagnostics = error instanceof ConfigurationError ? error.diagnostics.length : undefined;
  log.error(
    {
      type: outcome.type,
      err: outcome.message,
      ...(diagnostics ? { diagnostics } : {}),
      stack: error instanceof Error ? echo(error.stack ?? '', 4_000) : undefined,
    },
    'job failed',
  );
  return outcome;
}
