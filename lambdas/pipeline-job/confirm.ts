/**
 * Confirms with CodePipeline that a job is one it is running, before the job reads or writes anything.
 * Anyone allowed lambda:InvokeFunction on the function can hand it a `CodePipeline.job` event of their
 * own (their artifact, their credentials, their parameters), and an old genuine event can be sent again:
 * the event proves nothing by itself. So the function asks its own pipeline (AI_OPTOUT_PIPELINE_NAME)
 * with ListActionExecutions, filtered on the pipeline execution id the stage passes in UserParameters,
 * and requires an action execution of this function that is InProgress, whose resolved UserParameters
 * are the event's text and whose input artifacts (bucket and key) are the event's; every artifact must
 * be in the pipeline's artifact bucket (AI_OPTOUT_ARTIFACT_BUCKET). Shapes [CP-ACTION-EXECUTIONS]:
 * `resolvedConfiguration` has "all variable references replaced with their real values".
 *
 * A continued job (CodePipeline re-invokes the function with a continuationToken after a
 * PutJobSuccessResult that carried one) has a job id of its own but the same action execution, still
 * InProgress, with the same parameters and artifacts: it is confirmed the same way.
 *
 * What started the run is read here too, from the execution's pipeline variables
 * (GetPipelineExecution, `variables[].resolvedValue`), when the stage names a trigger variable
 * (AI_OPTOUT_TRIGGER_VARIABLE): it is shown in the report and never reaches the parameters.
 */
