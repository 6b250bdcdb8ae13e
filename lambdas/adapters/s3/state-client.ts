/**
 * The S3 client of the function's state bucket (job claims and continuation state: job-ledger.ts,
 * continuations.ts), with the function's own credentials, bounded like every client.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { boundedRequestHandler, type CallWatch, superviseCalls } from '../aws/bounded-calls.ts';

/** Two attempts: the claim and the continuation state must leave time for the job and its report. */
const STATE_ATTEMPTS = 2;

export function stateS3Client(options: { forcePathStyle: boolean; watch?: CallWatch }): S3Client {
  const client = new S3Client({
    forcePathStyle: options.forcePathStyle,
    maxAttempts: STATE_ATTEMPTS,
    requestHandler: boundedRequestHandler(),
  });
  superviseCalls(client, options.watch);
  return client;
}
