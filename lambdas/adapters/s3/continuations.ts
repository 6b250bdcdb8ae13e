/**
 * Continuation state for organizations too large to read (or apply) in one Lambda invocation: the
 * progress is kept in the state bucket and CodePipeline's continuation token only points to it.
 * CodePipeline re-invokes the function with the token; the next invocation picks up where this one
 * stopped. Objects expire through the bucket's lifecycle rule.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { CONTINUATIONS_PREFIX } from '../../domain/contract.ts';
import { ConfigurationError } from '../../domain/errors.ts';
import type { ReadProgress } from '../organizations/reader.ts';

export interface ContinuationState {
  version: 1;
  /** The job that started the run; continued jobs have ids of their own. */
  firstJobId: string;
  createdAt: string;
  progress: ReadProgress;
}

interface Token {
  v: 1;
  key: string;
}

export class ContinuationStore {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly prefix = CONTINUATIONS_PREFIX,
  ) {}

  /** Saves the state; returns the continuation token for PutJobSuccessResult (well under 2,048 characters). */
  async save(state: ContinuationState, abortSignal?: AbortSignal): Promise<string> {
    const key = `${this.prefix}${state.firstJobId}.json.gz`;
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: gzipSync(JSON.stringify(state)),
        ContentType: 'application/json',
        ContentEncoding: 'gzip',
      }),
      abortSignal ? { abortSignal } : {},
    );
    const token: Token = { v: 1, key };
    return JSON.stringify(token);
  }

  async load(token: string, abortSignal?: AbortSignal): Promise<ContinuationState> {
    let parsed: Partial<Token>;
    try {
      parsed = JSON.parse(token) as Partial<Token>;
    } catch {
      throw new ConfigurationError('the continuation token is not one this function wrote (not JSON)');
    }
    const key = parsed.key;
    if (parsed.v !== 1 || typeof key !== 'string' || !key.startsWith(this.prefix) || key.includes('..')) {
      throw new ConfigurationError('the continuation token is not one this function wrote');
    }
    const object = await this.s3.send(
      new GetObjectCommand({ Bucket: this.bucket, Key: key }),
      abortSignal ? { abortSignal } : {},
    );
    const bytes = await object.Body?.transformToByteArray();
    if (!bytes) throw new Error(`continuation state s3://${this.bucket}/${key} is empty`);
    const state = JSON.parse(gunzipSync(bytes).toString('utf8')) as ContinuationState;
    if (state.version !== 1 || !Array.isArray(state.progress?.hierarchy?.pending)) {
      throw new ConfigurationError(`continuation state s3://${this.bucket}/${key} has an unknown format`);
    }
    return state;
  }
}
