/**
 * The report artifact: `report.json` (the CLI's report JSON plus the configuration revision) and
 * `report.md` zipped into the action's first output artifact, when it declares one, encrypted with
 * the pipeline's KMS key when the job carries one.
 */
import { writeArtifact, zipFiles } from '../adapters/s3/artifacts.ts';
import { renderJson } from '../domain/report/json.ts';
import { renderMarkdown } from '../domain/report/markdown.ts';
import { RAISE_TIMEOUT } from './deadline.ts';
import type { CodePipelineJob } from './event.ts';
import type { JobInput } from './input.ts';
import type { JobRun } from './job-run.ts';
import type { Reconciled } from './outcome.ts';

export async function writeReportArtifact(
  job: CodePipelineJob,
  input: Pick<JobInput, 's3' | 'revision'>,
  { result, applied }: Reconciled,
  run: JobRun,
): Promise<void> {
  const output = job.data.outputArtifacts?.[0];
  if (!output) return;
  const { bucketName, objectKey } = output.location.s3Location;
  run.deadline.begin({
    doing: `writing the report artifact s3://${bucketName}/${objectKey}`,
    hint: RAISE_TIMEOUT,
  });
  const zip = zipFiles({
    'report.json': renderJson(result, run.deps.now(), applied?.steps, { revision: input.revision }),
    'report.md': renderMarkdown(result),
  });
  await writeArtifact(input.s3, output.location.s3Location, zip, job.data.encryptionKey);
  run.log.info({ artifact: output.name, bytes: zip.length }, 'report artifact written');
}
