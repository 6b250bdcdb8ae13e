/**
 * Continuation state for organizations too large to read (or apply) in one Lambda invocation: the
 * progress is kept in the state bucket and CodePipeline's continuation token only points to it.
 * CodePipeline re-invokes the function with the token; the next invocation picks up where this one
 * stopped. Objects expire through the bucket's lifecycle rule.
 *
 * The state names the pipeline execution it belongs to (the job checks it against the confirmed one, so
 * a token of another run is refused), and keeps no account e-mail address: nothing after the read
 * needs them, and the state bucket is readable by more than the function.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import * as z from 'zod';
import { ConfigurationError } from '../../domain/errors.ts';
import { CONTINUATIONS_PREFIX } from '../../runtime/state-bucket.ts';
import type { ReadProgress } from '../organizations/reader.ts';

interface ContinuationState {
  version: 2;
  /** The job that started the run; continued jobs have ids of their own. */
  firstJobId: string;
  /** The pipeline execution whose run this is. */
  pipelineExecutionId: string;
  createdAt: string;
  /**
   * The Organizations types whose policies the run reads, AI opt-out's first (a file with a `bedrock:`
   * section adds Bedrock's); absent in a state saved before there was more than one: AI opt-out's alone.
   * The hierarchy read so far serves every type, and the policies are read again when the read completes.
   */
  policyTypes?: string[];
  progress: ReadProgress;
}

const TokenSchema = z.object({ v: z.literal(1), key: z.string() });
type Token = z.output<typeof TokenSchema>;

/** What `load` accepts: the shape `save` writes (extra keys are dropped). */
const ContinuationStateSchema = z.object({
  version: z.literal(2),
  firstJobId: z.string().min(1),
  pipelineExecutionId: z.string().min(1),
  createdAt: z.string(),
  policyTypes: z.array(z.string()).min(1).optional(),
  progress: z.object({
    organization: z.object({ id: z.string(), managementAccountId: z.string() }),
    hierarchy: z.object({
      organizationalUnits: z.array(z.object({ id: z.string(), name: z.string(), parentId: z.string() })),
      accounts: z.array(
        z.object({
          id: z.string(),
          name: z.string(),
          status: z.string().optional(),
          parentId: z.string(),
        }),
      ),
      pending: z.array(z.string()),
    }),
  }),
}) satisfies z.ZodType<ContinuationState>;

export class ContinuationStore {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly prefix = CONTINUATIONS_PREFIX,
  ) {}

  /** Saves the state; returns the continuation token for PutJobSuccessResult (well under 2,048 characters, [CP-JOB-RESULT-LIMITS]). */
  async save(state: ContinuationState, abortSignal?: AbortSignal): Promise<string> {
    const key = `${this.prefix}${state.firstJobId}.json.gz`;
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: gzipSync(JSON.stringify(withoutEmails(state))),
        ContentType: 'application/json',
        ContentEncoding: 'gzip',
      }),
      abortSignal ? { abortSignal } : {},
    );
    const token: Token = { v: 1, key };
    return JSON.stringify(token);
  }

  async load(token: string, abortSignal?: AbortSignal): Promise<ContinuationState> {
    const key = this.keyOf(token);
    const object = await this.s3.send(
      new GetObjectCommand({ Bucket: this.bucket, Key: key }),
      abortSignal ? { abortSignal } : {},
    );
    const bytes = await object.Body?.transformToByteArray();
    const state = ContinuationStateSchema.safeParse(bytes?.length ? parseGzippedJson(bytes) : undefined);
    if (!state.success) {
      throw new ConfigurationError(
        `continuation state s3://${this.bucket}/${key} ${bytes?.length ? 'has an unknown format' : 'is empty'}`,
      );
    }
    return state.data;
  }

  /** The state object a token names; only a key this store writes (under its prefix) is accepted. */
  private keyOf(token: string): string {
    let parsed: unknown;
    try {
      parsed = JSON.parse(token);
    } catch {
      throw new ConfigurationError('the continuation token is not one this function wrote (not JSON)');
    }
    const read = TokenSchema.safeParse(parsed);
    const key = read.success ? read.data.key : undefined;
    if (!key?.startsWith(this.prefix) || key.includes('..')) {
      throw new ConfigurationError('the continuation token is not one this function wrote');
    }
    return key;
  }
}

function withoutEmails(state: ContinuationState): ContinuationState {
  const { hierarchy } = state.progress;
  const accounts = hierarchy.accounts.map(({ email: _email, ...account }) => account);
  return { ...state, progress: { ...state.progress, hierarchy: { ...hierarchy, accounts } } };
}

function parseGzippedJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(gunzipSync(bytes).toString('utf8'));
  } catch {
    return undefined;
  }
}
