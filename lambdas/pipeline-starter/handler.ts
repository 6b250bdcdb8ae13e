/**
 * Lambda entry point of the pipeline starter: the target of the EventBridge rule on the LZA pipeline's
 * SUCCEEDED events (an EventBridge CodePipeline target cannot pass source revisions). Thin: it reads its
 * configuration from the environment the stack sets and hands the event to startAfterLza.
 */
import { createCodePipelineClient } from '../adapters/codepipeline/client.ts';
import { createLogger } from '../runtime/logger.ts';
import { readStarterConfig } from '../runtime/pipeline-starter-environment.ts';
import { startAfterLza } from './start.ts';

const logger = createLogger();
// Bounded like every AWS call of the project: a CodePipeline endpoint that never answers fails the
// invocation (EventBridge retries it) instead of holding it until the Lambda timeout.
const client = createCodePipelineClient();

export const handler = async (event: unknown): Promise<void> => {
  await startAfterLza(event, client, readStarterConfig(), logger);
};
