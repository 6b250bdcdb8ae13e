/**
 * One CodePipeline job: read the desired state from the input artifact, reconcile (plan, or apply and
 * verify in enforce mode), write the report artifact, and report exactly one result. Nothing escapes:
 * every error becomes a failure result of the right type, and a failure to report is retried, then
 * logged loudly.
 */

import {
  type CodePipelineClient,
  InvalidJobStateException,
  PutJobFailureResultCommand,
  PutJobSuccessResultCommand,
} from '@aws-sdk/client-codepipeline';
import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import type { S3Client } from '@aws-sdk/client-s3';
import { boundedClient, CallWatch } from '../adapters/aws/bounded-calls.ts';
import { errorName } from '../adapters/aws/errors.ts';
import type { ReadProgress } from '../adapters/organizations/reader.ts';
import { Throttle } from '../adapters/organizations/throttle.ts';
import {
  type ArtifactCredentials,
  extractFile,
  readArtifact,
  writeArtifact,
  zipFiles,
} from '../adapters/s3/artifacts.ts';
import type { ContinuationStore } from '../adapters/s3/continuations.ts';
import type { JobLedger } from '../adapters/s3/job-ledger.ts';
import type { Mode } from '../domain/contract.ts';
import { loadDesiredState } from '../domain/desired-state/loader.ts';
import { type Diagnostic, formatDiagnostic } from '../domain/diagnostics.ts';
import { echo } from '../domain/echo.ts';
import {
  ConfigurationError,
  DeadlineError,
  describeError,
  type FailureType,
  failureTypeFor,
} from '../domain/errors.ts';
import { type Plan, plan } from '../domain/planner.ts';
import { renderJson } from '../domain/report/json.ts';
import { renderMarkdown } from '../domain/report/markdown.ts';
import { type ApplyResult, applyPlanned, readResumable } from '../reconciler.ts';
import { JobDeadline, RAISE_TIMEOUT, scheduleTimer } from './deadline.ts';
import { type CodePipelineJob, type JobArtifact, readJobEvent } from './event.ts';
import type { Logger } from './logger.ts';
import { parseUserParameters, type UserParameters } from './parameters.ts';
import { detailLines, fitLines, headline, MESSAGE_LIMIT, outputVariables, SUMMARY_LIMIT } from './result.ts';

export interface LambdaContextLike {
  getRemainingTimeInMillis(): number;
  awsRequestId?: string;
}

/** What the job gives a client factory so that the client's calls are bounded by its deadline. */
export interface JobCalls {
  /** The job's work deadline: pass it to STS (the job passes it to the client's own sends). */
  signal: AbortSignal;
  /** Where the job's calls in flight are recorded. */
  watch: CallWatch;
}

export interface JobDependencies {
  codePipeline: CodePipelineClient;
  organizations(roleArn: string | undefined, calls?: JobCalls): OrganizationsClient;
  artifactS3(credentials: ArtifactCredentials): S3Client;
  /** Guards against a second delivery of the same job; without it, duplicates are not detected. */
  ledger?: JobLedger;
  logger: Logger;
  /** `AI_OPTOUT_MODE_CEILING`: a read-only deployment refuses enforce. */
  modeCeiling: Mode;
  now(): Date;
  sleep(ms: number): Promise<void>;
  /** `published` in Lambda; tests against an emulator use `none`. */
  pace: 'published' | 'none';
  /** Re-read delays after apply (eventual consistency). */
  verifyDelaysMs?: readonly number[];
  /** Time kept back for reporting, and the least working time accepted (defaults RESERVE_MS, MINIMUM_WORK_MS). */
  timing?: { reserveMs: number; minimumWorkMs: number };
  /** Where a run too large for one invocation keeps its progress; without it, such a run fails at the deadline. */
  continuations?: ContinuationStore;
  /** Schedules the deadline (default setTimeout); returns a function that cancels it. */
  schedule?: (callback: () => void, ms: number) => () => void;
  /** Records the calls in flight of every client (default: one per job). */
  calls?: CallWatch;
}

