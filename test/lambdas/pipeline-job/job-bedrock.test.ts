/**
 * The pipeline job on a file with a `bedrock:` section, end to end through the real runJob: moto behind
 * the fault proxy (BEDROCK_POLICY goes to moto as TAG_POLICY and comes back renamed), the proxy's
 * scripted guardrail stand-in answering GetGuardrail and GetResourcePolicy. Enforce creates, attaches
 * and repairs the Bedrock policy; a guardrail that fails pre-flight fails the job with nothing written;
 * audit counts a failed guardrail as a violation; a read cut short continues with both types.
 */
import { randomUUID } from 'node:crypto';
import { UpdatePolicyCommand } from '@aws-sdk/client-organizations';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { beforeEach, describe, expect, it } from 'vitest';
import { AI_POLICY_TYPE } from '../../../lambdas/domain/policy-types/ai-optout/facts.ts';
import { BEDROCK_POLICY_TYPE } from '../../../lambdas/domain/policy-types/bedrock/facts.ts';
import { runJob } from '../../../lambdas/pipeline-job/job.ts';
import { stateStores } from '../../../lambdas/pipeline-job/job-run.ts';
import { CONTINUATIONS_PREFIX, JOB_CLAIMS_PREFIX } from '../../../lambdas/runtime/state-bucket.ts';
import { bedrockAnswerFromMoto } from '../../support/bedrock-aws-answer.ts';
import { totalCalls } from '../../support/call-counts.ts';
import { createLzaOrg, type MotoOrg } from '../../support/moto-org.ts';
import {
  bedrockPolicies,
  bedrockYaml,
  enforce,
  guardrails,
  shareGuardrails,
} from './bedrock-job-fixtures.ts';
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
import { jobIdOf, type PipelineEvent, STATE_BUCKET } from './pipeline-fixtures.ts';

const env = useJobEmulators();
// AWS's Bedrock effective policies, as moto's organization is at each call (the job asks AWS).
beforeEach(() => {
  env.proxy.effectivePolicies.bedrockRule = bedrockAnswerFromMoto(env.admin);
});

/** The continuation objects in the state bucket. */
async function continuationKeys(): Promise<string[]> {
  const listed = await env.adminS3.send(
    new ListObjectsV2Command({ Bucket: STATE_BUCKET, Prefix: CONTINUATIONS_PREFIX }),
  );
  return (listed.Contents ?? []).map((o) => o.Key as string);
}

describe('pipeline job: enforce on a file with a bedrock section', () => {
  it('creates and attaches the Bedrock policy beside the AI opt-out ones; a rerun is in sync; a hand edit is repaired', async () => {
    // Prepare
    const org = await createLzaOrg(env.admin);
    await shareGuardrails(org);
    const yaml = bedrockYaml(org);

    // Act
    const first = await enforce(yaml);

    // Assess: both types written, each guardrail read in its own Region with the job's credentials
    expect(successOf(first.event).variables).toEqual({
      VERDICT: 'in-sync',
      CHANGES: '0',
      VIOLATIONS: '0',
      EFFECTIVE_CHANGES: '0',
      ACCOUNTS: '7',
      MODE: 'enforce',
      [`CHANGES_${AI_POLICY_TYPE}`]: '0',
      [`VIOLATIONS_${AI_POLICY_TYPE}`]: '0',
      [`CHANGES_${BEDROCK_POLICY_TYPE}`]: '0',
      [`VIOLATIONS_${BEDROCK_POLICY_TYPE}`]: '0',
    });
    // AWS was asked about the Bedrock effective policies (its answers agreeing: in-sync above).
    expect(
      env.proxy.effectivePolicies.calls.some(
        (c) => c.operation === 'DescribeEffectivePolicy' && c.policyType === BEDROCK_POLICY_TYPE,
      ),
    ).toBe(true);
    const [created, ...others] = await bedrockPolicies();
    expect(others).toEqual([]);
    expect(created).toMatchObject({
      name: 'bedrock-guardrails-production',
      targets: [org.ous['Workloads/Prod']],
    });
    expect(created?.content).toContain(`${guardrails(org).east}:3`);
    expect(created?.content).toContain(`${guardrails(org).west}:1`);
    expect((await aiPolicies()).map((p) => p.name).sort()).toEqual([
      'ai-optout-baseline',
      'ai-optout-production',
      'ai-optout-sandbox-exception',
    ]);
    const reads = env.proxy.guardrails.calls.map((c) => [c.operation, c.guardrail, c.signedRegion]);
    expect(reads).toContainEqual(['GetGuardrail', guardrails(org).east, 'us-east-1']);
    expect(reads).toContainEqual(['GetGuardrail', guardrails(org).west, 'eu-west-1']);
    const keys = (service: string) =>
      new Set(env.proxy.signed.filter((s) => s.service === service).map((s) => s.accessKeyId));
    expect([...keys('bedrock')]).toEqual([...keys('organizations')]);

    // Act: a rerun, then a hand edit behind the job's back, then a run that repairs it
    env.codePipeline.reset();
    const rerun = await enforce(yaml);
    expect(successOf(rerun.event).summary).toMatch(/^nothing to apply; now in-sync: /);
    expect(writes(rerun.h.orgCalls)).toBe(0);
    await env.admin.send(
      new UpdatePolicyCommand({ PolicyId: created?.id, Content: created?.content.replace(':3"', ':2"') }),
    );
    env.codePipeline.reset();
    const repair = await enforce(yaml);

    // Assess
    expect(successOf(repair.event).summary).toMatch(/^applied 1 of 1 steps; now in-sync: /);
    expect(repair.h.orgCalls.UpdatePolicy).toBe(1);
    expect(writes(repair.h.orgCalls)).toBe(1);
    expect((await bedrockPolicies())[0]?.content).toBe(created?.content);
  });

  it.each([
    [
      'only its DRAFT exists',
      (org: MotoOrg) => env.proxy.guardrails.guardrails.set(guardrails(org).east, { versions: {} }),
    ],
    [
      'Bedrock has no such guardrail',
      (org: MotoOrg) => env.proxy.guardrails.guardrails.delete(guardrails(org).east),
    ],
  ])(
    'a guardrail that fails pre-flight (%s): JobFailed naming it and its first failed check, not one write, no continuation left',
    async (_name, breakGuardrail) => {
      // Prepare
      const org = await createLzaOrg(env.admin);
      await shareGuardrails(org);
      breakGuardrail(org);

      // Act
      const { h, event } = await enforce(bedrockYaml(org), 'never');

      // Assess
      const failure = failureOf(event);
      expect(failure.type).toBe('JobFailed');
      expect(failure.lines[0]).toMatch(
        new RegExp(
          `^apply refused, nothing was written: 1 guardrail the plan's Bedrock policies would enforce failed pre-flight: us-east-1 ${guardrails(org).east.replaceAll('/', '\\/')}:3 \\(exists: Bedrock has no version 3 of .+\\) \\(mode enforce\\)$`,
        ),
      );
      expect(writes(h.orgCalls)).toBe(0);
      expect(await aiPolicies()).toEqual([]);
      expect(await bedrockPolicies()).toEqual([]);
      expect(await continuationKeys()).toEqual([]);
    },
  );
});

