/**
 * Starts the ai-optout pipeline after an LZA pipeline execution succeeded, on the configuration
 * revision THAT execution deployed, not whatever is newest when ours runs.
 *
 * LZA's configuration source action (`Configuration` in stage `Source`, namespace `Config-Vars`:
 * awslabs/landing-zone-accelerator-on-aws v1.15.5, source/packages/@aws-accelerator/accelerator/lib/pipeline.ts)
 * records the revision it fetched as output variables: `VersionId` for S3, `CommitId` for CodeCommit and
 * CodeConnections (https://docs.aws.amazon.com/codepipeline/latest/userguide/reference-variables.html:
 * "You can see the variables produced by an action by inspecting the outputVariables field that is part
 * of the ListActionExecutions API"). ListActionExecutions filtered on the execution id returns them, and
 * StartPipelineExecution's `sourceRevisions` (S3_OBJECT_VERSION_ID, COMMIT_ID) starts ours on it (botocore
 * codepipeline/2015-07-09/service-2.json, `SourceRevisionOverride`;
 * https://docs.aws.amazon.com/codepipeline/latest/userguide/pipelines-trigger-source-overrides.html).
 *
 * The LZA execution id is the request's `clientRequestToken` (marked `idempotencyToken` in the model), so
 * a redelivered event (EventBridge delivers at least once) is the same request, not a new one. When the revision cannot be found, or LZA's action read
 * another bucket, key, repository or branch than ours, ours still starts (on the latest revision) and the
 * log says why, at warn level.
 */
import type { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { findActionExecution, startExecution } from '../adapters/codepipeline/pipelines.ts';
import { describeError } from '../domain/errors.ts';
import type { Logger } from '../pipeline-job/logger.ts';

export type RevisionType = 'S3_OBJECT_VERSION_ID' | 'COMMIT_ID';

/** The output variable of LZA's configuration action that holds each kind of revision. */
export const REVISION_VARIABLE: Record<RevisionType, string> = {
  S3_OBJECT_VERSION_ID: 'VersionId',
  COMMIT_ID: 'CommitId',
};

export interface StarterConfig {
  /** The LZA pipeline whose executions start ours. */
  lzaPipelineName: string;
  /** Stage and action of LZA's configuration source action. */
  lzaStageName: string;
  lzaActionName: string;
  /** Our pipeline, and its source action that reads the same configuration. */
  pipelineName: string;
  sourceActionName: string;
  revisionType: RevisionType;
  /** Configuration values LZA's action must have read for its revision to be ours (e.g. S3Bucket, S3ObjectKey). */
  expectedConfiguration: Record<string, string>;
}

interface StartResult {
  pipelineExecutionId: string | undefined;
  /** The revision ours was started on, or undefined when it runs on the latest. */
  revision: string | undefined;
  /** Why there is no revision (logged at warn level). */
  reason?: string;
}

/** The parts of a "CodePipeline Pipeline Execution State Change" event this reads. */
interface PipelineStateEvent {
  'detail-type'?: string;
  detail?: { pipeline?: string; 'execution-id'?: string; state?: string };
}

const EXECUTION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

type Found = { revision: string } | { reason: string };

/** The revision LZA's configuration action recorded in this execution, or why there is none. */
async function deployedRevision(
  client: CodePipelineClient,
  config: StarterConfig,
  executionId: string,
): Promise<Found> {
  const action = await findActionExecution(client, {
    pipelineName: config.lzaPipelineName,
    executionId,
    stageName: config.lzaStageName,
    actionName: config.lzaActionName,
  });
  if (!action) {
    return {
      reason: `execution ${executionId} of ${config.lzaPipelineName} has no ${config.lzaStageName}/${config.lzaActionName} action`,
    };
  }
  const read = { ...action.input?.configuration, ...action.input?.resolvedConfiguration };
  const differs = Object.entries(config.expectedConfiguration).filter(([key, value]) => read[key] !== value);
  if (differs.length > 0) {
    const what = differs.map(([key, value]) => `${key} ${read[key] ?? '(none)'}, ours ${value}`).join('; ');
    return { reason: `${config.lzaActionName} read another source than ours (${what})` };
  }
  const variable = REVISION_VARIABLE[config.revisionType];
  const revision = action.output?.outputVariables?.[variable];
  return revision
    ? { revision }
    : { reason: `${config.lzaActionName} recorded no ${variable} output variable` };
}

/** Handles one EventBridge event. Throws only when StartPipelineExecution fails (the invocation is then retried). */
export async function startAfterLza(
  event: unknown,
  client: CodePipelineClient,
  config: StarterConfig,
  log: Logger,
): Promise<StartResult | undefined> {
  const detail = (event as PipelineStateEvent | undefined)?.detail;
  if (detail?.pipeline !== config.lzaPipelineName || detail.state !== 'SUCCEEDED') {
    log.error(
      { pipeline: detail?.pipeline, state: detail?.state },
      `not a SUCCEEDED execution of ${config.lzaPipelineName}; not starting ${config.pipelineName}`,
    );
    return undefined;
  }
  const executionId = detail['execution-id'];
  let found: Found;
  if (!executionId || !EXECUTION_ID.test(executionId)) {
    found = { reason: `the event carries no valid execution-id (${String(executionId)})` };
  } else {
    found = await deployedRevision(client, config, executionId).catch((error: unknown) => ({
      reason: `cannot read the execution's actions: ${describeError(error)}`,
    }));
  }
  const started = await startExecution(client, {
    pipelineName: config.pipelineName,
    revision:
      'revision' in found
        ? {
            actionName: config.sourceActionName,
            revisionType: config.revisionType,
            revisionValue: found.revision,
          }
        : undefined,
    // A redelivered event is the same request, not a new execution.
    clientRequestToken: executionId && EXECUTION_ID.test(executionId) ? executionId : undefined,
  });
  const result: StartResult = {
    pipelineExecutionId: started,
    revision: 'revision' in found ? found.revision : undefined,
    ...('reason' in found ? { reason: found.reason } : {}),
  };
  const fields = { lzaExecutionId: executionId, ...result };
  if ('revision' in found)
    log.info(fields, `started ${config.pipelineName} on the revision ${config.lzaPipelineName} deployed`);
  else
    log.warn(
      fields,
      `started ${config.pipelineName} on the LATEST revision, not necessarily the one ${config.lzaPipelineName} deployed: ${found.reason}`,
    );
  return result;
}