/** Time kept back from the Lambda deadline to write the report and send the result. */
export const RESERVE_MS = 45_000;
/** Less working time than this after the reserve means the function timeout is set too low. */
export const MINIMUM_WORK_MS = 15_000;
/** The most a continuation save may take, out of RESERVE_MS (reporting needs the rest). */
const RESERVE_SHARE_FOR_SAVE_MS = 15_000;
const REPORT_ATTEMPTS = 3;
/** Desired-state warnings logged one per line; past this, one line counts the rest. */
const LOGGED_WARNINGS = 20;

type Outcome =
  | { kind: 'success'; summary: string; variables: Record<string, string> }
  | { kind: 'continue'; summary: string; token: string; percentComplete: number }
  | { kind: 'failure'; type: FailureType; message: string };

function failure(type: FailureType, first: string, lines: readonly string[] = []): Outcome {
  return { kind: 'failure', type, message: fitLines(first, lines, MESSAGE_LIMIT) };
}

function outcomeFor(
  plan: Plan,
  mode: Mode,
  params: UserParameters,
  applied: ApplyResult | undefined,
  revision: string | undefined,
): Outcome {
  const first = headline(plan, mode, applied, revision);
  const lines = detailLines(plan);
  if (applied && !applied.converged) return failure('JobFailed', first, lines);
  const failing =
    params.failOn === 'drift'
      ? plan.verdict === 'drift'
      : params.failOn === 'violations'
        ? plan.violations.length > 0
        : false;
  if (failing) return failure('JobFailed', first, lines);
  return {
    kind: 'success',
    summary: fitLines(first, lines, SUMMARY_LIMIT),
    variables: outputVariables(plan, mode),
  };
}

/** Warnings of the desired state in the log: the first LOGGED_WARNINGS, then how many more. */
function logWarnings(warnings: readonly Diagnostic[], log: Logger): void {
  for (const warning of warnings.slice(0, LOGGED_WARNINGS))
    log.warn({ diagnostic: formatDiagnostic(warning) }, 'desired-state warning');
  if (warnings.length > LOGGED_WARNINGS)
    log.warn(
      { more: warnings.length - LOGGED_WARNINGS },
      'more desired-state warnings (run ai-optout validate to see them)',
    );
}

/** Refuses to start when the function timeout leaves too little working time after the reserve. */
function checkWorkingTime(deadline: JobDeadline, deps: JobDependencies): void {
  const { reserveMs, minimumWorkMs } = deps.timing ?? {
    reserveMs: RESERVE_MS,
    minimumWorkMs: MINIMUM_WORK_MS,
  };
  if (deadline.budgetMs < minimumWorkMs) {
    throw new ConfigurationError(
      `the function timeout leaves ${Math.round(deadline.budgetMs / 1000)} s to work after the ${reserveMs / 1000} s kept for reporting: set it to at least 2 minutes (14 recommended)`,
    );
  }
}

