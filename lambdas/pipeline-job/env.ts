/** The function's environment, read in one place with typed defaults. */
import type { Mode } from '../domain/contract.ts';
import { organizationsRegionFor } from '../domain/partitions.ts';
import type { OwnPipeline } from './confirm.ts';

/** What ReconcileStage sets on the function it is given (lib/reconcile-stage.ts): the pipeline it serves. */
export const JOB_ENV = {
  pipelineName: 'AI_OPTOUT_PIPELINE_NAME',
  artifactBucket: 'AI_OPTOUT_ARTIFACT_BUCKET',
  triggerVariable: 'AI_OPTOUT_TRIGGER_VARIABLE',
} as const;

interface PipelineEnvironment {
  /** `AI_OPTOUT_MODE_CEILING`: `enforce` only when the stack granted the write role; anything else is audit. */
  modeCeiling: Mode;
  /** `AI_OPTOUT_STATE_BUCKET`: where job claims live (the pipeline's artifact bucket). */
  stateBucket: string | undefined;
  /** `AI_OPTOUT_STATE_KEY_ARN`: the KMS key published snapshots are encrypted with (the stack's key). */
  stateKeyArn: string | undefined;
  /** `AI_OPTOUT_PACE`: `none` only for emulators. */
  pace: 'published' | 'none';
  /** Whether an endpoint override is set (S3 then needs path-style addressing). */
  endpointOverride: boolean;
  /** The Organizations (and STS) region of the partition of the function's own `AWS_REGION`. */
  organizationsRegion: string;
  /** `AWS_LAMBDA_FUNCTION_NAME` (set by Lambda): the metrics' dimension; no metrics outside Lambda. */
  functionName: string | undefined;
  /** `AI_OPTOUT_SECURITY_HUB=true`: import findings into Security Hub in the function's region. */
  securityHub: boolean;
  /** `AWS_REGION`, the function's own region. */
  region: string | undefined;
  /** The pipeline whose jobs it accepts (JOB_ENV); without one it accepts none. */
  pipeline: OwnPipeline;
}

export function readEnvironment(env: NodeJS.ProcessEnv = process.env): PipelineEnvironment {
  return {
    modeCeiling: env.AI_OPTOUT_MODE_CEILING === 'enforce' ? 'enforce' : 'audit',
    stateBucket: env.AI_OPTOUT_STATE_BUCKET || undefined,
    stateKeyArn: env.AI_OPTOUT_STATE_KEY_ARN || undefined,
    pace: env.AI_OPTOUT_PACE === 'none' ? 'none' : 'published',
    endpointOverride: Boolean(env.AWS_ENDPOINT_URL || env.AWS_ENDPOINT_URL_S3),
    organizationsRegion: organizationsRegionFor(env.AWS_REGION),
    functionName: env.AWS_LAMBDA_FUNCTION_NAME || undefined,
    securityHub: env.AI_OPTOUT_SECURITY_HUB === 'true',
    region: env.AWS_REGION || undefined,
    pipeline: {
      name: env[JOB_ENV.pipelineName] || undefined,
      artifactBucket: env[JOB_ENV.artifactBucket] || undefined,
      functionName: env.AWS_LAMBDA_FUNCTION_NAME || undefined,
      triggerVariable: env[JOB_ENV.triggerVariable] || undefined,
    },
  };
}
