/**
 * Shared pieces of the pipeline-job tests: real pipeline artifacts in moto's S3, a CodePipeline job
 * event shaped like the documented sample
 * (https://docs.aws.amazon.com/codepipeline/latest/userguide/actions-invoke-lambda-function.html), KMS
 * keys, and a tiny log sink.
 */
import { randomUUID } from 'node:crypto';
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  type HeadObjectCommandOutput,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { unzipSync } from 'fflate';
import { zipFiles } from '../../../lambdas/adapters/s3/artifacts.ts';

export const REGION = 'us-east-1';
/** The repository's example desired state, the file most jobs read. */
export { EXAMPLE_YAML as CONFIG_YAML } from '../../support/example-desired-state.ts';
export const ARTIFACT_BUCKET = 'codepipeline-us-east-1-111111111111';
export const STATE_BUCKET = 'ai-optout-state-111111111111';
export const PIPELINE_ACCOUNT = '111111111111';
/** The pipeline whose jobs the function accepts, and the function its action invokes. */
export const PIPELINE_NAME = 'ai-optout';
export const FUNCTION_NAME = 'ai-optout-validate';
/** The job dependencies' `pipeline`, as ReconcileStage configures the function. */
export const OWN_PIPELINE = {
  name: PIPELINE_NAME,
  artifactBucket: ARTIFACT_BUCKET,
  functionName: FUNCTION_NAME,
} as const;
/** The same in the function's environment, as ReconcileStage and Lambda set it. */
export const OWN_PIPELINE_ENVIRONMENT = {
  AI_OPTOUT_PIPELINE_NAME: PIPELINE_NAME,
  AI_OPTOUT_ARTIFACT_BUCKET: ARTIFACT_BUCKET,
  AWS_LAMBDA_FUNCTION_NAME: FUNCTION_NAME,
} as const;

/** The artifact credentials of the event: distinctive values the logs must never show. */
export const ARTIFACT_CREDENTIALS = {
  accessKeyId: 'ASIAQPIPELINEEXAMPLE7',
  secretAccessKey: 'sEcReT+artifact/AccessKey0123456789abcdXYZ',
  sessionToken: 'SeSsIoNtOkEn//artifact+session+token+FwoGZXIvYXdzEExample0123456789==',
  expirationTime: 1_575_493_418_000,
};

/** An S3 client for the test itself (path-style, moto's test credentials). */
export function adminS3Client(endpoint: string): S3Client {
  return new S3Client({
    region: REGION,
    endpoint,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    forcePathStyle: true,
  });
}

export async function createBuckets(s3: S3Client, ...buckets: string[]): Promise<void> {
  for (const bucket of buckets) await s3.send(new CreateBucketCommand({ Bucket: bucket }));
}

/** Zips `files` and uploads the zip as a pipeline input artifact; returns its object key. */
export async function putInputArtifact(
  s3: S3Client,
  files: Record<string, string>,
  options: { kmsKeyArn?: string; key?: string } = {},
): Promise<string> {
  const key = options.key ?? `lza-pipeline/Config/${randomUUID().slice(0, 7)}`;
  await s3.send(
    new PutObjectCommand({
      Bucket: ARTIFACT_BUCKET,
      Key: key,
      Body: zipFiles(files),
      ContentType: 'application/zip',
      ...(options.kmsKeyArn ? { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: options.kmsKeyArn } : {}),
    }),
  );
  return key;
}

export interface EventOptions {
  jobId?: string;
  /**
   * A string is sent as is; an object is JSON-encoded, with a fresh `pipelineExecutionId` (as the stage's
   * `#{codepipeline.PipelineExecutionId}` resolves) unless it names one; `undefined` is `{}` so.
   */
  userParameters?: string | Record<string, unknown> | undefined;
  inputKey: string;
  /** Declares an output artifact at this key. */
  outputKey?: string;
  /** Adds `encryptionKey: {id, type: 'KMS'}`. */
  encryptionKeyArn?: string;
  /**
   * The input artifact's source revision: `null` by default, as in the aws-lambda-go and
   * aws_lambda_events sample events; a string (an S3 version id, a commit id) as in the Lambda guide's.
   */
  revision?: string | null;
}

/** A `CodePipeline.job` event exactly as the Lambda invoke action sends it. */
export function pipelineEvent(options: EventOptions) {
  const parameters = options.userParameters ?? {};
  const configuration: Record<string, string> = {
    FunctionName: FUNCTION_NAME,
    UserParameters:
      typeof parameters === 'string'
        ? parameters
        : JSON.stringify({
            ...parameters,
            pipelineExecutionId: parameters.pipelineExecutionId ?? randomUUID(),
          }),
  };
  return {
    'CodePipeline.job': {
      id: options.jobId ?? randomUUID(),
      accountId: PIPELINE_ACCOUNT,
      data: {
        actionConfiguration: { configuration },
        inputArtifacts: [
          {
            name: 'Config',
            revision: options.revision ?? null,
            location: {
              type: 'S3',
              s3Location: { bucketName: ARTIFACT_BUCKET, objectKey: options.inputKey },
            },
          },
        ],
        outputArtifacts: options.outputKey
          ? [
              {
                name: 'Report',
                revision: null,
                location: {
                  type: 'S3',
                  s3Location: { bucketName: ARTIFACT_BUCKET, objectKey: options.outputKey },
                },
              },
            ]
          : [],
        artifactCredentials: { ...ARTIFACT_CREDENTIALS },
        ...(options.encryptionKeyArn ? { encryptionKey: { id: options.encryptionKeyArn, type: 'KMS' } } : {}),
      },
    },
  };
}

export type PipelineEvent = ReturnType<typeof pipelineEvent>;

export function jobIdOf(event: PipelineEvent): string {
  return event['CodePipeline.job'].id;
}

/** Creates a symmetric KMS key in moto (raw JSON protocol: the project has no KMS client). */
export async function createKmsKey(endpoint: string): Promise<string> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'TrentService.CreateKey',
      authorization: `AWS4-HMAC-SHA256 Credential=testing/20260101/${REGION}/kms/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: JSON.stringify({ Description: 'pipeline artifact key' }),
  });
  const body = (await response.json()) as { KeyMetadata?: { Arn?: string } };
  if (!response.ok || !body.KeyMetadata?.Arn)
    throw new Error(`KMS CreateKey failed: ${JSON.stringify(body)}`);
  return body.KeyMetadata.Arn;
}

/** Reads the output artifact back: its files, and the object's head. */
export async function readOutputArtifact(
  s3: S3Client,
  key: string,
): Promise<{ files: Record<string, string>; head: HeadObjectCommandOutput }> {
  const object = await s3.send(new GetObjectCommand({ Bucket: ARTIFACT_BUCKET, Key: key }));
  const bytes = await (object.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray();
  const head = await s3.send(new HeadObjectCommand({ Bucket: ARTIFACT_BUCKET, Key: key }));
  const decoder = new TextDecoder();
  const files = Object.fromEntries(
    Object.entries(unzipSync(bytes)).map(([name, data]) => [name, decoder.decode(data)]),
  );
  return { files, head };
}

/** A pino destination that keeps every line. */
export function logSink(): { write(line: string): void; text(): string; lines(): Record<string, unknown>[] } {
  const chunks: string[] = [];
  return {
    write: (line: string) => {
      chunks.push(line);
    },
    text: () => chunks.join(''),
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}