/** Reads the desired state from the job's input artifact, each step named for the deadline. */
async function loadInput(
  job: CodePipelineJob,
  params: UserParameters,
  deps: JobDependencies,
  deadline: JobDeadline,
  watch: CallWatch,
) {
  const input = job.data.inputArtifacts?.[0];
  if (!input) {
    throw new ConfigurationError(
      'the action has no input artifact: give it the artifact that holds the desired-state file',
    );
  }
  const s3 = boundedClient(deps.artifactS3(job.data.artifactCredentials), deadline.signal, watch);
  const { bucketName, objectKey } = input.location.s3Location;
  deadline.begin({
    doing: `reading the input artifact s3://${bucketName}/${objectKey}`,
    hint: `Check that S3 answers at the endpoint named, or ${RAISE_TIMEOUT.toLowerCase()}`,
  });
  const zip = await readArtifact(s3, input.location.s3Location);
  deadline.begin({
    doing: `extracting ${params.configPath} from the input artifact ${input.name}`,
    hint: RAISE_TIMEOUT,
  });
  const bytes = extractFile(zip, params.configPath, input.name);
  deadline.begin({ doing: `reading ${params.configPath}`, hint: RAISE_TIMEOUT });
  const loaded = loadDesiredState(bytes, { file: params.configPath });
  deadline.check();
  if (!loaded.ok) {
    const errors = loaded.diagnostics.filter((d) => d.severity === 'error').length;
    throw new ConfigurationError(
      `${params.configPath} in ${input.name} is not valid (${errors} error${errors === 1 ? '' : 's'})`,
      loaded.diagnostics,
    );
  }
  // The source revision (S3 version id, commit id) the artifact was made from; null when none.
  const revision = input.revision || undefined;
  return { state: loaded.state, warnings: loaded.diagnostics, s3, revision };
}

/** Saves the progress made and returns the continuation outcome (the next invocation picks it up). */
async function continueLater(
  progress: ReadProgress,
  doing: string,
  run: { firstJobId: string; mode: Mode; log: Logger; deps: JobDependencies; deadline: JobDeadline },
): Promise<Outcome> {
  const { deps, deadline, log, mode } = run;
  if (!deps.continuations) throw deadline.signal.reason;
  const hierarchy = progress.hierarchy;
  const read = hierarchy.organizationalUnits.length + 1;
  const percentComplete = Math.max(
    1,
    Math.min(95, Math.floor((read / (read + hierarchy.pending.length)) * 90)),
  );
  // The save gets a third of the reserve, so a state bucket that does not answer still leaves time to report.
  const saveBy = AbortSignal.any([deadline.reportSignal, AbortSignal.timeout(RESERVE_SHARE_FOR_SAVE_MS)]);
  const next = await deps.continuations.save(
    { version: 1, firstJobId: run.firstJobId, createdAt: deps.now().toISOString(), progress },
    saveBy,
  );
  const summary = `${doing}: ${hierarchy.organizationalUnits.length} OUs and ${hierarchy.accounts.length} accounts read, ${hierarchy.pending.length} OUs left; continuing in the next invocation (mode ${mode})`;
  log.info(
    {
      pending: hierarchy.pending.length,
      ous: hierarchy.organizationalUnits.length,
      accounts: hierarchy.accounts.length,
    },
    summary,
  );
  return { kind: 'continue', summary, token: next, percentComplete };
}

/** The deadline's step while the organization is read (and, in enforce mode, changed). */
function organizationStep(mode: Mode): { doing: string; hint: string } {
  const enforce = mode === 'enforce';
  return {
    doing: `${enforce ? 'reading, applying and verifying' : 'reading'} the organization`,
    hint: `${enforce ? 'Apply is idempotent: the next run continues where this one stopped. ' : ''}Raise the function timeout (up to 15 minutes) for an organization this large, or set AI_OPTOUT_STATE_BUCKET so the run continues in another invocation.`,
  };
}

async function writeReport(
  result: Plan,
  { applied, revision }: { applied: ApplyResult | undefined; revision: string | undefined },
  output: JobArtifact,
  s3: S3Client,
  job: CodePipelineJob,
  run: { log: Logger; deps: JobDependencies; deadline: JobDeadline },
): Promise<void> {
  const { bucketName, objectKey } = output.location.s3Location;
  run.deadline.begin({
    doing: `writing the report artifact s3://${bucketName}/${objectKey}`,
    hint: RAISE_TIMEOUT,
  });
  const zip = zipFiles({
    'report.json': renderJson(result, run.deps.now(), applied?.steps, { revision }),
    'report.md': renderMarkdown(result),
  });
  await writeArtifact(s3, output.location.s3Location, zip, job.data.encryptionKey);
  run.log.info({ artifact: output.name, bytes: zip.length }, 'report artifact written');
}

