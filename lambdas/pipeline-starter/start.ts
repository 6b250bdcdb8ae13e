/**
 * Starts the ai-optout pipeline after an LZA pipeline execution succeeded, on the configuration
 * revision THAT execution deployed, not whatever is newest when ours runs.
 *
 * LZA's configuration source action (`Configuration` in stage `Source`, namespace `Config-Vars`:
 * [LZA-CONFIGURATION-ACTION]) records the revision it fetched as output variables: `VersionId` for S3,
 * `CommitId` for CodeCommit and CodeConnections [CP-SOURCE-VARIABLES]. ListActionExecutions filtered on
 * the execution id returns them [CP-ACTION-EXECUTIONS], and StartPipelineExecution's `sourceRevisions`
 * (S3_OBJECT_VERSION_ID, COMMIT_ID) starts ours on it [CP-SOURCE-REVISION-OVERRIDE].
 *
 * The event proves nothing by itself: anyone allowed lambda:InvokeFunction on the starter can send one
 * naming any execution id, and an old genuine execution would start ours on an old revision (in enforce
 * mode, rolling the organization back to an old desired state). So ours starts only when the LZA
 * pipeline itself says the execution Succeeded (GetPipelineExecution) and no newer execution has
 * succeeded since (ListPipelineExecutions, newest first); anything else is logged and starts nothing.
 *
 * The LZA execution id is the request's `clientRequestToken` (marked `idempotencyToken` in the model), so
 * a redelivered event (EventBridge delivers at least once) is the same request, not a new one. When the revision cannot be found, or LZA's action read
 * another bucket, key, repository or branch than ours, ours still starts (on the latest revision) and the
 * log says why, at warn level.
 */
import type { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import {
  findActionExecution,
  isExecutionNotFound,
  newestExecutions,
  pipelineExecution,
  startExecution,
} from '../adapters/codepipeline/pipelines.ts';
import { echo } from '../domain/echo.ts';
import { describeError } from '../domain/errors.ts';
import type { Logger } from '../runtime/logger.ts';
import type { RevisionType, StarterConfig } from '../runtime/pipeline-starter-environment.ts';

/** The event's LZA execution id once LZA confirms it (Succeeded, its newest success); else logs why not. */
async function confirmedExecution(
  event: unknown,
  client: CodePipelineClient,
  config: StarterConfig,
  log: Logger,
): Promise<string | undefined> {
  const detail = (event as PipelineStateEvent | undefined)?.detail;
  const executionId = detail?.['execution-id'];
  const notStarting = `not starting ${config.pipelineName}`;
  if (detail?.pipeline !== config.lzaPipelineName || detail.state !== 'SUCCEEDED') {
    log.error(
      { pipeline: detail?.pipeline, state: detail?.state },
      `not a SUCCEEDED execution of ${config.lzaPipelineName}; ${notStarting}`,
    );
    return undefined;
  }
  if (!executionId || !EXECUTION_ID.test(executionId)) {
    log.error(
      { lzaExecutionId: echo(String(executionId), 100) },
      `the event carries no valid execution-id; ${notStarting}`,
    );
    return undefined;
  }
  const reason = await unconfirmedReason(client, config, executionId);
  if (!reason) return executionId;
  log.error({ lzaExecutionId: executionId }, `${reason}; ${notStarting}`);
  return undefined;
}

/** The output variable of LZA's configuration action that holds each kind of revision. */
export const REVISION_VARIABLE: Record<RevisionType, string> = {
  S3_OBJECT_VERSION_ID: 'VersionId',
  COMMIT_ID: 'CommitId',
};

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

/** How many of the newest LZA executions are looked through for a newer success (one page). */
const NEWEST_EXECUTIONS = 20;

/**
 * Why `executionId` does not start ours, or undefined when LZA reports it Succeeded and as its newest
 * success. Throws what the API throws otherwise (the invocation is then retried).
 */
async function unconfirmedReason(
  client: CodePipelineClient,
  config: StarterConfig,
  executionId: string,
): Promise<string | undefined> {
  const where = { pipelineName: config.lzaPipelineName, executionId };
  const execution = await pipelineExecution(client, where).catch((error: unknown) => {
    if (isExecutionNotFound(error)) return undefined;
    throw error;
  });
  if (!execution) return `${config.lzaPipelineName} has no execution ${executionId}`;
  if (execution.status !== 'Succeeded')
    return `${config.lzaPipelineName} reports execution ${executionId} as ${execution.status ?? 'in no state'}, not Succeeded`;
  const newest = await newestExecutions(client, config.lzaPipelineName, NEWEST_EXECUTIONS);
  const latest = newest.find((e) => e.status === 'Succeeded');
  if (latest?.pipelineExecutionId !== executionId)
    return `execution ${executionId} is not the newest that succeeded in ${config.lzaPipelineName}${latest ? ` (${latest.pipelineExecutionId} is)` : ''}`;
  return undefined;
}

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

/**
 * Handles one EventBridge event. Throws only when a CodePipeline call fails other than with an unknown
 * execution (the invocation is then retried).
 */
export async function startAfterLza(
  event: unknown,
  client: CodePipelineClient,
  config: StarterConfig,
  log: Logger,
): Promise<StartResult | undefined> {
  const executionId = await confirmedExecution(event, client, config, log);
  if (!executionId) return undefined;
  const found = await deployedRevision(client, config, executionId).catch((error: unknown) => ({
    reason: `cannot read the execution's actions: ${describeError(error)}`,
  }));
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
    clientRequestToken: executionId,
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
