/**
 * One result per job, end to end: duplicate and concurrent deliveries with the job ledger, claims taken
 * over or stood down for, a state bucket that cannot be written, and reporting the result (the client's
 * retries only, a rejected result, a result that cannot be sent).
 */
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { runJob } from '../../../lambdas/pipeline-job/job.ts';
import { stateStores } from '../../../lambdas/pipeline-job/job-run.ts';
import { totalCalls } from '../../support/call-counts.ts';
import { createLzaOrg } from '../../support/moto-org.ts';
import { converge, harness, job, resultCalls, successOf, useJobEmulators, writes } from './job-harness.ts';
import { jobIdOf, PIPELINE_NAME, STATE_BUCKET } from './pipeline-fixtures.ts';

const env = useJobEmulators();

describe('pipeline job: one result per job', () => {
  it('a duplicate delivery with a job ledger reports once and applies once', async () => {
    // Prepare: the second delivery comes while CodePipeline still shows the action InProgress
    await createLzaOrg(env.admin);
    const first = harness({ modeCeiling: 'enforce', stateBucket: true });
    const second = harness({ modeCeiling: 'enforce', stateBucket: true });
    const { event } = await job({ userParameters: { mode: 'enforce' }, overtaken: true });

    // Act
    await runJob(event, first.context, first.deps);
    await runJob(structuredClone(event), second.context, second.deps);

    // Assess
    expect(resultCalls()).toHaveLength(1);
    expect(successOf(event).variables.VERDICT).toBe('in-sync');
    expect(writes(first.orgCalls)).toBe(7);
    expect(totalCalls(second.orgCalls)).toBe(0);
    expect(second.artifactCredentials).toEqual([]);
    const marker = await env.adminS3.send(
      new GetObjectCommand({ Bucket: STATE_BUCKET, Key: `ai-optout/jobs/${jobIdOf(event)}.json` }),
    );
    expect(JSON.parse((await marker.Body?.transformToString()) as string)).toMatchObject({
      state: 'reported',
      outcome: 'success',
    });
    expect(second.logs.lines()).toContainEqual(
      expect.objectContaining({ level: 'warn', claim: 'already-reported', jobId: jobIdOf(event) }),
    );
  });

  it('a claim past its own deadline is taken over, one within it stands the delivery down', async () => {
    // Prepare
    await createLzaOrg(env.admin);
    await converge();
    const live = await job();
    const expired = await job();
    const at = (seconds: number) => new Date(Date.now() + seconds * 1000).toISOString();
    for (const [event, expiresAt] of [
      [live.event, at(60)],
      [expired.event, at(-10)],
    ] as const) {
      await env.adminS3.send(
        new PutObjectCommand({
          Bucket: STATE_BUCKET,
          Key: `ai-optout/jobs/${jobIdOf(event)}.json`,
          Body: JSON.stringify({ state: 'running', startedAt: at(-120), expiresAt, requestId: 'earlier' }),
        }),
      );
    }
    const h = harness({ stateBucket: true });

    // Act
    await runJob(live.event, h.context, h.deps);
    await runJob(expired.event, h.context, h.deps);

    // Assess
    expect(env.codePipeline.results().map((r) => r.jobId)).toEqual([jobIdOf(expired.event)]);
    const marker = await env.adminS3.send(
      new GetObjectCommand({ Bucket: STATE_BUCKET, Key: `ai-optout/jobs/${jobIdOf(live.event)}.json` }),
    );
    expect(JSON.parse((await marker.Body?.transformToString()) as string)).toMatchObject({
      state: 'running',
      requestId: 'earlier',
    });
  });

  it('a fresh claim by another invocation stands this one down; a stale claim is taken over', async () => {
    // Prepare
    await createLzaOrg(env.admin);
    await converge();
    const running = await job();
    const abandoned = await job();
    const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
    for (const [event, startedAt] of [
      [running.event, minutesAgo(3)],
      [abandoned.event, minutesAgo(17)],
    ] as const) {
      await env.adminS3.send(
        new PutObjectCommand({
          Bucket: STATE_BUCKET,
          Key: `ai-optout/jobs/${jobIdOf(event)}.json`,
          Body: JSON.stringify({ state: 'running', startedAt, requestId: 'earlier' }),
        }),
      );
    }
    const h = harness({ stateBucket: true });

    // Act
    await runJob(running.event, h.context, h.deps);
    await runJob(abandoned.event, h.context, h.deps);

    // Assess
    expect(env.codePipeline.results().map((r) => r.jobId)).toEqual([jobIdOf(abandoned.event)]);
    expect(h.logs.lines()).toContainEqual(
      expect.objectContaining({ jobId: jobIdOf(running.event), claim: 'in-progress' }),
    );
    const marker = await env.adminS3.send(
      new GetObjectCommand({ Bucket: STATE_BUCKET, Key: `ai-optout/jobs/${jobIdOf(abandoned.event)}.json` }),
    );
    expect(JSON.parse((await marker.Body?.transformToString()) as string)).toMatchObject({
      state: 'reported',
      outcome: 'success',
    });
  });

  it('a state bucket that cannot be written does not stop the job: it runs and reports once', async () => {
    // Prepare
    await createLzaOrg(env.admin);
    await converge();
    const h = harness();
    h.deps.stateBucket = stateStores(env.adminS3, 'no-such-state-bucket');
    const { event } = await job();

    // Act
    await runJob(event, h.context, h.deps);

    // Assess
    expect(successOf(event).variables.VERDICT).toBe('in-sync');
    expect(h.logs.lines()).toContainEqual(
      expect.objectContaining({
        level: 'error',
        msg: 'cannot claim the job in the state bucket; continuing without duplicate-delivery protection',
      }),
    );
  });

  it('two concurrent deliveries with a job ledger: one claims, one stands down', async () => {
    // Prepare
    await createLzaOrg(env.admin);
    const a = harness({ modeCeiling: 'enforce', stateBucket: true });
    const b = harness({ modeCeiling: 'enforce', stateBucket: true });
    const { event } = await job({ userParameters: { mode: 'enforce' }, overtaken: true });

    // Act
    await Promise.all([runJob(event, a.context, a.deps), runJob(structuredClone(event), b.context, b.deps)]);

    // Assess
    expect(resultCalls()).toHaveLength(1);
    expect(successOf(event).variables.VERDICT).toBe('in-sync');
    expect(writes(a.orgCalls) + writes(b.orgCalls)).toBe(7);
    expect([totalCalls(a.orgCalls), totalCalls(b.orgCalls)].filter((n) => n === 0)).toHaveLength(1);
  });

  it('without a ledger, a delivery after the job finished is refused by the confirmation: it reads nothing, and its answer is refused without a retry or a throw', async () => {
    // Prepare
    await createLzaOrg(env.admin);
    await converge();
    const first = harness();
    const second = harness();
    const { event } = await job();

    // Act
    await runJob(event, first.context, first.deps);
    const again = runJob(event, second.context, second.deps);

    // Assess
    await expect(again).resolves.toBeUndefined();
    expect(resultCalls().map((c) => `${c.operation} ${c.error ?? 'ok'}`)).toEqual([
      'PutJobSuccessResult ok',
      'PutJobFailureResult InvalidJobStateException',
    ]);
    expect(successOf(event).variables.VERDICT).toBe('in-sync');
    expect(totalCalls(second.orgCalls)).toBe(0);
    expect(second.artifactCredentials).toEqual([]);
    expect(second.sleeps).toEqual([]);
    expect(second.logs.lines()).toEqual([
      expect.objectContaining({
        level: 'error',
        msg: 'job refused before reading anything',
        refusal: `not a job CodePipeline is running in ${PIPELINE_NAME}: its action AiOptOut/Reconcile is Succeeded, not InProgress (a finished job sent again); nothing was read or written`,
        result: 'the job already has a result',
      }),
    ]);
  });
});