async function reconcileJob(
  job: CodePipelineJob,
  params: UserParameters,
  log: Logger,
  deps: JobDependencies,
  deadline: JobDeadline,
  watch: CallWatch,
): Promise<Outcome> {
  checkWorkingTime(deadline, deps);
  const { state, warnings, s3, revision } = await loadInput(job, params, deps, deadline, watch);
  logWarnings(warnings, log);
  const mode = params.mode ?? state.mode;
  if (mode === 'enforce' && deps.modeCeiling !== 'enforce') {
    throw new ConfigurationError(
      'mode is enforce, but this deployment is read-only (AI_OPTOUT_MODE_CEILING=audit): its role cannot write to Organizations. Run in audit mode, or redeploy the stack with mode enforce.',
    );
  }
  deadline.begin(organizationStep(mode));
  const client = boundedClient(
    deps.organizations(params.roleArn, { signal: deadline.signal, watch }),
    deadline.signal,
    watch,
  );
  const options = {
    client,
    throttle: new Throttle({ rates: deps.pace, signal: deadline.signal }),
    sleep: deps.sleep,
    now: deps.now,
    apply: { sleep: deps.sleep, onStep: (step: object) => log.info({ step }, 'apply step') },
    ...(deps.verifyDelaysMs ? { verifyDelaysMs: deps.verifyDelaysMs } : {}),
  };
  const token = job.data.continuationToken;
  if (token && !deps.continuations) {
    throw new ConfigurationError(
      'this job continues an earlier one, but the function has no state bucket (AI_OPTOUT_STATE_BUCKET) to read its progress from',
    );
  }
  const continued = token
    ? await (deps.continuations as ContinuationStore).load(token, deadline.signal)
    : undefined;
  const run = { firstJobId: continued?.firstJobId ?? job.id, mode, log, deps, deadline };
  log.info(
    {
      mode,
      configPath: params.configPath,
      revision,
      policies: state.policies.length,
      continued: Boolean(continued),
      firstJobId: run.firstJobId,
    },
    'reconciling',
  );
  const read = await readResumable(options, continued?.progress, deadline.signal);
  if (!read.complete) return await continueLater(read.progress, 'reading the organization', run);
  const planned = { snapshot: read.snapshot, plan: plan(state, read.snapshot, { mode }) };
  deadline.check();
  let result: Plan = planned.plan;
  let applied: ApplyResult | undefined;
  if (mode === 'enforce') {
    log.info({ summary: planned.plan.summary, changes: planned.plan.changes.length }, 'plan before apply');
    try {
      applied = await applyPlanned(state, planned, options, { mode });
    } catch (error) {
      if (!deadline.signal.aborted) throw error;
      const { organization, organizationalUnits, accounts } = read.snapshot;
      return await continueLater(
        { organization, hierarchy: { organizationalUnits, accounts, pending: [] } },
        'applying',
        run,
      );
    }
    result = applied.after;
  }
  log.info(
    {
      verdict: result.verdict,
      changes: result.changes.length,
      violations: result.violations.length,
      effectiveChanges: result.effectiveChanges.length,
      accounts: result.accounts.total,
    },
    result.summary,
  );
  const output = job.data.outputArtifacts?.[0];
  if (output) await writeReport(result, { applied, revision }, output, s3, job, { log, deps, deadline });
  return outcomeFor(result, mode, params, applied, revision);
}

function failureFromError(error: unknown): Outcome {
  const type = failureTypeFor(error);
  const text = describeError(error);
  const [first, ...rest] = text.split('\n');
  return failure(type, first ?? text, rest);
}

