/**
 * One CodePipeline job, as a pipeline of steps: arm the deadline, parse the event, claim the job, read
 * the parameters, reconcile (input artifact, desired state, organization, plan, apply and verify,
 * report artifact: reconcile.ts), decide the outcome, report it, record it. Nothing escapes: every
 * error becomes a failure result of the type lambdas/domain/errors.ts maps it to, and a result that
 * cannot be sent is logged loudly.
 */
import { CallWatch } from '../adapters/aws/bounded-calls.ts';
import { DeadlineError } from '../domain/errors.ts';
import { claimJob, recordOutcome } from './claim.ts';
import { JobDeadline, scheduleTimer } from './deadline.ts';
import { type CodePipelineJob, type JobEvent, readJobEvent } from './event.ts';
import { type JobContext, type JobDependencies, type JobRun, RESERVE_MS } from './job-run.ts';
import { failed, type Outcome } from './outcome.ts';
import { parseUserParameters } from './parameters.ts';
import { reconcileJob } from './reconcile.ts';
import { reportOutcome } from './send-result.ts';

/**
 * Runs one job end to end and reports exactly one result before the Lambda deadline. Never throws.
 * The deadline is armed first, before the event is even read.
 */
export async function runJob(event: unknown, context: JobContext, deps: JobDependencies): Promise<void> {
  const watch = deps.calls ?? new CallWatch();
  const deadline = armDeadline(context, deps, watch);
  try {
    const parsed = readJobEvent(event);
    if (parsed.kind === 'not-a-job') {
      deps.logger.error({ keys: parsed.keys }, 'not a CodePipeline job event; there is no job to report to');
      return;
    }
    const run = startRun(parsed, context, deps, deadline, watch);
    if ((await claimJob(run)) === 'stand-down') return;
    const { outcome, log } = await outcomeOf(parsed, run);
    const reported = await reportOutcome(outcome, { ...run, log });
    await recordOutcome(outcome, reported, { ...run, log });
  } finally {
    deadline.cancel();
  }
}

function armDeadline(context: JobContext, deps: JobDependencies, watch: CallWatch): JobDeadline {
  return new JobDeadline({
    remainingMs: () => context.getRemainingTimeInMillis(),
    reserveMs: deps.timing?.reserveMs ?? RESERVE_MS,
    schedule: deps.schedule ?? scheduleTimer,
    watch,
  });
}

/** The job's run: its id (all a malformed event may have), its start, and a logger that names both. */
function startRun(
  event: Exclude<JobEvent, { kind: 'not-a-job' }>,
  context: JobContext,
  deps: JobDependencies,
  deadline: JobDeadline,
  watch: CallWatch,
): JobRun {
  const jobId = event.kind === 'job' ? event.job.id : event.jobId;
  const log = deps.logger.child({
    jobId,
    ...(context.awsRequestId ? { requestId: context.awsRequestId } : {}),
  });
  return { jobId, startedAt: deps.now(), context, deps, deadline, watch, callsAtStart: watch.started, log };
}

/**
 * The job's outcome, and the logger that reports it (with the pipeline execution id once the
 * parameters name it); every error becomes a failure of the right type.
 */
async function outcomeOf(
  event: Exclude<JobEvent, { kind: 'not-a-job' }>,
  run: JobRun,
): Promise<{ outcome: Outcome; log: JobRun['log'] }> {
  if (event.kind === 'malformed') return { outcome: failed(event.error, run.log), log: run.log };
  try {
    const params = parseUserParameters(parametersOf(event.job));
    const log = params.pipelineExecutionId
      ? run.log.child({ pipelineExecutionId: params.pipelineExecutionId })
      : run.log;
    return { outcome: await reconcileJob(event.job, params, { ...run, log }), log };
  } catch (error) {
    // A call cut at the deadline fails with whatever its caller makes of an AbortError: report the deadline.
    const reason = run.deadline.signal.reason;
    return { outcome: failed(reason instanceof DeadlineError ? reason : error, run.log), log: run.log };
  }
}

function parametersOf(job: CodePipelineJob): string | undefined {
  return job.data.actionConfiguration?.configuration?.UserParameters;
}
