/**
 * The pipeline job's environment (the reconciler function, lambdas/pipeline-job/handler.ts): what
 * ReconcilerFunction sets when it deploys the function, what ReconcileStage sets when it binds the
 * function to its pipeline, and what Lambda sets, read in one place with typed defaults.
 */
import { MODES, type Mode } from '../domain/contract.ts';
import { BEDROCK_POLICIES } from './bedrock-policies.ts';
import {
  choice,
  flag,
  type LambdaEnvironment,
  namesOf,
  readLambdaEnvironment,
  readVariables,
  STATE_BUCKET_VARIABLE,
  text,
} from './environment.ts';

/** Set by ReconcilerFunction (lib/reconciler-function.ts). */
export const RECONCILER_VARIABLES = {
  /** `enforce` only when the stack granted the write role; anything else is audit. */
  modeCeiling: choice('AI_OPTOUT_MODE_CEILING', MODES, 'audit'),
  /** Job claims, continuation state, the published snapshot and the latest run's reports; without it, none of them. */
  stateBucket: text(STATE_BUCKET_VARIABLE),
  /** The KMS key published snapshots are encrypted with (the stack's key). */
  stateKeyArn: text('AI_OPTOUT_STATE_KEY_ARN'),
  /** Import findings into Security Hub in the function's region. */
  securityHub: flag('AI_OPTOUT_SECURITY_HUB'),
  /** The role holds the Bedrock grants: without it a `bedrock:` section fails before any call. */
  bedrockPolicies: BEDROCK_POLICIES,
} as const;

/** Set by ReconcileStage (lib/reconcile-stage.ts): the one pipeline whose jobs the function accepts. */
export const PIPELINE_BINDING_VARIABLES = {
  pipelineName: text('AI_OPTOUT_PIPELINE_NAME'),
  /** The pipeline's artifact bucket: every artifact of a job must be in it. */
  artifactBucket: text('AI_OPTOUT_ARTIFACT_BUCKET'),
  /** The pipeline variable that says what started a run, if any. */
  triggerVariable: text('AI_OPTOUT_TRIGGER_VARIABLE'),
} as const;

/** The binding's variable names, which the job's refusals quote. */
export const JOB_ENV = namesOf(PIPELINE_BINDING_VARIABLES);

/** The pipeline the function serves, as its environment says (checked when a job arrives: lambdas/pipeline-job/confirm.ts). */
export interface BoundPipelineEnvironment {
  name: string | undefined;
  artifactBucket: string | undefined;
  /** `AWS_LAMBDA_FUNCTION_NAME`: the action must invoke this function. */
  functionName: string | undefined;
  triggerVariable?: string | undefined;
}

export interface PipelineEnvironment extends LambdaEnvironment {
  modeCeiling: Mode;
  stateBucket: string | undefined;
  stateKeyArn: string | undefined;
  securityHub: boolean;
  bedrockPolicies: boolean;
  /** Without a pipeline name and artifact bucket the function accepts no job. */
  pipeline: BoundPipelineEnvironment;
}

export function readEnvironment(env: NodeJS.ProcessEnv = process.env): PipelineEnvironment {
  const lambda = readLambdaEnvironment(env);
  const binding = readVariables(PIPELINE_BINDING_VARIABLES, env);
  return {
    ...lambda,
    ...readVariables(RECONCILER_VARIABLES, env),
    pipeline: {
      name: binding.pipelineName,
      artifactBucket: binding.artifactBucket,
      functionName: lambda.functionName,
      triggerVariable: binding.triggerVariable,
    },
  };
}
