/**
 * The reports of a finished run: the report formats that name an artifact file (the report registry:
 * `report.json`, the CLI's report JSON plus the configuration revision and the trigger, `report.md` and
 * `report.html`) zipped into the action's first output artifact, when it declares one, encrypted with the
 * pipeline's KMS key when the job carries one; and those the registry keeps as the latest (JSON and HTML)
 * with the desired state checked at stable keys in the state bucket (lambdas/adapters/s3/latest-run.ts).
 */
import { writeArtifact, zipFiles } from '../adapters/s3/artifacts.ts';
import { describeError } from '../domain/errors.ts';
import { REPORTS, type ReportFile } from '../domain/report/registry.ts';
import { RAISE_TIMEOUT } from './deadline.ts';
import type { CodePipelineJob } from './event.ts';
import type { JobInput } from './input.ts';
import type { JobRun } from './job-run.ts';
import type { Reconciled } from './outcome.ts';

export async function writeReportArtifact(
  job: CodePipelineJob,
  input: Pick<JobInput, 's3' | 'revision' | 'source'>,
  { result, applied }: Reconciled,
  run: JobRun,
  trigger?: string,
): Promise<void> {
  const reports = REPORTS.artifactFiles({
    plan: result,
    generatedAt: run.deps.now(),
    applied: applied?.steps,
    run: { revision: input.revision, trigger },
  });
  await publishLatest(REPORTS.latestFiles(reports), input.source, run);
  const output = job.data.outputArtifacts?.[0];
  if (!output) return;
  const { bucketName, objectKey } = output.location.s3Location;
  run.deadline.begin({
    doing: `writing the report artifact s3://${bucketName}/${objectKey}`,
    hint: RAISE_TIMEOUT,
  });
  const zip = zipFiles(reports);
  await writeArtifact(input.s3, output.location.s3Location, zip, job.data.encryptionKey);
  run.log.info({ artifact: output.name, bytes: zip.length }, 'report artifact written');
}

/**
 * The latest run at stable keys, when the function has a state bucket. Like the job claims, a bucket
 * that cannot be written does not fail the job: the result and the artifact still report the run.
 */
async function publishLatest(
  reports: Partial<Record<ReportFile, string>>,
  source: Uint8Array,
  run: JobRun,
): Promise<void> {
  const latest = run.deps.latestRun;
  if (!latest) return;
  run.deadline.begin({
    doing: `writing the latest reports to s3://${latest.bucket}/${latest.key('report.html')}`,
    hint: RAISE_TIMEOUT,
  });
  try {
    await latest.publish({ ...reports, 'ai-optout.yaml': source }, run.deadline.signal);
    run.log.info({ bucket: latest.bucket, key: latest.key('report.html') }, 'latest reports written');
  } catch (error) {
    run.deadline.check();
    run.log.warn(
      { error: describeError(error) },
      'the latest reports could not be written to the state bucket',
    );
  }
}
