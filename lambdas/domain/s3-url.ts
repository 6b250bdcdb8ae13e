/**
 * `s3://bucket/key` URLs, split as the AWS CLI splits them (aws-cli, awscli/customizations/s3/utils.py,
 * split_s3_bucket_key: the bucket is everything before the first `/`, the key all after it, not
 * percent-decoded). Both parts must be non-empty: a snapshot is one object.
 */
import { SnapshotError } from './errors.ts';

export interface S3Location {
  bucket: string;
  key: string;
}

const S3_SCHEME = 's3://';

export function isS3Url(text: string): boolean {
  return text.startsWith(S3_SCHEME);
}

/** Splits an `s3://bucket/key` URL; anything else is a SnapshotError naming it. */
export function parseS3Url(url: string): S3Location {
  const rest = url.startsWith(S3_SCHEME) ? url.slice(S3_SCHEME.length) : undefined;
  const slash = rest?.indexOf('/') ?? -1;
  const bucket = rest && slash > 0 ? rest.slice(0, slash) : '';
  const key = rest && slash > 0 ? rest.slice(slash + 1) : '';
  if (!bucket || !key) {
    throw new SnapshotError(
      `${url} is not an S3 object URL: write s3://<bucket>/<key>, e.g. s3://my-bucket/ai-optout/snapshots/latest.json`,
    );
  }
  return { bucket, key };
}

export function formatS3Url(location: S3Location): string {
  return `${S3_SCHEME}${location.bucket}/${location.key}`;
}
