/**
 * Organization snapshots in S3: the pipeline job publishes one after every run (the latest, and a dated
 * copy the bucket's lifecycle expires), encrypted with the stack's KMS key; `plan --snapshot s3://…`
 * reads one back. Reading needs s3:GetObject on the object and kms:Decrypt on its key, nothing more.
 *
 * Each snapshot is written without the bucket's S3 Bucket Key, so that S3 asks KMS with the object's own
 * ARN as encryption context (`aws:s3:arn`; with a Bucket Key it is the bucket's ARN
 * [S3-KMS-ENCRYPTION-CONTEXT]).
 * Snapshot readers are granted kms:Decrypt only under that context (lib/snapshot-readers.ts), so the
 * same key does not open the pipeline's other artifacts for them.
 */
import {
  GetObjectCommand,
  NoSuchBucket,
  NoSuchKey,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { SnapshotError } from '../../domain/errors.ts';
import type { OrgSnapshot } from '../../domain/model.ts';
import { formatS3Url, type S3Location } from '../../domain/s3-url.ts';
import { parseSnapshot, serializeSnapshot } from '../../domain/snapshot.ts';
import { LATEST_SNAPSHOT_KEY, SNAPSHOT_HISTORY_PREFIX } from '../../runtime/state-bucket.ts';
import { translateAwsError } from '../aws/errors.ts';

/** The dated copy's key: the capture time without colons (`2026-12-01T231725Z.json`), sortable. */
export function historyKeyOf(snapshot: Pick<OrgSnapshot, 'capturedAt'>): string {
  return `${SNAPSHOT_HISTORY_PREFIX}${snapshot.capturedAt.replace(/:/g, '')}.json`;
}

export class SnapshotPublisher {
  /** `kmsKeyArn`: the key objects are encrypted with (the stack's); without it, the bucket's default encryption. */
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly kmsKeyArn?: string,
  ) {}

  /** Writes the snapshot as the latest and as its dated copy; returns both keys. */
  async publish(snapshot: OrgSnapshot, abortSignal?: AbortSignal): Promise<string[]> {
    const body = serializeSnapshot(snapshot);
    const keys = [LATEST_SNAPSHOT_KEY, historyKeyOf(snapshot)];
    for (const key of keys) {
      await this.s3.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: body,
          ContentType: 'application/json',
          ...(this.kmsKeyArn
            ? { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: this.kmsKeyArn, BucketKeyEnabled: false }
            : {}),
        }),
        abortSignal ? { abortSignal } : {},
      );
    }
    return keys;
  }
}

/** Reads and validates a snapshot object: a missing one is a SnapshotError, access denied a PermissionError. */
export async function readSnapshotObject(
  s3: S3Client,
  location: S3Location,
  abortSignal?: AbortSignal,
): Promise<OrgSnapshot> {
  const url = formatS3Url(location);
  let text: string;
  try {
    const object = await s3.send(
      new GetObjectCommand({ Bucket: location.bucket, Key: location.key }),
      abortSignal ? { abortSignal } : {},
    );
    text = (await object.Body?.transformToString('utf8')) ?? '';
  } catch (error) {
    if (error instanceof NoSuchKey || error instanceof NoSuchBucket) {
      throw new SnapshotError(
        `snapshot ${url} does not exist (${error.name}): the pipeline publishes it after its first run`,
        { cause: error },
      );
    }
    throw translateAwsError(error, 'GetObject', 's3');
  }
  return parseSnapshot(text, url);
}
