/**
 * The S3 client of the function's state bucket (job claims, continuation state and published snapshots:
 * job-ledger.ts, continuations.ts, snapshots.ts), with the caller's own credentials, bounded like every
 * client. The CLI reads published snapshots with it too (`region` then names where to start: the SDK
 * follows S3's redirect to the bucket's own region).
 */
import { S3Client } from '@aws-sdk/client-s3';
import { boundedRequestHandler, type CallWatch, superviseCalls } from '../aws/bounded-calls.ts';

/** Two attempts: the claim and the continuation state must leave time for the job and its report. */
const STATE_ATTEMPTS = 2;

export function stateS3Client(options: {
  forcePathStyle: boolean;
  watch?: CallWatch;
  region?: string;
}): S3Client {
  const client = new S3Client({
    forcePathStyle: options.forcePathStyle,
    ...(options.region ? { region: options.region, followRegionRedirects: true } : {}),
    maxAttempts: STATE_ATTEMPTS,
    requestHandler: boundedRequestHandler(),
  });
  superviseCalls(client, options.watch);
  return client;
}
