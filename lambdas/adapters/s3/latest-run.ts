/**
 * The latest finished run in the state bucket, at stable keys (`ai-optout/latest/report.html`, …): the
 * reports people open without unzipping an artifact, and the desired state the run checked, which the
 * Config rule's function reads back. Each write replaces the last (the bucket keeps old versions for
 * its lifecycle's 90 days); objects take the bucket's default encryption.
 */
import { GetObjectCommand, NoSuchKey, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { REPORT_CONTENT_TYPES, type ReportFile } from '../../domain/report/registry.ts';
import { LATEST_RUN_FILES, LATEST_RUN_PREFIX } from '../../runtime/state-bucket.ts';

/** A report of the registry's (the job writes those it keeps as the latest), or the desired state checked. */
type LatestFile = ReportFile | typeof LATEST_RUN_FILES.desiredState;

const CONTENT_TYPES: Record<LatestFile, string> = {
  ...REPORT_CONTENT_TYPES,
  [LATEST_RUN_FILES.desiredState]: 'application/yaml',
};

export class LatestRun {
  constructor(
    private readonly s3: S3Client,
    readonly bucket: string,
    private readonly prefix = LATEST_RUN_PREFIX,
  ) {}

  key(name: LatestFile): string {
    return `${this.prefix}${name}`;
  }

  async publish(
    files: Partial<Record<LatestFile, string | Uint8Array>>,
    abortSignal?: AbortSignal,
  ): Promise<void> {
    for (const [name, body] of Object.entries(files) as [LatestFile, string | Uint8Array][]) {
      await this.s3.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: this.key(name),
          Body: body,
          ContentType: CONTENT_TYPES[name],
        }),
        abortSignal ? { abortSignal } : {},
      );
    }
  }

  /** The file's bytes, or undefined when no run has written it yet. */
  async read(name: LatestFile, abortSignal?: AbortSignal): Promise<Uint8Array | undefined> {
    try {
      const object = await this.s3.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: this.key(name) }),
        abortSignal ? { abortSignal } : {},
      );
      return await object.Body?.transformToByteArray();
    } catch (error) {
      if (error instanceof NoSuchKey) return undefined;
      throw error;
    }
  }
}
