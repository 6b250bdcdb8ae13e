/**
 * One result per job, even when CodePipeline delivers the same job twice: each invocation claims the
 * job id with a conditional S3 write before doing anything. A second delivery finds the claim and
 * stops, without applying and without reporting. A claim whose invocation has passed its deadline (it
 * died, or timed out), or that could not report its result, may be taken over by the next delivery.
 */
import { GetObjectCommand, PutObjectCommand, type S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import * as z from 'zod';
import { JOB_CLAIMS_PREFIX } from '../../runtime/state-bucket.ts';

type Claim = 'claimed' | 'already-reported' | 'in-progress';

const MarkerSchema = z.object({
  state: z.enum(['running', 'reported', 'unreported']),
  startedAt: z.string(),
  /** When the claiming invocation will have been stopped by Lambda, at the latest. */
  expiresAt: z.string().optional(),
  requestId: z.string().optional(),
  outcome: z.string().optional(),
});
type Marker = z.output<typeof MarkerSchema>;

/** Lambda runs at most 15 minutes [LAMBDA-TIMEOUT]: a claim with no deadline of its own is stale after this. */
const STALE_CLAIM_MS = 16 * 60 * 1000;

interface ClaimOptions {
  requestId?: string | undefined;
  /** The claiming invocation's own deadline (now + the Lambda's remaining time). */
  expiresAt?: Date | undefined;
  /** Cuts the claim's S3 calls (the job's deadline). */
  abortSignal?: AbortSignal | undefined;
}

/**
 * A conditional write that lost (the claim exists, or changed since it was read). S3 models no
 * exception for it: it is a generic S3 service exception known by its code (`PreconditionFailed`) and
 * its status (412) [S3-CONDITIONAL-WRITES].
 */
function isPreconditionFailed(error: unknown): boolean {
  return (
    error instanceof S3ServiceException &&
    (error.name === 'PreconditionFailed' || error.$metadata.httpStatusCode === 412)
  );
}

/** The claim object; one that is not a marker this ledger wrote is treated as stale (it is taken over). */
function readMarker(text: string | undefined): Marker | undefined {
  try {
    return MarkerSchema.parse(JSON.parse(text ?? ''));
  } catch {
    return undefined;
  }
}

function expiryOf(marker: Marker): number {
  return marker.expiresAt ? Date.parse(marker.expiresAt) : Date.parse(marker.startedAt) + STALE_CLAIM_MS;
}

export class JobLedger {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly prefix = JOB_CLAIMS_PREFIX,
  ) {}

  private key(jobId: string): string {
    return `${this.prefix}${jobId}.json`;
  }

  private async put(
    jobId: string,
    marker: Marker,
    condition: { IfNoneMatch: string } | { IfMatch: string } | object,
    abortSignal?: AbortSignal,
  ): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: this.key(jobId),
        Body: JSON.stringify(marker),
        ContentType: 'application/json',
        ...condition,
      }),
      abortSignal ? { abortSignal } : {},
    );
  }

  async claim(jobId: string, now: Date, options: ClaimOptions = {}): Promise<Claim> {
    const marker: Marker = {
      state: 'running',
      startedAt: now.toISOString(),
      ...(options.expiresAt ? { expiresAt: options.expiresAt.toISOString() } : {}),
      ...(options.requestId ? { requestId: options.requestId } : {}),
    };
    try {
      await this.put(jobId, marker, { IfNoneMatch: '*' }, options.abortSignal);
      return 'claimed';
    } catch (error) {
      if (!isPreconditionFailed(error)) throw error;
    }
    const existing = await this.s3.send(
      new GetObjectCommand({ Bucket: this.bucket, Key: this.key(jobId) }),
      options.abortSignal ? { abortSignal: options.abortSignal } : {},
    );
    const current = readMarker(await existing.Body?.transformToString());
    if (current?.state === 'reported') return 'already-reported';
    if (current?.state === 'running' && now.getTime() < expiryOf(current)) return 'in-progress';
    try {
      await this.put(jobId, marker, { IfMatch: existing.ETag ?? '' }, options.abortSignal);
      return 'claimed';
    } catch {
      return 'in-progress';
    }
  }

  async markReported(
    jobId: string,
    startedAt: Date,
    outcome: string,
    abortSignal?: AbortSignal,
  ): Promise<void> {
    await this.mark(jobId, 'reported', startedAt, outcome, abortSignal);
  }

  /** The result could not be sent: a later delivery of the job may run it again. */
  async markUnreported(
    jobId: string,
    startedAt: Date,
    outcome: string,
    abortSignal?: AbortSignal,
  ): Promise<void> {
    await this.mark(jobId, 'unreported', startedAt, outcome, abortSignal);
  }

  private async mark(
    jobId: string,
    state: 'reported' | 'unreported',
    startedAt: Date,
    outcome: string,
    abortSignal?: AbortSignal,
  ): Promise<void> {
    await this.put(jobId, { state, startedAt: startedAt.toISOString(), outcome }, {}, abortSignal);
  }
}
