/**
 * One CodePipeline job, as its recipe: the steps in order, then the table of what a finished run writes
 * besides its result.
 *
 * 1. Arm the deadline, before the event is even read (deadline.ts).
 * 2. Read the event (event.ts); one without a job id has nobody to answer: it is logged and counted.
 * 3. Admit the job: its UserParameters read and the job confirmed with CodePipeline (admission.ts).
 *    Nothing before this reads the artifact or the organization or writes to the state bucket.
 * 4. Claim the job id against a second delivery (claim.ts).
 * 5. Work: the desired state from the input artifact (input.ts), refused when it has a `bedrock:`
 *    section the deployment does not manage (runtime/bedrock-policies.ts), the mode (parameters.ts), the
 *    organization read, confirmed, planned and, in enforce mode, applied (organization.ts). A run the
 *    deadline cuts short ends here with a continuation, picked up by the next invocation.
 * 6. Write the outputs, in the order of JOB_OUTPUTS, each failure as its row says (outputs.ts).
 * 7. Decide the one result (result.ts), report it (send-result.ts) and record it (claim.ts).
 *
 * Nothing escapes: every error becomes a failure result of the type lambdas/domain/errors.ts maps it to,
 * and a result that cannot be sent is logged loudly.
 */
import { CallWatch } from '../adapters/aws/bounded-calls.ts';
import { DeadlineError } from '../domain/errors.ts';
import { policyTypesFor } from '../organization-session.ts';
import { requireBedrockDeployment } from '../runtime/bedrock-policies.ts';
import { type AdmittedJob, admitJob, refuseNonJob } from './admission.ts';
import { claimJob, recordResult } from './claim.ts';
import { JobDeadline, scheduleTimer } from './deadline.ts';
import { type JobEvent, readJobEvent } from './event.ts';
import { readInput } from './input.ts';
import { type JobContext, type JobDependencies, type JobRun, RESERVE_MS } from './job-run.ts';
import { emitMetrics } from './metrics.ts';
import { openOrganization, planAndApply, readOrganization } from './organization.ts';
import { type FinishedRun, type OutputRow, output, writeOutputs } from './outputs.ts';
import { chooseMode } from './parameters.ts';
import { publishSnapshot } from './publish-snapshot.ts';
import { outputArtifactOf, publishLatest, renderReports, writeReportArtifact } from './report-artifact.ts';
import { decideResult, failureResult, type JobResult } from './result.ts';
import { publishFindings } from './security-hub.ts';
import { reportResult } from './send-result.ts';

/** What a finished run writes besides its result, in this order (a continuation or a failure writes none). */
export const JOB_OUTPUTS: readonly OutputRow[] = [
  output({
    name: 'organization snapshot',
    when: 'with a state bucket',
    onFailure: 'log-error',
    target: (_, run) => run.deps.stateBucket?.snapshots,
    write: publishSnapshot,
  }),
  output({
    name: 'metrics line',
    when: 'in Lambda (AWS_LAMBDA_FUNCTION_NAME)',
    onFailure: 'log-error',
    target: (_, run) => run.deps.metrics,
    write: emitMetrics,
  }),
  output({
    name: 'latest reports',
    when: 'with a state bucket',
    onFailure: 'log-warning',
    target: (_, run) => run.deps.stateBucket?.latestRun,
    write: publishLatest,
  }),
  output({
    name: 'report artifact',
    when: 'when the action declares an output artifact',
    onFailure: 'fail-job',
    target: outputArtifactOf,
    write: writeReportArtifact,
  }),
  output({
    name: 'Security Hub findings',
    when: 'with AI_OPTOUT_SECURITY_HUB=true',
    onFailure: 'fail-job',
    target: (_, run) => run.deps.securityHub,
    write: publishFindings,
  }),
];

/** Runs one job end to end and reports exactly one result before the Lambda deadline. Never throws. */
export async function runJob(event: unknown, context: JobContext, deps: JobDependencies): Promise<void> {
  const watch = deps.calls ?? new CallWatch();
  const deadline = new JobDeadline({
    remainingMs: () => context.getRemainingTimeInMillis(),
    reserveMs: deps.timing?.reserveMs ?? RESERVE_MS,
    schedule: deps.timing?.schedule ?? scheduleTimer,
    watch,
  });
  try {
    const parsed = readJobEvent(event);
    if (parsed.kind === 'not-a-job') return refuseNonJob(parsed.keys, deps);
    const started = startRun(parsed, context, deps, deadline, watch);
    const admitted = await admitJob(parsed, started);
    if (!admitted) return;
    const log = started.log.child({ pipelineExecutionId: admitted.params.pipelineExecutionId });
    const run = { ...started, log };
    if ((await claimJob(run)) === 'stand-down') return;
    const result = await work(admitted, run).catch((error: unknown) => {
      // A call cut at the deadline fails with whatever its caller makes of an AbortError: report the deadline.
      const reason = run.deadline.signal.reason;
      return failureResult(reason instanceof DeadlineError ? reason : error, run.log);
    });
    await recordResult(result, await reportResult(result, run), run);
  } finally {
    deadline.cancel();
  }
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
  const requestId = context.awsRequestId ? { requestId: context.awsRequestId } : {};
  const log = deps.logger.child({ jobId, ...requestId });
  return { jobId, startedAt: deps.now(), context, deps, deadline, watch, callsAtStart: watch.started, log };
}

/** Steps 5 and 6, and the result they come to. */
async function work({ job, params, trigger }: AdmittedJob, run: JobRun): Promise<JobResult> {
  const input = await readInput(job, params, run);
  requireBedrockDeployment(input.state, run.deps.bedrockPolicies);
  const mode = chooseMode(params.mode, input.state.mode, run.deps.modeCeiling);
  const organization = await openOrganization(job, params, { mode, desired: input.state }, run);
  const { configPath } = params;
  const { firstJobId, progress } = organization;
  const policies = input.state.policies.length;
  const start = {
    mode,
    configPath,
    revision: input.revision,
    policies,
    continued: Boolean(progress),
    firstJobId,
  };
  run.log.info(start, 'reconciling');
  const read = await readOrganization(organization, run);
  if ('continued' in read) return read.continued;
  const reconciled = await planAndApply(input.state, read.snapshot, organization, run);
  if ('continued' in reconciled) return reconciled.continued;
  const { result, applied } = reconciled;
  const counts = { changes: result.changes.length, violations: result.violations.length };
  const more = { effectiveChanges: result.effectiveChanges.length, accounts: result.accounts.total };
  run.log.info({ verdict: result.verdict, ...counts, ...more }, result.summary);
  const context = { revision: input.revision, trigger };
  const reports = renderReports(result, applied, context, run.deps.now());
  const finished: FinishedRun = { job, input, trigger, mode, ...reconciled, reports };
  await writeOutputs(JOB_OUTPUTS, finished, run);
  const policyTypes = policyTypesFor(input.state);
  return decideResult({
    result,
    applied,
    mode,
    failOn: params.failOn,
    revision: input.revision,
    policyTypes,
  });
}