describe('pipeline job: a deployment without bedrockPolicies', () => {
  it.each(['audit', 'enforce'] as const)(
    'refuses a bedrock section (%s) in one sentence at its line, before any call: nothing read, nothing written',
    async (mode) => {
      // Prepare: everything the job would need, but the deployment's role holds no Bedrock grant
      const org = await createLzaOrg(env.admin);
      await shareGuardrails(org);
      const yaml = bedrockYaml(org);
      const line = yaml.split('\n').indexOf('bedrock:') + 1;
      const h = harness({ modeCeiling: mode, bedrockPolicies: false });
      h.deps.stateBucket = stateStores(env.adminS3, STATE_BUCKET);
      const { event } = await job({ files: { 'ai-optout.yaml': yaml }, userParameters: { mode } });
      const before = await aiPolicies();

      // Act
      await runJob(event, h.context, h.deps);

      // Assess: one sentence naming the section's line, the prop and the setting; no call through the proxy
      const failure = failureOf(event);
      expect(failure.type).toBe('ConfigurationError');
      expect(failure.lines).toEqual([
        `ai-optout.yaml:${line}:1: the bedrock: section needs a deployment that manages Amazon Bedrock policies, and this one was deployed without them (AI_OPTOUT_BEDROCK_POLICIES is not true); redeploy with the prop bedrockPolicies: true (cdk deploy -c bedrockPolicies=true, docs/deploying.md#amazon-bedrock-policies), or remove the section.`,
      ]);
      expect(totalCalls(h.orgCalls)).toBe(0);
      expect(h.roleArns).toEqual([]);
      expect(env.proxy.seen).toEqual([]);
      expect(await aiPolicies()).toEqual(before);
      expect(await bedrockPolicies()).toEqual([]);
      // The state bucket holds the job's claim alone: no snapshot, no latest run, no continuation.
      const listed = await env.adminS3.send(new ListObjectsV2Command({ Bucket: STATE_BUCKET }));
      const keys = (listed.Contents ?? []).map((o) => o.Key as string);
      expect(keys.filter((key) => !key.startsWith(JOB_CLAIMS_PREFIX))).toEqual([]);
    },
  );
});

