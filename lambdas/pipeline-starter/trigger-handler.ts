/**
 * Lambda entry point of the trigger function: the SQS queue that gathers the schedule's messages and
 * the Organizations events hands it one batch at a time (lambdas/pipeline-starter/triggers.ts).
 */
import { createCodePipelineClient } from '../adapters/codepipeline/client.ts';
import { createLogger } from '../runtime/logger.ts';
import { readTriggerPipeline } from '../runtime/pipeline-starter-environment.ts';
import { startOnTriggers } from './triggers.ts';

const logger = createLogger();
const client = createCodePipelineClient();

export const handler = async (event: unknown): Promise<void> => {
  await startOnTriggers(event, client, readTriggerPipeline(), logger);
};