describe('pipeline job: reporting the result', () => {
  it('is retried when the job API fails twice, then succeeds', async () => {
    // Prepare
    await createLzaOrg(env.admin);
    await converge();
    env.codePipeline.failNext(2, { operation: 'PutJobSuccessResult' });
    const h = harness();
    const { event } = await job();

    // Act
    await runJob(event, h.context, h.deps);

    // Assess: the client's three attempts, the same request each time, and nothing retried around them
    const calls = resultCalls();
    expect(calls.map((c) => c.status)).toEqual([500, 500, 200]);
    expect(calls.map((c) => c.input)).toEqual([calls[2]?.input, calls[2]?.input, calls[2]?.input]);
    expect(successOf(event).variables.VERDICT).toBe('in-sync');
    expect(h.sleeps).toEqual([]);
    expect(h.logs.lines().filter((l) => l.msg === 'job result reported')).toEqual([
      expect.objectContaining({ result: 'success', attempts: 3 }),
    ]);
    expect(h.logs.lines().filter((l) => l.msg === 'reporting the job result failed')).toEqual([]);
  });

  it('a rejected result is not retried; the claim is left unreported so a redelivery can run it', async () => {
    // Prepare
    await createLzaOrg(env.admin);
    await converge();
    env.codePipeline.failNext(1, {
      status: 400,
      type: 'ValidationException',
      message: 'bad request',
      operation: 'PutJobSuccessResult',
    });
    const h = harness({ stateBucket: true });
    const { event } = await job();

    // Act
    await runJob(event, h.context, h.deps);
    const again = harness({ stateBucket: true });
    await runJob(event, again.context, again.deps);

    // Assess
    expect(resultCalls().map((c) => c.status)).toEqual([400, 200]);
    expect(h.sleeps).toEqual([]);
    expect(h.logs.lines().filter((l) => l.level === 'fatal')).toEqual([
      expect.objectContaining({
        msg: 'COULD NOT REPORT THE JOB RESULT (ValidationException): the pipeline stage will time out. See the error above.',
      }),
    ]);
    expect(successOf(event).variables.VERDICT).toBe('in-sync');
  });

  it('when it always fails, the job returns without throwing and logs a fatal line', async () => {
    // Prepare
    await createLzaOrg(env.admin);
    env.codePipeline.failNext(100, { operation: 'PutJobFailureResult' });
    const h = harness({ stateBucket: true });
    const { event } = await job();

    // Act
    const outcome = runJob(event, h.context, h.deps);

    // Assess
    await expect(outcome).resolves.toBeUndefined();
    expect(resultCalls().map((c) => c.status)).toEqual([500, 500, 500]);
    expect(env.codePipeline.results()).toEqual([]);
    const fatal = h.logs.lines().filter((l) => l.level === 'fatal');
    expect(fatal).toHaveLength(1);
    expect(fatal[0]).toMatchObject({
      jobId: jobIdOf(event),
      outcome: 'failure',
      type: 'JobFailed',
      msg: expect.stringMatching(/^COULD NOT REPORT THE JOB RESULT/),
    });
    expect(String(fatal[0]?.message)).toMatch(/^drift: 7 changes/);
  });
});
