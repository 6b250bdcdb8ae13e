/**
 * Lambda entry point of the periodic custom AWS Config rule (lambdas/config-rule/evaluate.ts). Thin: it
 * wires the clients from the environment the stack sets (lib/config-rule-function.ts).
 */
import { createOrganizationsClient } from '../adapters/aws/clients.ts';
import { createConfigClient } from '../adapters/config/client.ts';
import { LatestRun } from '../adapters/s3/latest-run.ts';
import { stateS3Client } from '../adapters/s3/state-client.ts';
import { ConfigurationError } from '../domain/errors.ts';
import { readEnvironment } from '../pipeline-job/env.ts';
import { createLogger } from '../pipeline-job/logger.ts';
import { evaluateRule } from './evaluate.ts';

const environment = readEnvironment();
const logger = createLogger();

export const handler = async (event: unknown): Promise<void> => {
  if (!environment.stateBucket)
    throw new ConfigurationError(
      'the environment variable AI_OPTOUT_STATE_BUCKET is not set (set by the ai-optout stack)',
    );
  await evaluateRule(event, {
    organizations: createOrganizationsClient({ region: environment.organizationsRegion }),
    config: createConfigClient(),
    latestRun: new LatestRun(
      stateS3Client({ forcePathStyle: environment.endpointOverride }),
      environment.stateBucket,
    ),
    logger,
    pace: environment.pace,
  });
};
