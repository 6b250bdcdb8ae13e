/**
 * Starts the ai-optout pipeline between LZA runs: once per batch of trigger messages (the schedule's,
 * and the Organizations events of a burst, gathered by the SQS queue's batching window), on the latest
 * revision of the desired state, with the pipeline variable `trigger` naming what started it.
 *
 * The execution's idempotency token is derived from the batch's message ids: a batch delivered again
 * (SQS delivers at least once) is the same request, not a second run.
 */
import { createHash } from 'node:crypto';
import type { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { startExecution } from '../adapters/codepipeline/pipelines.ts';
import { describeTriggers, TRIGGER_VARIABLE } from '../domain/triggers.ts';
import type { Logger } from '../runtime/logger.ts';

/** The parts of an SQS event this reads [LAMBDA-SQS]. */
interface SqsEvent {
  Records?: { messageId?: string; body?: string }[];
}

function parseBody(body: string | undefined): unknown {
  try {
    return JSON.parse(body ?? '');
  } catch {
    return undefined;
  }
}

/** Handles one batch. Throws only when StartPipelineExecution fails (SQS then delivers the batch again). */
export async function startOnTriggers(
  event: unknown,
  client: CodePipelineClient,
  pipelineName: string,
  log: Logger,
): Promise<string | undefined> {
  const records = (event as SqsEvent | undefined)?.Records ?? [];
  const { description, unrecognized } = describeTriggers(records.map((r) => parseBody(r.body)));
  if (unrecognized > 0) log.warn({ unrecognized }, 'messages that are no trigger were ignored');
  if (!description) {
    log.error({ messages: records.length }, `no trigger in the batch; not starting ${pipelineName}`);
    return undefined;
  }
  const ids = records.map((r) => r.messageId ?? '').sort();
  const token = createHash('sha256').update(ids.join('\n')).digest('hex');
  const executionId = await startExecution(client, {
    pipelineName,
    revision: undefined,
    clientRequestToken: token,
    variables: { [TRIGGER_VARIABLE]: description },
  });
  log.info(
    { pipelineExecutionId: executionId, messages: records.length, trigger: description },
    `started ${pipelineName}`,
  );
  return executionId;
}