describe('pipeline job: audit on a file with a bedrock section', () => {
  it.each([
    ['violations', 'failure'],
    ['never', 'success'],
  ])('a guardrail that fails pre-flight is a violation; failOn %s: %s', async (failOn, kind) => {
    // Prepare: the organization as an enforce run left it, then the guardrail is deleted
    const org = await createLzaOrg(env.admin);
    await shareGuardrails(org);
    await enforce(bedrockYaml(org));
    env.codePipeline.reset();
    env.proxy.guardrails.guardrails.delete(guardrails(org).east);
    const h = harness({ bedrockPolicies: true });
    const metrics: string[] = [];
    h.deps.metrics = { functionName: 'ai-optout-job', write: (line) => metrics.push(line) };
    const { event } = await job({
      files: { 'ai-optout.yaml': bedrockYaml(org) },
      userParameters: { mode: 'audit', failOn },
    });

    // Act
    await runJob(event, h.context, h.deps);

    // Assess: the accounts enforcing the guardrail (Workloads/Prod's) are the violations
    const violation = `violation: prod-app \\(\\d{12}\\) in Root/Workloads/Prod: us-east-1`;
    if (kind === 'failure') {
      const failure = failureOf(event);
      expect(failure.type).toBe('JobFailed');
      expect(failure.lines[0]).toMatch(/^drift: .*violation.* \(mode audit\)$/);
      expect(failure.message).toMatch(new RegExp(violation));
    } else {
      const { variables, summary } = successOf(event);
      expect(variables).toMatchObject({
        VERDICT: 'drift',
        CHANGES: '0',
        MODE: 'audit',
        [`VIOLATIONS_${AI_POLICY_TYPE}`]: '0',
        [`CHANGES_${BEDROCK_POLICY_TYPE}`]: '0',
      });
      expect(variables[`VIOLATIONS_${BEDROCK_POLICY_TYPE}`]).toBe(variables.VIOLATIONS);
      expect(Number(variables.VIOLATIONS)).toBeGreaterThan(0);
      expect(summary).toMatch(new RegExp(violation));
    }
    expect(writes(h.orgCalls)).toBe(0);
    // The run's metrics line, then one per type: the violations are Bedrock's, in prod-app alone.
    const [total, ai, bedrock, ...more] = metrics.map((line) => JSON.parse(line));
    expect(more).toEqual([]);
    expect(total).toMatchObject({ NonCompliantAccounts: 1 });
    expect(ai).toMatchObject({ PolicyType: AI_POLICY_TYPE, Violations: 0, NonCompliantAccounts: 0 });
    expect(bedrock).toMatchObject({ PolicyType: BEDROCK_POLICY_TYPE, NonCompliantAccounts: 1 });
    expect(bedrock.Violations).toBe(total.Violations);
  });
});

describe('pipeline job: a read of both types over two invocations', () => {
  /** The job CodePipeline issues next for the same action execution, carrying the first's token. */
  function continued(event: PipelineEvent): PipelineEvent {
    const result = env.codePipeline.results().find((r) => r.jobId === jobIdOf(event));
    if (result?.kind !== 'success' || !result.continuationToken) throw new Error('no continuation');
    const next = structuredClone(event);
    next['CodePipeline.job'].id = randomUUID();
    (next['CodePipeline.job'].data as { continuationToken?: string }).continuationToken =
      result.continuationToken;
    env.codePipeline.continueJob(jobIdOf(event), jobIdOf(next));
    return next;
  }

  it('saves that the read covers both types, and the next invocation plans the Bedrock policy as read: in sync', async () => {
    // Prepare: an organization an enforce run converged, Bedrock policy included
    const org = await createLzaOrg(env.admin);
    await shareGuardrails(org);
    const yaml = bedrockYaml(org);
    await enforce(yaml);
    env.codePipeline.reset();
    const first = harness({ bedrockPolicies: true });
    first.deps.stateBucket = stateStores(env.adminS3, STATE_BUCKET);
    withDeadlineAt(first, 'ListAccountsForParent', 2);
    const { event } = await job({ files: { 'ai-optout.yaml': yaml }, userParameters: { mode: 'audit' } });

    // Act
    await runJob(event, first.context, first.deps);
    const saved = await stateStores(env.adminS3, STATE_BUCKET).continuations.load(
      JSON.stringify({ v: 1, key: `${CONTINUATIONS_PREFIX}${jobIdOf(event)}.json.gz` }),
    );
    const second = harness({ bedrockPolicies: true });
    second.deps.stateBucket = stateStores(env.adminS3, STATE_BUCKET);
    const next = continued(event);
    await runJob(next, second.context, second.deps);

    // Assess: had the Bedrock policy not been read, the plan would create it again (drift)
    expect(saved.policyTypes).toEqual([AI_POLICY_TYPE, BEDROCK_POLICY_TYPE]);
    expect(saved.progress.hierarchy.pending.length).toBeGreaterThan(0);
    const final = env.codePipeline.results().find((r) => r.jobId === jobIdOf(next));
    expect(final?.kind === 'success' ? final.outputVariables : final).toMatchObject({
      VERDICT: 'in-sync',
      CHANGES: '0',
      VIOLATIONS: '0',
    });
    expect(second.orgCalls.DescribeOrganization).toBeUndefined();
    expect(writes(first.orgCalls) + writes(second.orgCalls)).toBe(0);
  });
});
