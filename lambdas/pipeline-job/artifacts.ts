/**
 * Pipeline artifacts: the input zip read from S3 with the job's artifact credentials, the desired-state
 * file extracted from it with caps on size and entry count, and the report zip written to the output
 * artifact (KMS-encrypted with the job's key when the pipeline gives one).
 */
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { type Unzipped, unzipSync, zipSync } from 'fflate';
import { errorName, translateAwsError } from '../adapters/aws/errors.ts';
import { ConfigurationError, PermissionError, ServiceUnavailableError } from '../domain/errors.ts';

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
  /** Largest desired-state file, in bytes once extracted. */
  configBytes: 1024 * 1024,
};

/** An S3 client with the job's artifact credentials; path-style addressing when an endpoint is overridden. */
export function artifactS3Client(
  credentials: ArtifactCredentials,
  env: NodeJS.ProcessEnv = process.env,
): S3Client {
  const endpointOverride = Boolean(env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL);
  return new S3Client({
    region: env.AWS_REGION ?? 'us-east-1',
    credentials: {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      ...(credentials.sessionToken ? { sessionToken: credentials.sessionToken } : {}),
    },
    forcePathStyle: endpointOverride,
    maxAttempts: 4,
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

/**
 * Extracts one file from a zip, in memory. Refuses archives with too many entries, entry names that
 * climb out of the archive, and files that expand beyond the cap.
 */
export function extractFile(zip: Uint8Array, wanted: string, artifactName: string): string {
  const target = normalize(wanted);
  if (target.split('/').includes('..'))
    throw new ConfigurationError(`configPath ${wanted} must not contain ".."`);
  let entries = 0;
  /** Files (not directory entries): the listing ends with "…" only when some file is left out. */
  let files = 0;
  const names: string[] = [];
  let unzipped: Unzipped;
  try {
    unzipped = unzipSync(zip, {
      filter: (file) => {
        entries++;
        if (entries > LIMITS.entries) {
          throw new ConfigurationError(
            `the input artifact ${artifactName} has more than ${LIMITS.entries} entries`,
          );
        }
        const name = normalize(file.name);
        if (!name.endsWith('/')) {
          files++;
          if (names.length < 20) names.push(name);
        }
        if (name !== target) return false;
        if (file.originalSize > LIMITS.configBytes) {
          throw new ConfigurationError(
            `${wanted} in ${artifactName} is ${file.originalSize} bytes, more than ${LIMITS.configBytes}`,
          );
        }
        return true;
      },
    });
  } catch (error) {
    if (error instanceof ConfigurationError) throw error;
    throw new ConfigurationError(
      `the input artifact ${artifactName} is not a readable zip file: ${(error as Error).message}`,
    );
  }
  const match = Object.entries(unzipped).find(([name]) => normalize(name) === target);
  if (!match) {
    const listing =
      names.length > 0
        ? `; it contains ${names.join(', ')}${files > names.length ? ', …' : ''}`
        : '; it is empty';
    throw new ConfigurationError(
      `the input artifact ${artifactName} has no ${target} (set "configPath" in UserParameters if the file is elsewhere)${listing}`,
    );
  }
  const bytes = match[1];
  if (bytes.length > LIMITS.configBytes)
    throw new ConfigurationError(`${wanted} in ${artifactName} expands beyond ${LIMITS.configBytes} bytes`);
  return new TextDecoder('utf-8', { fatal: false }).decode(bytes);
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