import type { ActionExecutionDetail, CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { translateAwsError } from '../adapters/aws/errors.ts';
import {
  actionExecutionsOf,
  isExecutionNotFound,
  isPipelineNotFound,
  pipelineExecution,
} from '../adapters/codepipeline/pipelines.ts';
import { echo } from '../domain/echo.ts';
import { ConfigurationError } from '../domain/errors.ts';
import { JOB_ENV } from '../runtime/pipeline-job-environment.ts';
import type { CodePipelineJob } from './event.ts';
import type { JobRun } from './job-run.ts';
import type { UserParameters } from './parameters.ts';

/** The pipeline whose jobs the function accepts, from its environment (ReconcileStage sets it). */
export interface OwnPipeline {
  /** AI_OPTOUT_PIPELINE_NAME */
  name: string | undefined;
  /** AI_OPTOUT_ARTIFACT_BUCKET: the pipeline's artifact store, where every artifact of its jobs is. */
  artifactBucket: string | undefined;
  /** AWS_LAMBDA_FUNCTION_NAME: the action must invoke this function. */
  functionName: string | undefined;
  /** AI_OPTOUT_TRIGGER_VARIABLE: the pipeline variable that says what started a run, if any. */
  triggerVariable?: string | undefined;
}

/** The job is not one CodePipeline is running (a ConfigurationError: the pipeline shows its message). */
export class UnconfirmedJobError extends ConfigurationError {
  override name = 'UnconfirmedJobError';
}

export interface Confirmed {
  pipelineExecutionId: string;
  /** What started the run (the trigger variable's value), when the stage names one. */
  trigger: string | undefined;
}

/** A pipeline variable's value holds at most 1000 characters [CP-VARIABLES]. */
const MAX_TRIGGER_LENGTH = 1000;

export async function confirmJob(
  job: CodePipelineJob,
  params: UserParameters,
  userParameters: string | undefined,
  run: JobRun,
): Promise<Confirmed> {
  const pipeline = boundPipeline(run.deps.pipeline);
  const pipelineExecutionId = params.pipelineExecutionId;
  if (!pipelineExecutionId)
    throw new ConfigurationError(
      'UserParameters name no pipelineExecutionId, so the job cannot be confirmed with CodePipeline: the action must pass "pipelineExecutionId": "#{codepipeline.PipelineExecutionId}" (ReconcileStage does)',
    );
  checkArtifactBuckets(job, pipeline.artifactBucket);
  run.deadline.begin({
    doing: `confirming the job with CodePipeline (ListActionExecutions of ${pipeline.name})`,
    hint: 'Check that CodePipeline answers in this region.',
  });
  const where = { pipelineName: pipeline.name, executionId: pipelineExecutionId };
  const actions = await listedActions(run, where, pipeline.functionName);
  const problem = mismatch(actions, job, userParameters ?? '', pipeline.functionName);
  if (problem)
    throw new UnconfirmedJobError(
      `not a job CodePipeline is running in ${pipeline.name}: ${problem}; nothing was read or written`,
    );
  const trigger = pipeline.triggerVariable
    ? await readTrigger(run.deps.codePipeline, where, pipeline.triggerVariable, run.deadline.signal)
    : undefined;
  return { pipelineExecutionId, trigger };
}

interface BoundPipeline {
  name: string;
  artifactBucket: string;
  functionName: string;
  triggerVariable?: string | undefined;
}

/** The function's pipeline; a function without one accepts no job (fail closed). */
function boundPipeline(pipeline: OwnPipeline): BoundPipeline {
  const missing = [
    pipeline.name ? undefined : JOB_ENV.pipelineName,
    pipeline.artifactBucket ? undefined : JOB_ENV.artifactBucket,
    pipeline.functionName ? undefined : 'AWS_LAMBDA_FUNCTION_NAME',
  ].filter(Boolean);
  const { name, artifactBucket, functionName, triggerVariable } = pipeline;
  if (!name || !artifactBucket || !functionName)
    throw new ConfigurationError(
      `this function accepts no job: ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not set, so it cannot confirm a job with its pipeline; add the function to a pipeline with ReconcileStage, which sets them`,
    );
  return { name, artifactBucket, functionName, triggerVariable };
}

/** Every input and output artifact must be in the pipeline's artifact bucket. */
function checkArtifactBuckets(job: CodePipelineJob, bucket: string): void {
  const artifacts = [...(job.data.inputArtifacts ?? []), ...(job.data.outputArtifacts ?? [])];
  const outside = artifacts.find(
    (a) => a.location.type !== 'S3' || a.location.s3Location.bucketName !== bucket,
  );
  if (!outside) return;
  const where =
    outside.location.type === 'S3'
      ? `is in s3://${echo(outside.location.s3Location.bucketName)}, not`
      : `is stored in ${echo(outside.location.type)}, not in S3`;
  throw new UnconfirmedJobError(
    `the artifact ${echo(outside.name)} ${where} in the pipeline's artifact bucket ${bucket}; nothing was read or written`,
  );
}

/**
 * CodePipeline records the action execution as it invokes the function. Should its listing lag behind
 * the invocation, a job whose execution or action is not listed yet is asked about again after these
 * delays before it is refused: a forged job costs a few seconds more, never a read or a write.
 */
export const LISTING_DELAYS_MS: readonly number[] = [2_000, 5_000];

/** The execution's action executions, once one of them invokes this function or the re-asks are spent. */
async function listedActions(
  run: JobRun,
  where: { pipelineName: string; executionId: string },
  functionName: string,
): Promise<ActionExecutionDetail[]> {
  for (let attempt = 0; ; attempt++) {
    const last = attempt >= LISTING_DELAYS_MS.length;
    let actions: ActionExecutionDetail[] | undefined;
    try {
      actions = await actionExecutionsOf(run.deps.codePipeline, where, { abortSignal: run.deadline.signal });
    } catch (error) {
      if (last || !isExecutionNotFound(error)) throw confirmationError(error, where, 'ListActionExecutions');
    }
    if (actions && (last || actions.some((a) => invokedFunction(a) === functionName))) return actions;
    await run.deps.sleep(LISTING_DELAYS_MS[attempt] as number);
  }
}

/** What a failed confirmation call means: an unknown execution is no job of ours; the rest is the deployment's. */
function confirmationError(
  error: unknown,
  where: { pipelineName: string; executionId: string },
  operation: string,
): unknown {
  if (isExecutionNotFound(error))
    return new UnconfirmedJobError(
      `not a job CodePipeline is running in ${where.pipelineName}: it has no execution ${where.executionId}; nothing was read or written`,
    );
  if (isPipelineNotFound(error))
    return new ConfigurationError(
      `${JOB_ENV.pipelineName} names the pipeline ${where.pipelineName}, which CodePipeline does not know in this account and region: set it to the pipeline whose stage invokes this function (ReconcileStage does)`,
    );
  return translateAwsError(error, operation, 'codepipeline');
}

/** Why no action execution confirms the job, or undefined when one does. */
function mismatch(
  actions: readonly ActionExecutionDetail[],
  job: CodePipelineJob,
  userParameters: string,
  functionName: string,
): string | undefined {
  const ours = actions.filter((a) => invokedFunction(a) === functionName);
  if (ours.length === 0) return `its execution runs no action that invokes ${functionName}`;
  const problems = ours.map((action) => problemWith(action, job, userParameters));
  if (problems.includes(undefined)) return undefined;
  // The closest miss: an action that is running before one that finished.
  const running = ours.findIndex((a) => a.status === 'InProgress');
  return problems[Math.max(0, running)];
}

function problemWith(
  action: ActionExecutionDetail,
  job: CodePipelineJob,
  userParameters: string,
): string | undefined {
  const name = `${action.stageName}/${action.actionName}`;
  if (action.status !== 'InProgress')
    return `its action ${name} is ${action.status ?? 'in no state'}, not InProgress (a finished job sent again)`;
  if ((action.input?.resolvedConfiguration?.UserParameters ?? '') !== userParameters)
    return `the event's UserParameters are not those CodePipeline resolved for ${name}`;
  if (locations(action.input?.inputArtifacts ?? []) !== eventLocations(job))
    return `the event's input artifacts are not those CodePipeline gave ${name}`;
  return undefined;
}

/** The function an action invokes: `FunctionName` may be a name, `name:qualifier`, or a (partial) ARN. */
function invokedFunction(action: ActionExecutionDetail): string | undefined {
  const value = action.input?.resolvedConfiguration?.FunctionName;
  const afterArn = value?.includes(':function:') ? value.split(':function:')[1] : value;
  return afterArn?.split(':')[0];
}

function locations(artifacts: readonly { s3location?: { bucket?: string; key?: string } }[]): string {
  return JSON.stringify(artifacts.map((a) => [a.s3location?.bucket, a.s3location?.key]).sort());
}

function eventLocations(job: CodePipelineJob): string {
  return locations(
    (job.data.inputArtifacts ?? []).map(({ location: { s3Location } }) => ({
      s3location: { bucket: s3Location.bucketName, key: s3Location.objectKey },
    })),
  );
}

/** The trigger variable's value in this execution (undefined when the execution has none). */
async function readTrigger(
  client: CodePipelineClient,
  where: { pipelineName: string; executionId: string },
  variable: string,
  abortSignal: AbortSignal,
): Promise<string | undefined> {
  try {
    const execution = await pipelineExecution(client, where, { abortSignal });
    const value = execution.variables?.find((v) => v.name === variable)?.resolvedValue;
    return value ? value.slice(0, MAX_TRIGGER_LENGTH) : undefined;
  } catch (error) {
    throw confirmationError(error, where, 'GetPipelineExecution');
  }
}