/** Sends the PutJob*Result request for an outcome. */
function sendResult(
  jobId: string,
  outcome: Outcome,
  deps: JobDependencies,
  context: LambdaContextLike,
  abortSignal: AbortSignal,
): Promise<unknown> {
  const externalExecutionId = context.awsRequestId?.slice(0, 1500);
  const external = externalExecutionId ? { externalExecutionId } : {};
  if (outcome.kind === 'failure') {
    const failureDetails = { type: outcome.type, message: outcome.message, ...external };
    return deps.codePipeline.send(new PutJobFailureResultCommand({ jobId, failureDetails }), { abortSignal });
  }
  const details =
    outcome.kind === 'continue'
      ? {
          continuationToken: outcome.token,
          executionDetails: {
            summary: outcome.summary.slice(0, SUMMARY_LIMIT),
            percentComplete: outcome.percentComplete,
            ...external,
          },
        }
      : {
          executionDetails: { summary: outcome.summary, percentComplete: 100, ...external },
          outputVariables: outcome.variables,
        };
  return deps.codePipeline.send(new PutJobSuccessResultCommand({ jobId, ...details }), { abortSignal });
}

async function report(
  jobId: string,
  outcome: Outcome,
  log: Logger,
  deps: JobDependencies,
  context: LambdaContextLike,
  signal: AbortSignal,
): Promise<'reported' | 'already-reported' | 'failed'> {
  for (let attempt = 1; ; attempt++) {
    try {
      await sendResult(jobId, outcome, deps, context, signal);
      log.info(
        { result: outcome.kind, type: outcome.kind === 'failure' ? outcome.type : undefined },
        'job result reported',
      );
      return 'reported';
    } catch (error) {
      const name = errorName(error);
      if (error instanceof InvalidJobStateException || name === 'InvalidJobStateException') {
        log.warn({ err: describeError(error) }, 'the job already has a result; not reporting again');
        return 'already-reported';
      }
      // Only transient failures are worth another try; a rejected request would be rejected again.
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      const transient =
        !signal.aborted &&
        (status === undefined || status >= 500 || name === 'ThrottlingException' || name === 'TimeoutError');
      const err = signal.aborted
        ? `${describeError(error)}: ${describeError(signal.reason)}`
        : describeError(error);
      log.error({ attempt, err, transient }, 'reporting the job result failed');
      if (!transient || attempt >= REPORT_ATTEMPTS) {
        log.fatal(
          {
            outcome: outcome.kind,
            type: outcome.kind === 'failure' ? outcome.type : undefined,
            message: outcome.kind === 'failure' ? outcome.message : outcome.summary,
            err,
          },
          `COULD NOT REPORT THE JOB RESULT (${name}): the pipeline stage will time out. ${
            name === 'AccessDeniedException'
              ? 'The function role needs codepipeline:PutJobSuccessResult and codepipeline:PutJobFailureResult.'
              : 'See the error above.'
          }`,
        );
        return 'failed';
      }
      await deps.sleep(1000 * attempt);
    }
  }
}

/**
 * Claims the job in the state bucket: 'claimed', or 'stand-down' when another invocation has it.
 * A bucket that cannot be written does not stop the job.
 */
async function claimJob(
  job: { id: string },
  startedAt: Date,
  log: Logger,
  deps: JobDependencies,
  context: LambdaContextLike,
  signal: AbortSignal,
): Promise<'claimed' | 'stand-down'> {
  if (!deps.ledger) {
    log.warn('no state bucket configured (AI_OPTOUT_STATE_BUCKET): a duplicate delivery would run twice');
    return 'claimed';
  }
  try {
    const claim = await deps.ledger.claim(job.id, startedAt, {
      requestId: context.awsRequestId,
      expiresAt: new Date(startedAt.getTime() + context.getRemainingTimeInMillis() + 5_000),
      abortSignal: signal,
    });
    if (claim === 'claimed') return 'claimed';
    log.warn(
      { claim },
      'duplicate delivery of this job: another invocation handles it; not applying and not reporting',
    );
    return 'stand-down';
  } catch (error) {
    log.error(
      { err: describeError(error) },
      'cannot claim the job in the state bucket; continuing without duplicate-delivery protection',
    );
    return 'claimed';
  }
}

