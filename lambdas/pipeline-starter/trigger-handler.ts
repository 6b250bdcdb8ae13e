/**
 * Lambda entry point of the trigger function: the SQS queue that gathers the schedule's messages and
 * the Organizations events hands it one batch at a time (lambdas/pipeline-starter/triggers.ts).
 */
import { createCodePipelineClient } from '../adapters/codepipeline/client.ts';
import { ConfigurationError } from '../domain/errors.ts';
import { createLogger } from '../pipeline-job/logger.ts';
import { STARTER_ENV } from './config.ts';
import { startOnTriggers } from './triggers.ts';

const logger = createLogger();
const client = createCodePipelineClient();

export const handler = async (event: unknown): Promise<void> => {
  const pipelineName = process.env[STARTER_ENV.pipelineName];
  if (!pipelineName)
    throw new ConfigurationError(
      `the environment variable ${STARTER_ENV.pipelineName} is not set (set by the ai-optout stack)`,
    );
  await startOnTriggers(event, client, pipelineName, logger);
};
