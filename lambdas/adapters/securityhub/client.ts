/** The Security Hub client of the pipeline job: bounded in time and supervised like every client (adapters/aws/bounded-calls.ts). */
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { boundedRequestHandler, type CallWatch, superviseCalls } from '../aws/bounded-calls.ts';

export function createSecurityHubClient(
  options: { region?: string; watch?: CallWatch } = {},
): SecurityHubClient {
  const client = new SecurityHubClient({
    maxAttempts: 5,
    requestHandler: boundedRequestHandler(),
    ...(options.region ? { region: options.region } : {}),
  });
  superviseCalls(client, options.watch);
  return client;
}
