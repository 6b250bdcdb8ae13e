/**
 * The gate before any work: the event read, its UserParameters parsed, and the job confirmed with
 * CodePipeline (confirm.ts). Nothing before it reads the artifact or the organization, and nothing
 * writes to the state bucket (the duplicate-delivery claim comes after it). A job refused here is
 * answered with one PutJobFailureResult (CodePipeline rejects even that for a job id it never issued,
 * which is fine: it is only sent so that a genuine job fails visibly instead of timing out), logged in
 * exactly one line without the event's credentials, and counted in the RejectedInvocations metric.
 */
import { errorName } from '../adapters/aws/errors.ts';
import { isJobNotFound, sendJobResult } from '../adapters/codepipeline/job-results.ts';
import { ConfigurationError, DeadlineError, describeError, failureTypeFor } from '../domain/errors.ts';
import { confirmJob } from './confirm.ts';
import type { CodePipelineJob, JobEvent } from './event.ts';
import { type JobDependencies, type JobRun, MINIMUM_WORK_MS, RESERVE_MS } from './job-run.ts';
import { emitRejection } from './metrics.ts';
import { parseUserParameters, type UserParameters } from './parameters.ts';
import { fitLines, MESSAGE_LIMIT } from './result.ts';

/** A job the gate let through: confirmed in its pipeline execution. */
export interface AdmittedJob {
  job: CodePipelineJob;
  params: UserParameters & { pipelineExecutionId: string };
  /** What started the run, read from the pipeline execution (the report names it). */
  trigger: string | undefined;
}

/** The job, confirmed; or undefined once it has been refused (and answered, logged and counted). */
export async function admitJob(
  event: Exclude<JobEvent, { kind: 'not-a-job' }>,
  run: JobRun,
): Promise<AdmittedJob | undefined> {
  try {
    checkWorkingTime(run);
    if (event.kind === 'malformed') throw event.error;
    const text = event.job.data.actionConfiguration?.configuration?.UserParameters;
    const params = parseUserParameters(text);
    const confirmed = await confirmJob(event.job, params, text, run);
    return {
      job: event.job,
      params: { ...params, pipelineExecutionId: confirmed.pipelineExecutionId },
      trigger: confirmed.trigger,
    };
  } catch (error) {
    const reason = run.deadline.signal.reason;
    await refuse(reason instanceof DeadlineError ? reason : error, run);
    return undefined;
  }
}

/**
 * Refuses to start when the function timeout leaves too little working time after the reserve: the
 * admission's first check, as even the confirmation needs the time.
 */
function checkWorkingTime({ deadline, deps }: JobRun): void {
  const reserveMs = deps.timing?.reserveMs ?? RESERVE_MS;
  const minimumWorkMs = deps.timing?.minimumWorkMs ?? MINIMUM_WORK_MS;
  if (deadline.budgetMs < minimumWorkMs) {
    throw new ConfigurationError(
      `the function timeout leaves ${Math.round(deadline.budgetMs / 1000)} s to work after the ${reserveMs / 1000} s kept for reporting: set it to at least 2 minutes (14 recommended)`,
    );
  }
}

/** An event with no job id: there is nothing to answer; one log line and the metric. */
export function refuseNonJob(keys: string[], deps: JobDependencies): void {
  deps.logger.error({ keys }, 'not a CodePipeline job event; there is no job to report to');
  emitRejection(deps, 'not-a-job');
}

/** Answers the refused job once, then writes the one log line (with what CodePipeline said) and the metric. */
async function refuse(error: unknown, run: JobRun): Promise<void> {
  const type = failureTypeFor(error);
  const [first = '', ...rest] = describeError(error).split('\n');
  const message = fitLines(first, rest, MESSAGE_LIMIT);
  const answered = await sendJobResult(
    run.deps.codePipeline,
    run.jobId,
    { kind: 'failure', type, message },
    { externalExecutionId: run.context.awsRequestId, abortSignal: run.deadline.reportSignal },
  ).then(
    (sent) => ({ result: sent.status === 'sent' ? 'reported' : 'the job already has a result', lost: false }),
    (failed: unknown) => ({
      result: `CodePipeline refused the result (${errorName(failed)})`,
      // A job CodePipeline never issued is expected to be refused; any other failure leaves a
      // genuine job to time out, which is worth the loudest line.
      lost: !isJobNotFound(failed),
    }),
  );
  const line = { type, refusal: first, result: answered.result };
  if (answered.lost) run.log.fatal(line, 'job refused before reading anything');
  else run.log.error(line, 'job refused before reading anything');
  emitRejection(run.deps, type);
}
