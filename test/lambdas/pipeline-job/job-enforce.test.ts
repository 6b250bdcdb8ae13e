/**
 * The pipeline job in enforce mode, end to end: a fresh organization converges, the mode ceiling and
 * the parameters' override, an apply whose writes do not take, and the deadline.
 */
import { DescribePolicyCommand, ListPoliciesCommand } from '@aws-sdk/client-organizations';
import { describe, expect, it } from 'vitest';
import { AI_POLICY_TYPE } from '../../../lambdas/domain/policy-types/ai-optout/facts.ts';
import { runJob } from '../../../lambdas/pipeline-job/job.ts';
import { RESERVE_MS } from '../../../lambdas/pipeline-job/job-run.ts';
import { totalCalls } from '../../support/call-counts.ts';
import { EXAMPLE_YAML } from '../../support/example-desired-state.ts';
import { createLzaOrg, type MotoOrg } from '../../support/moto-org.ts';
import {
  aiPolicies,
  failureOf,
  harness,
  job,
  successOf,
  useJobEmulators,
  withDeadlineAt,
  writes,
} from './job-harness.ts';

const env = useJobEmulators();

describe('pipeline job: enforce', () => {
  it('a fresh organization converges: applied, reported in-sync, and the policies are really there', async () => {
    // Prepare
    const org: MotoOrg = await createLzaOrg(env.admin);
    const h = harness({ modeCeiling: 'enforce' });
    const { event } = await job({ userParameters: { mode: 'enforce' }, output: true });

    // Act
    await runJob(event, h.context, h.deps);

    // Assess
    const { summary, variables } = successOf(event);
    expect(summary).toBe(
      'applied 7 of 7 steps; now in-sync: 7 accounts match the desired state and expect (mode enforce)',
    );
    expect(variables).toEqual({
      VERDICT: 'in-sync',
      CHANGES: '0',
      VIOLATIONS: '0',
      EFFECTIVE_CHANGES: '0',
      ACCOUNTS: '7',
      MODE: 'enforce',
    });
    expect(writes(h.orgCalls)).toBe(7);
    const policies = await aiPolicies();
    expect(Object.fromEntries(policies.map((p) => [p.name, p.targets]))).toEqual({
      'ai-optout-baseline': [org.rootId],
      'ai-optout-production': [org.ous['Workloads/Prod']],
      'ai-optout-sandbox-exception': [org.ous.Sandbox],
    });
    const list = await env.admin.send(new ListPoliciesCommand({ Filter: AI_POLICY_TYPE }));
    const baseline = list.Policies?.find((p) => p.Name === 'ai-optout-baseline');
    const described = await env.admin.send(new DescribePolicyCommand({ PolicyId: baseline?.Id }));
    expect(JSON.parse(described.Policy?.Content as string)).toMatchObject({
      services: { default: { opt_out_policy: { '@@assign': 'optOut' } } },
    });
  });

  it('the mode in the file (enforce) is overridden by UserParameters mode audit', async () => {
    // Prepare
    await createLzaOrg(env.admin);
    const h = harness({ modeCeiling: 'enforce' });
    const { event } = await job({
      files: { 'ai-optout.yaml': EXAMPLE_YAML.replace('mode: audit', 'mode: enforce') },
      userParameters: { mode: 'audit', failOn: 'never' },
    });

    // Act
    await runJob(event, h.context, h.deps);

    // Assess
    expect(successOf(event).variables).toMatchObject({ MODE: 'audit', VERDICT: 'drift', CHANGES: '7' });
    expect(writes(h.orgCalls)).toBe(0);
    expect(await aiPolicies()).toEqual([]);
  });

  it('a read-only deployment (ceiling audit) refuses enforce: ConfigurationError and no Organizations call', async () => {
    // Prepare
    await createLzaOrg(env.admin);
    const h = harness({ modeCeiling: 'audit' });
    const { event } = await job({ userParameters: { mode: 'enforce' } });

    // Act
    await runJob(event, h.context, h.deps);

    // Assess
    const failure = failureOf(event);
    expect(failure.type).toBe('ConfigurationError');
    expect(failure.message).toMatch(
      /^mode is enforce, but this deployment is read-only \(AI_OPTOUT_MODE_CEILING=audit\)/,
    );
    expect(writes(h.orgCalls)).toBe(0);
    expect(totalCalls(h.orgCalls)).toBe(0);
    expect(env.proxy.seen).toEqual([]);
    expect(await aiPolicies()).toEqual([]);
  });
});

describe('pipeline job: apply that does not converge, and the deadline', () => {
  it('an apply whose writes do not take is JobFailed "apply did not converge"', async () => {
    // Prepare: AttachPolicy answers 200 but never reaches moto (a write AWS acknowledged and lost)
    await createLzaOrg(env.admin);
    env.proxy.addFault({
      operation: 'AttachPolicy',
      times: Number.POSITIVE_INFINITY,
      type: 'Swallowed',
      status: 200,
    });
    const h = harness({ modeCeiling: 'enforce' });
    const { event } = await job({ userParameters: { mode: 'enforce', failOn: 'never' } });

    // Act
    await runJob(event, h.context, h.deps);

    // Assess
    const failure = failureOf(event);
    expect(failure.type).toBe('JobFailed');
    expect(failure.lines[0]).toMatch(
      /^applied 7 of 7 steps; apply did not converge; now drift: 3 changes, .* \(mode enforce\)$/,
    );
    expect(failure.lines.slice(1, 4).every((l) => l.startsWith('attach-policy '))).toBe(true);
    expect(h.orgCalls.AttachPolicy).toBe(3);
  });

  it('stops before the Lambda deadline with JobFailed and writes nothing', async () => {
    // Prepare: the deadline fires as the organization's read begins (the first call goes through)
    await createLzaOrg(env.admin);
    const h = harness({ modeCeiling: 'enforce' });
    withDeadlineAt(h, 'DescribeOrganization', 1);
    const { event } = await job({ userParameters: { mode: 'enforce' } });

    // Act
    await runJob(event, h.context, h.deps);

    // Assess
    const failure = failureOf(event);
    expect(failure.type).toBe('JobFailed');
    expect(failure.message).toBe(
      `stopped 45 s before the Lambda deadline: reading, applying and verifying the organization did not finish in ${(600_000 - RESERVE_MS) / 1000} s. Apply is idempotent: the next run continues where this one stopped. Raise the function timeout (up to 15 minutes) for an organization this large, or set AI_OPTOUT_STATE_BUCKET so the run continues in another invocation.`,
    );
    expect(writes(h.orgCalls)).toBe(0);
    expect(await aiPolicies()).toEqual([]);
  });

  it('a function timeout too short to work fails with a ConfigurationError that says so', async () => {
    // Prepare
    await createLzaOrg(env.admin);
    const h = harness();
    const { event } = await job();
    const context = { ...h.context, getRemainingTimeInMillis: () => 20_000 };

    // Act
    await runJob(event, context, h.deps);

    // Assess
    const failure = failureOf(event);
    expect(failure.type).toBe('ConfigurationError');
    expect(failure.message).toBe(
      'the function timeout leaves 0 s to work after the 45 s kept for reporting: set it to at least 2 minutes (14 recommended)',
    );
    expect(Object.keys(h.orgCalls)).toEqual([]);
  });
});
