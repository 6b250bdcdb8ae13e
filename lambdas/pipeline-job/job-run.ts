/**
 * What the steps of one pipeline job share: the dependencies the handler wires (injected, so tests
 * point them at emulators), the Lambda context, the deadline and the job's logger.
 */
import type { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import type { CallWatch } from '../adapters/aws/bounded-calls.ts';
import type { ArtifactCredentials } from '../adapters/s3/artifacts.ts';
import { ContinuationStore } from '../adapters/s3/continuations.ts';
import { JobLedger } from '../adapters/s3/job-ledger.ts';
import { LatestRun } from '../adapters/s3/latest-run.ts';
import { SnapshotPublisher } from '../adapters/s3/snapshots.ts';
import type { Mode } from '../domain/contract.ts';
import type { Logger } from '../runtime/logger.ts';
import type { OwnPipeline } from './confirm.ts';
import type { JobDeadline } from './deadline.ts';
import type { MetricsSink } from './metrics.ts';
import type { SecurityHubTarget } from './security-hub.ts';

/** The parts of the Lambda context the job reads. */
export type JobContext = Pick<Context, 'getRemainingTimeInMillis' | 'awsRequestId'>;

/** What the job gives a client factory so that the client's calls are bounded by its deadline. */
interface JobCalls {
  /** The job's work deadline: pass it to STS (the job passes it to the client's own sends). */
  signal: AbortSignal;
  /** Where the job's calls in flight are recorded. */
  watch: CallWatch;
}

/** What the job keeps in its state bucket (`AI_OPTOUT_STATE_BUCKET`). */
export interface StateStores {
  /** Claims each job id, so that a second delivery of the same job neither applies nor reports. */
  ledger: JobLedger;
  /** The progress of a run too large for one invocation. */
  continuations: ContinuationStore;
  /** The organization snapshot published after every run. */
  snapshots: SnapshotPublisher;
  /** The latest run's reports and desired state at stable keys. */
  latestRun: LatestRun;
}

/** The state bucket's stores, all in `bucket`; published snapshots encrypted with `keyArn` when given. */
export function stateStores(client: S3Client, bucket: string, keyArn?: string): StateStores {
  return {
    ledger: new JobLedger(client, bucket),
    continuations: new ContinuationStore(client, bucket),
    snapshots: new SnapshotPublisher(client, bucket, keyArn),
    latestRun: new LatestRun(client, bucket),
  };
}

/** Timings tests shorten; production uses the defaults. */
export interface JobTiming {
  /** Time kept back for reporting (default RESERVE_MS). */
  reserveMs?: number;
  /** The least working time accepted after the reserve (default MINIMUM_WORK_MS). */
  minimumWorkMs?: number;
  /** Waits between the re-reads after apply (eventual consistency; the session's default otherwise). */
  rereadDelaysMs?: readonly number[];
  /** Schedules the work deadline (default setTimeout); returns a function that cancels it. */
  schedule?: (callback: () => void, ms: number) => () => void;
}

export interface JobDependencies {
  /** Confirms every job (ListActionExecutions, GetPipelineExecution) and reports its result. */
  codePipeline: CodePipelineClient;
  /** The one pipeline whose jobs the function accepts; without its name and bucket it accepts none. */
  pipeline: OwnPipeline;
  organizations(roleArn: string | undefined, calls?: JobCalls): OrganizationsClient;
  artifactS3(credentials: ArtifactCredentials): S3Client;
  /**
   * The state bucket: without it duplicates are not detected, a run too large for one invocation fails
   * at the deadline, and no snapshot or latest report is published.
   */
  stateBucket?: StateStores;
  /** Where the run's findings go (`AI_OPTOUT_SECURITY_HUB=true`); without it none are imported. */
  securityHub?: SecurityHubTarget;
  /** Where the embedded-metric-format lines go; without it no metrics are written. */
  metrics?: MetricsSink;
  logger: Logger;
  /** `AI_OPTOUT_MODE_CEILING`: a read-only deployment refuses enforce. */
  modeCeiling: Mode;
  /** `AI_OPTOUT_BEDROCK_POLICIES`: the deployment holds the Bedrock grants; without them a `bedrock:` section is refused. */
  bedrockPolicies: boolean;
  /** `published` in Lambda; tests against an emulator use `none`. */
  pace: 'published' | 'none';
  now(): Date;
  sleep(ms: number): Promise<void>;
  timing?: JobTiming;
  /**
   * Where Bedrock answers the guardrail pre-flight's reads (tests: a stand-in); by default the SDK's
   * (`AWS_ENDPOINT_URL_BEDROCK`, `AWS_ENDPOINT_URL`, else AWS's endpoint of each guardrail's Region).
   */
  bedrockEndpoint?: string;
  /** Records the calls in flight of every client (default: one per job). */
  calls?: CallWatch;
}

/** Time kept back from the Lambda deadline to write the report and send the result. */
export const RESERVE_MS = 45_000;
/** Less working time than this after the reserve means the function timeout is set too low. */
export const MINIMUM_WORK_MS = 15_000;

/** One job as its steps see it. */
export interface JobRun {
  jobId: string;
  /** When this invocation took the job (the claim's start). */
  startedAt: Date;
  context: JobContext;
  deps: JobDependencies;
  deadline: JobDeadline;
  watch: CallWatch;
  /** `watch.started` when the job was taken: the run's own calls are the difference. */
  callsAtStart: number;
  /** The job's logger (job id, request id; the pipeline execution id once the parameters are read). */
  log: Logger;
}
