/**
 * The job's input: the first input artifact read from S3 with the job's artifact credentials, the
 * desired-state file extracted from it, and the desired state loaded and validated. Each step is
 * named for the deadline, so a step that does not finish says which.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { boundedClient } from '../adapters/aws/bounded-calls.ts';
import { extractFile, readArtifact } from '../adapters/s3/artifacts.ts';
import { loadDesiredState } from '../domain/desired-state/loader.ts';
import type { DesiredState } from '../domain/desired-state/types.ts';
import { type Diagnostic, formatDiagnostic } from '../domain/diagnostics.ts';
import { ConfigurationError } from '../domain/errors.ts';
import { plural } from '../domain/plural.ts';
import type { Logger } from '../runtime/logger.ts';
import { RAISE_TIMEOUT } from './deadline.ts';
import type { CodePipelineJob } from './event.ts';
import type { JobRun } from './job-run.ts';
import type { UserParameters } from './parameters.ts';

/** Desired-state warnings logged one per line; past this, one line counts the rest. */
const LOGGED_WARNINGS = 20;

export interface JobInput {
  state: DesiredState;
  /** The job's artifact S3 client, bounded by the deadline (the report artifact is written with it). */
  s3: S3Client;
  /** The source revision (S3 version id, commit id) the artifact was made from, when the event has one. */
  revision: string | undefined;
  /** The desired-state file as read (kept as the latest run's at a stable key). */
  source: Uint8Array;
}

/** Reads and validates the desired state from the job's input artifact; its warnings go to the log. */
export async function readInput(
  job: CodePipelineJob,
  params: UserParameters,
  run: JobRun,
): Promise<JobInput> {
  const input = job.data.inputArtifacts?.[0];
  if (!input) {
    throw new ConfigurationError(
      'the action has no input artifact: give it the artifact that holds the desired-state file',
    );
  }
  const { deadline } = run;
  const s3 = boundedClient(run.deps.artifactS3(job.data.artifactCredentials), deadline.signal, run.watch);
  const { bucketName, objectKey } = input.location.s3Location;
  deadline.begin({
    doing: `reading the input artifact s3://${bucketName}/${objectKey}`,
    hint: `Check that S3 answers at the endpoint named, or ${RAISE_TIMEOUT.toLowerCase()}`,
  });
  const zip = await readArtifact(s3, input.location.s3Location);
  deadline.begin({
    doing: `extracting ${params.configPath} from the input artifact ${input.name}`,
    hint: RAISE_TIMEOUT,
  });
  const bytes = extractFile(zip, params.configPath, input.name);
  deadline.begin({ doing: `reading ${params.configPath}`, hint: RAISE_TIMEOUT });
  const loaded = loadDesiredState(bytes, { file: params.configPath });
  deadline.check();
  if (!loaded.ok) {
    const errors = loaded.diagnostics.filter((d) => d.severity === 'error').length;
    throw new ConfigurationError(
      `${params.configPath} in ${input.name} is not valid (${plural(errors, 'error')})`,
      loaded.diagnostics,
    );
  }
  logWarnings(loaded.diagnostics, run.log);
  return { state: loaded.state, s3, revision: input.revision || undefined, source: bytes };
}

/** Warnings of the desired state in the log: the first LOGGED_WARNINGS, then how many more. */
function logWarnings(warnings: readonly Diagnostic[], log: Logger): void {
  for (const warning of warnings.slice(0, LOGGED_WARNINGS))
    log.warn({ diagnostic: formatDiagnostic(warning) }, 'desired-state warning');
  if (warnings.length > LOGGED_WARNINGS)
    log.warn(
      { more: warnings.length - LOGGED_WARNINGS },
      'more desired-state warnings (run ai-optout validate to see them)',
    );
}
