/**
 * One CodePipeline job, as a pipeline of steps: arm the deadline, parse the event, admit the job (its
 * parameters read and the job confirmed with CodePipeline: admission.ts), claim it, reconcile (input
 * artifact, desired state, organization, plan, apply and verify, report artifact: reconcile.ts), decide
 * the outcome, report it, record it. Nothing escapes: every error becomes a failure result of the type
 * lambdas/domain/errors.ts maps it to, and a result that cannot be sent is logged loudly.
 */
import { CallWatch } from '../adapters/aws/bounded-calls.ts';
import { DeadlineError } from '../domain/errors.ts';
import { type AdmittedJob, admitJob, refuseNonJob } from './admission.ts';
import { claimJob, recordOutcome } from './claim.ts';
import { JobDeadline, scheduleTimer } from './deadline.ts';
import { type JobEvent, readJobEvent } from './event.ts';
import { type JobContext, type JobDependencies, type JobRun, RESERVE_MS } from './job-run.ts';
import { failed, type Outcome } from './outcome.ts';
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
      refuseNonJob(parsed.keys, deps);
      return;
    }
    const started = startRun(parsed, context, deps, deadline, watch);
    // Confirmed before anything is read or written: the claim below is a state-bucket write.
    const admitted = await admitJob(parsed, started);
    if (!admitted) return;
    const run = {
      ...started,
      log: started.log.child({ pipelineExecutionId: admitted.params.pipelineExecutionId }),
    };
    if ((await claimJob(run)) === 'stand-down') return;
    const outcome = await outcomeOf(admitted, run);
    const reported = await reportOutcome(outcome, run);
    await recordOutcome(outcome, reported, run);
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

/** The admitted job's outcome; every error becomes a failure of the right type. */
async function outcomeOf(admitted: AdmittedJob, run: JobRun): Promise<Outcome> {
  try {
    return await reconcileJob(admitted, run);
  } catch (error) {
    // A call cut at the deadline fails with whatever its caller makes of an AbortError: report the deadline.
    const reason = run.deadline.signal.reason;
    return failed(reason instanceof DeadlineError ? reason : error, run.log);
  }
}
