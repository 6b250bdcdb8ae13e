/** The AWS Config client of the Config rule's function: bounded in time and supervised like every client (adapters/aws/bounded-calls.ts). */
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { boundedRequestHandler, superviseCalls } from '../aws/bounded-calls.ts';

export function createConfigClient(): ConfigServiceClient {
  const client = new ConfigServiceClient({ maxAttempts: 5, requestHandler: boundedRequestHandler() });
  superviseCalls(client);
  return client;
}
