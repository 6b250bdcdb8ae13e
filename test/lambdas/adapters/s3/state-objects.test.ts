/**
 * The state bucket's objects against moto's S3: job claims (conditional writes) and continuation
 * state, including objects neither store wrote.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ContinuationStore } from '../../../../lambdas/adapters/s3/continuations.ts';
import { JobLedger } from '../../../../lambdas/adapters/s3/job-ledger.ts';
import { ConfigurationError } from '../../../../lambdas/domain/errors.ts';
import { CONTINUATIONS_PREFIX, JOB_CLAIMS_PREFIX } from '../../../../lambdas/runtime/state-bucket.ts';
import { type MotoServer, startMoto } from '../../../support/moto.ts';
import { adminS3Client, createBuckets } from '../../pipeline-job/pipeline-fixtures.ts';

const BUCKET = 'ai-optout-state-111111111111';
const START = new Date('2026-12-01T10:00:00Z');
const minutes = (n: number) => new Date(START.getTime() + n * 60_000);

let moto: MotoServer;
let s3: S3Client;

beforeAll(async () => {
  moto = await startMoto();
  s3 = adminS3Client(moto.endpoint);
});

afterAll(async () => {
  s3?.destroy();
  await moto?.stop();
});

beforeEach(async () => {
  await moto.reset();
  await createBuckets(s3, BUCKET);
});

async function put(key: string, body: string | Uint8Array): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body, ContentLength: body.length }));
}

async function read(key: string): Promise<string | undefined> {
  return (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body?.transformToString();
}

describe('job ledger', () => {
  it('the first claim wins; a second delivery while it runs stands down; after its report it is already reported', async () => {
    const ledger = new JobLedger(s3, BUCKET);

    const first = await ledger.claim('job-1', START, { expiresAt: minutes(15) });
    const second = await ledger.claim('job-1', minutes(1));
    await ledger.markReported('job-1', START, 'success');
    const third = await ledger.claim('job-1', minutes(2));

    expect([first, second, third]).toEqual(['claimed', 'in-progress', 'already-reported']);
    expect(JSON.parse((await read(`${JOB_CLAIMS_PREFIX}job-1.json`)) ?? '')).toEqual({
      state: 'reported',
      startedAt: START.toISOString(),
      outcome: 'success',
    });
  });

  it('a claim past its deadline, or one this ledger did not write, is taken over', async () => {
    const ledger = new JobLedger(s3, BUCKET);
    await ledger.claim('job-2', START, { expiresAt: minutes(15) });
    await put(`${JOB_CLAIMS_PREFIX}job-3.json`, 'not a marker');

    const expired = await ledger.claim('job-2', minutes(16), { requestId: 'req-2' });
    const foreign = await ledger.claim('job-3', START, { requestId: 'req-3' });

    expect([expired, foreign]).toEqual(['claimed', 'claimed']);
    expect(JSON.parse((await read(`${JOB_CLAIMS_PREFIX}job-3.json`)) ?? '')).toEqual({
      state: 'running',
      startedAt: START.toISOString(),
      requestId: 'req-3',
    });
  });
});

describe('continuation state', () => {
  const state = {
    version: 2 as const,
    firstJobId: 'job-1',
    pipelineExecutionId: '12345678-1234-5678-abcd-12345678abcd',
    createdAt: START.toISOString(),
    progress: {
      organization: { id: 'o-a1b2c3d4e5', managementAccountId: '111111111111' },
      hierarchy: {
        organizationalUnits: [{ id: 'ou-ab12-cd34ef56', name: 'Workloads', parentId: 'r-ab12' }],
        accounts: [{ id: '222222222222', name: 'prod', parentId: 'ou-ab12-cd34ef56' }],
        pending: ['ou-ab12-cd34ef56'],
      },
    },
  };

  it('what save writes, load reads back from the token alone', async () => {
    const store = new ContinuationStore(s3, BUCKET);

    const token = await store.save(state);

    expect(JSON.parse(token)).toEqual({ v: 1, key: `${CONTINUATIONS_PREFIX}job-1.json.gz` });
    expect(await store.load(token)).toEqual(state);
  });

  it('keeps no account e-mail address: the object stored holds none, and load gives none back', async () => {
    const store = new ContinuationStore(s3, BUCKET);
    const email = 'prod-owner@example.com';
    const account = { id: '222222222222', name: 'prod', parentId: 'ou-ab12-cd34ef56' };
    const withEmail = {
      ...state,
      progress: {
        ...state.progress,
        hierarchy: { ...state.progress.hierarchy, accounts: [{ ...account, email }] },
      },
    };

    const token = await store.save(withEmail);

    const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: JSON.parse(token).key }));
    const stored = gunzipSync(
      await (object.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
    ).toString('utf8');
    expect(stored).toContain('222222222222');
    expect(stored).not.toContain(email);
    expect(stored).not.toContain('"email"');
    expect(await store.load(token)).toEqual(state);
  });

  it('a token or an object it did not write is a ConfigurationError naming what is wrong', async () => {
    const store = new ContinuationStore(s3, BUCKET);
    const key = (name: string) => `${CONTINUATIONS_PREFIX}${name}`;
    await put(key('empty.json.gz'), new Uint8Array(0));
    await put(key('plain.json.gz'), JSON.stringify(state));
    // The version before the pipeline execution was recorded, which could be continued by any job.
    const { pipelineExecutionId: _id, ...unbound } = state;
    await put(key('other.json.gz'), gzipSync(JSON.stringify({ ...unbound, version: 1 })));

    const outcomes = await Promise.all(
      [
        'not json',
        JSON.stringify({ v: 1, key: 'elsewhere/job.json.gz' }),
        JSON.stringify({ v: 1, key: `${CONTINUATIONS_PREFIX}../../etc` }),
        JSON.stringify({ v: 1, key: key('empty.json.gz') }),
        JSON.stringify({ v: 1, key: key('plain.json.gz') }),
        JSON.stringify({ v: 1, key: key('other.json.gz') }),
      ].map((token) => store.load(token).catch((error: unknown) => error)),
    );

    expect(outcomes.every((outcome) => outcome instanceof ConfigurationError)).toBe(true);
    expect(outcomes.map((outcome) => (outcome as Error).message)).toEqual([
      'the continuation token is not one this function wrote (not JSON)',
      'the continuation token is not one this function wrote',
      'the continuation token is not one this function wrote',
      `continuation state s3://${BUCKET}/${key('empty.json.gz')} is empty`,
      `continuation state s3://${BUCKET}/${key('plain.json.gz')} has an unknown format`,
      `continuation state s3://${BUCKET}/${key('other.json.gz')} has an unknown format`,
    ]);
  });
});
