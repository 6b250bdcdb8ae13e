/**
 * Lambda entry point of the CodePipeline "Invoke" action (docs/pipeline-job.md). Thin: it wires the AWS
 * clients from the environment and hands the event to runJob, which never throws.
 */
import { CallWatch } from '../adapters/aws/bounded-calls.ts';
import { createOrganizationsClient, sessionNameFor } from '../adapters/aws/clients.ts';
import { createCodePipelineClient } from '../adapters/codepipeline/client.ts';
import { artifactS3Client } from '../adapters/s3/artifacts.ts';
import { stateS3Client } from '../adapters/s3/state-client.ts';
import { createSecurityHubClient } from '../adapters/securityhub/client.ts';
import { createLogger } from '../runtime/logger.ts';
import { readEnvironment } from '../runtime/pipeline-job-environment.ts';
import { runJob } from './job.ts';
import { type JobContext, stateStores } from './job-run.ts';
import { stdoutMetrics } from './metrics.ts';

const environment = readEnvironment();
const logger = createLogger();
/** Every call of this process, for the deadline's message: Lambda runs one invocation at a time. */
const calls = new CallWatch();
const codePipeline = createCodePipelineClient({ watch: calls });
const stateBucket = environment.stateBucket
  ? stateStores(
      stateS3Client({ forcePathStyle: environment.endpointOverride, watch: calls }),
      environment.stateBucket,
      environment.stateKeyArn,
    )
  : undefined;
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
    ...(stateBucket ? { stateBucket } : {}),
    ...(securityHub ? { securityHub } : {}),
    ...(environment.functionName ? { metrics: stdoutMetrics(environment.functionName) } : {}),
    logger,
    modeCeiling: environment.modeCeiling,
    bedrockPolicies: environment.bedrockPolicies,
    pace: environment.pace,
    now: () => new Date(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    calls,
  });
};
