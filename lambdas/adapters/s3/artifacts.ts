/**
 * Pipeline artifacts: the input zip read from S3 with the job's artifact credentials, the desired-state
 * file extracted from it without trusting the zip (zip-entry.ts), and the report zip written to the output
 * artifact (KMS-encrypted with the job's key when the pipeline gives one).
 */
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { zipSync } from 'fflate';
import { DESIRED_STATE_LIMITS } from '../../domain/desired-state/limits.ts';
import { echo } from '../../domain/echo.ts';
import { ConfigurationError, PermissionError, ServiceUnavailableError } from '../../domain/errors.ts';
import { boundedRequestHandler } from '../aws/bounded-calls.ts';
import { errorName, translateAwsError } from '../aws/errors.ts';
import { extractEntry, ZipError, type ZipProblem } from './zip-entry.ts';

export interface ArtifactLocation {
  bucketName: string;
  objectKey: string;
}

export interface ArtifactCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | undefined;
}

export const LIMITS = {
  /** Largest input artifact read, in bytes. */
  zipBytes: 64 * 1024 * 1024,
  /** Most entries in the input zip. */
  entries: 20_000,
  /** Largest desired-state file, in bytes once extracted (the loader's own limit). */
  configBytes: DESIRED_STATE_LIMITS.bytes,
};

/** An S3 client with the job's artifact credentials; path-style addressing when an endpoint is overridden. */
export function artifactS3Client(
  credentials: ArtifactCredentials,
  env: NodeJS.ProcessEnv = process.env,
): S3Client {
  const endpoint = env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL;
  return new S3Client({
    ...(endpoint ? { endpoint } : {}),
    region: env.AWS_REGION ?? 'us-east-1',
    credentials: {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      ...(credentials.sessionToken ? { sessionToken: credentials.sessionToken } : {}),
    },
    forcePathStyle: Boolean(endpoint),
    maxAttempts: 4,
    requestHandler: boundedRequestHandler(),
  });
}

export async function readArtifact(s3: S3Client, location: ArtifactLocation): Promise<Uint8Array> {
  try {
    const response = await s3.send(
      new GetObjectCommand({ Bucket: location.bucketName, Key: location.objectKey }),
    );
    const length = response.ContentLength ?? 0;
    if (length > LIMITS.zipBytes) {
      throw new ConfigurationError(
        `the input artifact s3://${location.bucketName}/${location.objectKey} is ${length} bytes, more than the ${LIMITS.zipBytes} this action reads`,
      );
    }
    if (!response.Body) throw new Error(`s3://${location.bucketName}/${location.objectKey} has no body`);
    return await response.Body.transformToByteArray();
  } catch (error) {
    throw withLocation(
      translateAwsError(error, 'GetObject', 's3'),
      'cannot read the input artifact',
      location,
    );
  }
}

/**
 * An S3 error the translation left alone (NoSuchKey, NoSuchBucket, ...) says only "The specified key
 * does not exist.": name the object and the error code, keeping the original as the cause.
 */
function withLocation(error: unknown, what: string, location: ArtifactLocation): unknown {
  if (error instanceof ConfigurationError || error instanceof PermissionError) return error;
  if (error instanceof ServiceUnavailableError) return error;
  const name = errorName(error);
  const message = error instanceof Error ? error.message : String(error);
  return new Error(
    `${what} s3://${location.bucketName}/${location.objectKey}: ${name}${message && message !== name ? `: ${message}` : ''}`,
    { cause: error },
  );
}

function normalize(path: string): string {
  return path.replace(/\\/g, '/').replace(/^\.\//, '').replace(/^\/+/, '');
}

/** The one-sentence configuration error for a zip the action will not read. */
function zipProblem(problem: ZipProblem, wanted: string, artifactName: string): ConfigurationError {
  const artifact = `the input artifact ${artifactName}`;
  switch (problem.kind) {
    case 'not-a-zip':
      return new ConfigurationError(`${artifact} is not a readable zip file: ${problem.reason}`);
    case 'too-many-entries':
      return new ConfigurationError(
        `${artifact} has ${problem.count} entries, more than the ${LIMITS.entries} this action reads`,
      );
    case 'overlapping':
      return new ConfigurationError(
        `${artifact} is not a zip this action reads: entries \`${echo(problem.first)}\` and \`${echo(problem.second)}\` share the same bytes (the zip is crafted or damaged)`,
      );
    case 'repeated':
      return new ConfigurationError(
        `${artifact} has ${problem.count} entries named ${problem.name}: which one is the desired state is ambiguous; rebuild the zip with one`,
      );
    case 'missing': {
      const listing =
        problem.files.length > 0
          ? `; it contains ${problem.files.map((f) => echo(f)).join(', ')}${problem.moreFiles ? ', …' : ''}`
          : '; it is empty';
      return new ConfigurationError(
        `${artifact} has no ${wanted} (set "configPath" in UserParameters if the file is elsewhere)${listing}`,
      );
    }
    case 'too-large':
      return new ConfigurationError(
        `${wanted} in ${artifactName} is ${problem.declared} bytes, more than ${LIMITS.configBytes}`,
      );
    case 'unreadable':
      return new ConfigurationError(`${wanted} in ${artifactName} cannot be read: ${problem.reason}`);
  }
}

/**
 * The bytes of one file in a zip, in memory: see zip-entry.ts for what is refused (too many entries,
 * entries that share bytes, the file named twice, a file that inflates beyond what it declares).
 * Paths that climb out of the archive are refused; the bytes are decoded (as UTF-8) by the loader.
 */
export function extractFile(zip: Uint8Array, wanted: string, artifactName: string): Uint8Array {
  const target = normalize(wanted);
  if (target.split('/').includes('..'))
    throw new ConfigurationError(`configPath ${wanted} must not contain ".."`);
  try {
    return extractEntry(zip, target, normalize, { entries: LIMITS.entries, entryBytes: LIMITS.configBytes });
  } catch (error) {
    if (error instanceof ZipError) throw zipProblem(error.problem, target, artifactName);
    throw error;
  }
}

export function zipFiles(files: Record<string, string>): Uint8Array {
  const encoder = new TextEncoder();
  return zipSync(
    Object.fromEntries(Object.entries(files).map(([name, text]) => [name, encoder.encode(text)])),
    { level: 6 },
  );
}

export async function writeArtifact(
  s3: S3Client,
  location: ArtifactLocation,
  body: Uint8Array,
  encryptionKey?: { id: string; type: string },
): Promise<void> {
  try {
    await s3.send(
      new PutObjectCommand({
        Bucket: location.bucketName,
        Key: location.objectKey,
        Body: body,
        ContentType: 'application/zip',
        ...(encryptionKey?.type === 'KMS'
          ? { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: encryptionKey.id }
          : {}),
      }),
    );
  } catch (error) {
    throw withLocation(
      translateAwsError(error, 'PutObject', 's3'),
      'cannot write the output artifact',
      location,
    );
  }
}
