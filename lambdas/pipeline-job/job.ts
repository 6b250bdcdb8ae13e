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
import { errorName } from '../adapters/aws/errors.ts';
import { Throttle } from '../adapters/aws/throttle.ts';
import { loadDesiredState } from '../domain/desired-state/loader.ts';
import type { Mode } from '../domain/desired-state/types.ts';
import { formatDiagnostic } from '../domain/diagnostics.ts';
import { ConfigurationError, describeError, type FailureType, failureTypeFor } from '../domain/errors.ts';
import { type Plan, plan } from '../domain/planner.ts';
import { renderJson } from '../domain/report/json.ts';
import { renderMarkdown } from '../domain/report/markdown.ts';
import { type ApplyResult, applyPlanned, type ReadProgress, readResumable } from '../reconciler.ts';
import { type ArtifactCredentials, extractFile, readArtifact, writeArtifact, zipFiles } from './artifacts.ts';
import type { ContinuationStore } from './continuations.ts';
import type { JobLedger } from './job-ledger.ts';
import type { Logger } from './logger.ts';
import { parseUserParameters, type UserParameters } from './parameters.ts';
import { detailLines, fitLines, headline, MESSAGE_LIMIT, outputVariables, SUMMARY_LIMIT } from './result.ts';

/** The parts of the CodePipeline job event this action reads. */
export interface CodePipelineJob {
  id: string;
  accountId?: string;
  data: {
    actionConfiguration?: { configuration?: { FunctionName?: string; UserParameters?: string } };
    inputArtifacts?: {
      name: string;
      /** The source revision (S3 version id, commit id) the artifact was made from; null when none. */
      revision?: string | null;
      location: { type: string; s3Location: { bucketName: string; objectKey: string } };
    }[];
    outputArtifacts?: {
      name: string;
      location: { type: string; s3Location: { bucketName: string; objectKey: string } };
    }[];
    artifactCredentials: ArtifactCredentials;
    encryptionKey?: { id: string; type: string };
    continuationToken?: string;
  };
}

export interface LambdaContextLike {
  getRemainingTimeInMillis(): number;
  awsRequestId?: string;
}

export interface JobDependencies {
  codePipeline: CodePipelineClient;
  organizations(roleArn: string | undefined): OrganizationsClient;
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
}

/** Time kept back from the Lambda deadline to write the report and send the result. */
export const RESERVE_MS = 45_000;
/** Less working time than this after the reserve means the function timeout is set too low. */
export const MINIMUM_WORK_MS = 15_000;
const REPORT_ATTEMPTS = 3;

export class DeadlineError extends Error {
  override name = 'DeadlineError';
}

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

