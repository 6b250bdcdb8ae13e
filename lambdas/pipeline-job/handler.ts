/**
 * Lambda entry point of the CodePipeline "Invoke" action (docs/pipeline-job.md). Thin: it wires the AWS
 * clients from the environment and hands the event to runJob, which never throws.
 */
import { CallWatch } from '../adapters/aws/bounded-calls.ts';
import { createOrganizationsClient, sessionNameFor } from '../adapters/aws/clients.ts';
import { createCodePipelineClient } from '../adapters/codepipeline/client.ts';
import { artifactS3Client } from '../adapters/s3/artifacts.ts';
import { ContinuationStore } from '../adapters/s3/continuations.ts';
import { JobLedger } from '../adapters/s3/job-ledger.ts';
import { LatestRun } from '../adapters/s3/latest-run.ts';
import { SnapshotPublisher } from '../adapters/s3/snapshots.ts';
import { stateS3Client } from '../adapters/s3/state-client.ts';
import { createSecurityHubClient } from '../adapters/securityhub/client.ts';
import { createLogger } from '../runtime/logger.ts';
import { readEnvironment } from '../runtime/pipeline-job-environment.ts';
import { runJob } from './job.ts';
import type { JobContext } from './job-run.ts';
import { stdoutMetrics } from './metrics.ts';

const environment = readEnvironment();
const logger = createLogger();
/** Every call of this process, for the deadline's message: Lambda runs one invocation at a time. */
const calls = new CallWatch();
const codePipeline = createCodePipelineClient({ watch: calls });
const stateS3 = stateS3Client({ forcePathStyle: environment.endpointOverride, watch: calls });
const ledger = environment.stateBucket ? new JobLedger(stateS3, environment.stateBucket) : undefined;
const continuations = environment.stateBucket
  ? new ContinuationStore(stateS3, environment.stateBucket)
  : undefined;
const snapshots = environment.stateBucket
  ? new SnapshotPublisher(stateS3, environment.stateBucket, environment.stateKeyArn)
  : undefined;
const latestRun = environment.stateBucket ? new LatestRun(stateS3, environment.stateBucket) : undefined;
const securityHub =
  environment.securityHub && environment.region
    ? {
        client: createSecurityHubClient({ region: environment.region, watch: calls }),
        region: environment.region,
      }
    : undefined;

/** `context` is the Lambda context (@types/aws-lambda `Context`); the job reads its request id and remaining time. */
export const handler = async (event: unknown, context: JobContext): Promise<void> => {
  await runJob(event, context, {
    codePipeline,
    pipeline: environment.pipeline,
    organizations: (roleArn, jobCalls) =>
      createOrganizationsClient({
        region: environment.organizationsRegion,
        ...(roleArn ? { roleArn, sessionName: sessionNameFor('pipeline') } : {}),
        ...(jobCalls ? { watch: jobCalls.watch, abortSignal: jobCalls.signal } : {}),
      }),
    artifactS3: (credentials) => artifactS3Client(credentials),
    ...(ledger ? { ledger } : {}),
    ...(continuations ? { continuations } : {}),
    ...(snapshots ? { snapshots } : {}),
    ...(latestRun ? { latestRun } : {}),
    ...(securityHub ? { securityHub } : {}),
    logger,
    modeCeiling: environment.modeCeiling,
    now: () => new Date(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    pace: environment.pace,
    calls,
    ...(environment.functionName ? { metrics: stdoutMetrics(environment.functionName) } : {}),
  });
};
