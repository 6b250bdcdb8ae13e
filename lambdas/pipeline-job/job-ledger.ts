/**
 * One result per job, even when CodePipeline delivers the same job twice: each invocation claims the
 * job id with a conditional S3 write before doing anything. A second delivery finds the claim and
 * stops, without applying and without reporting. A claim older than any invocation can live (the first
 * invocation died) may be taken over.
 */
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { errorName } from '../adapters/aws/errors.ts';

export type Claim = 'claimed' | 'already-reported' | 'in-progress';

interface Marker {
  state: 'running' | 'reported';
  startedAt: string;
  requestId?: string;
  outcome?: string;
}

/** Lambda runs at most 15 minutes; a running claim older than this belongs to a dead invocation. */
export const STALE_CLAIM_MS = 16 * 60 * 1000;

export class JobLedger {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly prefix = 'ai-optout/jobs/',
  ) {}

  private key(jobId: string): string {
    return `${this.prefix}${jobId}.json`;
  }

  private async put(
    jobId: string,
    marker: Marker,
    condition: { IfNoneMatch: string } | { IfMatch: string } | object,
  ): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: this.key(jobId),
        Body: JSON.stringify(marker),
        ContentType: 'application/json',
        ...condition,
      }),
    );
  }

  async claim(jobId: string, now: Date, requestId?: string): Promise<Claim> {
    const marker: Marker = {
      state: 'running',
      startedAt: now.toISOString(),
      ...(requestId ? { requestId } : {}),
    };
    try {
      await this.put(jobId, marker, { IfNoneMatch: '*' });
      return 'claimed';
    } catch (error) {
      if (
        errorName(error) !== 'PreconditionFailed' &&
        (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode !== 412
      )
        throw error;
    }
    const existing = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key(jobId) }));
    const current = JSON.parse((await existing.Body?.transformToString()) ?? '{}') as Marker;
    if (current.state === 'reported') return 'already-reported';
    if (now.getTime() - Date.parse(current.startedAt) < STALE_CLAIM_MS) return 'in-progress';
    try {
      await this.put(jobId, marker, { IfMatch: existing.ETag ?? '' });
      return 'claimed';
    } catch {
      return 'in-progress';
    }
  }

  async markReported(jobId: string, startedAt: Date, outcome: string): Promise<void> {
    await this.put(jobId, { state: 'reported', startedAt: startedAt.toISOString(), outcome }, {});
  }
}
