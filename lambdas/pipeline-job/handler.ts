/**
 * Lambda entry point of the CodePipeline "Invoke" action (contract section 7). Thin: it wires the AWS
 * clients from the environment and hands the event to runJob, which never throws.
 */
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { S3Client } from '@aws-sdk/client-s3';
import { boundedRequestHandler, CallWatch, superviseCalls } from '../adapters/aws/bounded-calls.ts';
import { createOrganizationsClient, sessionNameFor } from '../adapters/aws/clients.ts';
import { artifactS3Client } from '../adapters/s3/artifacts.ts';
import { ContinuationStore } from '../adapters/s3/continuations.ts';
import { JobLedger } from '../adapters/s3/job-ledger.ts';
import { readEnvironment } from './env.ts';
import { type LambdaContextLike, runJob } from './job.ts';
import { createLogger } from './logger.ts';

const environment = readEnvironment();
const logger = createLogger();
/** Every call of this process, for the deadline's message: Lambda runs one invocation at a time. */
const calls = new CallWatch();
const codePipeline = new CodePipelineClient({ maxAttempts: 3, requestHandler: boundedRequestHandler() });
// Two attempts: the claim and the continuation state must leave time for the job and its report.
const stateS3 = new S3Client({
  forcePathStyle: environment.endpointOverride,
  maxAttempts: 2,
  requestHandler: boundedRequestHandler(),
});
superviseCalls(codePipeline, calls);
superviseCalls(stateS3, calls);
const ledger = environment.stateBucket ? new JobLedger(stateS3, environment.stateBucket) : undefined;
const continuations = environment.stateBucket
  ? new ContinuationStore(stateS3, environment.stateBucket)
  : undefined;

export const handler = async (event: unknown, context: LambdaContextLike): Promise<void> => {
  await runJob(event, context, {
    codePipeline,
    organizations: (roleArn, jobCalls) =>
      createOrganizationsClient({
        region: environment.organizationsRegion,
        ...(roleArn ? { roleArn, sessionName: sessionNameFor('pipeline') } : {}),
        ...(jobCalls ? { watch: jobCalls.watch, abortSignal: jobCalls.signal } : {}),
      }),
    artifactS3: (credentials) => artifactS3Client(credentials),
    ...(ledger ? { ledger } : {}),
    ...(continuations ? { continuations } : {}),
    logger,
    modeCeiling: environment.modeCeiling,
    now: () => new Date(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    pace: environment.pace,
    calls,
  });
};
