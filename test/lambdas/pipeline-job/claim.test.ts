/**
 * The job's claims as a table (lambdas/pipeline-job/claim.ts): what the job finds in its state bucket
 * for its job id (the real JobLedger on moto's S3), whether it goes on or stands down, the line it logs,
 * the claim it leaves; and the record it writes after reporting.
 */
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { CLAIM_RULES, claimJob, recordResult } from '../../../lambdas/pipeline-job/claim.ts';
import { stateStores } from '../../../lambdas/pipeline-job/job-run.ts';
import { TEST_CREDENTIALS } from '../../support/moto-org.ts';
import { useJobEmulators } from './job-harness.ts';
import { REGION, STATE_BUCKET } from './pipeline-fixtures.ts';
import { stepRun } from './step-run.ts';

const env = useJobEmulators();
const NOW = new Date('2026-12-01T06:00:00Z');
const minutes = (m: number) => new Date(NOW.getTime() + m * 60_000).toISOString();
const DUPLICATE =
  'duplicate delivery of this job: another invocation handles it; not applying and not reporting';

function claimKey(jobId: string): string {
  return `ai-optout/jobs/${jobId}.json`;
}

async function marker(jobId: string): Promise<Record<string, unknown>> {
  const object = await env.adminS3.send(new GetObjectCommand({ Bucket: STATE_BUCKET, Key: claimKey(jobId) }));
  return JSON.parse((await object.Body?.transformToString()) ?? '') as Record<string, unknown>;
}

describe('claims: the rules', () => {
  it('go on when claimed, without a state bucket, or when the bucket cannot be written; stand down for a duplicate', () => {
    expect(
      Object.fromEntries(
        Object.entries(CLAIM_RULES).map(([answer, rule]) => [answer, [rule.proceed, rule.log]]),
      ),
    ).toEqual({
      claimed: [true, undefined],
      'already-reported': [false, { level: 'warn', msg: DUPLICATE }],
      'in-progress': [false, { level: 'warn', msg: DUPLICATE }],
      'no-state-bucket': [
        true,
        {
          level: 'warn',
          msg: 'no state bucket configured (AI_OPTOUT_STATE_BUCKET): a duplicate delivery would run twice',
        },
      ],
      unwritable: [
        true,
        {
          level: 'error',
          msg: 'cannot claim the job in the state bucket; continuing without duplicate-delivery protection',
        },
      ],
    });
  });
});

describe('claims: what the job finds in its state bucket', () => {
  // what is there already -> the job, the claim logged, the claim left
  it.each([
    ['nothing', undefined, 'claimed', undefined, 'ours'],
    [
      'a claim running, within its own deadline',
      { state: 'running', startedAt: minutes(-3), expiresAt: minutes(1) },
      'stand-down',
      'in-progress',
      'theirs',
    ],
    [
      'a claim running, past its own deadline',
      { state: 'running', startedAt: minutes(-3), expiresAt: minutes(-1) },
      'claimed',
      undefined,
      'ours',
    ],
    [
      'a claim running 15 minutes, with no deadline of its own',
      { state: 'running', startedAt: minutes(-15) },
      'stand-down',
      'in-progress',
      'theirs',
    ],
    [
      'a claim running 17 minutes, with no deadline of its own',
      { state: 'running', startedAt: minutes(-17) },
      'claimed',
      undefined,
      'ours',
    ],
    [
      'a reported job',
      { state: 'reported', startedAt: minutes(-3), outcome: 'success' },
      'stand-down',
      'already-reported',
      'theirs',
    ],
    [
      'a job whose result could not be sent',
      { state: 'unreported', startedAt: minutes(-3), outcome: 'success' },
      'claimed',
      undefined,
      'ours',
    ],
    ['an object that is no claim', 'not json', 'claimed', undefined, 'ours'],
  ] as const)('%s: %s', async (_name, existing, expected, logged, left) => {
    const { run, logs } = stepRun({
      deps: { stateBucket: stateStores(env.adminS3, STATE_BUCKET), now: () => NOW },
      remainingMs: 120_000,
    });
    if (existing !== undefined)
      await env.adminS3.send(
        new PutObjectCommand({
          Bucket: STATE_BUCKET,
          Key: claimKey(run.jobId),
          Body:
            typeof existing === 'string' ? existing : JSON.stringify({ ...existing, requestId: 'earlier' }),
        }),
      );

    const result = await claimJob(run);

    expect(result).toBe(expected);
    expect(logs.lines().map((l) => l.claim)).toEqual(logged ? [logged] : []);
    const claim = await marker(run.jobId).catch(() => undefined);
    if (left === 'ours')
      // Its own deadline: now + what the Lambda has left + 5 s of grace.
      expect(claim).toEqual({
        state: 'running',
        startedAt: NOW.toISOString(),
        expiresAt: new Date(NOW.getTime() + 120_000 + 5_000).toISOString(),
        requestId: 'request-1',
      });
    else expect(claim?.requestId).toBe('earlier');
  });

  it('without a state bucket: the job goes on, with one warning', async () => {
    const { run, logs } = stepRun();

    expect(await claimJob(run)).toBe('claimed');
    expect(logs.lines()).toEqual([expect.objectContaining({ level: 'warn', claim: 'no-state-bucket' })]);
  });

  it('a state bucket out of reach: the job goes on, with one error naming why', async () => {
    const nowhere = new S3Client({
      region: REGION,
      endpoint: 'http://127.0.0.1:9',
      credentials: TEST_CREDENTIALS,
      forcePathStyle: true,
      maxAttempts: 1,
    });
    const { run, logs } = stepRun({ deps: { stateBucket: stateStores(nowhere, STATE_BUCKET) } });

    expect(await claimJob(run)).toBe('claimed');
    expect(logs.lines()).toEqual([
      expect.objectContaining({ level: 'error', err: expect.stringMatching(/ECONNREFUSED|connect/) }),
    ]);
  });
});

describe('claims: the record after reporting', () => {
  it.each([
    ['reported', 'success', 'reported'],
    ['already-reported', 'failure', 'reported'],
    ['failed', 'success', 'unreported'],
  ] as const)('a result %s (%s) is recorded %s', async (reported, kind, state) => {
    const { run } = stepRun({
      deps: { stateBucket: stateStores(env.adminS3, STATE_BUCKET), now: () => NOW },
    });
    const result =
      kind === 'success'
        ? ({ kind, summary: 's', variables: {} } as const)
        : ({ kind, type: 'JobFailed', message: 'm' } as const);

    await recordResult(result, reported, run);

    expect(await marker(run.jobId)).toEqual({ state, startedAt: NOW.toISOString(), outcome: kind });
  });

  it('without a state bucket nothing is recorded, and a bucket that refuses is one warning', async () => {
    const quiet = stepRun();
    await recordResult({ kind: 'success', summary: 's', variables: {} }, 'reported', quiet.run);
    expect(quiet.logs.lines()).toEqual([]);

    const refusing = stepRun({ deps: { stateBucket: stateStores(env.adminS3, 'no-such-bucket-ai-optout') } });
    await recordResult({ kind: 'success', summary: 's', variables: {} }, 'reported', refusing.run);
    expect(refusing.logs.lines()).toEqual([
      expect.objectContaining({
        level: 'warn',
        msg: 'cannot record the job outcome in the state bucket',
        err: expect.stringMatching(/bucket does not exist/),
      }),
    ]);
  });
});
