/**
 * The CodePipeline client of both functions (the job's results, the starter's calls): bounded in time
 * like every client (adapters/aws/bounded-calls.ts), and the one retry layer of those calls.
 */
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import { boundedRequestHandler, type CallWatch, superviseCalls } from '../aws/bounded-calls.ts';

/**
 * Attempts per call, retries included (the SDK's standard retry: throttling, 5xx, timeouts and
 * network errors, with jittered backoff). Nothing retries around them (job-results.ts).
 */
const CODEPIPELINE_ATTEMPTS = 3;

interface CodePipelineClientOptions {
  /** Explicit endpoint and credentials (tests); otherwise the SDK reads the standard environment. */
  endpoint?: string;
  region?: string;
  credentials?: AwsCredentialIdentity;
  /** Records the client's calls in flight, for deadline messages. */
  watch?: CallWatch;
}

export function createCodePipelineClient(options: CodePipelineClientOptions = {}): CodePipelineClient {
  const client = new CodePipelineClient({
    maxAttempts: CODEPIPELINE_ATTEMPTS,
    requestHandler: boundedRequestHandler(),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.region ? { region: options.region } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
  });
  superviseCalls(client, options.watch);
  return client;
}