async function reconcileJob(
  job: CodePipelineJob,
  params: UserParameters,
  log: Logger,
  deps: JobDependencies,
  context: LambdaContextLike,
): Promise<Outcome> {
  const input = job.data.inputArtifacts?.[0];
  if (!input) {
    throw new ConfigurationError(
      'the action has no input artifact: give it the artifact that holds the desired-state file',
    );
  }
  const revision = input.revision || undefined;
  const s3 = deps.artifactS3(job.data.artifactCredentials);
  const zip = await readArtifact(s3, input.location.s3Location);
  const text = extractFile(zip, params.configPath, input.name);
  const loaded = loadDesiredState(text, { file: params.configPath });
  if (!loaded.ok) {
    const errors = loaded.diagnostics.filter((d) => d.severity === 'error').length;
    throw new ConfigurationError(
      `${params.configPath} in ${input.name} is not valid (${errors} error${errors === 1 ? '' : 's'})`,
      loaded.diagnostics,
    );
  }
  for (const warning of loaded.diagnostics)
    log.warn({ diagnostic: formatDiagnostic(warning) }, 'desired-state warning');
  const mode = params.mode ?? loaded.state.mode;
  if (mode === 'enforce' && deps.modeCeiling !== 'enforce') {
    throw new ConfigurationError(
      'mode is enforce, but this deployment is read-only (AI_OPTOUT_MODE_CEILING=audit): its role cannot write to Organizations. Run in audit mode, or redeploy the stack with mode enforce.',
    );
  }

  // Never negative: a function started with less than the reserve left stops at once ("in 0 s").
  const { reserveMs, minimumWorkMs } = deps.timing ?? {
    reserveMs: RESERVE_MS,
    minimumWorkMs: MINIMUM_WORK_MS,
  };
  const budgetMs = Math.max(0, context.getRemainingTimeInMillis() - reserveMs);
  if (budgetMs < minimumWorkMs) {
    throw new ConfigurationError(
      `the function timeout leaves ${Math.round(budgetMs / 1000)} s to work after the ${reserveMs / 1000} s kept for reporting: set it to at least 2 minutes (14 recommended)`,
    );
  }
  const controller = new AbortController();
  const deadline = new DeadlineError(
    `stopped ${Math.round(reserveMs / 1000)} s before the Lambda deadline: ${mode === 'enforce' ? 'reading, applying and verifying' : 'reading'} the organization did not finish in ${Math.round(budgetMs / 1000)} s. ${mode === 'enforce' ? 'Apply is idempotent: the next run continues where this one stopped. ' : ''}Raise the function timeout (up to 15 minutes) for an organization this large, or set AI_OPTOUT_STATE_BUCKET so the run continues in another invocation.`,
  );
  const schedule =
    deps.schedule ??
    ((callback: () => void, ms: number) => {
      const timer = setTimeout(callback, ms);
      return () => clearTimeout(timer);
    });
  const cancel = schedule(() => controller.abort(deadline), budgetMs);
  try {
    const options = {
      client: deps.organizations(params.roleArn),
      throttle: new Throttle({ rates: deps.pace, signal: controller.signal }),
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
    const continued = token ? await (deps.continuations as ContinuationStore).load(token) : undefined;
    const firstJobId = continued?.firstJobId ?? job.id;
    const continueLater = async (progress: ReadProgress, doing: string): Promise<Outcome> => {
      if (!deps.continuations) throw deadline;
      const hierarchy = progress.hierarchy;
      const read = hierarchy.organizationalUnits.length + 1;
      const percentComplete = Math.max(
        1,
        Math.min(95, Math.floor((read / (read + hierarchy.pending.length)) * 90)),
      );
      const next = await deps.continuations.save({
        version: 1,
        firstJobId,
        createdAt: deps.now().toISOString(),
        progress,
      });
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
    };

    log.info(
      {
        mode,
        configPath: params.configPath,
        revision,
        policies: loaded.state.policies.length,
        continued: Boolean(continued),
        firstJobId,
      },
      'reconciling',
    );
    const read = await readResumable(options, continued?.progress, controller.signal);
    if (!read.complete) return await continueLater(read.progress, 'reading the organization');
    const planned = { snapshot: read.snapshot, plan: plan(loaded.state, read.snapshot, { mode }) };
    let result: Plan = planned.plan;
    let applied: ApplyResult | undefined;
    if (mode === 'enforce') {
      log.info({ summary: planned.plan.summary, changes: planned.plan.changes.length }, 'plan before apply');
      try {
        applied = await applyPlanned(loaded.state, planned, options, { mode });
      } catch (error) {
        if (!controller.signal.aborted) throw error;
        const { organization, organizationalUnits, accounts } = read.snapshot;
        return await continueLater(
          { organization, hierarchy: { organizationalUnits, accounts, pending: [] } },
          'applying',
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
    if (output) {
      const generatedAt = deps.now();
      const zip = zipFiles({
        'report.json': renderJson(result, generatedAt, applied?.steps, { revision }),
        'report.md': renderMarkdown(result),
      });
      await writeArtifact(s3, output.location.s3Location, zip, job.data.encryptionKey);
      log.info({ artifact: output.name, bytes: zip.length }, 'report artifact written');
    }
    return outcomeFor(result, mode, params, applied, revision);
  } catch (error) {
    if (controller.signal.aborted && controller.signal.reason instanceof DeadlineError)
      throw controller.signal.reason;
    throw error;
  } finally {
    cancel();
  }
}

function failureFromError(error: unknown): Outcome {
  const type: FailureType = error instanceof DeadlineError ? 'JobFailed' : failureTypeFor(error);
  const text = describeError(error);
  const [first, ...rest] = text.split('\n');
  return failure(type, first ?? text, rest);
}

async function report(
  job: CodePipelineJob,
  outcome: Outcome,
  log: Logger,
  deps: JobDependencies,
  context: LambdaContextLike,
): Promise<'reported' | 'already-reported' | 'failed'> {
  const externalExecutionId = context.awsRequestId?.slice(0, 1500);
  const send = () =>
    outcome.kind === 'continue'
      ? deps.codePipeline.send(
          new PutJobSuccessResultCommand({
            jobId: job.id,
            continuationToken: outcome.token,
            executionDetails: {
              summary: outcome.summary.slice(0, SUMMARY_LIMIT),
              percentComplete: outcome.percentComplete,
              ...(externalExecutionId ? { externalExecutionId } : {}),
            },
          }),
        )
      : outcome.kind === 'success'
        ? deps.codePipeline.send(
            new PutJobSuccessResultCommand({
              jobId: job.id,
              executionDetails: {
                summary: outcome.summary,
                percentComplete: 100,
                ...(externalExecutionId ? { externalExecutionId } : {}),
              },
              outputVariables: outcome.variables,
            }),
          )
        : deps.codePipeline.send(
            new PutJobFailureResultCommand({
              jobId: job.id,
              failureDetails: {
                type: outcome.type,
                message: outcome.message,
                ...(externalExecutionId ? { externalExecutionId } : {}),
              },
            }),
          );
  for (let attempt = 1; ; attempt++) {
    try {
      await send();
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
        status === undefined || status >= 500 || name === 'ThrottlingException' || name === 'TimeoutError';
      log.error({ attempt, err: describeError(error), transient }, 'reporting the job result failed');
      if (!transient || attempt >= REPORT_ATTEMPTS) {
        log.fatal(
          {
            outcome: outcome.kind,
            type: outcome.kind === 'failure' ? outcome.type : undefined,
            message: outcome.kind === 'failure' ? outcome.message : outcome.summary,
            err: describeError(error),
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

/** Runs one job end to end. Never throws. */
export async function runJob(
  event: unknown,
  context: LambdaContextLike,
  deps: JobDependencies,
): Promise<void> {
  const job = (event as { 'CodePipeline.job'?: CodePipelineJob } | undefined)?.['CodePipeline.job'];
  if (!job?.id) {
    deps.logger.error(
      { keys: Object.keys((event as object) ?? {}) },
      'not a CodePipeline job event; there is no job to report to',
    );
    return;
  }
  let log = deps.logger.child({
    jobId: job.id,
    ...(context.awsRequestId ? { requestId: context.awsRequestId } : {}),
  });
  const startedAt = deps.now();
  if (deps.ledger) {
    try {
      const claim = await deps.ledger.claim(job.id, startedAt, {
        requestId: context.awsRequestId,
        expiresAt: new Date(startedAt.getTime() + context.getRemainingTimeInMillis() + 5_000),
      });
      if (claim !== 'claimed') {
        log.warn(
          { claim },
          'duplicate delivery of this job: another invocation handles it; not applying and not reporting',
        );
        return;
      }
    } catch (error) {
      log.error(
        { err: describeError(error) },
        'cannot claim the job in the state bucket; continuing without duplicate-delivery protection',
      );
    }
  } else
    log.warn('no state bucket configured (AI_OPTOUT_STATE_BUCKET): a duplicate delivery would run twice');

  let outcome: Outcome;
  try {
    const params = parseUserParameters(job.data.actionConfiguration?.configuration?.UserParameters);
    if (params.pipelineExecutionId) log = log.child({ pipelineExecutionId: params.pipelineExecutionId });
    outcome = await reconcileJob(job, params, log, deps, context);
  } catch (error) {
    outcome = failureFromError(error);
    log.error(
      {
        type: (outcome as { type: string }).type,
        err: describeError(error),
        stack: error instanceof Error ? error.stack : undefined,
      },
      'job failed',
    );
  }
  const reported = await report(job, outcome, log, deps, context);
  if (deps.ledger) {
    const mark =
      reported === 'failed'
        ? deps.ledger.markUnreported(job.id, startedAt, outcome.kind)
        : deps.ledger.markReported(job.id, startedAt, outcome.kind);
    await mark.catch((error: unknown) => {
      log.warn({ err: describeError(error) }, 'cannot record the job outcome in the state bucket');
    });
  }
}
