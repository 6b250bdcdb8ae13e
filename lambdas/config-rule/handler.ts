/**
 * Lambda entry point of the periodic custom AWS Config rule (lambdas/config-rule/evaluate.ts). Thin: it
 * wires the clients from the environment the stack sets (lambdas/runtime/config-rule-environment.ts).
 */
import { createOrganizationsClient } from '../adapters/aws/clients.ts';
import { createConfigClient } from '../adapters/config/client.ts';
import { LatestRun } from '../adapters/s3/latest-run.ts';
import { stateS3Client } from '../adapters/s3/state-client.ts';
import { readConfigRuleEnvironment } from '../runtime/config-rule-environment.ts';
import { createLogger } from '../runtime/logger.ts';
import { evaluateRule } from './evaluate.ts';

const logger = createLogger();

export const handler = async (event: unknown): Promise<void> => {
  // Read on every invocation: a variable the stack did not set fails the invocation, naming it.
  const environment = readConfigRuleEnvironment();
  await evaluateRule(event, {
    organizations: createOrganizationsClient({ region: environment.organizationsRegion }),
    config: createConfigClient(),
    latestRun: new LatestRun(
      stateS3Client({ forcePathStyle: environment.endpointOverride }),
      environment.stateBucket,
    ),
    logger,
    pace: environment.pace,
    bedrockPolicies: environment.bedrockPolicies,
  });
};
