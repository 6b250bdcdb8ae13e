/**
/**
 * The reports of a finished run, rendered once: the report formats that name an artifact file (the report
 * registry: `report.json`, the CLI's report JSON plus the configuration revision and the trigger,
 * `report.md` and `report.html`) zipped into the action's first output artifact, when it declares one,
 * encrypted with the pipeline's KMS key when the job carries one; and those the registry keeps as the
 * latest (JSON and HTML) with the desired state checked at stable keys in the state bucket
 * (lambdas/adapters/s3/latest-run.ts). Two rows of the job's outputs (job.ts).
 */
import { writeArtifact, zipFiles } from '../adapters/s3/artifacts.ts';
import type { LatestRun } from '../adapters/s3/latest-run.ts';
import type { Plan } from '../domain/planner.ts';
import type { ReportContext } from '../domain/report/format.ts';
import { REPORTS, type ReportFile } from '../domain/report/registry.ts';
import type { ApplyResult } from '../organization-session.ts';
import { RAISE_TIMEOUT } from './deadline.ts';
import type { CodePipelineJob } from './event.ts';
import type { JobRun } from './job-run.ts';
import type { FinishedRun } from './outputs.ts';

export type Reports = Record<ReportFile, string>;

type OutputArtifact = NonNullable<CodePipelineJob['data']['outputArtifacts']>[number];

/** The run's reports, as the artifact and the latest run carry them. */
export function renderReports(
  result: Plan,
  applied: ApplyResult | undefined,
  context: ReportContext,
  now: Date,
): Reports {
  return REPORTS.artifactFiles({ plan: result, generatedAt: now, applied: applied?.steps, run: context });
}

/** The action's output artifact, when it declares one. */
export function outputArtifactOf({ job }: FinishedRun): OutputArtifact | undefined {
  return job.data.outputArtifacts?.[0];
}

/** The reports zipped into the output artifact (with the job's artifact S3 client and KMS key). */
export async function writeReportArtifact(
  output: OutputArtifact,
  { job, input, reports }: FinishedRun,
  run: JobRun,
): Promise<void> {
  const { bucketName, objectKey } = output.location.s3Location;
  run.deadline.begin({
    doing: `writing the report artifact s3://${bucketName}/${objectKey}`,
    hint: RAISE_TIMEOUT,
  });
  const zip = zipFiles(reports);
  await writeArtifact(input.s3, output.location.s3Location, zip, job.data.encryptionKey);
  run.log.info({ artifact: output.name, bytes: zip.length }, 'report artifact written');
}

/** The latest run at stable keys in the state bucket: the reports the registry keeps there, and the desired state. */
export async function publishLatest(
  latest: LatestRun,
  { reports, input }: FinishedRun,
  run: JobRun,
): Promise<void> {
  run.deadline.begin({
    doing: `writing the latest reports to s3://${latest.bucket}/${latest.key('report.html')}`,
    hint: RAISE_TIMEOUT,
  });
  await latest.publish(
    { ...REPORTS.latestFiles(reports), 'ai-optout.yaml': input.source },
    run.deadline.signal,
  );
  run.log.info({ bucket: latest.bucket, key: latest.key('report.html') }, 'latest reports written');
}