/** The job's outcome; every error becomes a failure of the right type. */
async function outcomeOf(
  job: CodePipelineJob,
  log: Logger,
  deps: JobDependencies,
  deadline: JobDeadline,
  watch: CallWatch,
): Promise<{ outcome: Outcome; log: Logger }> {
  try {
    const params = parseUserParameters(job.data.actionConfiguration?.configuration?.UserParameters);
    const child = params.pipelineExecutionId
      ? log.child({ pipelineExecutionId: params.pipelineExecutionId })
      : log;
    return { outcome: await reconcileJob(job, params, child, deps, deadline, watch), log: child };
  } catch (error) {
    // A call cut at the deadline fails with whatever its caller makes of an AbortError: report the deadline.
    const reason = deadline.signal.reason;
    return { outcome: failed(reason instanceof DeadlineError ? reason : error, log), log };
  }
}

/** The failure, logged as the pipeline shows it: the message is cut to 5,000 characters, never a 10 MB line. */
function failed(error: unknown, log: Logger): Outcome {
  const outcome = failureFromError(error);
  const diagnostics = error instanceof ConfigurationError ? error.diagnostics.length : undefined;
  log.error(
    {
      type: (outcome as { type: string }).type,
      err: outcome.kind === 'failure' ? outcome.message : describeError(error),
      ...(diagnostics ? { diagnostics } : {}),
      stack: error instanceof Error ? echo(error.stack ?? '', 4_000) : undefined,
    },
    'job failed',
  );
  return outcome;
}

/**
 * Runs one job end to end and reports exactly one result before the Lambda deadline. Never throws.
 * The deadline is armed first, before the event is even read.
 */
export async function runJob(
  event: unknown,
  context: LambdaContextLike,
  deps: JobDependencies,
): Promise<void> {
  const watch = deps.calls ?? new CallWatch();
  const deadline = new JobDeadline({
    remainingMs: () => context.getRemainingTimeInMillis(),
    reserveMs: deps.timing?.reserveMs ?? RESERVE_MS,
    schedule: deps.schedule ?? scheduleTimer,
    watch,
  });
  try {
    await runArmed(readJobEvent(event), context, deps, deadline, watch);
  } finally {
    deadline.cancel();
  }
}

async function runArmed(
  event: ReturnType<typeof readJobEvent>,
  context: LambdaContextLike,
  deps: JobDependencies,
  deadline: JobDeadline,
  watch: CallWatch,
): Promise<void> {
  if (event.kind === 'not-a-job') {
    deps.logger.error({ keys: event.keys }, 'not a CodePipeline job event; there is no job to report to');
    return;
  }
  const job = event.kind === 'job' ? event.job : { id: event.jobId };
  const base = deps.logger.child({
    jobId: job.id,
    ...(context.awsRequestId ? { requestId: context.awsRequestId } : {}),
  });
  const startedAt = deps.now();
  if ((await claimJob(job, startedAt, base, deps, context, deadline.signal)) === 'stand-down') return;
  const { outcome, log } =
    event.kind === 'job'
      ? await outcomeOf(event.job, base, deps, deadline, watch)
      : { outcome: failed(event.error, base), log: base };
  const reported = await report(job.id, outcome, log, deps, context, deadline.reportSignal);
  if (deps.ledger) {
    const mark =
      reported === 'failed'
        ? deps.ledger.markUnreported(job.id, startedAt, outcome.kind, deadline.reportSignal)
        : deps.ledger.markReported(job.id, startedAt, outcome.kind, deadline.reportSignal);
    await mark.catch((error: unknown) => {
      log.warn({ err: describeError(error) }, 'cannot record the job outcome in the state bucket');
    });
  }
}
