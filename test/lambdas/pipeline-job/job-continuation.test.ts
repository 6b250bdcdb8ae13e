/**
 * An organization too large for one invocation, end to end: the job saves its progress, reports a
 * continuation, and the next invocation finishes without starting over; in enforce mode an apply cut
 * short continues and applies the rest exactly once.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { runJob } from '../../../lambdas/pipeline-job/job.ts';
import { stateStores } from '../../../lambdas/pipeline-job/job-run.ts';
import { createLzaOrg } from '../../support/moto-org.ts';
import { aiPolicies, converge, harness, job, useJobEmulators, withDeadlineAt } from './job-harness.ts';
import { jobIdOf, type PipelineEvent, STATE_BUCKET } from './pipeline-fixtures.ts';

const env = useJobEmulators();

describe('pipeline job: an organization too large for one invocation', () => {
  /** The job CodePipeline issues next for the same action execution, carrying `token`. */
  function continued(event: PipelineEvent, token: string): PipelineEvent {
    const next = structuredClone(event);
    next['CodePipeline.job'].id = randomUUID();
    (next['CodePipeline.job'].data as { continuationToken?: string }).continuationToken = token;
    env.codePipeline.continueJob(jobIdOf(event), jobIdOf(next));
    return next;
  }

  function tokenOf(event: PipelineEvent): { token: string; summary: string; percent: number } {
    const result = env.codePipeline.results().find((r) => r.jobId === jobIdOf(event));
    if (result?.kind !== 'success' || !result.continuationToken)
      throw new Error(`no continuation for ${jobIdOf(event)}`);
    expect(result.outputVariables).toBeUndefined();
    return {
      token: result.continuationToken,
      summary: result.executionDetails?.summary ?? '',
      percent: result.executionDetails?.percentComplete ?? -1,
    };
  }

  it('reports progress with a continuation token, and the next invocation finishes the read without starting over', async () => {
    // Prepare
    await createLzaOrg(env.admin);
    await converge();
    const first = harness({ stateBucket: true });
    first.deps.stateBucket = stateStores(env.adminS3, STATE_BUCKET);
    withDeadlineAt(first, 'ListAccountsForParent', 2);
    const { event } = await job({ output: true });

    // Act
    await runJob(event, first.context, first.deps);
    const { token, summary, percent } = tokenOf(event);
    const second = harness({ stateBucket: true });
    second.deps.stateBucket = stateStores(env.adminS3, STATE_BUCKET);
    const next = continued(event, token);
    await runJob(next, second.context, second.deps);

    // Assess
    expect(summary).toMatch(
      /^reading the organization: \d+ OUs and \d+ accounts read, [1-9]\d* OUs left; continuing in the next invocation \(mode audit\)$/,
    );
    expect(percent).toBeGreaterThanOrEqual(1);
    expect(percent).toBeLessThanOrEqual(95);
    expect(JSON.parse(token)).toEqual({ v: 1, key: `ai-optout/continuations/${jobIdOf(event)}.json.gz` });
    const final = env.codePipeline.results().find((r) => r.jobId === jobIdOf(next));
    expect(final?.kind).toBe('success');
    expect(final?.kind === 'success' ? final.outputVariables : undefined).toMatchObject({
      VERDICT: 'in-sync',
      ACCOUNTS: '7',
    });
    // 6 parents in all (root, Security, Workloads, Prod, Dev, Sandbox): the second run read only what was left.
    const firstParents = first.orgCalls.ListAccountsForParent ?? 0;
    const secondParents = second.orgCalls.ListAccountsForParent ?? 0;
    expect(secondParents).toBeGreaterThan(0);
    expect(secondParents).toBeLessThan(6);
    expect(firstParents + secondParents).toBeLessThanOrEqual(6 + 4);
    expect(second.orgCalls.DescribeOrganization).toBeUndefined();
  });

  it('in enforce mode, an apply cut short continues, and the next invocation applies the rest exactly once', async () => {
    // Prepare
    await createLzaOrg(env.admin);
    const first = harness({ modeCeiling: 'enforce' });
    first.deps.stateBucket = stateStores(env.adminS3, STATE_BUCKET);
    withDeadlineAt(first, 'AttachPolicy', 1);
    const { event } = await job({ userParameters: { mode: 'enforce' } });

    // Act
    await runJob(event, first.context, first.deps);
    const { token, summary } = tokenOf(event);
    const second = harness({ modeCeiling: 'enforce' });
    second.deps.stateBucket = stateStores(env.adminS3, STATE_BUCKET);
    const next = continued(event, token);
    await runJob(next, second.context, second.deps);

    // Assess
    expect(summary).toMatch(/^applying: /);
    expect(first.orgCalls.AttachPolicy).toBe(1);
    expect(second.orgCalls.CreatePolicy).toBeUndefined();
    expect(second.orgCalls.ListOrganizationalUnitsForParent).toBeUndefined();
    const final = env.codePipeline.results().find((r) => r.jobId === jobIdOf(next));
    expect(final?.kind === 'success' ? final.outputVariables?.VERDICT : final).toBe('in-sync');
    const names = (await aiPolicies()).map((p) => p.name).sort();
    expect(names).toEqual([...new Set(names)]);
    expect(names).toHaveLength(3);
  });

  it('a continuation token without a state bucket, or one it did not write, is a ConfigurationError', async () => {
    // Prepare
    await createLzaOrg(env.admin);
    const h = harness();
    const { event } = await job();
    const other = await job();
    const forged = continued(other.event, JSON.stringify({ v: 1, key: '../secrets.json' }));
    const h2 = harness();
    h2.deps.stateBucket = stateStores(env.adminS3, STATE_BUCKET);

    // Act
    await runJob(continued(event, '{"v":1,"key":"ai-optout/continuations/x.json.gz"}'), h.context, h.deps);
    await runJob(forged, h2.context, h2.deps);

    // Assess
    const [noBucket, wrongToken] = env.codePipeline.results();
    expect(noBucket?.kind === 'failure' ? noBucket.failureDetails : noBucket).toEqual({
      type: 'ConfigurationError',
      message:
        'this job continues an earlier one, but the function has no state bucket (AI_OPTOUT_STATE_BUCKET) to read its progress from',
      externalExecutionId: expect.any(String),
    });
    expect(wrongToken?.kind === 'failure' ? wrongToken.failureDetails.message : wrongToken).toBe(
      'the continuation token is not one this function wrote',
    );
  });
});
